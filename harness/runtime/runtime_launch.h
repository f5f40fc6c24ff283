// Starts a runtime's command as a cell's container: the runtime program born
// in the cell cgroup, with the probe's result pipe as its descriptor 3 and the
// probe program as descriptor kProbeExeFd (the command names it
// /proc/self/fd/4, so the probe need not be inside the container's view of the
// file system under the same path), and its stderr kept for a refusal's message.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "harness/common/result.h"
#include "harness/common/unique_fd.h"
#include "harness/launcher/launcher.h"
#include "harness/runtime/runtime.h"

namespace nsm {

inline constexpr int kProbeExeFd = 4;
inline constexpr const char* kProbeExePath = "/proc/self/fd/4";

struct RuntimeContainer {
  // ns_links stay empty: a runtime's container runs its program without
  // waiting for the host, so the probe's own report of its links stands.
  Container container;
  UniqueFd stderr_read;  // the runtime's (and the probe's) stderr
};

// A step in the runtime's own mount namespace: `source` bound on `target`,
// or, with no source, every mount on `target` taken off (none is fine).
struct RuntimeMount {
  std::string source;
  std::string target;
};

// The steps that take a root's API filesystems (/proc, /sys, /dev, /run)
// off, in a runtime's own mount namespace: systemd-nspawn mounts its own only
// where nothing is mounted yet, as in an OS tree.
std::vector<RuntimeMount> ApiFilesystemsOff(const std::string& rootfs);

// The step that makes `dir` (a directory of the cgroup v2 hierarchy: the
// caller's cgroup namespace root) the whole of /sys/fs/cgroup, in a runtime's
// own mount namespace. systemd-nspawn makes its cgroups by the paths
// /proc/self/cgroup gives, below the hierarchy it finds there: with the
// caller's mounts (made before its cgroup namespace) those paths name the
// machine's own cgroups, and on a hybrid layout it also makes copies in the
// machine's name=systemd hierarchy. Given this, it sees a pure cgroup v2
// host rooted where the caller's cgroups are, and makes its cgroups there.
RuntimeMount CgroupHierarchyFrom(const std::string& dir);

// How the runtime program is started beyond its argv.
struct RuntimeStart {
  std::vector<std::string> env;  // NAME=VALUE, beside PATH
  bool listen_fds = false;       // LISTEN_FDS=2 and LISTEN_PID: descriptors 3 and 4 are passed on
  // A mount namespace of the runtime's own, a slave of the caller's (so
  // nothing done in it reaches the caller), with these steps done in it.
  bool own_mount_namespace = false;
  std::vector<RuntimeMount> own_mounts;
};

// argv[0] is an absolute path. On success the runtime program is running;
// whether it made the container is known only from what the probe writes.
Result<RuntimeContainer> LaunchRuntime(const std::vector<std::string>& argv, int probe_exe_fd,
                                       int cgroup_fd, const RuntimeStart& start = {});

// A runtime's exit does not mean its container is gone: bwrap, for one,
// returns as soon as its program exits, while the PID namespace's init is
// still killing what is left in it. Waits (up to the deadline) for every
// process of this sandbox that lives in a PID namespace below this process's
// own, which only containers make. Processes in this PID namespace (a
// container without one of its own) are not waited for: nothing ends them.
void WaitForContainerPidNamespaces(std::chrono::steady_clock::time_point deadline);

// What a runtime's container wrote, and the runtime's own stderr.
struct RuntimeOutput {
  ReadToEndResult probe;    // descriptor 3; timed_out: no `end` record by the deadline
  std::string stderr_text;  // the first stderr_limit bytes (the rest is read and dropped)
  // The `end` record came, nothing followed it, and the runtime was still
  // running when the grace after it ran out (crun, while a process of a
  // container without a PID namespace is left). The caller ends it.
  bool outlived = false;
  // Something (even part of a line) came after the `end` record's line.
  bool after_end = false;
  // The runtime wrote to its stderr after the `end` record came (a failure in
  // its teardown, say).
  bool stderr_after_end = false;
};

// Reads a runtime's container as it runs. Unlike the launcher's container, a
// runtime can outlive its probe's report by long, keeping the result pipe
// open: crun stays as long as any process of a container without a PID
// namespace is left (the orphan pid.orphan leaves). So the pipe is read as it
// fills; once the probe's `end` record is in, the runtime gets `grace` to
// exit, and whatever comes after `end` is kept (the parser rejects it). The
// runtime's stderr is drained all along, so a chatty runtime never blocks.
Result<RuntimeOutput> CollectRuntimeOutput(const Container& container, int stderr_fd,
                                           std::chrono::steady_clock::time_point deadline,
                                           std::chrono::milliseconds grace, size_t limit,
                                           size_t stderr_limit);
// Where the first whole `end` record line of the probe protocol in `data`
// ends (just past its newline), or npos when there is none.
size_t EndRecordEnd(std::string_view data);

// At most `limit` bytes of what is waiting in `fd`, without blocking.
std::string DrainText(int fd, size_t limit);
// At most `limit` bytes of `text` on one line (line breaks and tabs as
// spaces, no trailing space).
std::string OneLine(std::string text, size_t limit);
// DrainText, on one line.
std::string DrainMessage(int fd, size_t limit);

// Makes `dir` (which must not exist) and writes the files into it, never
// through a link: a bundle.
Status WriteRuntimeFiles(const std::string& dir, const std::vector<RuntimeFile>& files);

// Runs a runtime's own command (`runc delete --force ID`) to its end, or kills
// it after `limit`. An error when it could not start, did not end in time or
// failed (with what it said).
Status RunToEnd(const std::vector<std::string>& argv, int probe_exe_fd, int cgroup_fd,
                std::chrono::milliseconds limit);

}  // namespace nsm
