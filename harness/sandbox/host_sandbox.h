// The disposable "host" every container runs against.
//
// A sandbox worker process is PID 1 of its own PID namespace and lives in its
// own mount, UTS, IPC, network, cgroup (and time) namespaces, in the machine's
// user namespace (so its root is the real root that the story's host root is).
// Probes rename, kill and mount things there, never on the machine; when the
// worker dies the kernel tears the whole sandbox down, on any path.
#pragma once

#include <array>
#include <optional>
#include <string>

#include "harness/common/result.h"
#include "harness/judge/host_view.h"
#include "harness/sandbox/sentinel.h"

namespace nsm {

// The namespaces a sandbox worker is cloned into (the caller adds time when
// clone3 accepts it).
uint64_t SandboxCloneFlags();

class HostSandbox : public HostView {
 public:
  // Runs inside the freshly cloned worker: private mounts, a procfs of the
  // sandbox's PID namespace, hostname, loopback, sentinel.
  static Result<HostSandbox> SetUp(int index);

  NsId NsLink(Ns ns) const override { return links_[static_cast<int>(ns)]; }
  std::string ExpectedHostname() const override { return hostname_; }
  std::string CurrentHostname() const override;
  pid_t SentinelPid() const override { return sentinel_->Pid(); }
  std::string SentinelComm() const override { return sentinel_->Comm(); }
  bool SentinelDeadWithin(std::chrono::milliseconds grace) override {
    return sentinel_->DeadWithin(grace);
  }

  // Before each container: are the fixtures what the probes will be judged
  // against (sentinel alive and named, hostname)? A fixture gone bad must turn
  // cells into errors, never into verdicts.
  Status CheckFixtures() const;
  // After each container: undo what a leaking probe changed, so the next cell
  // starts from the same host. Fails loudly when a fixture cannot be restored.
  Status Restore();
  // Reaps processes orphaned into the sandbox (PID 1 inherits them).
  void ReapOrphans();

 private:
  std::string hostname_;
  std::array<NsId, kNsCount> links_{};
  std::optional<Sentinel> sentinel_;
};

}  // namespace nsm
