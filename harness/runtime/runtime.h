// Container runtimes other than nsmatrix's own launcher. An adapter turns one
// combination and the run's options into the runtime's own command line, or
// says why that runtime has no way to make such a container (the cell is then
// `refused`). The runtime runs inside the host sandbox like the native
// launcher's containers, so the same fixtures and judges apply.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "harness/common/namespaces.h"
#include "harness/common/result.h"
#include "harness/launcher/child_steps.h"
#include "harness/launcher/id_map.h"

namespace nsm {

enum class RuntimeKind { native, unshare, bwrap };

std::string_view Name(RuntimeKind kind);
Result<RuntimeKind> ParseRuntime(std::string_view text);

// What one container must be, in the terms every runtime understands.
struct RuntimeCell {
  NsSet namespaces;
  UsernsMap userns_map = UsernsMap::unprivileged;
  Propagation propagation = Propagation::kPrivate;
  long time_offset_seconds = 0;         // monotonic and boottime, for a new time namespace
  std::string probe_program;            // the path the runtime execs
  std::vector<std::string> probe_args;  // after argv[0]
};

struct Refusal {
  std::string why;
};

class RuntimeAdapter {
 public:
  virtual ~RuntimeAdapter() = default;
  virtual RuntimeKind Kind() const = 0;
  virtual std::string_view Program() const = 0;  // looked up on PATH
  virtual std::string_view Package() const = 0;  // the Debian package that has it
  // The propagation every container of this runtime gets, when it offers no
  // choice (the rules then judge by it); nullopt: the run's --propagation.
  virtual std::optional<Propagation> FixedPropagation() const { return std::nullopt; }
  // argv (argv[0] = runtime_path) that runs the probe in such a container,
  // or why the runtime cannot make it.
  virtual std::variant<std::vector<std::string>, Refusal> Command(
      const RuntimeCell& cell, const std::string& runtime_path) const = 0;
};

// nullptr for native, which is the launcher itself.
std::unique_ptr<RuntimeAdapter> MakeRuntimeAdapter(RuntimeKind kind);

// Probes that need the native launcher to act between a container's set-up and
// its exec, which no runtime offers: they are left out of a runtime's run.
// {probe id, what it needs}.
const std::vector<std::pair<std::string_view, std::string_view>>& ProbesNeedingTheLauncher();

struct RuntimeInfo {
  RuntimeKind kind = RuntimeKind::native;
  std::string path;     // absolute; empty for native
  std::string version;  // the first line of `PROGRAM --version`
};

// The first executable regular file `program` in the directories of $PATH
// (absolute ones only: never the current directory), or ENOENT naming the
// Debian package that has it.
Result<std::string> FindOnPath(std::string_view program, std::string_view package);
inline Result<std::string> FindRuntimeProgram(const RuntimeAdapter& adapter) {
  return FindOnPath(adapter.Program(), adapter.Package());
}

// Can unshare(1) map --userns-map unprivileged's range (container root = ids
// 100000-165535) here? It goes through newuidmap/newgidmap, which need the
// uidmap package and root's ranges in /etc/subuid and /etc/subgid. Why not,
// as an error with what to do; success when it can.
// Does `file` (subuid(5)/subgid(5) format) give root (by name or as 0) a range
// covering ids 100000-165535?
bool GivesRootTheUnprivilegedRange(const std::string& file);
Status CheckSubordinateIdTools(const std::string& subuid = "/etc/subuid",
                               const std::string& subgid = "/etc/subgid");

// Finds the runtime's program on PATH and asks its version. Exit-2 material
// when it is missing: the error names the Debian package.
Result<RuntimeInfo> LocateRuntime(const RuntimeAdapter& adapter);

}  // namespace nsm
