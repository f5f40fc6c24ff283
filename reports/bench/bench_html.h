// The benchmark report as one self-contained HTML page: the same tables as the
// Markdown (bench_tables.h) with an inline SVG bar chart per section. No script and no
// external resources; every text from the benchmark JSON is escaped.
#pragma once

#include <string>

#include "reports/bench/bench_compare.h"
#include "reports/bench/bench_report.h"

namespace nsm {

std::string RenderBenchHtml(const BenchReport& report, const BenchComparison* comparison = nullptr);

}  // namespace nsm
