#include "harness/kernel/kernel_config.h"

#include <zlib.h>

#include "harness/common/io.h"
#include "harness/common/strings.h"

namespace nsm {
namespace {

constexpr size_t kMaxConfigBytes = 16 << 20;

Result<std::string> ReadGzip(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (!file) return FailErrno("gzopen " + path);
  std::string out;
  char chunk[65536];
  int got = 0;
  while ((got = gzread(file, chunk, sizeof(chunk))) > 0) {
    out.append(chunk, static_cast<size_t>(got));
    if (out.size() > kMaxConfigBytes) {
      gzclose(file);
      return Fail(EFBIG, "read " + path, "more than 16 MiB decompressed");
    }
  }
  int gz_err = 0;
  std::string message = gzerror(file, &gz_err);
  // A stream cut short reads as an end of file (gzread returns 0): zlib
  // says so only through gzerror and gzclose, as Z_BUF_ERROR.
  const int closed = gzclose(file);
  if (got < 0 || gz_err == Z_BUF_ERROR || closed == Z_BUF_ERROR) {
    return Fail(EIO, "decompress " + path,
                message.empty() ? "the compressed data ends early" : message);
  }
  return out;
}

}  // namespace

std::optional<std::string> KernelConfig::Value(std::string_view option) const {
  auto it = values.find(std::string(option));
  if (it == values.end()) return std::nullopt;
  return it->second;
}

bool KernelConfig::Enabled(std::string_view option) const {
  std::optional<std::string> v = Value(option);
  return v && (*v == "y" || *v == "m");
}

std::vector<std::string> DefaultConfigPaths(const std::string& release) {
  return {"/proc/config.gz", "/boot/config-" + release,
          "/lib/modules/" + release + "/build/.config"};
}

KernelConfig ParseKernelConfig(std::string_view text, std::string source) {
  KernelConfig config;
  config.source = std::move(source);
  for (std::string_view line : Split(text, '\n')) {
    line = Trim(line);
    constexpr std::string_view kNotSet = " is not set";
    if (line.starts_with("# CONFIG_") && line.ends_with(kNotSet)) {
      std::string_view name = line.substr(2, line.size() - 2 - kNotSet.size());
      config.values[std::string(name)] = "n";
      continue;
    }
    if (!line.starts_with("CONFIG_")) continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view value = line.substr(eq + 1);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    config.values[std::string(line.substr(0, eq))] = std::string(value);
  }
  return config;
}

Result<KernelConfig> ReadKernelConfig(const std::string& path) {
  Result<std::string> text =
      path.ends_with(".gz") ? ReadGzip(path) : ReadFile(path, kMaxConfigBytes);
  if (!text) return std::unexpected(text.error());
  KernelConfig config = ParseKernelConfig(*text, path);
  if (config.values.empty())
    return Fail(EINVAL, "parse " + path, "no CONFIG_ option in it: not a kernel config");
  return config;
}

Result<KernelConfig> FindKernelConfig(const std::optional<std::string>& explicit_path,
                                      const std::string& release) {
  if (explicit_path) return ReadKernelConfig(*explicit_path);
  std::vector<std::string> tried;
  for (const std::string& path : DefaultConfigPaths(release)) {
    Result<KernelConfig> config = ReadKernelConfig(path);
    if (config) return config;
    tried.push_back(path + " (" + ErrnoName(config.error().err) + ")");
  }
  return Fail(ENOENT, "find the kernel config", "tried " + Join(tried, ", "),
              "load the configs module (modprobe configs) for /proc/config.gz, or pass "
              "--config PATH");
}

}  // namespace nsm
