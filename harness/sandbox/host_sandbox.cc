#include "harness/sandbox/host_sandbox.h"

#include <linux/sched.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>

#include "harness/common/io.h"
#include "harness/common/unique_fd.h"

namespace nsm {
namespace {

Status BringLoopbackUp() {
  UniqueFd sock(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!sock.Valid()) return FailErrno("socket(AF_INET)", "bring lo up");
  ifreq req{};
  snprintf(req.ifr_name, sizeof(req.ifr_name), "lo");
  if (ioctl(sock.Get(), SIOCGIFFLAGS, &req) != 0) return FailErrno("SIOCGIFFLAGS lo");
  req.ifr_flags |= IFF_UP;
  if (ioctl(sock.Get(), SIOCSIFFLAGS, &req) != 0) return FailErrno("SIOCSIFFLAGS lo");
  return {};
}

std::string RandomHex(int digits) {
  std::random_device rd;
  std::string out;
  for (int i = 0; i < digits; ++i) out += "0123456789abcdef"[rd() % 16];
  return out;
}

}  // namespace

uint64_t SandboxCloneFlags() {
  return CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWCGROUP;
}

Result<HostSandbox> HostSandbox::SetUp(int index) {
  HostSandbox sandbox;
  // Nothing mounted here may propagate back to the machine.
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return FailErrno("mount --make-rprivate /", "host sandbox");
  }
  // A procfs of the sandbox's PID namespace: what a container without its own
  // mount namespace sees on /proc.
  if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) {
    return FailErrno("mount proc on /proc", "host sandbox");
  }
  sandbox.hostname_ = "nsm-host-" + std::to_string(index);
  if (sethostname(sandbox.hostname_.data(), sandbox.hostname_.size()) != 0) {
    return FailErrno("sethostname", "host sandbox");
  }
  if (Status s = BringLoopbackUp(); !s)
    return std::unexpected(std::move(s.error()).Wrap("host sandbox"));
  for (const NsInfo& info : kNamespaces) {
    std::string path = "/proc/self/ns/" + std::string(info.name);
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) return FailErrno("stat " + path, "host sandbox");
    sandbox.links_[static_cast<int>(info.ns)] = {st.st_dev, st.st_ino};
  }
  // comm is at most 15 characters: "nsm-s<index>-<8 hex>".
  Result<Sentinel> sentinel =
      Sentinel::Spawn("nsm-s" + std::to_string(index % 100) + "-" + RandomHex(8));
  if (!sentinel) return std::unexpected(std::move(sentinel.error()).Wrap("host sandbox"));
  sandbox.sentinel_ = std::move(*sentinel);
  return sandbox;
}

std::string HostSandbox::CurrentHostname() const {
  utsname name{};
  uname(&name);
  return name.nodename;
}

Status HostSandbox::CheckFixtures() const {
  if (CurrentHostname() != hostname_) {
    return Fail(0, "check host sandbox",
                "hostname is '" + CurrentHostname() + "', expected '" + hostname_ + "'");
  }
  if (sentinel_->DeadWithin(std::chrono::milliseconds(0)))
    return Fail(0, "check host sandbox", "sentinel is dead");
  std::string path = "/proc/" + std::to_string(sentinel_->Pid()) + "/comm";
  Result<std::string> comm = ReadFile(path);
  if (!comm) return std::unexpected(std::move(comm.error()).Wrap("check host sandbox"));
  if (*comm != sentinel_->Comm() + "\n") {
    return Fail(0, "check host sandbox",
                "sentinel's comm is '" + *comm + "', expected '" + sentinel_->Comm() + "'");
  }
  return {};
}

Status HostSandbox::Restore() {
  if (CurrentHostname() != hostname_ && sethostname(hostname_.data(), hostname_.size()) != 0) {
    return FailErrno("sethostname", "restore host sandbox");
  }
  if (sentinel_->DeadWithin(std::chrono::milliseconds(0))) {
    if (Status s = sentinel_->Respawn(); !s) return s;
  }
  return {};
}

void HostSandbox::ReapOrphans() {
  while (true) {
    siginfo_t info{};
    if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid == 0) return;
    // The sentinel is reaped by its owner when it is respawned.
    if (info.si_pid == sentinel_->Pid()) return;
    waitpid(info.si_pid, nullptr, WNOHANG);
  }
}

}  // namespace nsm
