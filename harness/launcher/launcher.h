// Launches one container: clone3 with the requested namespaces, id maps from
// the parent, the child-side steps, then the probe program. Parent and child
// synchronise over pipes, never by sleeping.
#pragma once

#include <array>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/common/child_process.h"
#include "harness/common/io.h"
#include "harness/common/namespaces.h"
#include "harness/common/result.h"
#include "harness/launcher/child_steps.h"
#include "harness/launcher/id_map.h"

namespace nsm {

struct LaunchSpec {
  NsSet namespaces;
  IdMapPlan id_maps;              // used when namespaces has user
  ChildPlanOptions child;         // e.g. the CLONE_NEWTIME fallback
  int probe_exe_fd = -1;          // O_PATH descriptor of the probe program
  std::vector<std::string> argv;  // argv[0] first
  std::string rootfs;             // absolute path; empty: the host's root
  int cgroup_fd = -1;             // start the container in this cgroup (v2), or -1
  long time_offset_seconds = 0;   // monotonic and boottime offsets of a new time namespace
  // Non-zero: this signal is blocked in the child (clone3 inherits the mask,
  // execve keeps it) and sent by the launcher before the child goes on, so
  // the probe finds it pending with the sender as its namespaces show it.
  int pending_signal = 0;
  // Called once the container's mounts are set up, just before it execs the
  // probe (ChildStep::kWaitForHost); a failure stops the launch.
  std::function<Status()> before_exec;
};

struct Container {
  ChildProcess process;
  UniqueFd results;  // read end of the probe's result descriptor
  // /proc/PID/ns/* read by the parent before the child went on.
  std::array<std::optional<NsId>, kNsCount> ns_links;
};

// The result pipe's capacity: the most output a container may leave waiting.
inline constexpr int kResultPipeBytes = 1 << 20;

// The container's output: waits for its exit (up to the deadline), then
// reads what it wrote. One wake-up per container however many records it
// writes: they wait in the pipe (kResultPipeBytes; a probe writes a few KiB). A container
// that outlives the deadline gives what it wrote so far, timed_out set; one
// that exited gives all it wrote, even if a leftover descendant still holds
// the pipe (that process is not the container's report).
Result<ReadToEndResult> CollectOutput(const Container& container,
                                      std::chrono::steady_clock::time_point deadline, size_t limit);

// Did the kernel refuse to create the namespaces (clone3 failed)? Only that
// makes a combination `unsupported`; any later failure is an `error`.
bool IsCreationRefused(const Error& error);

// On success the probe program is running (exec succeeded). On failure nothing
// is left running and the Error names the step, e.g.
// "mount proc on /proc: EPERM".
Result<Container> Launch(const LaunchSpec& spec);

}  // namespace nsm
