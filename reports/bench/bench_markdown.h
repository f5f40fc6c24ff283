// The benchmark report as Markdown, the comparison of two runs, and the few lines
// nsmatrix-bench prints after its console table.
#pragma once

#include <string>

#include "reports/bench/bench_compare.h"
#include "reports/bench/bench_report.h"

namespace nsm {

// Machine and run, the overheads against their targets, one table per section, then
// what was skipped or failed; `comparison` (may be null) is appended.
std::string RenderBenchMarkdown(const BenchReport& report,
                                const BenchComparison* comparison = nullptr);

// Every benchmark measured in both runs: old and new medians and their ratio, the
// slower ones marked; then what could not be compared.
std::string RenderComparisonMarkdown(const BenchComparison& comparison);

// Plain text, one line each for the launch overhead, the matrix overhead and the peak
// memory, for those that were measured; empty when none was.
std::string RenderOverheadSummary(const BenchReport& report);

}  // namespace nsm
