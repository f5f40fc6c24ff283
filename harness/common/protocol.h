// The probe protocol: how a probe inside a container reports to the harness.
//
// A probe writes lines to an inherited descriptor (kResultFd):
//   nsmatrix-probe/1 pid=1
//   probe ns.net dev=4 ino=4026532177
//   probe uts.hostname rc=-1 errno=1
//   end probes=2
// Each line is one record: a kind, an id and key=value fields, values
// percent-encoded. The final `end` record is mandatory: a probe that dies
// before it has reported is an error, never a pass.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/common/result.h"

namespace nsm::protocol {

inline constexpr std::string_view kHello = "nsmatrix-probe/1";
inline constexpr int kResultFd = 3;

struct Record {
  std::string kind;  // "probe", "end", kHello; the harness's own channels add more
  std::string id;    // probe id; empty for hello and end
  std::vector<std::pair<std::string, std::string>> fields;

  Record& Add(std::string key, std::string value);
  Record& Add(std::string key, long long value) {
    return Add(std::move(key), std::to_string(value));
  }
  std::optional<std::string_view> Get(std::string_view key) const;
  std::optional<long long> GetInt(std::string_view key) const;
};

std::string Escape(std::string_view value);
Result<std::string> Unescape(std::string_view value);

// One line, without the newline.
std::string Format(const Record& record);
Result<Record> Parse(std::string_view line);

}  // namespace nsm::protocol
