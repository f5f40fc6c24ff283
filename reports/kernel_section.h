// Renders a kernel report (the "kernel" section of a matrix document, or the
// same object inside an "nsmatrix-kernel/1" document) as terminal text and as
// Markdown. Lenient: missing or mistyped members render as "?".
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace nsm {

// Types whose check as `as` ("root" or "unprivileged") is not "usable", in
// report order; checks skipped on purpose ("skipped": true) are not counted.
std::vector<std::string> TypesNotUsable(const nlohmann::json& kernel, const char* as);

// Types whose check as `as` was skipped on purpose (e.g. not root).
std::vector<std::string> TypesSkipped(const nlohmann::json& kernel, const char* as);

// For `nsmatrix kernel`. `color`: ANSI colours for the statuses.
std::string RenderKernelText(const nlohmann::json& kernel, bool color);

// A "## Kernel" section for the matrix's Markdown report.
std::string RenderKernelMarkdown(const nlohmann::json& kernel);

}  // namespace nsm
