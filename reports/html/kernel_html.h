// The matrix report's "Kernel" section: what the kernel allowed when the
// matrix ran (the document's "kernel" object), one row per namespace type.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace nsm {

// Appends <section id="kernel">; nothing when `kernel` is not an object.
void RenderKernelSection(const nlohmann::json& kernel, std::string& out);

}  // namespace nsm
