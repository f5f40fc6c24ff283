// What the HTML writer's tests share: counting and cutting rendered text, and
// a gate result to render.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

namespace nsm::html_tests {

// How often `needle` occurs in `haystack`, without overlaps.
inline size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

// The text between the first `begin` and the next `end` after it.
inline std::string Between(const std::string& text, const std::string& begin,
                           const std::string& end) {
  size_t from = text.find(begin);
  if (from == std::string::npos) return "";
  size_t to = text.find(end, from + begin.size());
  return text.substr(from, to == std::string::npos ? std::string::npos : to - from);
}

// A gate result with one regression, one improvement and one allowed entry.
inline nlohmann::json SampleGate() {
  return nlohmann::json::parse(R"({
    "baseline": {"generated_at": "2026-11-01T08:00:00Z", "kernel_release": "6.1.0",
                 "options": {"combinations": 4, "userns_map": "unprivileged"}},
    "current": {"generated_at": "2026-11-30T12:00:00Z", "kernel_release": "6.18.44",
                "options": {"combinations": 4, "userns_map": "unprivileged"}},
    "context_differences": ["kernel 6.1.0 -> 6.18.44"],
    "regressions": [{"combination": "uts", "probe": "uts.hostname", "before": "isolated",
                     "after": "leaked", "kind": "isolation lost",
                     "detail": "hostname set in the container is visible on the host"}],
    "improvements": [{"combination": "mnt+pid", "probe": "pid.see_host", "before": "leaked",
                      "after": "isolated", "kind": "isolation gained", "detail": "not found"}],
    "allowed": [{"combination": "uts", "probe": "ipc.sysv_shm", "before": "leaked",
                 "after": "error", "kind": "now an error", "detail": "ENOSPC",
                 "reason": "shmmni is tiny on the CI runners"}]
  })");
}

}  // namespace nsm::html_tests
