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

#include "harness/common/io.h"
#include "harness/common/namespaces.h"
#include "harness/common/result.h"
#include "harness/common/run_options.h"
#include "harness/launcher/child_steps.h"
#include "harness/launcher/id_map.h"

namespace nsm {

// What one container must be, in the terms every runtime understands.
struct RuntimeCell {
  NsSet namespaces;
  UsernsMap userns_map = UsernsMap::unprivileged;
  Propagation propagation = Propagation::kPrivate;
  long time_offset_seconds = 0;         // monotonic and boottime, for a new time namespace
  std::string probe_program;            // the path the runtime execs
  std::vector<std::string> probe_args;  // after argv[0]
  // For a runtime that takes an OCI bundle: where it goes (see RuntimeWorkspace).
  std::string rootfs;                     // the host sandbox's / as a bundle root
  std::string bundle_dir;                 // fresh and empty, this cell's alone
  std::string state_dir;                  // the runtime's --root: the sandbox's alone
  std::string container_id;               // unique on the machine
  std::vector<std::string> capabilities;  // CAP_* names: the bounding set root has here
};

// A file the runtime needs before it starts (an OCI bundle's config.json),
// relative to the cell's bundle_dir.
struct RuntimeFile {
  std::string name;
  std::string content;
};

struct RuntimeCommand {
  std::vector<std::string> argv;         // argv[0] = the runtime's path
  std::vector<RuntimeFile> files;        // written before argv runs
  std::vector<std::string> delete_argv;  // run once the container is over, however it ended
  // A cgroup the runtime makes at the top of every hierarchy it sees (runc),
  // removed after the container when the runtime left it; empty: none.
  std::string cgroup_name;
  // NAME=VALUE for the runtime's environment, beside PATH.
  std::vector<std::string> env;
  // Tell the runtime, by systemd's socket activation protocol (LISTEN_FDS=2,
  // LISTEN_PID = its own pid), that descriptors 3 and 4 (results, probe) are
  // for its container: systemd-nspawn passes nothing else beyond 0-2.
  bool listen_fds = false;
};

// What a runtime needs of the host sandbox beyond what every container gets.
struct SandboxNeeds {
  // A workspace: a view of the sandbox's / (with its own throwaway /dev) that a
  // runtime can pivot into, and directories for bundles and state.
  bool bundle_workspace = false;
  // The cgroup v2 hierarchy of a hybrid layout with no controllers listed: crun
  // 1.8 refuses every container on a hybrid host whose v2 hierarchy has any.
  bool empty_cgroup2_controllers = false;
  // A tmpfs of its own on the sandbox's /run: systemd-nspawn keeps its locks
  // and mount propagation directories under /run/systemd/nspawn.
  bool private_run = false;
  // The runtime started in a mount namespace of its own (a slave of the
  // sandbox's) in which the workspace root has no /proc, /sys, /dev or /run
  // mounted, as in an OS tree (nspawn mounts its own only where nothing is
  // mounted yet), /sys/fs/cgroup is the sandbox's cgroup namespace root (so
  // nspawn sees a cgroup v2 host whose paths match /proc/self/cgroup and makes
  // its cgroups below the cell's), and the sandbox's own sysfs over
  // /sys/class/net is gone (it would make the kernel refuse a new sysfs in a
  // user namespace). See OwnMountNamespaceSteps (cell_runner.cc).
  bool own_mount_namespace = false;
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
  // Why this runtime cannot give containers `propagation` as the rules mean
  // it (the run is then exit 2), or nullopt when it can.
  virtual std::optional<std::string> CannotGive(Propagation) const { return std::nullopt; }
  // Why this runtime cannot map a user namespace's ids as `map` means (a run
  // with a user combination is then exit 2), or nullopt when it can.
  virtual std::optional<std::string> CannotMap(UsernsMap) const { return std::nullopt; }
  virtual SandboxNeeds Needs() const { return {}; }
  // Why this runtime is not run outside the machine's initial user namespace
  // (a rootless run, or root inside `unshare --map-root-user`); nothing when
  // it is.
  virtual std::optional<std::string> NotInAUserNamespace() const { return std::nullopt; }
  // Does it mount a procfs, a sysfs and cgroup hierarchies of its own in
  // every container, whatever the flags, in a root without the host's (the
  // rules' `runtime_sysfs`)?
  virtual bool MountsOwnSysfs() const { return false; }
  // Does it mount a container's procfs over the /proc of the root it is
  // given (the host sandbox's, with its procfs) and leave that under it, for
  // container root to uncover (the rules' `proc_kept`)? unshare(1)'s
  // --mount-proc, bwrap's --proc, runc's and crun's "proc" mount all do.
  virtual bool KeepsTheRootsProc() const { return true; }
  // The command (argv[0] = runtime_path) that runs the probe in such a
  // container, or why the runtime cannot make it.
  virtual std::variant<RuntimeCommand, Refusal> Command(const RuntimeCell& cell,
                                                        const std::string& runtime_path) const = 0;
  // The runtime's stderr from a run that never started the probe: the
  // runtime's own message when it failed on its own account (a refusal),
  // nullopt when the text is not in its voice. By default a message in its
  // own name ("bwrap: ..."), as unshare(1) and bubblewrap write every failure.
  virtual std::optional<std::string> OwnMessage(std::string_view stderr_text) const;
  // Does the runtime's own message say it would not make such a container (a
  // refusal, which is a skip) rather than that something went wrong (an
  // error)? By default, as unshare(1) and bubblewrap word it, a message whose
  // text after the runtime's name is SaysNamespaceRefused; runc, crun and
  // nspawn count only the refusals known from them, and only in the
  // combinations (`asked`) where each is known to happen.
  virtual bool IsRefusal(std::string_view own_message, NsSet asked) const;
};

// Does a line of `message` say the kernel refused a namespace: a namespace
// call ("unshare", "clone", "namespace") that failed with one of the errors
// the kernel refuses namespaces with (RefusesNamespaces' EPERM, EACCES,
// ENOSPC, EINVAL, EUSERS, in strerror's words or by name in parentheses), or
// a time namespace's offsets it would not take? "unshare failed: No space left on device" and
// "Creating new namespace failed: Operation not permitted" are; "fork failed: Resource temporarily
// unavailable" and "mount /proc failed: Operation not permitted" are not (errors, not refusals).
// `program`'s own name at the start of a line
// ("unshare: ...") is left out of what is read.
bool SaysNamespaceRefused(std::string_view message, std::string_view program = {});

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
