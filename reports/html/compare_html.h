// The comparison of several matrices (reports/compare.h) as one self-contained HTML file.
#pragma once

#include <string>

#include "reports/compare.h"

namespace nsm {

// The verdict (what differs, or "No differences"), the runs (one column each from
// here on), the kernel checks, kernel settings and cells that differ (a cell shows its
// outcome chip, its verdict and its evidence), then how many are identical in every
// run. A value that differs from the first run's is marked. The matrix report's inline
// style sheet, no script, no external resources; every string is escaped with
// EscapeHtml.
std::string RenderCompareHtml(const Comparison& comparison);

}  // namespace nsm
