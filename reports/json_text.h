// The text of a JSON document as nsmatrix writes it: two-space indent and a
// final newline. Strings come from the kernel, the system and the probes, and
// any of them may hold bytes that are not UTF-8 (a hostname, a process name,
// a path): those are written as U+FFFD instead of failing the whole report.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace nsm {

inline std::string JsonText(const nlohmann::json& doc) {
  std::string text = doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  text += '\n';
  return text;
}

}  // namespace nsm
