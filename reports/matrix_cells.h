// A document's cells, typed: the one encoding of a cell in an nsmatrix/1
// document. The document builder writes cells with CellToJson; the gate reads
// them with ReadMatrixCells, strictly, and compares outcomes and verdicts as
// enums. The renderers read documents leniently instead (json_access.h): they
// show whatever a document holds, hostile or not.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/common/namespaces.h"
#include "harness/common/outcome.h"
#include "harness/common/result.h"

namespace nsm {

struct MatrixCell {
  NsSet combination;
  std::string probe;
  Outcome outcome = Outcome::error;
  std::optional<Outcome> expected;  // always written; a hand-made document may leave it out
  Verdict verdict = Verdict::fail;
  std::string detail;
  std::string expectation_override;  // "source: reason" of a scenario's override; empty: none

  bool operator==(const MatrixCell&) const = default;
};

// The expected outcome's name, or "?" for a cell that does not say.
std::string_view ExpectedName(const MatrixCell& cell);

// Which runtime made a matrix's containers: its "runtime" section's name, or
// "native" (nsmatrix's own launcher) when it has none; nullopt when it has a
// runtime section without a string name.
std::optional<std::string> MatrixRuntimeName(const nlohmann::json& doc);

// The set a cell's "namespaces" names: an array of distinct namespace names
// (any order); nullopt for anything else.
std::optional<NsSet> NamespacesNamed(const nlohmann::json& names);

// {"combination", "detail", "expected", ["expectation_override"], "namespaces",
//  "outcome", "probe", "verdict"}, built in key order.
nlohmann::json CellToJson(MatrixCell cell);

// The cells of `doc`, which must be an nsmatrix/1 object with a "cells" array
// of objects, each with a combination (as NsSet::Parse takes it), a probe, an
// outcome and a verdict of the known words, and each (combination, probe)
// once. The error (EINVAL) says which cell and what is wrong in its context.
Result<std::vector<MatrixCell>> ReadMatrixCells(const nlohmann::json& doc);

}  // namespace nsm
