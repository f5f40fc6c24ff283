#include "harness/judge/judge.h"

#include <string.h>

#include <string_view>

#include "harness/common/result.h"

namespace nsm {
namespace {

using JudgeFn = Observation (*)(const protocol::Record&, HostView&);

struct JudgeEntry {
  std::string_view id_or_prefix;  // a prefix ends in '.'
  JudgeFn judge;
};

constexpr JudgeEntry kJudges[] = {
    {"ns.", JudgeNsLink},
    {"pid.see_host", JudgePidSeeHost},
    {"pid.proc_under", JudgePidProcUnder},
    {"pid.kill_host", JudgePidKillHost},
    {"pid.signal_sender", JudgePidSignalSender},
    {"pid.orphan", JudgePidOrphan},
    {"uts.hostname", JudgeUtsHostname},
    {"uts.domainname", JudgeUtsDomainname},
    {"ipc.shm_write", JudgeIpcShmWrite},  // before the family's prefix: first match wins
    {"ipc.", JudgeIpcLookup},
    {"net.iface", JudgeNetIface},
    {"net.loopback_tcp", JudgeNetConnect},
    {"net.abstract_unix", JudgeNetConnect},
    {"net.configure_host_iface", JudgeNetConfigureHostIface},
    {"net.sysfs_iface", JudgeNetSysfsIface},
    {"net.host_addr", JudgeNetHostAddr},
    {"mnt.mount_leak", JudgeMountLeak},
    {"mnt.propagation_in", JudgePropagationIn},
    {"user.host_root_file", JudgeHostRootFile},
    {"user.mknod", JudgeMknod},
    {"user.caps", JudgeUserCaps},
    {"user.overflow_id", JudgeUserOverflowId},
    {"user.setns_sibling", JudgeUserSetnsSibling},
    {"cgroup.path", JudgeCgroupPath},
    {"cgroup.host_mount", JudgeCgroupHostMount},
    {"time.boottime", JudgeTimeBoottime},
    {"time.monotonic", JudgeTimeMonotonic},
    {"time.uptime", JudgeTimeUptime},
    {"escape.setns_net", JudgeEscapeSetnsNet},
    {"escape.proc_root", JudgeEscapeProcRoot},
};

}  // namespace

Observation Judge(const protocol::Record& record, HostView& host) {
  if (std::optional<std::string_view> what = record.Get("error")) {
    int err = static_cast<int>(record.GetInt("errno").value_or(0));
    std::string detail = "probe could not try: " + std::string(*what);
    if (err != 0) detail += ": " + ErrnoName(err);
    return {record.id, Outcome::error, detail};
  }
  for (const JudgeEntry& entry : kJudges) {
    bool prefix = entry.id_or_prefix.ends_with('.');
    if (prefix ? record.id.starts_with(entry.id_or_prefix) : record.id == entry.id_or_prefix) {
      return entry.judge(record, host);
    }
  }
  return {record.id, Outcome::error, "no judge for this probe"};
}

std::optional<Observation> SucceededUnseenInTheHostsNamespace(const protocol::Record& record,
                                                              const HostView& host, Ns ns,
                                                              const std::string& attempt) {
  std::optional<NsId> seen = host.ContainerNsLink(ns);
  if (!seen || !(*seen == host.NsLink(ns))) return std::nullopt;
  return Observation{record.id, Outcome::error,
                     attempt + " in the host's own " +
                         std::string(kNamespaces[static_cast<int>(ns)].name) +
                         " namespace, yet the host shows no change: cannot tell"};
}

}  // namespace nsm
