// Judges of the PID probes: what a scan of /proc (and under it) found, a kill
// judged by the sentinel's fate, a signal's sender, a process left behind.
#include <gtest/gtest.h>

#include "harness/judge/fake_host_for_tests.h"
#include "harness/judge/judge.h"

namespace nsm {
namespace {

using judge_test::FakeHost;
using judge_test::Rec;

// What pid.proc_under, and the escape.* probes, report of what they uncovered
// under /proc when /proc did not list the sentinel: nothing, to the bottom.
#define UNDER                                                                         \
  " under_layers=0 under_scanned=0 under_empty=0 cap_sys_admin=1 under_stage=bottom " \
  "under_errno=0"

TEST(JudgePidSeeHost, FoundLeaksNotFoundIsolatesEmptyProcErrors) {
  FakeHost host;
  EXPECT_EQ(
      Judge(Rec("probe pid.see_host comm=nsm-s0-abc found=1 scanned=9 pid=31337"), host).outcome,
      Outcome::leaked);
  EXPECT_EQ(
      Judge(Rec("probe pid.see_host comm=nsm-s0-abc found=0 scanned=2 self=1 proc_self=1"), host)
          .outcome,
      Outcome::isolated);
  // Nothing scanned cannot prove isolation.
  EXPECT_EQ(Judge(Rec("probe pid.see_host comm=nsm-s0-abc found=0 scanned=0"), host).outcome,
            Outcome::error);
}

TEST(JudgePidProcUnder, FoundUnderProcLeaks) {
  FakeHost host;
  Observation under =
      Judge(Rec("probe pid.proc_under comm=nsm-s0-abc found=1 scanned=1 pid=31337 layer=1"), host);
  EXPECT_EQ(under.outcome, Outcome::leaked);
  EXPECT_NE(under.detail.find("under the container's /proc"), std::string::npos) << under.detail;
  Observation in_proc =
      Judge(Rec("probe pid.proc_under comm=nsm-s0-abc found=1 scanned=9 pid=31337 layer=0"), host);
  EXPECT_EQ(in_proc.outcome, Outcome::leaked);
  EXPECT_NE(in_proc.detail.find("among 9 /proc entries"), std::string::npos) << in_proc.detail;
}

// Isolated only where the look under /proc went to the bottom, or ended in a
// refusal container root cannot get past; anything else proves nothing.
TEST(JudgePidProcUnder, NotFoundIsolatesOnlyWhereTheLookUnderWentAllTheWay) {
  FakeHost host;
  const std::string seen =
      "probe pid.proc_under comm=nsm-s0-abc found=0 scanned=1 self=1 proc_self=1";
  auto outcome = [&](const std::string& under) {
    std::string line = under.empty() ? seen : seen + " " + under;
    return Judge(Rec(line.c_str()), host).outcome;
  };
  const std::string with_cap = "cap_sys_admin=1 under_empty=0 ";
  EXPECT_EQ(outcome(with_cap + "under_layers=0 under_scanned=0 under_stage=bottom under_errno=0"),
            Outcome::isolated);
  EXPECT_EQ(outcome(with_cap + "under_layers=2 under_scanned=7 under_stage=bottom under_errno=0"),
            Outcome::isolated);
  EXPECT_EQ(outcome(with_cap + "under_layers=1 under_scanned=3 under_stage=umount under_errno=22"),
            Outcome::isolated);
  EXPECT_EQ(outcome("cap_sys_admin=0 under_empty=0 under_layers=0 under_scanned=0 "
                    "under_stage=unshare under_errno=1"),
            Outcome::isolated);
  for (const char* cut_short :
       {// an uncovered mount that listed nothing proves nothing
        "cap_sys_admin=1 under_empty=1 under_layers=2 under_scanned=0 under_stage=bottom "
        "under_errno=0",
        // EPERM where the capability was there: a filter, not the kernel's rule
        "cap_sys_admin=1 under_empty=0 under_layers=0 under_scanned=0 under_stage=unshare "
        "under_errno=1",
        "cap_sys_admin=-1 under_empty=0 under_layers=0 under_scanned=0 under_stage=unshare "
        "under_errno=1",
        "cap_sys_admin=1 under_empty=0 under_layers=0 under_scanned=0 under_stage=umount "
        "under_errno=1",
        "cap_sys_admin=1 under_empty=0 under_layers=0 under_scanned=0 under_stage=umount "
        "under_errno=16",
        "cap_sys_admin=1 under_empty=0 under_layers=0 under_scanned=0 under_stage=unshare "
        "under_errno=38",
        "cap_sys_admin=1 under_empty=0 under_layers=0 under_scanned=0 under_stage=private "
        "under_errno=13",
        "cap_sys_admin=1 under_empty=0 under_layers=0 under_scanned=0 under_stage=mountinfo "
        "under_errno=20",
        "cap_sys_admin=1 under_empty=0 under_layers=1 under_scanned=3 under_stage=open "
        "under_errno=13",
        "cap_sys_admin=1 under_empty=0 under_layers=8 under_scanned=9 under_stage=limit "
        "under_errno=0",
        "cap_sys_admin=1 under_empty=0 under_layers=0 under_scanned=0 under_stage=clone "
        "under_errno=12",
        "cap_sys_admin=1 under_empty=0 under_layers=0 under_scanned=0 under_stage=wait "
        "under_errno=10",
        // a field missing
        "under_empty=0 under_layers=0 under_scanned=0 under_stage=bottom under_errno=0",
        "cap_sys_admin=1 under_layers=0 under_scanned=0 under_stage=bottom under_errno=0",
        "cap_sys_admin=1 under_empty=0 under_layers=0 under_stage=bottom under_errno=0",
        "cap_sys_admin=1 under_empty=0 under_scanned=0 under_stage=bottom under_errno=0",
        "cap_sys_admin=1 under_empty=0 under_layers=0 under_scanned=0 under_errno=0",
        "cap_sys_admin=1 under_empty=0 under_layers=0 under_scanned=0 under_stage=bottom", ""}) {
    EXPECT_EQ(outcome(cut_short), Outcome::error) << cut_short;
  }
  // pid.see_host is `ps aux`: it never looks under /proc, and is judged without.
  EXPECT_EQ(
      Judge(Rec("probe pid.see_host comm=nsm-s0-abc found=0 scanned=1 self=1 proc_self=1"), host)
          .outcome,
      Outcome::isolated);
  // A sentinel that is dead cannot be found anywhere.
  host.sentinel_dead = true;
  EXPECT_EQ(outcome(with_cap + "under_layers=0 under_scanned=0 under_stage=bottom under_errno=0"),
            Outcome::error);
}

// Not finding a process proves something only if it was the sentinel that was
// looked for, and a kill only if it was aimed at the sentinel.
TEST(JudgePidSeeHost, AnotherNameOrPidProvesNothing) {
  FakeHost host;
  // Each line would be judged (isolated) but for what it looked for or where.
  for (const char* line :
       {"probe pid.see_host comm=nsm-s0-xyz found=0 scanned=2 self=1 proc_self=1",
        "probe pid.see_host found=0 scanned=2 self=1 proc_self=1",
        "probe pid.see_host comm= found=0 scanned=2 self=1 proc_self=1",
        "probe escape.setns_net comm=other found=0 scanned=3 self=1 proc_self=1" UNDER,
        "probe escape.proc_root found=0 scanned=3 self=1 proc_self=1" UNDER,
        "probe pid.proc_under comm=other found=0 scanned=3 self=1 proc_self=1" UNDER,
        "probe pid.kill_host target=4242 rc=-1 errno=3", "probe pid.kill_host rc=-1 errno=3",
        // a /proc of another PID namespace, or one that names no process
        "probe pid.see_host comm=nsm-s0-abc found=0 scanned=2 self=1 proc_self=7",
        "probe pid.see_host comm=nsm-s0-abc found=0 scanned=2 self=1",
        "probe escape.proc_root comm=nsm-s0-abc found=0 scanned=3 self=1 proc_self=9" UNDER,
        "probe pid.proc_under comm=nsm-s0-abc found=0 scanned=3 self=1 proc_self=9" UNDER}) {
    Observation seen = Judge(Rec(line), host);
    EXPECT_EQ(seen.outcome, Outcome::error) << line;
  }
}

TEST(JudgePidKillHost, JudgedByTheSentinelNotByKillsReturnValue) {
  FakeHost host;
  host.sentinel_dead = true;
  EXPECT_EQ(Judge(Rec("probe pid.kill_host target=31337 rc=0 errno=0"), host).outcome,
            Outcome::leaked);
  EXPECT_GT(host.last_grace.count(), 0);  // a successful kill gets time to land
  host.sentinel_dead = false;
  // kill() hit something, yet the sentinel lives: that proves nothing.
  Observation survived = Judge(Rec("probe pid.kill_host target=31337 rc=0 errno=0"), host);
  EXPECT_EQ(survived.outcome, Outcome::error);
  EXPECT_NE(survived.detail.find("cannot tell"), std::string::npos);
  EXPECT_EQ(Judge(Rec("probe pid.kill_host target=31337 rc=-1 errno=1"), host).outcome,
            Outcome::isolated);
  EXPECT_EQ(host.last_grace.count(), 0);
  // Dead although kill failed: the host side is what counts.
  host.sentinel_dead = true;
  EXPECT_EQ(Judge(Rec("probe pid.kill_host target=31337 rc=-1 errno=3"), host).outcome,
            Outcome::leaked);
}

TEST(JudgePidSignalSender, TheSendersPidLeaksZeroIsolates) {
  FakeHost host;  // the launcher is pid 1 here
  EXPECT_EQ(
      Judge(Rec("probe pid.signal_sender pending=1 si_pid=1 si_uid=0 si_code=0"), host).outcome,
      Outcome::leaked);
  EXPECT_EQ(
      Judge(Rec("probe pid.signal_sender pending=1 si_pid=0 si_uid=65534 si_code=0"), host).outcome,
      Outcome::isolated);
  EXPECT_EQ(
      Judge(Rec("probe pid.signal_sender pending=1 si_pid=77 si_uid=0 si_code=0"), host).outcome,
      Outcome::error);
  // Not the signal the launcher sent (SI_KERNEL, or no code at all).
  EXPECT_EQ(
      Judge(Rec("probe pid.signal_sender pending=1 si_pid=0 si_uid=0 si_code=128"), host).outcome,
      Outcome::error);
  EXPECT_EQ(Judge(Rec("probe pid.signal_sender pending=1 si_pid=0 si_uid=0"), host).outcome,
            Outcome::error);
  // No signal at all proves nothing.
  EXPECT_EQ(Judge(Rec("probe pid.signal_sender pending=0"), host).outcome, Outcome::error);
}

TEST(JudgePidOrphan, AliveLeaksGoneIsolates) {
  FakeHost host;
  host.alive_comm = "nsmo-0-1";
  EXPECT_EQ(Judge(Rec("probe pid.orphan pid=7 comm=nsmo-0-1"), host).outcome, Outcome::leaked);
  host.alive_comm.clear();
  EXPECT_EQ(Judge(Rec("probe pid.orphan pid=7 comm=nsmo-0-1"), host).outcome, Outcome::isolated);
  // A host that could not look is no "gone".
  host.proc_unreadable = true;
  Observation blind = Judge(Rec("probe pid.orphan pid=7 comm=nsmo-0-1"), host);
  EXPECT_EQ(blind.outcome, Outcome::error);
  EXPECT_NE(blind.detail.find("EMFILE"), std::string::npos) << blind.detail;
  host.proc_unreadable = false;
  // Not started, or under another name: nothing to look for.
  EXPECT_EQ(Judge(Rec("probe pid.orphan comm=nsmo-0-1"), host).outcome, Outcome::error);
  EXPECT_EQ(Judge(Rec("probe pid.orphan pid=7 comm=nsmo-0-0"), host).outcome, Outcome::error);
}

}  // namespace
}  // namespace nsm
