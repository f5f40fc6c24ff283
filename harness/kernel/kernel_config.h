// The kernel's build configuration (the CONFIG_* options), as
// /proc/config.gz, /boot/config-$(uname -r) or a build tree's .config give it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/common/result.h"

namespace nsm {

struct KernelConfig {
  std::string source;                         // the file it was read from
  std::map<std::string, std::string> values;  // "CONFIG_NET_NS" -> "y"; "n" for "is not set"

  // "y", "m", a string or number, "n" (explicitly not set); nullopt when the
  // option is not mentioned at all (not in this kernel version, or not applicable).
  std::optional<std::string> Value(std::string_view option) const;
  bool Enabled(std::string_view option) const;  // "y" or "m"
};

// The places looked at, in order, when no --config is given.
std::vector<std::string> DefaultConfigPaths(const std::string& release);

// Parses config text: "CONFIG_X=y", "CONFIG_X=\"str\"" (quotes dropped) and
// "# CONFIG_X is not set"; everything else is ignored.
KernelConfig ParseKernelConfig(std::string_view text, std::string source);

// Reads a config file; a name ending in ".gz" is decompressed (zlib).
Result<KernelConfig> ReadKernelConfig(const std::string& path);

// `explicit_path` set: that file or an error. Otherwise the first default path
// that reads; the error lists every place tried.
Result<KernelConfig> FindKernelConfig(const std::optional<std::string>& explicit_path,
                                      const std::string& release);

}  // namespace nsm
