// Where the runner's host sandboxes come from. HostSandboxStarter starts the
// worker program (nsm-sandbox) in fresh namespaces (StartSandbox), each in a
// cgroup of its own; a test gives the runner a starter of its own that forks a
// scripted worker instead, so the runner's restart and time-out logic is
// tested without root or namespaces (matrix_runner_test.cc).
#pragma once

#include <optional>
#include <string>

#include "harness/common/namespaces.h"
#include "harness/common/result.h"
#include "harness/common/unique_fd.h"
#include "harness/runner/sandbox_process.h"
#include "harness/sandbox/cgroup_tree.h"

namespace nsm {

class SandboxStarter {
 public:
  virtual ~SandboxStarter() = default;

  // Once, before the first Start.
  virtual Status Prepare() = 0;

  struct Started {
    SandboxProcess sandbox;   // its channel takes the worker's config first
    std::string cgroup_cell;  // where its containers start; empty: no cgroup of their own
  };
  // A fresh sandbox for worker `index` (0, 1, ... as they are started),
  // sharing the namespace types of `without` with the caller.
  virtual Result<Started> Start(int index, NsSet without) = 0;

  // Why containers get no cgroup of their own; empty when they do.
  virtual std::string CgroupUnavailable() const = 0;
};

class HostSandboxStarter final : public SandboxStarter {
 public:
  explicit HostSandboxStarter(std::string worker_exe) : worker_exe_path_(std::move(worker_exe)) {}

  // Opens the worker program and makes the run's cgroup tree (or notes why
  // there is none).
  Status Prepare() override;
  Result<Started> Start(int index, NsSet without) override;
  std::string CgroupUnavailable() const override { return cgroup_unavailable_; }

 private:
  std::string worker_exe_path_;
  UniqueFd worker_exe_;
  // Outlives every sandbox it started (the runner's workers are gone first).
  std::optional<CgroupTree> cgroups_;
  std::string cgroup_unavailable_;
  bool with_time_ns_ = false;
};

}  // namespace nsm
