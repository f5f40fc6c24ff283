// LocateRuntime (runtime.h): in the nsmatrix program only, which can start
// and read a subprocess (harness/vm's RunAndCapture); the sandbox worker gets
// the path it found.
#include <unistd.h>

#include <chrono>

#include "harness/common/strings.h"
#include "harness/runtime/runtime.h"
#include "harness/vm/subprocess_output.h"

namespace nsm {

Result<RuntimeInfo> LocateRuntime(const RuntimeAdapter& adapter) {
  std::string program(adapter.Program());
  const char* path_env = getenv("PATH");
  std::string search = path_env && *path_env ? path_env : "/usr/local/bin:/usr/bin:/bin";
  for (std::string_view dir : Split(search, ':')) {
    if (dir.empty() || dir[0] != '/') continue;  // never the current directory
    std::string candidate = std::string(dir) + "/" + program;
    if (access(candidate.c_str(), X_OK) != 0) continue;
    RuntimeInfo info;
    info.kind = adapter.Kind();
    info.path = candidate;
    Result<CapturedOutput> version =
        RunAndCapture({candidate, "--version"}, std::chrono::milliseconds(5000));
    if (!version)
      return std::unexpected(std::move(version.error()).Wrap("ask " + candidate + " its version"));
    if (!version->status.exited || version->status.code != 0) {
      return Fail(0, candidate + " --version", "ended with " + version->status.Describe(),
                  "is " + candidate + " the runtime from the Debian package " +
                      std::string(adapter.Package()) + "?");
    }
    std::string first = version->output.substr(0, version->output.find('\n'));
    info.version = std::string(Trim(first));
    return info;
  }
  return Fail(ENOENT, "find " + program, "not on PATH (" + search + ")",
              "install it: apt-get install " + std::string(adapter.Package()));
}

}  // namespace nsm
