// The gate: compares a current matrix with a baseline and fails on regressions.
//
// Cells are keyed by (combination, probe). Per cell at most one difference, the most
// specific kind:
//   regressions
//     isolation-lost  outcome isolated -> leaked
//     support-lost    outcome isolated or leaked -> unsupported
//     runtime-refused outcome isolated, leaked or error -> refused (a runtime
//                     no longer makes a container it made)
//     probe-error     any other outcome -> error
//     verdict-fail    verdict pass or skip -> fail, or fail -> fail with another
//                     outcome, when none of the above applies
//     still-fail      verdict fail in both, with the same outcome (a baseline that
//                     recorded a failure does not accept it; an allow entry does)
//     cell-missing    in the baseline, absent from the current matrix
//     new-fail        absent from the baseline, in the current matrix with verdict
//                     fail (a new probe that leaks, or errs, is not an improvement)
//   improvements (only for cells without a regression)
//     isolation-gained  leaked -> isolated
//     support-gained    unsupported -> isolated or leaked
//     runtime-accepted  refused -> isolated or leaked
//     error-fixed       error -> isolated or leaked
//     verdict-pass      verdict fail -> pass, when none of the above applies
//     cell-new          absent from the baseline, in the current matrix, verdict
//                       pass or skip
// A regression matched by an allow-list entry goes to `allowed`, with the entry's reason.
// `before` and `after` are always outcomes ("absent" for a missing cell); for the
// verdict kinds `detail` starts with the verdict change.
//
// What differs between the runs beyond cells (kernel, architecture, mode, options,
// probe lists, the `vm` a run was made in) is reported in context_differences: shown,
// never hidden, and never by itself a failure. So are cells whose verdict changed
// between pass and skip (or fail -> skip) with the same outcome: no regression, no
// improvement, but not the same.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/common/result.h"
#include "harness/gate/allow_list.h"

namespace nsm {

struct GateDifference {
  std::string combination, probe, kind, before, after, detail, reason;
};

struct GateResult {
  std::vector<GateDifference> regressions, improvements, allowed;
  // "kernel_release: 6.1.0 -> 6.18.44", "options.userns_map: unprivileged -> root",
  // "probes only in baseline: x, y"
  std::vector<std::string> context_differences;
  bool Failed() const { return !regressions.empty(); }
};

// Differences in baseline-cell order, then new cells in current order. Errors (exit-2
// material) when either document is not an "nsmatrix/1" object with a "cells" array of
// cells with string combination and probe, a known outcome and verdict, when a
// (combination, probe) pair occurs twice in one document, or when the two were made
// by different runtimes (the "runtime" section's name; none is nsmatrix's own
// launcher): another runtime's refusals would read as improvements.
Result<GateResult> CompareMatrices(const nlohmann::json& baseline, const nlohmann::json& current,
                                   const AllowList& allow);

// Adds "label: before -> after" to `out` when the two values differ; an absent value
// (nullptr) reads "(absent)", strings as themselves, anything else as compact JSON.
void AddContextDifference(const std::string& label, const nlohmann::json* before,
                          const nlohmann::json* after, std::vector<std::string>& out);

// {"failed": bool,
//  "baseline": {"generated_at", "kernel_release", "options"}, "current": {...},
//  "context_differences": [...], "regressions": [...], "improvements": [...],
//  "allowed": [...]}; each difference is {combination, probe, kind, before, after,
//  detail} plus "reason" in "allowed".
nlohmann::json GateToJson(const GateResult& result, const nlohmann::json& baseline,
                          const nlohmann::json& current);

// For the terminal, one line each (control characters escaped, line breaks as " | "):
//   REGRESSION mnt+pid pid.see_host: isolated -> leaked (isolation-lost) <detail>
//   IMPROVEMENT ...
//   ALLOWED ... (<kind>) <detail> [allowed: <reason>]
//   CONTEXT kernel_release: 6.1.0 -> 6.18.44
// then "gate: FAILED: 2 regressions (1 allowed, 3 improvements)" or "gate: PASSED: ...".
std::string RenderGateText(const GateResult& result);

// GitHub-flavoured Markdown: verdict, context differences, then tables of regressions,
// allowed regressions and improvements. At most `limit` bytes: rows that do not fit are
// counted in "... and N more" lines (regressions are listed first).
std::string RenderGateMarkdown(const GateResult& result, size_t limit = 1000 * 1024);

}  // namespace nsm
