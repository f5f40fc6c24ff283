#include "harness/sandbox/host_sandbox.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <memory>
#include <random>
#include <utility>

#include "harness/common/fixtures.h"
#include "harness/common/io.h"
#include "harness/common/loopback.h"
#include "harness/common/unique_fd.h"
#include "harness/sandbox/runtime_workspace.h"

namespace nsm {
namespace {

std::string RandomHex(int digits) {
  std::random_device rd;
  std::string out;
  for (int i = 0; i < digits; ++i) out += "0123456789abcdef"[rd() % 16];
  return out;
}

long long ClockMs(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<long long>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// Enough for any machine: procfs stacked on /proc, one over the other.
constexpr int kMaxStackedProcs = 16;

Status Mounts(const SandboxConfig& config) {
  // Everything below changes the mount namespace it runs in: only ever the
  // sandbox's own, made with its PID namespace (SandboxCloneFlags).
  if (getpid() != 1) {
    return Fail(EPERM, "host sandbox mounts",
                "not the first process of a PID namespace of its own: this mount namespace may "
                "be the machine's");
  }
  // Cut every tie to the machine's mounts first.
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
    return FailErrno("mount --make-rprivate /");
  // The machine's own procfs, and anything stacked with it, goes while
  // nothing is shared: a container's copy of /proc has the sandbox's procfs
  // on top, and container root who unmounted /proc twice would list the
  // machine's processes (pid.proc_under). In a user namespace (userns-root,
  // rootless) the kernel locks the machine's (EINVAL) and it stays, under the
  // sandbox's: the catalogue's initial_userns.
  std::vector<std::string> procs = {"/proc"};
  if (config.root != "/") procs.push_back(config.root + "/proc");
  for (const std::string& proc : procs) {
    int unmounted = 0;
    while (umount2(proc.c_str(), MNT_DETACH) == 0) {
      if (++unmounted == kMaxStackedProcs)
        return Fail(ELOOP, "unmount the machine's procfs on " + proc + ": still mounted after " +
                               std::to_string(unmounted));
    }
    // EINVAL: nothing mounted there any more, or what is, locked.
    if (errno != EINVAL) return FailErrno("unmount the machine's procfs on " + proc);
  }
  // Then share within the sandbox: a container's mount namespace starts as a
  // peer of the sandbox's, and only its propagation setting decides whether
  // mounts leak.
  if (mount(nullptr, "/", nullptr, MS_REC | MS_SHARED, nullptr) != 0)
    return FailErrno("mount --make-rshared /");
  // A procfs of the sandbox's PID namespace: what a container without its own
  // mount namespace sees on /proc (for a root filesystem, on ROOT/proc, as the
  // story's `mount -t proc proc /proc` inside a bare chroot gives).
  // Private: a container's own procfs, mounted over its copy of /proc, must
  // never propagate over the sandbox's (the worker reads its /proc).
  for (const std::string& proc : procs) {
    if (mount("proc", proc.c_str(), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) {
      return FailErrno("mount proc on " + proc);
    }
    if (mount(nullptr, proc.c_str(), nullptr, MS_PRIVATE, nullptr) != 0)
      return FailErrno("make " + proc + " private");
  }
  return {};
}

// A sysfs mounted now, in the sandbox's network namespace, shows the
// sandbox's interfaces; its class/net goes over /sys/class/net (in the
// sandbox's mount namespace only), as a host's own /sys would show its own.
// /sys/class/net itself is the staging point: kernels before 6.x clone a
// subtree only from an attached mount (open_tree of a detached one: EINVAL,
// seen on Debian's 6.1), so the whole sysfs goes there first, its class/net
// is cloned, and the staging mount comes off before the clone goes on.
Status MountOwnSysfsNet() {
  constexpr const char* kTarget = "/sys/class/net";
  if (mount("sysfs", kTarget, "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
    return FailErrno("mount sysfs on /sys/class/net");
  UniqueFd net(
      open_tree(AT_FDCWD, "/sys/class/net/class/net", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC));
  int err = errno;
  if (umount2(kTarget, MNT_DETACH) != 0) return FailErrno("unmount the staging sysfs");
  if (!net.Valid()) return Fail(err, "open_tree sysfs class/net");
  if (move_mount(net.Get(), "", AT_FDCWD, kTarget, MOVE_MOUNT_F_EMPTY_PATH) != 0)
    return FailErrno("move_mount sysfs class/net onto /sys/class/net");
  return {};
}

// Calls visit(pid) for each process /proc lists until it returns true (found)
// or an error; an error too when /proc cannot be listed: a list that could not
// be read is never "no such process".
template <typename Visit>
Result<bool> ForEachProcess(Visit visit) {
  std::unique_ptr<DIR, int (*)(DIR*)> dir(opendir("/proc"), closedir);
  if (!dir) return FailErrno("opendir /proc");
  for (;;) {
    errno = 0;
    dirent* entry = readdir(dir.get());
    if (!entry) break;
    if (!isdigit(static_cast<unsigned char>(entry->d_name[0]))) continue;
    Result<bool> done = visit(static_cast<pid_t>(atoi(entry->d_name)));
    if (!done || *done) return done;
  }
  if (errno != 0) return FailErrno("readdir /proc");
  return false;
}

}  // namespace

NsSet SandboxOptionalNamespaces() {
  return NsSet().With(Ns::uts).With(Ns::ipc).With(Ns::net).With(Ns::cgroup).With(Ns::time);
}

uint64_t SandboxCloneFlags() {
  return CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWCGROUP;
}

Result<HostSandbox> HostSandbox::SetUp(const SandboxConfig& config) {
  HostSandbox sandbox;
  sandbox.config_ = config;
  auto wrap = [](Error e) { return std::unexpected(std::move(e).Wrap("host sandbox")); };
  if (Status s = Mounts(config); !s) return wrap(s.error());
  std::string nonce = RandomHex(16);
  sandbox.nonce_ = nonce;
  sandbox.hostname_ = "nsm-host-" + std::to_string(config.index);
  sandbox.domainname_ = "nsm-domain-" + std::to_string(config.index);
  bool own_uts = !config.without.Has(Ns::uts);
  if (own_uts && sethostname(sandbox.hostname_.data(), sandbox.hostname_.size()) != 0)
    return wrap(FailErrno("sethostname").error());
  if (own_uts && setdomainname(sandbox.domainname_.data(), sandbox.domainname_.size()) != 0) {
    return wrap(FailErrno("setdomainname").error());
  }
  if (!own_uts) sandbox.hostname_ = sandbox.domainname_ = "";
  for (const NsInfo& info : kNamespaces) {
    std::string path = "/proc/self/ns/" + std::string(info.name);
    struct stat st {};
    // ENOENT: a kernel built without this type (CONFIG_TIME_NS off, say); its
    // id stays zero and its ns.<type> probe does not run (matrix_runner.cc).
    if (stat(path.c_str(), &st) != 0 && errno != ENOENT) {
      return wrap(FailErrno("stat " + path).error());
    }
    sandbox.links_[static_cast<int>(info.ns)] = {st.st_dev, st.st_ino};
  }
  if (!config.without.Has(Ns::net)) {
    const char* step = nullptr;
    if (int err = BringLoopbackUp(&step)) return wrap(Fail(err, step, "bring lo up").error());
    Result<NetFixture> net = NetFixture::Create(nonce, config.index);
    if (!net) return wrap(net.error());
    sandbox.net_ = std::move(*net);
    if (Status s = MountOwnSysfsNet(); !s) return wrap(s.error());
  }
  if (!config.without.Has(Ns::ipc)) {
    Result<IpcFixture> ipc = IpcFixture::Create();
    if (!ipc) return wrap(ipc.error());
    sandbox.ipc_ = std::move(*ipc);
  }
  if (!config.cgroup_unavailable) {
    struct stat st {};
    if (stat(config.cgroup_cell.c_str(), &st) != 0)
      return wrap(FailErrno("stat cell cgroup " + config.cgroup_cell).error());
    // The sandbox's cgroup namespace is rooted at the cell's parent
    // (cgroup_tree.h), unless the kernel gave it none.
    std::string in_ns = config.without.Has(Ns::cgroup)
                            ? std::string()
                            : config.cgroup_cell.substr(config.cgroup_cell.rfind('/'));
    sandbox.cell_cgroup_ = CellCgroupDir{config.cgroup_cell, st.st_dev, st.st_ino, in_ns};
  }
  Result<FsFixture> fs = FsFixture::Create(config.root, nonce);
  if (!fs) return wrap(fs.error());
  sandbox.fs_ = std::move(*fs);
  // After every other mount, so that the workspace's view of / has them all.
  if (config.empty_cgroup2_controllers) {
    if (Status s = EmptyCgroup2Controllers(); !s) return wrap(s.error());
  }
  if (config.private_run) {
    if (Status s = MountPrivateRun(); !s) return wrap(s.error());
  }
  if (config.runtime_workspace) {
    sandbox.runtime_workspace_ = sandbox.fs_->HostPath("/tmp/.nsm-runtime");
    if (Status s = MakeRuntimeWorkspace(config.root, sandbox.runtime_workspace_); !s)
      return wrap(s.error());
  }
  if (config.empty_cgroup2_controllers || config.runtime_workspace || config.private_run) {
    if (Status s = sandbox.fs_->RecountMounts(); !s) return wrap(s.error());
  }
  // comm holds at most 15 characters: "nsm-s<0..99>-<7 hex>".
  Result<Sentinel> sentinel =
      Sentinel::Spawn("nsm-s" + std::to_string(config.index % 100) + "-" + nonce.substr(8, 7));
  if (!sentinel) return wrap(sentinel.error());
  sandbox.sentinel_ = std::move(*sentinel);
  return sandbox;
}

std::string HostSandbox::CurrentHostname() const {
  utsname name{};
  uname(&name);
  return name.nodename;
}

std::string HostSandbox::CurrentDomainname() const {
  utsname name{};
  uname(&name);
  return name.domainname;
}

bool HostSandbox::SysfsListsHostIface() const {
  struct stat st {};
  return net_ && lstat((std::string("/sys/class/net/") + fixtures::kHostIface).c_str(), &st) == 0;
}

int HostSandbox::HostIfaceMtu() const {
  if (!net_) return -1;
  Result<int> mtu = net_->HostIfaceMtu();
  return mtu ? *mtu : -1;
}

std::optional<std::string> HostSandbox::HostShmText() const {
  if (!ipc_) return std::nullopt;
  Result<std::string> text = ipc_->SegmentText();
  return text ? std::optional<std::string>(*text) : std::nullopt;
}

std::optional<std::string> HostSandbox::HostIfaceAddress() const {
  if (!net_) return std::nullopt;
  Result<std::string> address = net_->HostIfaceAddress();
  return address ? std::optional<std::string>(*address) : std::nullopt;
}

Result<bool> HostSandbox::ProcessWithComm(const std::string& comm) const {
  // The sandbox's procfs lists every process of its PID namespace (those in
  // containers' nested ones too); only the fixtures and strays are there.
  Result<bool> found = ForEachProcess([&comm](pid_t pid) -> Result<bool> {
    Result<std::string> text = ReadFile("/proc/" + std::to_string(pid) + "/comm");
    if (text) return *text == comm + "\n";
    // A process that exited while the list was read is not the one looked for.
    if (text.error().err == ENOENT || text.error().err == ESRCH) return false;
    return std::unexpected(std::move(text.error()));
  });
  if (!found)
    return std::unexpected(std::move(found.error()).Wrap("look for a process named " + comm));
  return found;
}

void HostSandbox::BeginCell(unsigned combination_index) {
  std::string tag = std::to_string(config_.index) + "-" + std::to_string(combination_index);
  names_ = {"nsm-probe-" + tag, "nsm-probe-domain-" + tag,
            "nsm-leak-" + tag,  std::string(fixtures::kMknodDir) + "/null-" + tag,
            "nsm-prop-" + tag,  "nsm-shm-" + tag,
            "nsmo-" + tag};
  propagation_mounted_ = false;
  boot_window_ = {ClockMs(CLOCK_BOOTTIME), 0};
  mono_window_ = {ClockMs(CLOCK_MONOTONIC), 0};
}

Status HostSandbox::MountForPropagationProbe() {
  if (Status s = fs_->MountForPropagation(names_.propagation_source); !s) return s;
  propagation_mounted_ = true;
  return {};
}

void HostSandbox::EndCell() {
  if (propagation_mounted_) fs_->UnmountForPropagation();
  boot_window_.second = ClockMs(CLOCK_BOOTTIME);
  mono_window_.second = ClockMs(CLOCK_MONOTONIC);
}

Status HostSandbox::CheckNames() const {
  // Without a UTS namespace of its own the sandbox never renames anything.
  if (config_.without.Has(Ns::uts)) return {};
  if (CurrentHostname() != hostname_) {
    return Fail(0, "check host sandbox",
                "hostname is '" + CurrentHostname() + "', expected '" + hostname_ + "'");
  }
  if (CurrentDomainname() != domainname_)
    return Fail(0, "check host sandbox", "domain name is '" + CurrentDomainname() + "'");
  return {};
}

Status HostSandbox::CheckSentinel() const {
  if (sentinel_->DeadWithin(std::chrono::milliseconds(0)))
    return Fail(0, "check host sandbox", "sentinel is dead");
  std::string path = "/proc/" + std::to_string(sentinel_->Pid()) + "/comm";
  Result<std::string> comm = ReadFile(path);
  if (!comm) return std::unexpected(std::move(comm.error()).Wrap("check host sandbox"));
  if (*comm != sentinel_->Comm() + "\n")
    return Fail(0, "check host sandbox", "sentinel's comm is '" + *comm + "'");
  return {};
}

HostSandbox::Inspection HostSandbox::Inspect(unsigned fixtures) const {
  // Knock first: the listener answers on the other CPU while the rest is checked.
  std::optional<NetFixture::Knocks> knocks;
  if (net_ && (fixtures & kNet)) knocks = net_->Knock();
  Inspection found;
  auto look = [&](Fixture fixture, auto check) {
    if (!(fixtures & fixture)) return;
    if (Status s = check(); !s) {
      found.damaged |= fixture;
      if (!found.first) found.first = std::move(s.error());
    }
  };
  look(kNames, [&] { return CheckNames(); });
  look(kSentinel, [&] { return CheckSentinel(); });
  look(kIpc, [&] { return ipc_ ? ipc_->Check() : Status(); });
  look(kFs, [&] { return fs_->Check(); });
  look(kNet, [&] { return knocks ? net_->Check(std::move(*knocks)) : Status(); });
  return found;
}

Status HostSandbox::CheckFixtures() const {
  Inspection found = Inspect(kAllFixtures);
  if (found.first) return std::unexpected(std::move(*found.first));
  return {};
}

Status HostSandbox::Restore(unsigned fixtures) {
  bool own_uts = !config_.without.Has(Ns::uts);
  if ((fixtures & kNames) && own_uts) {
    if (CurrentHostname() != hostname_ && sethostname(hostname_.data(), hostname_.size()) != 0)
      return FailErrno("sethostname", "restore host sandbox");
    if (CurrentDomainname() != domainname_ &&
        setdomainname(domainname_.data(), domainname_.size()) != 0) {
      return FailErrno("setdomainname", "restore host sandbox");
    }
  }
  if ((fixtures & kSentinel) && sentinel_->DeadWithin(std::chrono::milliseconds(0))) {
    if (Status s = sentinel_->Respawn(); !s) return s;
  }
  if (Status s = net_ && (fixtures & kNet) ? net_->Restore() : Status(); !s) return s;
  if (Status s = ipc_ && (fixtures & kIpc) ? ipc_->Restore() : Status(); !s) return s;
  return fixtures & kFs ? fs_->Restore() : Status();
}

Status HostSandbox::ResetAfterCell() {
  verified_ = false;
  if (Status s = KillStrays(); !s) return s;
  // No check looks at the mknod directory: it is emptied every time.
  if (Status s = fs_->RemoveCreatedNodes(); !s) return s;
  if (Inspection found = Inspect(kAllFixtures); found.damaged) {
    if (Status s = Restore(found.damaged); !s) return s;
    Inspection again = Inspect(found.damaged);
    if (again.first) return std::unexpected(std::move(*again.first));
  }
  verified_ = true;
  return {};
}

Status HostSandbox::CheckBeforeCell() {
  // A SIGKILL sent just before the container exited may land after the
  // reset's check: the sentinel is looked at again (a poll, no round trip).
  if (std::exchange(verified_, false) && !sentinel_->DeadWithin(std::chrono::milliseconds(0)))
    return {};
  return CheckFixtures();
}

Status HostSandbox::KillStrays() {
  // The sandbox's procfs lists every process in its PID namespace, those in
  // containers' nested PID namespaces included.
  // A list that could not be read is a failed reset, not a clean sandbox.
  std::vector<std::pair<pid_t, UniqueFd>> victims;
  Result<bool> listed = ForEachProcess([&](pid_t pid) -> Result<bool> {
    if (pid <= 1 || pid == sentinel_->Pid() || (net_ && pid == net_->ListenerPid())) return false;
    UniqueFd pidfd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
    if (!pidfd.Valid()) {
      // Gone: ESRCH, or EINVAL for a process reaped while its PID still names
      // a process group or session.
      int err = errno;
      if (err == ESRCH || err == EINVAL) return false;
      return Fail(err, "pidfd_open " + std::to_string(pid));
    }
    syscall(SYS_pidfd_send_signal, pidfd.Get(), SIGKILL, nullptr, 0);
    victims.emplace_back(pid, std::move(pidfd));
    return false;
  });
  if (!listed)
    return std::unexpected(std::move(listed.error()).Wrap("kill leftover container processes"));
  for (const auto& [pid, pidfd] : victims) {
    pollfd pfd{pidfd.Get(), POLLIN, 0};
    if (poll(&pfd, 1, 5000) != 1) {
      return Fail(ETIMEDOUT, "kill leftover container processes",
                  "pid " + std::to_string(pid) + " would not die");
    }
  }
  // Reap what is ours (orphans are re-parented to PID 1, us); for a victim
  // whose parent is another victim this is ECHILD, and that parent's death
  // hands it to us for the next round.
  for (const auto& [pid, pidfd] : victims) waitpid(pid, nullptr, WNOHANG);
  return {};
}

}  // namespace nsm
