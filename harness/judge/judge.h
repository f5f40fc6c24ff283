// Turns a probe's record plus what the host side sees into an outcome with
// evidence. One judge per probe family; the dispatch table is in judge.cc.
#pragma once

#include <string>

#include "harness/common/outcome.h"
#include "harness/common/protocol.h"
#include "harness/judge/host_view.h"

namespace nsm {

struct Observation {
  std::string probe;
  Outcome outcome = Outcome::error;
  std::string detail;
  // An unsupported outcome because the kernel refused to make namespaces of
  // these types (the launcher's clone3 or unshare for the combination, a
  // fixture's for its own): the runner makes it a skip only where the run's
  // kernel check found one of them unusable. Empty: no such refusal.
  NsSet refused_types{};
};

Observation Judge(const protocol::Record& record, HostView& host);

// Family judges (one file each).
Observation JudgeNsLink(const protocol::Record& record, HostView& host);
Observation JudgePidSeeHost(const protocol::Record& record, HostView& host);
Observation JudgePidProcUnder(const protocol::Record& record, HostView& host);
Observation JudgePidKillHost(const protocol::Record& record, HostView& host);
Observation JudgePidSignalSender(const protocol::Record& record, HostView& host);
Observation JudgeUtsHostname(const protocol::Record& record, HostView& host);
Observation JudgeUtsDomainname(const protocol::Record& record, HostView& host);
Observation JudgeIpcLookup(const protocol::Record& record, HostView& host);
Observation JudgeIpcShmWrite(const protocol::Record& record, HostView& host);
Observation JudgePidOrphan(const protocol::Record& record, HostView& host);
Observation JudgeNetHostAddr(const protocol::Record& record, HostView& host);
Observation JudgeNetIface(const protocol::Record& record, HostView& host);
Observation JudgeNetConnect(const protocol::Record& record, HostView& host);
Observation JudgeNetConfigureHostIface(const protocol::Record& record, HostView& host);
Observation JudgeNetSysfsIface(const protocol::Record& record, HostView& host);
Observation JudgeCgroupHostMount(const protocol::Record& record, HostView& host);
Observation JudgeMountLeak(const protocol::Record& record, HostView& host);
Observation JudgePropagationIn(const protocol::Record& record, HostView& host);
Observation JudgeMknod(const protocol::Record& record, HostView& host);
Observation JudgeHostRootFile(const protocol::Record& record, HostView& host);
Observation JudgeUserCaps(const protocol::Record& record, HostView& host);
Observation JudgeCgroupPath(const protocol::Record& record, HostView& host);
Observation JudgeUserOverflowId(const protocol::Record& record, HostView& host);
Observation JudgeUserSetnsSibling(const protocol::Record& record, HostView& host);
Observation JudgeTimeBoottime(const protocol::Record& record, HostView& host);
Observation JudgeTimeMonotonic(const protocol::Record& record, HostView& host);
Observation JudgeTimeUptime(const protocol::Record& record, HostView& host);
Observation JudgeEscapeSetnsNet(const protocol::Record& record, HostView& host);
Observation JudgeEscapeProcRoot(const protocol::Record& record, HostView& host);

// An error for an attempt that succeeded, left the host unchanged, and was
// made in the host's own `ns` (the container's link, read from the host
// side, is the host's): there success had to show. nullopt otherwise, and
// where the host read no link of the container's (runtimes).
std::optional<Observation> SucceededUnseenInTheHostsNamespace(const protocol::Record& record,
                                                              const HostView& host, Ns ns,
                                                              const std::string& attempt);

// For the probes that look for the sentinel (pid.see_host, pid.proc_under,
// escape.*): nullopt when it was found; otherwise isolated where not finding it
// is proof (/proc is of the container's own PID namespace and, where the probe
// also looked under /proc, what it uncovered until the kernel refused does not
// list it either), else an error.
enum class Looked { kProcOnly, kAlsoUnder };
std::optional<Observation> SentinelNotFound(const protocol::Record& record, HostView& host,
                                            Looked looked);
// Where a found sentinel was: "pid N among M /proc entries", or under /proc.
std::string WhereSentinelFound(const protocol::Record& record);

}  // namespace nsm
