#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nsm {

std::vector<std::string_view> Split(std::string_view text, char sep);
std::string_view Trim(std::string_view text);
template <typename Range>
std::string Join(const Range& parts, std::string_view sep) {
  std::string out;
  bool first = true;
  for (const auto& part : parts) {
    if (!first) out += sep;
    out += part;
    first = false;
  }
  return out;
}

}  // namespace nsm
