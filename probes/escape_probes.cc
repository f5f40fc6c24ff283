// escape.*: what an attacker who can see a host process tries next, turning
// "sees a host PID" into "acts through it". The host process is the sentinel,
// found by its name in /proc as pid.see_host finds it.
//   escape.setns_net   nsenter --net --target PID: setns into the host's
//                      network namespace through /proc/PID/ns/net, then reach
//                      the host's loopback listener (its banner proves where).
//   escape.proc_root   read host root's 0600 secret through /proc/PID/root,
//                      the host process's view of the filesystem.
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "probes/probe.h"
#include "probes/proc_scan.h"

namespace nsm::probes {
namespace {

// In a thread of its own: the attempt itself. Its record's fields are merged
// into the probe's; "stage" names the step that failed (or "connect" when setns worked).
protocol::Record EnterHostNet(long pid, std::string_view id) {
  protocol::Record record = NewRecord(id);
  std::string path = "/proc/" + std::to_string(pid) + "/ns/net";
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return record.Add("stage", "open").Add("errno", errno);
  int rc = setns(fd, CLONE_NEWNET);
  int err = errno;
  close(fd);
  if (rc != 0) return record.Add("stage", "setns").Add("errno", err);
  record.Add("stage", "connect");
  for (auto& field : ConnectToHostListener(id).fields) record.fields.push_back(std::move(field));
  return record;
}

protocol::Record SetnsNet(const ProbeContext& ctx, std::string_view id) {
  ProcScan scan = FindProcessByComm(ctx.Get("sentinel-comm"));
  if (scan.error) return ErrorRecord(id, "opendir /proc", scan.error);
  protocol::Record record = NewRecord(id);
  record.Add("found", scan.pid >= 0 ? 1 : 0);
  if (scan.pid < 0) return record;
  record.Add("pid", scan.pid);
  // setns changes the calling thread's network namespace for good: a thread
  // of its own tries it, so the probes after this one still run in the
  // container's (a thread, not a fork: a fork cost 1.5 ms a cell here).
  protocol::Record attempt;
  std::thread([&] { attempt = EnterHostNet(scan.pid, id); }).join();
  for (auto& field : attempt.fields) record.fields.push_back(std::move(field));
  return record;
}

protocol::Record ProcRoot(const ProbeContext& ctx, std::string_view id) {
  std::string secret = ctx.Get("host-secret");
  if (secret.empty() || secret[0] != '/') return ErrorRecord(id, "no host-secret given", EINVAL);
  ProcScan scan = FindProcessByComm(ctx.Get("sentinel-comm"));
  if (scan.error) return ErrorRecord(id, "opendir /proc", scan.error);
  protocol::Record record = NewRecord(id);
  record.Add("found", scan.pid >= 0 ? 1 : 0);
  if (scan.pid < 0) return record;
  std::string path = "/proc/" + std::to_string(scan.pid) + "/root" + secret;
  record.Add("pid", scan.pid).Add("path", path);
  return AddReadAttempt(record, path.c_str());
}

}  // namespace

std::vector<ProbeEntry> EscapeProbes() {
  return {{"escape.setns_net", SetnsNet}, {"escape.proc_root", ProcRoot}};
}

}  // namespace nsm::probes
