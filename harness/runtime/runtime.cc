#include "harness/runtime/runtime.h"

#include <unistd.h>

#include <cstdlib>

#include "harness/common/strings.h"
#include "harness/runtime/bwrap_adapter.h"
#include "harness/runtime/unshare_adapter.h"

namespace nsm {

std::string_view Name(RuntimeKind kind) {
  switch (kind) {
    case RuntimeKind::native:
      return "native";
    case RuntimeKind::unshare:
      return "unshare";
    case RuntimeKind::bwrap:
      return "bwrap";
  }
  return "?";
}

Result<RuntimeKind> ParseRuntime(std::string_view text) {
  for (RuntimeKind kind : {RuntimeKind::native, RuntimeKind::unshare, RuntimeKind::bwrap}) {
    if (text == Name(kind)) return kind;
  }
  return Fail(EINVAL, "parse runtime",
              "'" + std::string(text) + "' is not native, unshare or bwrap");
}

std::unique_ptr<RuntimeAdapter> MakeRuntimeAdapter(RuntimeKind kind) {
  switch (kind) {
    case RuntimeKind::native:
      return nullptr;
    case RuntimeKind::unshare:
      return std::make_unique<UnshareAdapter>();
    case RuntimeKind::bwrap:
      return std::make_unique<BwrapAdapter>();
  }
  return nullptr;
}

const std::vector<std::pair<std::string_view, std::string_view>>& ProbesNeedingTheLauncher() {
  static const std::vector<std::pair<std::string_view, std::string_view>> kProbes = {
      {"pid.signal_sender",
       "needs a signal made pending in the container before its program starts"},
      {"mnt.propagation_in",
       "needs a host mount made after the container's mounts are set up and before its program "
       "starts"},
  };
  return kProbes;
}

Result<std::string> FindRuntimeProgram(const RuntimeAdapter& adapter) {
  std::string program(adapter.Program());
  const char* path_env = getenv("PATH");
  std::string search = path_env && *path_env ? path_env : "/usr/local/bin:/usr/bin:/bin";
  for (std::string_view dir : Split(search, ':')) {
    if (dir.empty() || dir[0] != '/') continue;  // never the current directory
    std::string candidate = std::string(dir) + "/" + program;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return Fail(ENOENT, "find " + program, "not on PATH (" + search + ")",
              "install it: apt-get install " + std::string(adapter.Package()));
}

}  // namespace nsm
