// The disposable "host" every container runs against.
//
// A sandbox worker process is PID 1 of its own PID namespace and lives in its
// own mount, UTS, IPC, network, cgroup (and time) namespaces, in the machine's
// user namespace (so its root is the real root that the story's host root is).
// Probes rename, kill and mount things there, never on the machine; when the
// worker dies the kernel tears the whole sandbox down, on any path.
#pragma once

#include <unistd.h>

#include <array>
#include <optional>
#include <string>

#include "harness/common/fixtures.h"
#include "harness/common/result.h"
#include "harness/judge/host_view.h"
#include "harness/sandbox/fs_fixture.h"
#include "harness/sandbox/ipc_fixture.h"
#include "harness/sandbox/net_fixture.h"
#include "harness/sandbox/sentinel.h"

namespace nsm {

// The namespaces a sandbox worker is cloned into (the caller adds time when
// clone3 accepts it).
uint64_t SandboxCloneFlags();
// The ones it can do without (their probes are then unsupported): all but mnt and pid.
NsSet SandboxOptionalNamespaces();

struct SandboxConfig {
  int index = 0;
  std::string root = "/";                         // the containers' root filesystem, absolute
  std::optional<std::string> cgroup_unavailable;  // why there is no cell cgroup
  std::string cgroup_cell;                        // else its path
  // Namespaces the kernel would not give the sandbox (of uts, ipc, net, cgroup,
  // time): it shares the caller's and sets up none of their fixtures; the
  // runner does not run the probes that need them.
  NsSet without;
  // For runc, crun and systemd-nspawn: a runtime workspace
  // (runtime_workspace.h) under the sandbox's /tmp, crun's empty cgroup v2
  // controller list, nspawn's own /run.
  bool runtime_workspace = false;
  bool empty_cgroup2_controllers = false;
  bool private_run = false;
};

class HostSandbox : public HostView {
 public:
  // Runs inside the freshly cloned worker: mounts (private from the machine,
  // shared within the sandbox), a procfs of the sandbox's PID namespace,
  // names, loopback, and every fixture.
  static Result<HostSandbox> SetUp(const SandboxConfig& config);

  NsId NsLink(Ns ns) const override { return links_[static_cast<int>(ns)]; }
  std::optional<NsId> ContainerNsLink(Ns ns) const override {
    return container_links_[static_cast<int>(ns)];
  }
  std::string ExpectedHostname() const override { return hostname_; }
  std::string CurrentHostname() const override;
  std::string ExpectedDomainname() const override { return domainname_; }
  std::string CurrentDomainname() const override;
  pid_t SentinelPid() const override { return sentinel_->Pid(); }
  std::string SentinelComm() const override { return sentinel_->Comm(); }
  bool SentinelDeadWithin(std::chrono::milliseconds grace) override {
    return sentinel_->DeadWithin(grace);
  }
  std::string ListenerBanner() const override { return net_ ? net_->Banner() : std::string(); }
  int HostIfaceMtu() const override;
  std::string SecretContent() const override { return fs_->SecretContent(); }
  std::optional<bool> MountWithSource(const std::string& source) const override {
    return fs_->MountWithSource(source);
  }
  bool DeviceNodeAt(const std::string& path) const override { return fs_->DeviceNodeAt(path); }
  std::optional<std::string> CgroupUnavailable() const override {
    return config_.cgroup_unavailable;
  }
  std::pair<long long, long long> BootTimeWindowMs() const override { return boot_window_; }
  std::pair<long long, long long> MonotonicWindowMs() const override { return mono_window_; }
  const UnmappedOwner& ForeignOwner() const override { return fs_->ForeignOwner(); }
  const HeldUserns& SiblingUserns() const override { return fs_->SiblingUserns(); }
  pid_t LauncherPid() const override { return getpid(); }
  std::optional<CellCgroupDir> CellCgroup() const override { return cell_cgroup_; }
  bool SysfsListsHostIface() const override;
  bool PropagationMountMade() const override { return propagation_mounted_; }
  std::optional<std::string> HostShmText() const override;
  Result<bool> ProcessWithComm(const std::string& comm) const override;
  std::optional<std::string> HostIfaceAddress() const override;
  // While a container is set up (LaunchSpec::before_exec): the mount that
  // mnt.propagation_in looks for; EndCell takes it off again.
  Status MountForPropagationProbe();
  // Where host root's secret is, as a process in the sandbox's root (the
  // sentinel) names it: escape.proc_root reads it through /proc/PID/root.
  std::string SecretPathFromSandboxRoot() const { return fs_->HostPath(fixtures::kSecretFile); }
  const CellNames& Names() const override { return names_; }
  // The runtime workspace's directory; empty when the sandbox has none.
  const std::string& RuntimeWorkspace() const { return runtime_workspace_; }
  // Random per sandbox: names made from it do not clash across sandboxes.
  const std::string& Nonce() const { return nonce_; }

  // Per cell: the names the probes are given, and the host clock around the run.
  void BeginCell(unsigned combination_index);
  void SetContainerNsLinks(const std::array<std::optional<NsId>, kNsCount>& links) {
    container_links_ = links;
  }
  void EndCell();

  // The fixtures one at a time, for checks and restores: the names (host and
  // domain name), the sentinel, IPC objects, the filesystem fixture (secret
  // file, mount table), the network (interface MTU, listener).
  enum Fixture : unsigned { kNames = 1, kSentinel = 2, kIpc = 4, kFs = 8, kNet = 16 };
  static constexpr unsigned kAllFixtures = kNames | kSentinel | kIpc | kFs | kNet;
  struct Inspection {
    unsigned damaged = 0;        // the fixtures that failed their check
    std::optional<Error> first;  // the first failure, in the order above
  };
  // Are these fixtures what the probes will be judged against? Every one
  // asked for is checked, so that a restore can mend exactly those that
  // failed. A fixture gone bad must turn cells into errors, never verdicts.
  Inspection Inspect(unsigned fixtures) const;
  // All of them: Inspect's first failure.
  Status CheckFixtures() const;
  // After a container: undo what a leaking probe changed in these fixtures,
  // so the next cell starts from the same host.
  Status Restore(unsigned fixtures);
  // Kills every process a container left in the sandbox (anything but the
  // worker and its fixtures) and reaps them: nothing lingers into the next
  // cell to undo or fake what that cell's probes do.
  Status KillStrays();

  // After each container: strays killed and created nodes removed, then the
  // fixtures checked; those that fail are restored and checked again (the
  // others are left alone: nothing but the fixtures runs in the sandbox any
  // more). Success leaves the sandbox verified: nothing runs in it until the
  // next container, so CheckBeforeCell need not check again.
  Status ResetAfterCell();
  // Before each container: CheckFixtures, unless the last ResetAfterCell
  // proved them intact (the proof is used once) and the sentinel, which a
  // signal can still be on its way to kill, is alive.
  Status CheckBeforeCell();

 private:
  Status CheckNames() const;
  Status CheckSentinel() const;

  SandboxConfig config_;
  std::string hostname_, domainname_;
  std::array<NsId, kNsCount> links_{};
  std::array<std::optional<NsId>, kNsCount> container_links_{};
  std::optional<Sentinel> sentinel_;
  std::optional<NetFixture> net_;
  std::optional<IpcFixture> ipc_;
  std::optional<FsFixture> fs_;
  std::optional<CellCgroupDir> cell_cgroup_;
  CellNames names_;
  std::string runtime_workspace_;
  std::string nonce_;
  std::pair<long long, long long> boot_window_{0, 0};
  std::pair<long long, long long> mono_window_{0, 0};
  bool verified_ = false;  // fixtures checked since the last container
  bool propagation_mounted_ = false;
};

}  // namespace nsm
