#include "harness/cli/terminal.h"

#include <algorithm>
#include <cstdio>
#include <map>

namespace nsm {

void ProgressLine::Update(size_t done, size_t total) {
  if (!enabled_) return;
  fprintf(stderr, "\r\033[Knsmatrix: %zu/%zu combinations", done, total);
  fflush(stderr);
  shown_ = true;
}

void ProgressLine::Finish() {
  if (shown_) fprintf(stderr, "\r\033[K");
  shown_ = false;
}

std::string RenderSummary(const RunPlan& plan, const MatrixResult& result) {
  struct Counts {
    int isolated = 0, leaked = 0, unsupported = 0, refused = 0, error = 0, fail = 0;
  };
  std::map<std::string, Counts> by_probe;
  int pass = 0, fail = 0, skip = 0;
  for (const CellResult& cell : result.cells) {
    Counts& c = by_probe[cell.probe];
    switch (cell.outcome) {
      case Outcome::isolated:
        ++c.isolated;
        break;
      case Outcome::leaked:
        ++c.leaked;
        break;
      case Outcome::unsupported:
        ++c.unsupported;
        break;
      case Outcome::refused:
        ++c.refused;
        break;
      case Outcome::error:
        ++c.error;
        break;
    }
    if (cell.verdict == Verdict::fail) ++c.fail;
    (cell.verdict == Verdict::pass ? pass : cell.verdict == Verdict::fail ? fail : skip)++;
  }
  // A runtime's refusals get a column of their own; the native launcher has none.
  const bool runtime = plan.runtime.kind != RuntimeKind::native;
  // The probe column as wide as its longest id, so the counts line up.
  int width = 5;
  for (const ProbeSpec* spec : plan.probes)
    width = std::max(width, static_cast<int>(spec->id.size()));
  std::string out;
  char line[512];
  snprintf(line, sizeof(line), "%-*s %9s %7s %12s%s %6s %5s  %s\n", width, "probe", "isolated",
           "leaked", "unsupported", runtime ? "  refused" : "", "error", "fail",
           "expected isolated when");
  out += line;
  for (const ProbeSpec* spec : plan.probes) {
    const Counts& c = by_probe[spec->id];
    char refused[16] = "";
    if (runtime) snprintf(refused, sizeof(refused), " %8d", c.refused);
    snprintf(line, sizeof(line), "%-*s %9d %7d %12d%s %6d %5d  %s\n", width, spec->id.c_str(),
             c.isolated, c.leaked, c.unsupported, refused, c.error, c.fail,
             spec->isolated_when.Text().c_str());
    out += line;
  }
  if (runtime) {
    out += "\nruntime " + std::string(Name(plan.runtime.kind)) + " (" + plan.runtime.version +
           ", " + plan.runtime.path + ") accepted " + std::to_string(result.accepted_combinations) +
           " of " + std::to_string(plan.combinations.size()) + " combinations\n";
    for (const auto& [probe, why] : plan.runtime_left_out) {
      out += "not run under " + std::string(Name(plan.runtime.kind)) + ": " + probe + " (" + why +
             ")\n";
    }
  }
  snprintf(
      line, sizeof(line),
      "\n%zu combinations x %zu probes = %zu cells in %.2f s: %d pass, %d fail, %d skip -> %s\n",
      plan.combinations.size(), plan.probes.size(), result.cells.size(), result.seconds, pass, fail,
      skip,
      fail        ? "FAILED"
      : pass == 0 ? "NOTHING TESTED"
                  : "PASSED");
  out += line;
  return out;
}

}  // namespace nsm
