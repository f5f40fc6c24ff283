// LocateRuntime (runtime.h): run by nsmatrix before the sandboxes start; the
// sandbox worker gets the path it found.
#include <chrono>

#include "harness/common/strings.h"
#include "harness/common/subprocess.h"
#include "harness/runtime/runtime.h"

namespace nsm {

Result<RuntimeInfo> LocateRuntime(const RuntimeAdapter& adapter) {
  Result<std::string> path = FindRuntimeProgram(adapter);
  if (!path) return std::unexpected(path.error());
  RuntimeInfo info;
  info.kind = adapter.Kind();
  info.path = *path;
  // Asked where nothing it writes reaches the machine: crun 1.8 makes
  // /run/crun even to print its version.
  Result<CapturedOutput> version = RunAndCapture(
      {info.path, "--version"}, std::chrono::milliseconds(5000), SpawnOptions{.own_run = true});
  if (!version)
    return std::unexpected(std::move(version.error()).Wrap("ask " + info.path + " its version"));
  if (!version->status.exited || version->status.code != 0) {
    return Fail(0, info.path + " --version",
                "ended with " + version->status.Describe() + ": " +
                    std::string(Trim(version->output.substr(0, 300))),
                "is " + info.path + " the runtime from the Debian package " +
                    std::string(adapter.Package()) + "?");
  }
  info.version = std::string(Trim(version->output.substr(0, version->output.find('\n'))));
  return info;
}

}  // namespace nsm
