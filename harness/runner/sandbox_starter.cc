#include "harness/runner/sandbox_starter.h"

#include <fcntl.h>

#include "harness/launcher/clone3.h"

namespace nsm {

Status HostSandboxStarter::Prepare() {
  worker_exe_.Reset(open(worker_exe_path_.c_str(), O_RDONLY | O_CLOEXEC));
  if (!worker_exe_.Valid()) return FailErrno("open " + worker_exe_path_, "run matrix");
  Result<CgroupTree> cgroups = CgroupTree::Create();
  if (cgroups) {
    cgroups_.emplace(std::move(*cgroups));
  } else {
    cgroup_unavailable_ = cgroups.error().Message();
  }
  // The sandbox's own time namespace needs no offsets: clone3 where it can.
  with_time_ns_ = Clone3SupportsNewTime();
  return {};
}

Result<SandboxStarter::Started> HostSandboxStarter::Start(int index, NsSet without) {
  UniqueFd sandbox_cgroup;
  Started started;
  if (cgroups_) {
    Result<CgroupTree::WorkerCgroups> placed = cgroups_->AddWorker(index);
    if (!placed) return std::unexpected(placed.error());
    sandbox_cgroup = std::move(placed->sandbox);
    started.cgroup_cell = placed->cell;
  }
  Result<SandboxProcess> sandbox =
      StartSandbox(worker_exe_.Get(), with_time_ns_, sandbox_cgroup.Get(), without);
  if (!sandbox) return std::unexpected(sandbox.error());
  started.sandbox = std::move(*sandbox);
  return started;
}

}  // namespace nsm
