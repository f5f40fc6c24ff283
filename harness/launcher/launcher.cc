#include "harness/launcher/launcher.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <optional>

#include "harness/common/io.h"
#include "harness/launcher/clone3.h"
#include "harness/launcher/ns_links.h"
#include "harness/launcher/time_ns.h"

namespace nsm {
Result<Container> Launch(const LaunchSpec& spec) {
  if (TimeNsPoisoned()) {
    return Fail(EUSERS, "launch container",
                "this process could not return to its own time namespace after an earlier "
                "launch; a new container would be born in that one");
  }
  const bool user = spec.namespaces.Has(Ns::user);
  UniqueFd error_r, error_w, go_r, go_w, result_r, result_w, ready_r, ready_w;
  if (Status s = HighPipe(&error_r, &error_w); !s) return std::unexpected(s.error());
  if (Status s = HighPipe(&result_r, &result_w); !s) return std::unexpected(s.error());
  // The report waits in the pipe until the container exits (CollectOutput):
  // room for the largest accepted, so a probe never blocks on a full pipe.
  // Best effort: past /proc/sys/fs/pipe-max-size it stays at 64 KiB.
  (void)fcntl(result_r.Get(), F_SETPIPE_SZ, kResultPipeBytes);
  if (Status s = HighPipe(&go_r, &go_w); !s) return std::unexpected(s.error());
  const bool host_acts = static_cast<bool>(spec.before_exec);
  if (host_acts) {
    if (Status s = HighPipe(&ready_r, &ready_w); !s) return std::unexpected(s.error());
  }
  UniqueFd null_fd(open("/dev/null", O_RDWR | O_CLOEXEC));
  if (!null_fd.Valid()) return FailErrno("open /dev/null");
  Result<UniqueFd> high_null = HighDup(null_fd.Get());
  if (!high_null) return std::unexpected(high_null.error());

  // The child's dup2(result, 3) must not clobber the probe descriptor.
  Result<UniqueFd> exe = HighDup(spec.probe_exe_fd);
  if (!exe) return std::unexpected(exe.error());

  // Everything the child touches is built here: it may not allocate.
  ChildPlanOptions plan = spec.child;
  plan.has_rootfs = !spec.rootfs.empty();
  plan.host_acts_before_exec = host_acts;
  std::vector<ChildStep> steps = PlanChildSteps(spec.namespaces, plan);
  std::vector<char*> argv;
  for (const std::string& arg : spec.argv) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  char* envp[] = {const_cast<char*>("PATH=/usr/sbin:/usr/bin:/sbin:/bin"), nullptr};
  std::string offsets = "monotonic " + std::to_string(spec.time_offset_seconds) + " 0\nboottime " +
                        std::to_string(spec.time_offset_seconds) + " 0\n";
  ChildContext ctx;
  ctx.steps = steps.data();
  ctx.step_count = steps.size();
  ctx.error_fd = error_w.Get();
  ctx.go_fd = go_r.Get();
  ctx.ready_fd = ready_w.Get();
  ctx.null_fd = high_null->Get();
  ctx.result_fd = result_w.Get();
  ctx.exe_fd = exe->Get();
  ctx.may_setgroups = !spec.id_maps.deny_setgroups;
  ctx.propagation_flags = spec.child.propagation == Propagation::kShared  ? MS_SHARED
                          : spec.child.propagation == Propagation::kSlave ? MS_SLAVE
                                                                          : MS_PRIVATE;
  ctx.rootfs = spec.rootfs.c_str();
  ctx.argv = argv.data();
  ctx.envp = envp;

  std::optional<TimeNsForNextChild> time_ns;
  if (spec.namespaces.Has(Ns::time) && plan.time_via_unshare) {
    Result<TimeNsForNextChild> entered = TimeNsForNextChild::Enter(offsets);
    if (!entered) return std::unexpected(entered.error());
    time_ns.emplace(std::move(*entered));
  }
  sigset_t saved_mask;
  if (spec.pending_signal != 0) {
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, spec.pending_signal);
    pthread_sigmask(SIG_BLOCK, &block, &saved_mask);
  }
  Result<Cloned> cloned = Clone3(CloneFlagsFor(spec.namespaces, plan), {}, spec.cgroup_fd);
  if (cloned && cloned->pid == 0) RunChildSteps(ctx);
  if (spec.pending_signal != 0) pthread_sigmask(SIG_SETMASK, &saved_mask, nullptr);
  // Before anything else, and whether clone3 worked or not: later children
  // must be born in the launcher's own time namespace.
  if (time_ns) {
    if (Status s = time_ns->Leave(); !s) {
      if (cloned) ChildProcess(cloned->pid, std::move(cloned->pidfd)).KillAndReap();
      return std::unexpected(s.error());
    }
  }
  if (!cloned) return std::unexpected(cloned.error());

  ChildProcess child(cloned->pid, std::move(cloned->pidfd));
  error_w.Reset();
  result_w.Reset();
  go_r.Reset();
  ready_w.Reset();
  if (user) {
    if (Status s = WriteIdMaps(child.Pid(), spec.id_maps); !s) {
      return std::unexpected(std::move(s.error()).Wrap("user namespace id maps"));
    }
  }
  // The child is alive and waiting: its links must be readable.
  Result<NsLinks> seen = ReadNsLinks(child);
  if (!seen) return std::unexpected(seen.error());
  std::array<std::optional<NsId>, kNsCount> links;
  for (size_t i = 0; i < links.size(); ++i) links[i] = (*seen)[i];
  // After the id maps: the kernel translates the sender's uid and pid into
  // the child's namespaces when it queues the signal.
  if (spec.pending_signal != 0 &&
      syscall(SYS_pidfd_send_signal, child.PidFd(), spec.pending_signal, nullptr, 0) != 0) {
    return FailErrno("pidfd_send_signal " + std::to_string(spec.pending_signal) + " to the child");
  }
  char go = 1;
  if (write(go_w.Get(), &go, 1) != 1) return FailErrno("write go byte to child");
  if (host_acts) {
    // EOF instead of the byte: a step failed, and the error pipe says which.
    char ready = 0;
    ssize_t got;
    do {
      got = read(ready_r.Get(), &ready, 1);
    } while (got < 0 && errno == EINTR);
    if (got < 0) return FailErrno("read child's set-up byte");
    if (got == 1) {
      if (Status s = spec.before_exec(); !s) {
        child.KillAndReap();
        return std::unexpected(std::move(s.error()).Wrap("act on the host before exec"));
      }
      if (write(go_w.Get(), &go, 1) != 1) return FailErrno("write second go byte to child");
    }
  }
  go_w.Reset();

  // EOF: exec succeeded (the close-on-exec error pipe closed). A record: a step failed.
  ChildFailure failure{};
  ssize_t n;
  do {
    n = read(error_r.Get(), &failure, sizeof(failure));
  } while (n < 0 && errno == EINTR);
  if (n < 0) return FailErrno("read child error pipe");
  if (n > 0) {
    child.KillAndReap();
    if (n != sizeof(failure)) return Fail(EPROTO, "child setup", "short failure record");
    ChildStep step = static_cast<ChildStep>(failure.step);
    return Fail(failure.err, std::string(Describe(step)), "container " + spec.namespaces.ToString(),
                NamespaceHint(failure.err));
  }
  return Container{std::move(child), std::move(result_r), links};
}

Result<ReadToEndResult> CollectOutput(const Container& container,
                                      std::chrono::steady_clock::time_point deadline,
                                      size_t limit) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  // Woken by the exit, not by every write.
  if (!container.process.WaitExit(std::max(left, std::chrono::milliseconds(0)))) {
    // Still running at the deadline: what it wrote so far, timed_out set.
    return ReadToEnd(container.results.Get(), std::chrono::steady_clock::now(), limit);
  }
  // Exited: all it wrote is in the pipe. A descendant that still holds the
  // pipe is a stray, killed after the cell: its EOF is not waited for.
  Result<ReadToEndResult> out =
      ReadToEnd(container.results.Get(), std::chrono::steady_clock::now(), limit);
  if (out) out->timed_out = false;
  return out;
}

bool IsCreationRefused(const Error& error) {
  // clone3 with the combination's flags, or the unshare(CLONE_NEWTIME) that
  // makes a time namespace with offsets (time_ns.h).
  return error.kind == ErrorKind::kNamespaceRefused;
}

}  // namespace nsm
