// Judges of what older mounts and visible host processes give away: sysfs and
// cgroupfs mounted before the namespaces, and the escapes through /proc/PID.
#include <gtest/gtest.h>

#include "harness/judge/fake_host_for_tests.h"
#include "harness/judge/judge.h"

namespace nsm {
namespace {

using judge_test::FakeHost;
using judge_test::Rec;

TEST(JudgeStaleMounts, SysfsAndCgroupMountJudgedAgainstTheHostsView) {
  FakeHost host;
  auto judge = [&](const char* line) { return Judge(Rec(line), host); };
  EXPECT_EQ(judge("probe net.sysfs_iface listed=1 entries=3 found=1").outcome, Outcome::leaked);
  EXPECT_EQ(judge("probe net.sysfs_iface listed=1 entries=1 found=0 foreign=0").outcome,
            Outcome::isolated);
  // Interfaces the container's own namespace does not have: another
  // namespace's sysfs (the machine's, bound into a root filesystem).
  Observation other =
      judge("probe net.sysfs_iface listed=1 entries=4 found=0 foreign=3 foreign_name=eth0");
  EXPECT_EQ(other.outcome, Outcome::leaked);
  EXPECT_NE(other.detail.find("eth0"), std::string::npos) << other.detail;
  // A listing that does not say what it found proves nothing.
  EXPECT_EQ(judge("probe net.sysfs_iface listed=1 entries=3").outcome, Outcome::error);
  EXPECT_EQ(judge("probe net.sysfs_iface listed=1 entries=3 found=0").outcome, Outcome::error);
  EXPECT_EQ(judge("probe net.sysfs_iface listed=0 errno=2").outcome, Outcome::isolated);
  // A directory there that could not be listed hides what it holds.
  EXPECT_EQ(judge("probe net.sysfs_iface listed=0 errno=13").outcome, Outcome::error);
  EXPECT_EQ(judge("probe net.sysfs_iface listed=0 errno=24").outcome, Outcome::error);
  // Where the host's own sysfs lacks the interface, its absence inside proves nothing.
  host.sysfs_lists_iface = false;
  EXPECT_EQ(judge("probe net.sysfs_iface listed=1 entries=1 found=0 foreign=0").outcome,
            Outcome::error);

  const char* same =
      "probe cgroup.host_mount given=1 path=/sys/fs/cgroup/nsmatrix-1/w0/cell found=1 dev=30 "
      "ino=4242";
  EXPECT_EQ(judge(same).outcome, Outcome::leaked);
  EXPECT_EQ(judge("probe cgroup.host_mount given=1 path=/sys/fs/cgroup/nsmatrix-1/w0/cell "
                  "found=1 dev=30 ino=7")
                .outcome,
            Outcome::error);
  EXPECT_EQ(judge("probe cgroup.host_mount given=1 path=/sys/fs/cgroup/nsmatrix-1/w0/cell "
                  "found=0 errno=2")
                .outcome,
            Outcome::isolated);
  EXPECT_EQ(judge("probe cgroup.host_mount given=1 path=/sys/fs/cgroup/nsmatrix-1/w0/cell "
                  "found=0 errno=13")
                .outcome,
            Outcome::error);
  // Through a mount made in the host's cgroup namespace, at the path it names
  // the cell by: leaked when it is the cell, whatever the host's path shows.
  host.cell_in_ns = "/cell";
  EXPECT_EQ(judge("probe cgroup.host_mount given=1 path=/sys/fs/cgroup/nsmatrix-1/w0/cell "
                  "found=0 errno=2 ns_path=/cell ns_seen=2 ns_path0=/a/cell ns_dev0=30 "
                  "ns_ino0=7 ns_path1=/sys/fs/cgroup/cell ns_dev1=30 ns_ino1=4242")
                .outcome,
            Outcome::leaked);
  EXPECT_EQ(judge("probe cgroup.host_mount given=1 path=/sys/fs/cgroup/nsmatrix-1/w0/cell "
                  "found=0 errno=2 ns_path=/cell ns_seen=1 ns_path0=/sys/fs/cgroup/cell "
                  "ns_dev0=30 ns_ino0=7")
                .outcome,
            Outcome::isolated);
  // Candidates the probe counted but did not report could be the cell.
  EXPECT_EQ(judge("probe cgroup.host_mount given=1 path=/sys/fs/cgroup/nsmatrix-1/w0/cell "
                  "found=0 errno=2 ns_path=/cell ns_seen=1 ns_path0=/sys/fs/cgroup/cell "
                  "ns_dev0=30 ns_ino0=7 ns_more=1")
                .outcome,
            Outcome::error);
  EXPECT_EQ(judge("probe cgroup.host_mount given=1 path=/sys/fs/cgroup/nsmatrix-1/w0/cell "
                  "found=0 errno=2 ns_path=/cell ns_seen=1 ns_path0=/sys/fs/cgroup/cell "
                  "ns_dev0=30 ns_ino0=7 ns_unreadable=1")
                .outcome,
            Outcome::error);
  // A leak the probe did report stays a leak, whatever it could not look at.
  EXPECT_EQ(judge("probe cgroup.host_mount given=1 path=/sys/fs/cgroup/nsmatrix-1/w0/cell "
                  "found=1 dev=30 ino=4242 ns_path=/cell ns_seen=1 ns_path0=/sys/fs/cgroup/cell "
                  "ns_dev0=30 ns_ino0=7 ns_more=1 ns_unreadable=1")
                .outcome,
            Outcome::leaked);
  // A probe that did not search there proves nothing about it.
  EXPECT_EQ(judge("probe cgroup.host_mount given=1 path=/sys/fs/cgroup/nsmatrix-1/w0/cell "
                  "found=0 errno=2")
                .outcome,
            Outcome::error);
  host.cell_in_ns.clear();
  // A probe that looked elsewhere proves nothing.
  EXPECT_EQ(judge("probe cgroup.host_mount given=1 path=/elsewhere found=0 errno=2").outcome,
            Outcome::error);
  host.cgroup_unavailable = "no cgroup2";
  EXPECT_EQ(judge(same).outcome, Outcome::unsupported);
}

TEST(JudgeEscape, SetnsNetProvenByTheBanner) {
  FakeHost host;
  auto judge = [&](const char* line) { return Judge(Rec(line), host); };
  EXPECT_EQ(judge("probe escape.setns_net comm=nsm-s0-abc found=1 scanned=3 pid=7 stage=connect "
                  "connected=1 errno=0 "
                  "banner=nsm-banner%20abc%0A")
                .outcome,
            Outcome::leaked);
  EXPECT_EQ(judge("probe escape.setns_net comm=nsm-s0-abc found=0 scanned=3 self=1 proc_self=1"
                  " under_layers=0 under_scanned=0 under_empty=0 cap_sys_admin=1 "
                  "under_stage=bottom under_errno=0")
                .outcome,
            Outcome::isolated);
  EXPECT_EQ(
      judge("probe escape.setns_net comm=nsm-s0-abc found=1 scanned=3 pid=7 stage=setns errno=1")
          .outcome,
      Outcome::isolated);
  EXPECT_EQ(
      judge("probe escape.setns_net comm=nsm-s0-abc found=1 scanned=3 pid=7 stage=open errno=13")
          .outcome,
      Outcome::isolated);
  EXPECT_EQ(
      judge("probe escape.setns_net comm=nsm-s0-abc found=1 scanned=3 pid=7 stage=open errno=2")
          .outcome,
      Outcome::error);
  // In the host's namespace the listener must answer: anything else proves nothing.
  EXPECT_EQ(judge("probe escape.setns_net comm=nsm-s0-abc found=1 scanned=3 pid=7 stage=connect "
                  "connected=0 errno=111")
                .outcome,
            Outcome::error);
  EXPECT_EQ(judge("probe escape.setns_net comm=nsm-s0-abc found=1 scanned=3 pid=7 stage=connect "
                  "connected=1 errno=0 "
                  "banner=other")
                .outcome,
            Outcome::error);
  EXPECT_EQ(judge("probe escape.setns_net comm=nsm-s0-abc found=1 scanned=3").outcome,
            Outcome::error);
  // Not found in /proc, with nothing said of what is under it: no proof.
  EXPECT_EQ(
      judge("probe escape.setns_net comm=nsm-s0-abc found=0 scanned=3 self=1 proc_self=1").outcome,
      Outcome::error);
  // Found under /proc: the attempt goes through that procfs, and says so.
  Observation under = judge(
      "probe escape.setns_net comm=nsm-s0-abc found=1 scanned=1 pid=7 layer=1 stage=open "
      "errno=13");
  EXPECT_EQ(under.outcome, Outcome::isolated);
  EXPECT_NE(under.detail.find("layer 1"), std::string::npos) << under.detail;
  // Not finding a sentinel that is dead is no proof of isolation.
  host.sentinel_dead = true;
  EXPECT_EQ(judge("probe escape.setns_net comm=nsm-s0-abc found=0 scanned=3 self=1 proc_self=1"
                  " under_layers=0 under_scanned=0 under_empty=0 cap_sys_admin=1 "
                  "under_stage=bottom under_errno=0")
                .outcome,
            Outcome::error);
}

TEST(JudgeEscape, ProcRootProvenByTheSecret) {
  FakeHost host;
  auto judge = [&](const char* line) { return Judge(Rec(line), host); };
  Observation read = judge(
      "probe escape.proc_root comm=nsm-s0-abc found=1 scanned=3 pid=7 read=1 errno=0 "
      "content=nsm-secret%20abc%0A");
  EXPECT_EQ(read.outcome, Outcome::leaked);
  EXPECT_NE(read.detail.find("/proc/7/root"), std::string::npos) << read.detail;
  EXPECT_EQ(judge("probe escape.proc_root comm=nsm-s0-abc found=1 scanned=3 pid=7 read=1 errno=0 "
                  "content=other")
                .outcome,
            Outcome::error);
  EXPECT_EQ(judge("probe escape.proc_root comm=nsm-s0-abc found=1 scanned=3 pid=7 read=0 errno=13")
                .outcome,
            Outcome::isolated);
  EXPECT_EQ(judge("probe escape.proc_root comm=nsm-s0-abc found=1 scanned=3 pid=7 read=0 errno=2")
                .outcome,
            Outcome::error);
  EXPECT_EQ(judge("probe escape.proc_root comm=nsm-s0-abc found=0 scanned=3 self=1 proc_self=1"
                  " under_layers=0 under_scanned=0 under_empty=0 cap_sys_admin=1 "
                  "under_stage=bottom under_errno=0")
                .outcome,
            Outcome::isolated);
}

// A /proc that lists nothing hides the host's processes as well as a PID
// namespace does: that is no isolation (a rootfs or a runtime without procfs).
TEST(JudgeEscape, AProcThatListsNothingCannotJudge) {
  FakeHost host;
  for (const char* line : {"probe escape.setns_net comm=nsm-s0-abc found=0 scanned=0",
                           "probe escape.proc_root comm=nsm-s0-abc found=0 scanned=0",
                           "probe escape.proc_root comm=nsm-s0-abc found=0"}) {
    EXPECT_EQ(Judge(Rec(line), host).outcome, Outcome::error) << line;
  }
}

}  // namespace
}  // namespace nsm
