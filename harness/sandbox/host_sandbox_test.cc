// The host sandbox's checks and restores against the real kernel (root): a
// damaged fixture is found, only the damaged ones are restored, and a reset
// leaves the sandbox as it was built. Each test builds its sandbox in a child
// cloned into the namespaces a sandbox worker gets, so nothing here touches
// the machine; the child reports its findings over a pipe.
#include "harness/sandbox/host_sandbox.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <functional>
#include <string>

#include "harness/common/child_process.h"
#include "harness/common/io.h"
#include "harness/launcher/clone3.h"

namespace nsm {
namespace {

using Findings = std::string;  // one line per failed expectation; empty: all held

// Runs `body` against a fresh sandbox in a child of its own and returns what
// it found wrong.
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

Findings Expect(bool holds, const std::string& what) {
  return holds ? "" : what + "\n";
}

std::string Damaged(const HostSandbox::Inspection& found) {
  return std::to_string(found.damaged) +
         (found.first ? " (" + found.first->Message() + ")" : std::string());
}

TEST(HostSandbox, FreshlyBuiltItPassesEveryCheck) {
  EXPECT_EQ(InSandbox([](HostSandbox& sandbox) {
              HostSandbox::Inspection found = sandbox.Inspect(HostSandbox::kAllFixtures);
              return Expect(found.damaged == 0 && !found.first, "fresh: " + Damaged(found));
            }),
            "");
}

TEST(HostSandbox, FindsEachDamagedFixtureAndRestoresOnlyThoseAskedFor) {
  EXPECT_EQ(InSandbox([](HostSandbox& sandbox) {
              Findings wrong;
              const char evil[] = "evil";
              sethostname(evil, sizeof(evil) - 1);
              kill(sandbox.SentinelPid(), SIGKILL);
              sandbox.SentinelDeadWithin(std::chrono::seconds(5));
              HostSandbox::Inspection found = sandbox.Inspect(HostSandbox::kAllFixtures);
              wrong += Expect(found.damaged == (HostSandbox::kNames | HostSandbox::kSentinel),
                              "renamed, sentinel killed: " + Damaged(found));
              wrong += Expect(found.first && found.first->Message().find("hostname is 'evil'") !=
                                                 std::string::npos,
                              "the first failure names the hostname: " + Damaged(found));
              // Only the sentinel is mended: the name stays wrong.
              if (Status s = sandbox.Restore(HostSandbox::kSentinel); !s)
                wrong += "restore sentinel: " + s.error().Message() + "\n";
              found = sandbox.Inspect(HostSandbox::kAllFixtures);
              wrong += Expect(found.damaged == HostSandbox::kNames,
                              "after restoring the sentinel: " + Damaged(found));
              if (Status s = sandbox.Restore(HostSandbox::kNames); !s)
                wrong += "restore names: " + s.error().Message() + "\n";
              found = sandbox.Inspect(HostSandbox::kAllFixtures);
              wrong += Expect(found.damaged == 0, "after restoring both: " + Damaged(found));
              // A fixture not asked about is not looked at.
              sethostname(evil, sizeof(evil) - 1);
              found = sandbox.Inspect(HostSandbox::kAllFixtures & ~HostSandbox::kNames);
              wrong += Expect(found.damaged == 0, "names not asked about: " + Damaged(found));
              return wrong;
            }),
            "");
}

TEST(HostSandbox, AResetMendsWhatAContainerDamagedAndVouchesForIt) {
  EXPECT_EQ(InSandbox([](HostSandbox& sandbox) {
              Findings wrong;
              pid_t first = sandbox.SentinelPid();
              const char evil[] = "evil";
              sethostname(evil, sizeof(evil) - 1);
              kill(first, SIGKILL);
              sandbox.SentinelDeadWithin(std::chrono::seconds(5));
              Status reset = sandbox.ResetAfterCell();
              wrong += Expect(reset.has_value(),
                              "reset: " + (reset ? std::string() : reset.error().Message()));
              wrong += Expect(sandbox.CurrentHostname() == sandbox.ExpectedHostname(),
                              "hostname after reset: " + sandbox.CurrentHostname());
              wrong += Expect(!sandbox.SentinelDeadWithin(std::chrono::milliseconds(0)),
                              "the sentinel is alive again");
              Status before = sandbox.CheckBeforeCell();
              wrong += Expect(before.has_value(), "the next cell may start");
              return wrong;
            }),
            "");
}

}  // namespace
}  // namespace nsm
