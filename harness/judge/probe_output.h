// Reads what a probe wrote over its result descriptor. A missing hello, a
// garbled line or a missing end record is a stream error: the probes without a
// record get outcome `error` with the reason, never a verdict.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/common/protocol.h"

namespace nsm {

struct ProbeOutput {
  std::map<std::string, protocol::Record, std::less<>> records;  // by probe id
  std::optional<std::string> stream_error;                       // why the stream is incomplete
};

ProbeOutput ParseProbeOutput(std::string_view text, const std::vector<std::string>& requested);

}  // namespace nsm
