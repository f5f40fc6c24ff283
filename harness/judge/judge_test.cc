#include "harness/judge/judge.h"

#include <gtest/gtest.h>

namespace nsm {
namespace {

class FakeHost : public HostView {
 public:
  NsId NsLink(Ns ns) const override { return {4, 4026531830u + static_cast<unsigned>(ns)}; }
  std::string ExpectedHostname() const override { return "nsm-host-0"; }
  std::string CurrentHostname() const override { return current_hostname; }
  pid_t SentinelPid() const override { return 31337; }
  std::string SentinelComm() const override { return "nsm-s0-abc"; }
  bool SentinelDeadWithin(std::chrono::milliseconds grace) override {
    last_grace = grace;
    return sentinel_dead;
  }
  std::string current_hostname = "nsm-host-0";
  bool sentinel_dead = false;
  std::chrono::milliseconds last_grace{-1};
};

protocol::Record Rec(const char* line) {
  return *protocol::Parse(line);
}

TEST(JudgeNsLink, SameInodeLeaksDifferentIsolates) {
  FakeHost host;
  NsId net = host.NsLink(Ns::net);
  std::string same = "probe ns.net dev=4 ino=" + std::to_string(net.ino);
  EXPECT_EQ(Judge(Rec(same.c_str()), host).outcome, Outcome::leaked);
  Observation iso = Judge(Rec("probe ns.net dev=4 ino=4026532999"), host);
  EXPECT_EQ(iso.outcome, Outcome::isolated);
  EXPECT_NE(iso.detail.find("4026532999"), std::string::npos);
  // A different nsfs device is a different namespace too.
  std::string other_dev = "probe ns.net dev=5 ino=" + std::to_string(net.ino);
  EXPECT_EQ(Judge(Rec(other_dev.c_str()), host).outcome, Outcome::isolated);
  EXPECT_EQ(Judge(Rec("probe ns.net dev=4"), host).outcome, Outcome::error);
}

TEST(JudgePidSeeHost, FoundLeaksNotFoundIsolatesEmptyProcErrors) {
  FakeHost host;
  EXPECT_EQ(Judge(Rec("probe pid.see_host found=1 scanned=9 pid=31337"), host).outcome,
            Outcome::leaked);
  EXPECT_EQ(Judge(Rec("probe pid.see_host found=0 scanned=2"), host).outcome, Outcome::isolated);
  // Nothing scanned cannot prove isolation.
  EXPECT_EQ(Judge(Rec("probe pid.see_host found=0 scanned=0"), host).outcome, Outcome::error);
}

TEST(JudgePidKillHost, JudgedByTheSentinelNotByKillsReturnValue) {
  FakeHost host;
  host.sentinel_dead = true;
  EXPECT_EQ(Judge(Rec("probe pid.kill_host target=31337 rc=0 errno=0"), host).outcome,
            Outcome::leaked);
  EXPECT_GT(host.last_grace.count(), 0);  // a successful kill gets time to land
  host.sentinel_dead = false;
  Observation survived = Judge(Rec("probe pid.kill_host target=31337 rc=0 errno=0"), host);
  EXPECT_EQ(survived.outcome, Outcome::isolated);
  EXPECT_NE(survived.detail.find("survived"), std::string::npos);
  EXPECT_EQ(Judge(Rec("probe pid.kill_host target=31337 rc=-1 errno=1"), host).outcome,
            Outcome::isolated);
  EXPECT_EQ(host.last_grace.count(), 0);
  // Dead although kill failed: the host side is what counts.
  host.sentinel_dead = true;
  EXPECT_EQ(Judge(Rec("probe pid.kill_host target=31337 rc=-1 errno=3"), host).outcome,
            Outcome::leaked);
}

TEST(JudgeUtsHostname, JudgedByTheHostsName) {
  FakeHost host;
  EXPECT_EQ(Judge(Rec("probe uts.hostname rc=0 errno=0"), host).outcome, Outcome::isolated);
  host.current_hostname = "nsm-probe-5";
  Observation leaked = Judge(Rec("probe uts.hostname rc=0 errno=0"), host);
  EXPECT_EQ(leaked.outcome, Outcome::leaked);
  EXPECT_NE(leaked.detail.find("nsm-probe-5"), std::string::npos);
}

TEST(Judge, ProbeErrorsAndUnknownProbesAreErrors) {
  FakeHost host;
  Observation err = Judge(Rec("probe ns.net error=stat%20/proc/self/ns/net errno=2"), host);
  EXPECT_EQ(err.outcome, Outcome::error);
  EXPECT_NE(err.detail.find("ENOENT"), std::string::npos);
  EXPECT_EQ(Judge(Rec("probe bogus.thing x=1"), host).outcome, Outcome::error);
}

}  // namespace
}  // namespace nsm
