// The gate's comparison: a baseline's cells against a current run's, typed
// (reports/matrix_cells.h), each pair given at most one kind of difference.
#include "harness/gate/gate.h"

#include <cerrno>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/gate/gate_internal.h"
#include "reports/matrix_cells.h"

namespace nsm {
namespace {

using gate_internal::ListNames;
using nlohmann::json;

constexpr const char* kAbsent = "absent";

using CellKey = std::pair<unsigned, std::string>;  // combination index, probe

struct Matrix {
  std::vector<MatrixCell> cells;
  std::map<CellKey, size_t> index;
};

CellKey KeyOf(const MatrixCell& cell) {
  return {cell.combination.Index(), cell.probe};
}

Result<Matrix> ReadMatrix(const json& doc, const char* which) {
  Result<std::vector<MatrixCell>> cells = ReadMatrixCells(doc);
  if (!cells) {
    return Fail(EINVAL, "compare matrices", std::string(which) + ": " + cells.error().context,
                "the baseline and the current matrix must be JSON reports written by "
                "`nsmatrix run --json` (schema nsmatrix/1)");
  }
  Matrix matrix;
  matrix.cells = std::move(*cells);
  for (size_t i = 0; i < matrix.cells.size(); ++i) matrix.index.emplace(KeyOf(matrix.cells[i]), i);
  return matrix;
}

bool Runs(Outcome outcome) {
  return outcome == Outcome::isolated || outcome == Outcome::leaked;
}

// The regression kind for a cell present in both, or "".
std::string RegressionKind(const MatrixCell& before, const MatrixCell& after) {
  if (before.outcome == Outcome::isolated && after.outcome == Outcome::leaked)
    return "isolation-lost";
  if (before.outcome != Outcome::unsupported && after.outcome == Outcome::unsupported)
    return "support-lost";
  if (before.outcome != Outcome::refused && before.outcome != Outcome::unsupported &&
      after.outcome == Outcome::refused)
    return "runtime-refused";
  if (before.outcome != Outcome::error && after.outcome == Outcome::error) return "probe-error";
  if (after.verdict == Verdict::fail &&
      (before.verdict == Verdict::pass || before.verdict == Verdict::skip)) {
    return "verdict-fail";
  }
  // A cell that failed before and fails differently now is no improvement: a
  // baseline error must not hide a leak that replaced it.
  if (after.verdict == Verdict::fail && before.outcome != after.outcome) return "verdict-fail";
  // Nor is a cell that fails as it failed: a baseline that recorded a failure
  // does not accept it for good (an allow-list entry does, with its reason).
  if (after.verdict == Verdict::fail) return "still-fail";
  return {};
}

// The improvement kind for a cell present in both without a regression, or "".
std::string ImprovementKind(const MatrixCell& before, const MatrixCell& after) {
  if (before.outcome == Outcome::leaked && after.outcome == Outcome::isolated)
    return "isolation-gained";
  if (before.outcome == Outcome::unsupported && Runs(after.outcome)) return "support-gained";
  if (before.outcome == Outcome::refused && Runs(after.outcome)) return "runtime-accepted";
  if (before.outcome == Outcome::error && Runs(after.outcome)) return "error-fixed";
  if (before.verdict == Verdict::fail && after.verdict == Verdict::pass) return "verdict-pass";
  return {};
}

std::string Describe(const std::string& kind, const MatrixCell& before, const MatrixCell& after) {
  if (kind == "verdict-fail" || kind == "verdict-pass" || kind == "still-fail") {
    std::string text = "verdict " + std::string(Name(before.verdict)) + " -> " +
                       std::string(Name(after.verdict)) + " (expected " +
                       std::string(ExpectedName(after)) + ")";
    return after.detail.empty() ? text : text + ": " + after.detail;
  }
  return after.detail;
}

}  // namespace

Result<GateResult> CompareMatrices(const json& baseline, const json& current,
                                   const AllowList& allow) {
  Result<Matrix> base = ReadMatrix(baseline, "baseline");
  if (!base) return std::unexpected(std::move(base.error()));
  Result<Matrix> cur = ReadMatrix(current, "current");
  if (!cur) return std::unexpected(std::move(cur.error()));
  // Another runtime's matrix is no baseline: its refusals would turn into
  // improvements, and a runtime that was never run would pass its gate.
  std::optional<std::string> was = MatrixRuntimeName(baseline), is = MatrixRuntimeName(current);
  if (!was || !is) {
    return Fail(EINVAL, "compare matrices",
                std::string(!was ? "the baseline" : "the current matrix") +
                    " has a runtime section without a name");
  }
  if (*was != *is) {
    return Fail(
        EINVAL, "compare matrices",
        "the baseline's containers were made by " + *was + ", the current matrix's by " + *is,
        "gate a matrix against a baseline of the same runtime (ci/baseline/"
        "matrix-RUNTIME.json); nsmatrix report --compare shows how two runtimes differ");
  }

  GateResult result;
  std::vector<std::string> verdicts_changed;  // neither a regression nor an improvement
  auto regression = [&](GateDifference d) {
    if (const AllowEntry* entry = FindAllowEntry(allow, d.combination, d.probe, d.after)) {
      d.reason = entry->reason;
      result.allowed.push_back(std::move(d));
    } else {
      result.regressions.push_back(std::move(d));
    }
  };
  for (const MatrixCell& before : base->cells) {
    const std::string combination = before.combination.ToString();
    const std::string was(Name(before.outcome));
    auto found = cur->index.find(KeyOf(before));
    if (found == cur->index.end()) {
      regression({combination, before.probe, "cell-missing", was, kAbsent,
                  "absent from the current matrix", ""});
      continue;
    }
    const MatrixCell& after = cur->cells[found->second];
    const std::string is(Name(after.outcome));
    if (std::string kind = RegressionKind(before, after); !kind.empty()) {
      regression({combination, before.probe, kind, was, is, Describe(kind, before, after), ""});
    } else if (std::string kind = ImprovementKind(before, after); !kind.empty()) {
      result.improvements.push_back(
          {combination, before.probe, kind, was, is, Describe(kind, before, after), ""});
    } else if (before.verdict != after.verdict) {
      verdicts_changed.push_back(combination + " " + before.probe + " " +
                                 std::string(Name(before.verdict)) + " -> " +
                                 std::string(Name(after.verdict)));
    }
  }
  // A cell the baseline lacks (a new probe, a wider run) is judged on its own: a
  // failed verdict there is a regression, or a leak in a new probe would pass.
  for (const MatrixCell& after : cur->cells) {
    if (base->index.contains(KeyOf(after))) continue;
    GateDifference d{after.combination.ToString(),     after.probe,  "cell-new", kAbsent,
                     std::string(Name(after.outcome)), after.detail, ""};
    if (after.verdict == Verdict::fail) {
      d.kind = "new-fail";
      d.detail = "verdict fail (expected " + std::string(ExpectedName(after)) + ")" +
                 (after.detail.empty() ? "" : ": " + after.detail);
      regression(std::move(d));
    } else {
      result.improvements.push_back(std::move(d));
    }
  }
  result.context_differences =
      gate_internal::ContextDifferences(baseline, base->cells, current, cur->cells);
  if (!verdicts_changed.empty()) {
    result.context_differences.push_back("verdicts changed with the same outcome: " +
                                         ListNames(verdicts_changed));
  }
  return result;
}

}  // namespace nsm
