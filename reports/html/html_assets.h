// The HTML reports' inline style sheets and script (internal to nsm_html).
// They are the files in reports/html/assets/, embedded at build time without
// their leading comment (reports/html/CMakeLists.txt).
#pragma once

#include <string_view>

namespace nsm::html_assets {

extern const std::string_view kStyle;         // assets/report.css
extern const std::string_view kScript;        // assets/report.js
extern const std::string_view kCompareStyle;  // assets/compare.css, after kStyle

}  // namespace nsm::html_assets
