// Markdown pieces every Markdown writer uses alike.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/common/strings.h"

namespace nsm {

// `text` as inline code, whatever backticks it holds.
inline std::string MdCode(std::string_view text) {
  if (text.find('`') == std::string_view::npos) return "`" + std::string(text) + "`";
  return "`` " + std::string(text) + " ``";
}

// One table row.
inline std::string MdRow(const std::vector<std::string>& cells) {
  return "| " + Join(cells, " | ") + " |\n";
}

}  // namespace nsm
