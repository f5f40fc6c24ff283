// A host view for the judges' tests: every fixture as a field a test sets.
#pragma once

#include <gtest/gtest.h>

#include <cerrno>
#include <optional>
#include <string>

#include "harness/judge/host_view.h"
#include "harness/judge/judge.h"

namespace nsm::judge_test {

class FakeHost : public HostView {
 public:
  NsId NsLink(Ns ns) const override { return {4, 4026531830u + static_cast<unsigned>(ns)}; }
  std::optional<NsId> ContainerNsLink(Ns) const override { return container_link; }
  std::string ExpectedDomainname() const override { return "nsm-domain-0"; }
  std::string CurrentDomainname() const override { return current_domainname; }
  std::string ListenerBanner() const override { return "nsm-banner abc\n"; }
  int HostIfaceMtu() const override { return mtu; }
  std::string SecretContent() const override { return "nsm-secret abc\n"; }
  std::optional<bool> MountWithSource(const std::string& source) const override {
    if (!mounts_readable) return std::nullopt;
    return source == mounted_source;
  }
  bool DeviceNodeAt(const std::string& path) const override { return path == device_at; }
  std::optional<std::string> CgroupUnavailable() const override { return cgroup_unavailable; }
  std::pair<long long, long long> BootTimeWindowMs() const override { return {100000, 100500}; }
  std::pair<long long, long long> MonotonicWindowMs() const override { return {90000, 90500}; }
  const UnmappedOwner& ForeignOwner() const override { return foreign; }
  const HeldUserns& SiblingUserns() const override { return sibling; }
  pid_t LauncherPid() const override { return 1; }
  std::optional<CellCgroupDir> CellCgroup() const override {
    if (cgroup_unavailable) return std::nullopt;
    return CellCgroupDir{"/sys/fs/cgroup/nsmatrix-1/w0/cell", 30, 4242, cell_in_ns};
  }
  bool SysfsListsHostIface() const override { return sysfs_lists_iface; }
  bool PropagationMountMade() const override { return propagation_mounted; }
  std::optional<std::string> HostShmText() const override { return shm_text; }
  Result<bool> ProcessWithComm(const std::string& comm) const override {
    if (proc_unreadable) return Fail(EMFILE, "opendir /proc");
    return comm == alive_comm;
  }
  std::optional<std::string> HostIfaceAddress() const override { return iface_address; }
  const CellNames& Names() const override { return names; }
  std::string ExpectedHostname() const override { return "nsm-host-0"; }
  std::string CurrentHostname() const override { return current_hostname; }
  pid_t SentinelPid() const override { return 31337; }
  std::string SentinelComm() const override { return "nsm-s0-abc"; }
  bool SentinelDeadWithin(std::chrono::milliseconds grace) override {
    last_grace = grace;
    return sentinel_dead;
  }
  std::string current_hostname = "nsm-host-0";
  std::string cell_in_ns;  // empty: the host has no cgroup namespace of its own
  bool sentinel_dead = false;
  std::chrono::milliseconds last_grace{-1};
  std::optional<NsId> container_link;
  std::string current_domainname = "nsm-domain-0";
  int mtu = 1500;
  bool mounts_readable = true;
  std::string mounted_source, device_at;
  std::optional<std::string> cgroup_unavailable;
  UnmappedOwner foreign{4242, 65534, ""};
  HeldUserns sibling{{4, 4026532500u}, ""};
  bool sysfs_lists_iface = true;
  bool propagation_mounted = true;
  std::optional<std::string> shm_text = "";
  std::string alive_comm;
  bool proc_unreadable = false;
  std::optional<std::string> iface_address = "";
  CellNames names{
      "nsm-probe-0-1", "nsm-probe-domain-0-1", "nsm-leak-0-1", "/tmp/nsm-mknod/null-0-1",
      "nsm-prop-0-1",  "nsm-shm-0-1",          "nsmo-0-1"};
};

// A record from its wire text; a test's typo is a failure, not a crash.
inline protocol::Record Rec(const char* line) {
  Result<protocol::Record> record = protocol::Parse(line);
  if (!record) {
    ADD_FAILURE() << "not a record: '" << line << "': " << record.error().Message();
    return {};
  }
  return *record;
}

}  // namespace nsm::judge_test
