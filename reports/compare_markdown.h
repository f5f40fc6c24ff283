// The comparison of several matrices (reports/compare.h) as Markdown.
#pragma once

#include <string>

#include "reports/compare.h"

namespace nsm {

// GitHub-flavoured Markdown: a one-line verdict (what differs, or "No differences"),
// the runs (one column each from here on), the kernel checks, kernel settings and
// cells that differ, then how many are identical in every run. Table cells are
// escaped with EscapeTableCell; details are cut to 300 bytes.
std::string RenderCompareMarkdown(const Comparison& comparison);

// "3 cells, 2 kernel checks and 1 kernel setting differ" or "nothing differs".
std::string CompareVerdict(const Comparison& comparison);

}  // namespace nsm
