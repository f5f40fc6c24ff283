// escape.*: what an attacker who can see a host process tries next, turning
// "sees a host PID" into "acts through it". The host process is the sentinel,
// found by its name in /proc, or under it, as pid.proc_under finds it.
//   escape.setns_net   nsenter --net --target PID: setns into the host's
//                      network namespace through /proc/PID/ns/net, then reach
//                      the host's loopback listener (its banner proves where),
//                      then setns back into the container's own.
//   escape.proc_root   read host root's 0600 secret through /proc/PID/root,
//                      the host process's view of the filesystem.
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>

#include "probes/probe.h"
#include "probes/proc_scan.h"

namespace nsm::probes {
namespace {

// setns changes the network namespace of the process for good: it comes back
// through a descriptor to its own, opened first, so the probes after this one
// still run in the container's. (A thread or a child for the attempt costs as
// much as the probe itself: a fork 1.5 ms a cell on a VM, a thread 0.3 ms.)
// The way back needs nothing the way there did not: both check CAP_SYS_ADMIN
// in the caller's user namespace, and the container's own network namespace
// belongs to it.
protocol::Record SetnsNet(const ProbeContext& ctx, std::string_view id) {
  std::string comm = ctx.Get("sentinel-comm");
  ProcScan scan = FindProcessByComm(comm, ProcLook::kAlsoUnder);
  if (scan.error) return ErrorRecord(id, scan.failed, scan.error);
  protocol::Record record = NewRecord(id);
  AddScanFields(record, comm, scan);
  if (scan.pid < 0) return record;
  int own = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (own < 0) return ErrorRecord(id, "open /proc/thread-self/ns/net", errno);
  int host = OpenInProcOf(scan, std::to_string(scan.pid) + "/ns/net", O_RDONLY | O_CLOEXEC);
  if (host < 0) {
    int err = errno;
    close(own);
    return record.Add("stage", "open").Add("errno", err);
  }
  int rc = setns(host, CLONE_NEWNET);
  int err = errno;
  close(host);
  if (rc != 0) {
    close(own);
    return record.Add("stage", "setns").Add("errno", err);
  }
  record.Add("stage", "connect");
  for (auto& field : ConnectToHostListener(id).fields) record.fields.push_back(std::move(field));
  int back = setns(own, CLONE_NEWNET);
  err = errno;
  close(own);
  if (back != 0) {
    // Every later probe would run in the host's network namespace: this
    // record says why, with what the escape found, and the missing ones make
    // the cell an error.
    std::string found;
    for (const auto& [key, value] : record.fields) found += " " + key + "=" + value;
    WriteRecord(
        protocol::kResultFd,
        ErrorRecord(id, "setns back into the container's network namespace, after:" + found, err));
    _exit(3);
  }
  return record;
}

protocol::Record ProcRoot(const ProbeContext& ctx, std::string_view id) {
  std::string secret = ctx.Get("host-secret");
  if (secret.empty() || secret[0] != '/') return ErrorRecord(id, "no host-secret given", EINVAL);
  std::string comm = ctx.Get("sentinel-comm");
  ProcScan scan = FindProcessByComm(comm, ProcLook::kAlsoUnder);
  if (scan.error) return ErrorRecord(id, scan.failed, scan.error);
  protocol::Record record = NewRecord(id);
  AddScanFields(record, comm, scan);
  if (scan.pid < 0) return record;
  std::string rest = std::to_string(scan.pid) + "/root" + secret;
  record.Add("path", "/proc/" + rest);
  int fd = OpenInProcOf(scan, rest, O_RDONLY | O_CLOEXEC);
  return AddReadOf(record, fd, errno);
}

}  // namespace

std::vector<ProbeEntry> EscapeProbes() {
  return {{"escape.setns_net", SetnsNet}, {"escape.proc_root", ProcRoot}};
}

}  // namespace nsm::probes
