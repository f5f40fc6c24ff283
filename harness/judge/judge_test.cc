#include "harness/judge/judge.h"

#include <gtest/gtest.h>

#include "harness/judge/fake_host_for_tests.h"
#include "harness/rules/catalogue.h"

namespace nsm {
namespace {

using judge_test::FakeHost;
using judge_test::Rec;

TEST(JudgeNsLink, SameInodeLeaksDifferentIsolates) {
  FakeHost host;
  NsId net = host.NsLink(Ns::net);
  std::string ino = std::to_string(net.ino);
  std::string same = "probe ns.net dev=4 ino=" + ino + " link=net:[" + ino + "]";
  EXPECT_EQ(Judge(Rec(same.c_str()), host).outcome, Outcome::leaked);
  Observation iso = Judge(Rec("probe ns.net dev=4 ino=4026532999 link=net:[4026532999]"), host);
  EXPECT_EQ(iso.outcome, Outcome::isolated);
  EXPECT_NE(iso.detail.find("4026532999"), std::string::npos);
  // Every namespace is on the one nsfs: another device is no namespace link
  // (a /proc that is not procfs), and proves nothing.
  std::string other_dev = "probe ns.net dev=5 ino=4026532999 link=net:[4026532999]";
  EXPECT_EQ(Judge(Rec(other_dev.c_str()), host).outcome, Outcome::error);
  // The link's text must name the same type and inode.
  EXPECT_EQ(Judge(Rec("probe ns.net dev=4 ino=4026532999"), host).outcome, Outcome::error);
  EXPECT_EQ(Judge(Rec("probe ns.net dev=4 ino=4026532999 link=uts:[4026532999]"), host).outcome,
            Outcome::error);
  EXPECT_EQ(Judge(Rec("probe ns.net dev=4 ino=4026532999 link=net:[4026532998]"), host).outcome,
            Outcome::error);
  EXPECT_EQ(Judge(Rec("probe ns.net dev=4"), host).outcome, Outcome::error);
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

TEST(JudgeNsLink, TheHostsOwnViewWinsAndDisagreementIsAnError) {
  FakeHost host;
  NsId net = host.NsLink(Ns::net);
  host.container_link = net;  // the host saw the container in its own net namespace
  std::string ino = std::to_string(net.ino);
  std::string same = "probe ns.net dev=4 ino=" + ino + " link=net:[" + ino + "]";
  EXPECT_EQ(Judge(Rec(same.c_str()), host).outcome, Outcome::leaked);
  // A probe claiming another namespace than the host saw is not believed.
  EXPECT_EQ(Judge(Rec("probe ns.net dev=4 ino=4026532999 link=net:[4026532999]"), host).outcome,
            Outcome::error);
}

TEST(JudgeIpc, FoundOrEaccesLeaksEnoentIsolates) {
  FakeHost host;
  EXPECT_EQ(Judge(Rec("probe ipc.sysv_shm found=1 errno=0"), host).outcome, Outcome::leaked);
  EXPECT_EQ(Judge(Rec("probe ipc.posix_mq found=1 errno=13"), host).outcome, Outcome::leaked);
  EXPECT_EQ(Judge(Rec("probe ipc.sysv_sem found=0 errno=2"), host).outcome, Outcome::isolated);
}

TEST(JudgeNet, BannerProvesAConnectionTimeoutsProveNothing) {
  FakeHost host;
  EXPECT_EQ(
      Judge(Rec("probe net.loopback_tcp connected=1 errno=0 banner=nsm-banner%20abc%0A"), host)
          .outcome,
      Outcome::leaked);
  EXPECT_EQ(Judge(Rec("probe net.loopback_tcp connected=1 errno=0 banner=other"), host).outcome,
            Outcome::error);
  EXPECT_EQ(Judge(Rec("probe net.abstract_unix connected=0 errno=111"), host).outcome,
            Outcome::isolated);
  EXPECT_EQ(Judge(Rec("probe net.loopback_tcp connected=0 errno=101"), host).outcome,
            Outcome::isolated);
  EXPECT_EQ(Judge(Rec("probe net.loopback_tcp connected=0 timeout=1"), host).outcome,
            Outcome::error);
  EXPECT_EQ(Judge(Rec("probe net.loopback_tcp connected=0 errno=110"), host).outcome,
            Outcome::error);
  // EADDRNOTAVAIL: out of ephemeral ports, in the host's namespace as well as any.
  EXPECT_EQ(Judge(Rec("probe net.loopback_tcp connected=0 errno=99"), host).outcome,
            Outcome::error);
  EXPECT_EQ(Judge(Rec("probe net.iface found=1 index=3"), host).outcome, Outcome::leaked);
  EXPECT_EQ(Judge(Rec("probe net.iface found=0 index=0"), host).outcome, Outcome::isolated);
}

TEST(JudgeNet, ConfigureJudgedByTheHostsMtu) {
  FakeHost host;
  // Refused, and the host's MTU unchanged.
  EXPECT_EQ(Judge(Rec("probe net.configure_host_iface rc=-1 errno=1"), host).outcome,
            Outcome::isolated);
  EXPECT_EQ(Judge(Rec("probe net.configure_host_iface rc=-1 errno=19"), host).outcome,
            Outcome::isolated);
  // The probe says it succeeded, yet the host's MTU did not change: that
  // proves nothing (only the host's MTU counts).
  EXPECT_EQ(Judge(Rec("probe net.configure_host_iface rc=0 errno=0"), host).outcome,
            Outcome::error);
  EXPECT_EQ(Judge(Rec("probe net.configure_host_iface errno=1"), host).outcome, Outcome::error);
  host.mtu = 1280;
  EXPECT_EQ(Judge(Rec("probe net.configure_host_iface rc=-1 errno=1"), host).outcome,
            Outcome::leaked);
  host.mtu = -1;
  EXPECT_EQ(Judge(Rec("probe net.configure_host_iface rc=-1 errno=1"), host).outcome,
            Outcome::error);
}

TEST(JudgeFs, MountLeakJudgedByTheHostsTable) {
  FakeHost host;
  const char* mounted = "probe mnt.mount_leak rc=0 errno=0 source=nsm-leak-0-1";
  EXPECT_EQ(Judge(Rec(mounted), host).outcome, Outcome::isolated);
  // Absent proves nothing of another mount, or of one the probe does not name.
  EXPECT_EQ(Judge(Rec("probe mnt.mount_leak rc=0 errno=0 source=nsm-leak-0-2"), host).outcome,
            Outcome::error);
  EXPECT_EQ(Judge(Rec("probe mnt.mount_leak rc=0 errno=0"), host).outcome, Outcome::error);
  host.mounted_source = "nsm-leak-0-1";
  EXPECT_EQ(Judge(Rec(mounted), host).outcome, Outcome::leaked);
  host.mounts_readable = false;  // an unreadable table is never "no leak"
  EXPECT_EQ(Judge(Rec(mounted), host).outcome, Outcome::error);
  host.mounts_readable = true;
  host.mounted_source.clear();
  EXPECT_EQ(Judge(Rec("probe mnt.mount_leak rc=-1 errno=2"), host).outcome, Outcome::error);
}

// Success with the host unchanged is isolation only in a namespace of the
// container's own: in the host's, the change had to show.
TEST(Judge, ASuccessTheHostDoesNotShowInItsOwnNamespaceIsAnError) {
  struct Case {
    const char* line;
    Ns ns;
  };
  for (const Case& c : {Case{"probe uts.hostname rc=0 errno=0", Ns::uts},
                        Case{"probe uts.domainname rc=0 errno=0", Ns::uts},
                        Case{"probe mnt.mount_leak rc=0 errno=0 source=nsm-leak-0-1", Ns::mnt},
                        Case{"probe ipc.shm_write wrote=1 marker=nsm-shm-0-1", Ns::ipc}}) {
    FakeHost host;
    EXPECT_EQ(Judge(Rec(c.line), host).outcome, Outcome::isolated) << c.line << ": no link read";
    host.container_link = NsId{4, 4026532999u};  // a namespace of its own
    EXPECT_EQ(Judge(Rec(c.line), host).outcome, Outcome::isolated) << c.line;
    host.container_link = host.NsLink(c.ns);  // the host's
    Observation shared = Judge(Rec(c.line), host);
    EXPECT_EQ(shared.outcome, Outcome::error) << c.line;
    EXPECT_NE(shared.detail.find("in the host's own"), std::string::npos) << shared.detail;
  }
}

TEST(JudgeFs, PropagationInJudgedOnlyForTheHostsMount) {
  FakeHost host;
  auto judge = [&](const char* line) { return Judge(Rec(line), host).outcome; };
  EXPECT_EQ(judge("probe mnt.propagation_in source=nsm-prop-0-1 found=1 mounts=30"),
            Outcome::leaked);
  EXPECT_EQ(judge("probe mnt.propagation_in source=nsm-prop-0-1 found=0 mounts=30"),
            Outcome::isolated);
  // Another name, none, or an empty table: not looked for where it would be.
  EXPECT_EQ(judge("probe mnt.propagation_in source=nsm-prop-0-2 found=0 mounts=30"),
            Outcome::error);
  EXPECT_EQ(judge("probe mnt.propagation_in found=0 mounts=30"), Outcome::error);
  EXPECT_EQ(judge("probe mnt.propagation_in source=nsm-prop-0-1 found=0 mounts=0"), Outcome::error);
  EXPECT_EQ(judge("probe mnt.propagation_in source=nsm-prop-0-1 found=0"), Outcome::error);
  // No host mount was made: nothing to find.
  host.propagation_mounted = false;
  EXPECT_EQ(judge("probe mnt.propagation_in source=nsm-prop-0-1 found=0 mounts=30"),
            Outcome::error);
}

TEST(JudgeFs, MknodAndHostRootFile) {
  FakeHost host;
  EXPECT_EQ(Judge(Rec("probe user.mknod rc=-1 errno=1"), host).outcome, Outcome::isolated);
  EXPECT_EQ(Judge(Rec("probe user.mknod rc=0 errno=0"), host).outcome, Outcome::leaked);
  host.device_at = "/tmp/nsm-mknod/null-0-1";
  EXPECT_EQ(Judge(Rec("probe user.mknod rc=-1 errno=1"), host).outcome, Outcome::leaked);
  EXPECT_EQ(Judge(Rec("probe user.host_root_file read=1 errno=0 content=nsm-secret%20abc%0A"), host)
                .outcome,
            Outcome::leaked);
  EXPECT_EQ(Judge(Rec("probe user.host_root_file read=0 errno=13"), host).outcome,
            Outcome::isolated);
  // A missing fixture is no evidence of isolation.
  EXPECT_EQ(Judge(Rec("probe user.host_root_file read=0 errno=2"), host).outcome, Outcome::error);
  EXPECT_EQ(Judge(Rec("probe user.host_root_file read=1 errno=0 content=other"), host).outcome,
            Outcome::error);
}

TEST(JudgeMisc, CapsCgroupTimeDomain) {
  FakeHost host;
  std::string host_userns = std::to_string(host.NsLink(Ns::user).ino);
  EXPECT_EQ(Judge(Rec(("probe user.caps effective=41 caps=x userns_dev=4 userns_ino=" + host_userns)
                          .c_str()),
                  host)
                .outcome,
            Outcome::leaked);
  EXPECT_EQ(
      Judge(Rec("probe user.caps effective=41 caps=x userns_dev=4 userns_ino=1"), host).outcome,
      Outcome::isolated);
  // None at all in the host's user namespace: something else took them.
  EXPECT_EQ(Judge(Rec(("probe user.caps effective=0 caps=x userns_dev=4 userns_ino=" + host_userns)
                          .c_str()),
                  host)
                .outcome,
            Outcome::error);
  // Not a namespace link, or no count.
  EXPECT_EQ(
      Judge(Rec("probe user.caps effective=41 caps=x userns_dev=5 userns_ino=1"), host).outcome,
      Outcome::error);
  EXPECT_EQ(Judge(Rec("probe user.caps caps=x userns_dev=4 userns_ino=1"), host).outcome,
            Outcome::error);
  EXPECT_EQ(Judge(Rec("probe cgroup.path path=/"), host).outcome, Outcome::isolated);
  EXPECT_EQ(Judge(Rec("probe cgroup.path path=/cell"), host).outcome, Outcome::leaked);
  host.cgroup_unavailable = "no cgroup2";
  EXPECT_EQ(Judge(Rec("probe cgroup.path path=/"), host).outcome, Outcome::unsupported);
  EXPECT_EQ(Judge(Rec("probe time.boottime boottime_ms=100200 monotonic_ms=1"), host).outcome,
            Outcome::leaked);
  long long offset = 10LL * 365 * 86400 * 1000 + 100200;
  EXPECT_EQ(Judge(Rec(("probe time.boottime boottime_ms=" + std::to_string(offset)).c_str()), host)
                .outcome,
            Outcome::isolated);
  EXPECT_EQ(Judge(Rec("probe time.boottime boottime_ms=5"), host).outcome, Outcome::error);
  EXPECT_EQ(Judge(Rec("probe uts.domainname rc=0 errno=0"), host).outcome, Outcome::isolated);
  host.current_domainname = "nsm-probe-domain-0-1";
  EXPECT_EQ(Judge(Rec("probe uts.domainname rc=0 errno=0"), host).outcome, Outcome::leaked);
}

TEST(JudgeTime, MonotonicAndUptimeAgainstTheHostsWindow) {
  FakeHost host;
  long long offset = 10LL * 365 * 86400 * 1000;
  auto judge = [&](const std::string& line) { return Judge(Rec(line.c_str()), host); };
  EXPECT_EQ(judge("probe time.monotonic monotonic_ms=90200").outcome, Outcome::leaked);
  EXPECT_EQ(judge("probe time.monotonic monotonic_ms=" + std::to_string(90200 + offset)).outcome,
            Outcome::isolated);
  // The boottime window is not the monotonic one.
  EXPECT_EQ(judge("probe time.monotonic monotonic_ms=100200").outcome, Outcome::error);
  EXPECT_EQ(judge("probe time.uptime sysinfo_s=101 proc_uptime_ms=100250").outcome,
            Outcome::leaked);
  std::string shifted = std::to_string((100200 + offset) / 1000 + 1);
  EXPECT_EQ(judge("probe time.uptime sysinfo_s=" + shifted +
                  " proc_uptime_ms=" + std::to_string(100250 + offset))
                .outcome,
            Outcome::isolated);
  // Without /proc/uptime, sysinfo decides alone and the detail says so.
  Observation alone = judge("probe time.uptime sysinfo_s=" + shifted + " proc_errno=2");
  EXPECT_EQ(alone.outcome, Outcome::isolated);
  EXPECT_NE(alone.detail.find("ENOENT"), std::string::npos) << alone.detail;
  // The two disagreeing proves nothing.
  EXPECT_EQ(
      judge("probe time.uptime sysinfo_s=101 proc_uptime_ms=" + std::to_string(100250 + offset))
          .outcome,
      Outcome::error);
}

TEST(JudgeUser, OverflowIdIsIsolationTheRealIdALeak) {
  FakeHost host;
  EXPECT_EQ(Judge(Rec("probe user.overflow_id uid=4242 gid=4242"), host).outcome, Outcome::leaked);
  EXPECT_EQ(Judge(Rec("probe user.overflow_id uid=65534 gid=65534"), host).outcome,
            Outcome::isolated);
  EXPECT_EQ(Judge(Rec("probe user.overflow_id uid=0 gid=0"), host).outcome, Outcome::error);
  host.foreign = {-1, 65534, "uid 4242 is not mapped"};
  EXPECT_EQ(Judge(Rec("probe user.overflow_id uid=0 gid=0"), host).outcome, Outcome::unsupported);
}

TEST(JudgeIpcShmWrite, JudgedByTheHostsSegment) {
  FakeHost host;
  // The host's segment holds the cell's marker: the write reached it.
  host.shm_text = "nsm-shm-0-1";
  EXPECT_EQ(Judge(Rec("probe ipc.shm_write stage=write wrote=1 errno=0 marker=nsm-shm-0-1"), host)
                .outcome,
            Outcome::leaked);
  // The marker of another cell, or anything else, proves nothing.
  host.shm_text = "nsm-shm-0-0";
  EXPECT_EQ(Judge(Rec("probe ipc.shm_write stage=write wrote=1 errno=0 marker=nsm-shm-0-1"), host)
                .outcome,
            Outcome::error);
  host.shm_text = "";
  Observation other =
      Judge(Rec("probe ipc.shm_write stage=write wrote=1 errno=0 marker=nsm-shm-0-1"), host);
  EXPECT_EQ(other.outcome, Outcome::isolated);
  EXPECT_NE(other.detail.find("another object"), std::string::npos);
  EXPECT_EQ(Judge(Rec("probe ipc.shm_write stage=shmget wrote=0 errno=13"), host).outcome,
            Outcome::isolated);
  // A write it did not make, or a failure that is not a refusal, is no proof.
  EXPECT_EQ(Judge(Rec("probe ipc.shm_write stage=write wrote=1 errno=0 marker=x"), host).outcome,
            Outcome::error);
  EXPECT_EQ(Judge(Rec("probe ipc.shm_write stage=shmget wrote=0 errno=28"), host).outcome,
            Outcome::error);
  host.shm_text = std::nullopt;
  EXPECT_EQ(Judge(Rec("probe ipc.shm_write stage=shmget wrote=0 errno=13"), host).outcome,
            Outcome::error);
}

TEST(JudgeNetHostAddr, JudgedByTheHostsAddress) {
  FakeHost host;
  host.iface_address = "198.51.100.77";
  EXPECT_EQ(Judge(Rec("probe net.host_addr rc=0 errno=0"), host).outcome, Outcome::leaked);
  host.iface_address = "";
  EXPECT_EQ(Judge(Rec("probe net.host_addr rc=-1 errno=1"), host).outcome, Outcome::isolated);
  EXPECT_EQ(Judge(Rec("probe net.host_addr rc=-1 errno=19"), host).outcome, Outcome::isolated);
  // Success with the host unchanged, another failure, another address: no proof.
  EXPECT_EQ(Judge(Rec("probe net.host_addr rc=0 errno=0"), host).outcome, Outcome::error);
  EXPECT_EQ(Judge(Rec("probe net.host_addr rc=-1 errno=22"), host).outcome, Outcome::error);
  host.iface_address = "10.0.0.1";
  EXPECT_EQ(Judge(Rec("probe net.host_addr rc=-1 errno=1"), host).outcome, Outcome::error);
  host.iface_address = std::nullopt;
  EXPECT_EQ(Judge(Rec("probe net.host_addr rc=-1 errno=1"), host).outcome, Outcome::error);
}

TEST(JudgeUserSetnsSibling, EnteringTheHostsLeaksEpermIsolates) {
  FakeHost host;
  EXPECT_EQ(Judge(Rec("probe user.setns_sibling opened=1 dev=4 ino=4026532500 rc=0 errno=0"), host)
                .outcome,
            Outcome::leaked);
  EXPECT_EQ(Judge(Rec("probe user.setns_sibling opened=1 dev=4 ino=4026532500 rc=-1 errno=1"), host)
                .outcome,
            Outcome::isolated);
  // Another file, no file, another failure: nothing proven.
  EXPECT_EQ(Judge(Rec("probe user.setns_sibling opened=1 dev=4 ino=4026532999 rc=0 errno=0"), host)
                .outcome,
            Outcome::error);
  EXPECT_EQ(Judge(Rec("probe user.setns_sibling opened=0 errno=2"), host).outcome, Outcome::error);
  EXPECT_EQ(
      Judge(Rec("probe user.setns_sibling opened=1 dev=4 ino=4026532500 rc=-1 errno=22"), host)
          .outcome,
      Outcome::error);
  // The sandbox could not hold one: unsupported, as the kernel's refusal of
  // a user namespace, which the runner makes a skip only where the run's
  // kernel check found user namespaces unusable.
  host.sibling.unavailable = "unshare(CLONE_NEWUSER) failed with ENOMEM";
  EXPECT_EQ(Judge(Rec("probe user.setns_sibling opened=0 errno=2"), host).outcome,
            Outcome::error);  // not the kernel refusing a namespace
  host.sibling.unavailable = "unshare(CLONE_NEWUSER) failed with ENOSPC";
  host.sibling.refused = true;
  Observation none = Judge(Rec("probe user.setns_sibling opened=0 errno=2"), host);
  EXPECT_EQ(none.outcome, Outcome::unsupported);
  EXPECT_EQ(none.refused_types, NsSet().With(Ns::user));
  // Every other observation is no refusal of the kernel's.
  EXPECT_TRUE(Judge(Rec("probe cgroup.path path=/"), host).refused_types.Empty());
}

}  // namespace
}  // namespace nsm

namespace nsm {
namespace {

// Every judge, given a record with none of its probe's fields: never a
// verdict. A missing field must not fall through to isolated (or leaked).
TEST(Judge, ARecordWithoutFieldsIsNeverAVerdict) {
  for (const ProbeSpec& spec : Catalogue::Builtin().Probes()) {
    judge_test::FakeHost host;
    std::string line = "probe " + spec.id;
    Observation o = Judge(judge_test::Rec(line.c_str()), host);
    EXPECT_EQ(o.outcome, Outcome::error) << spec.id << ": " << o.detail;
  }
}

}  // namespace
}  // namespace nsm
