#include "harness/sandbox/in_sandbox_for_tests.h"

#include <unistd.h>

#include <chrono>

#include "harness/common/child_process.h"
#include "harness/common/io.h"
#include "harness/launcher/clone3.h"

namespace nsm {

Findings InSandbox(const std::function<Findings(HostSandbox&)>& body) {
  UniqueFd report_r, report_w;
  if (Status s = HighPipe(&report_r, &report_w); !s) return s.error().Message();
  Result<Cloned> cloned = Clone3(SandboxCloneFlags());
  if (!cloned) return cloned.error().Message();
  if (cloned->pid == 0) {
    report_r.Reset();
    SandboxConfig config;
    config.cgroup_unavailable = "not needed by this test";
    Result<HostSandbox> sandbox = HostSandbox::SetUp(config);
    Findings found = sandbox ? body(*sandbox) : "set up: " + sandbox.error().Message();
    (void)WriteAll(report_w.Get(), found);
    _exit(0);  // PID 1 of its namespace: the sentinel and the listener go with it
  }
  report_w.Reset();
  ChildProcess child(cloned->pid, std::move(cloned->pidfd));
  Result<ReadToEndResult> out = ReadToEnd(
      report_r.Get(), std::chrono::steady_clock::now() + std::chrono::seconds(20), 1 << 16);
  if (!out || out->timed_out) return "the sandbox child did not report in time";
  return out->data;
}

}  // namespace nsm
