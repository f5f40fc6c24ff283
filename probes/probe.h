// What a probe is: a function that tries one thing an attacker in the container
// would try and reports raw facts. Judging (isolated or leaked) is the harness's
// job, from the host side where it can see the effect.
#pragma once

#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/common/protocol.h"

namespace nsm::probes {

// What the harness tells a probe on its command line: --key=value options,
// e.g. sentinel-pid, sentinel-comm, hostname, domainname, leak-source, mknod-name,
// host-secret.
struct ProbeContext {
  std::map<std::string, std::string, std::less<>> options;
  // Set for the probe that runs last: it may change the process for good
  // (no probe runs after it in this process).
  bool last = false;

  std::string Get(std::string_view key) const {
    auto it = options.find(key);
    return it == options.end() ? std::string() : it->second;
  }
  long GetLong(std::string_view key, long fallback = -1) const {
    std::string value = Get(key);
    return value.empty() ? fallback : atol(value.c_str());
  }
};

using ProbeFn = protocol::Record (*)(const ProbeContext& ctx, std::string_view id);

struct ProbeEntry {
  std::string_view id;
  ProbeFn run;
  // Changes the process for good: runs after the others, with
  // ProbeContext::last set. (At most one such probe in a run.)
  bool after_others = false;
};

// Each family file defines its entries; main.cc concatenates them.
std::vector<ProbeEntry> NsLinkProbes();
std::vector<ProbeEntry> PidProbes();
std::vector<ProbeEntry> UtsProbes();
std::vector<ProbeEntry> IpcProbes();
std::vector<ProbeEntry> NetProbes();
std::vector<ProbeEntry> MntProbes();
std::vector<ProbeEntry> UserProbes();
std::vector<ProbeEntry> CgroupProbes();
std::vector<ProbeEntry> TimeProbes();
std::vector<ProbeEntry> EscapeProbes();

// net.loopback_tcp's attempt, shared with escape.setns_net: connect to the
// host's listener on 127.0.0.1 and read its banner (connected, errno,
// banner or timeout fields).
protocol::Record ConnectToHostListener(std::string_view id);

// A record that starts "probe <id>".
inline protocol::Record NewRecord(std::string_view id) {
  return protocol::Record{"probe", std::string(id), {}};
}
// rc/errno of a system call, as judges expect them.
inline protocol::Record& AddResult(protocol::Record& record, int rc, int err) {
  return record.Add("rc", rc).Add("errno", rc < 0 ? err : 0);
}

// A record for a probe that could not run its attempt at all.
protocol::Record ErrorRecord(std::string_view id, std::string what, int err);

// Writes one record and its newline to fd, whole; false when it could not.
bool WriteRecord(int fd, const protocol::Record& record);

// Reads a file whole; 0 or the errno of the open or read that failed.
int ReadWholeFile(const char* path, std::string* text);
// Tries to read up to 128 bytes of a file, as user.host_root_file and
// escape.proc_root do: adds read=1 errno=0 content=..., or read=0 errno=E.
protocol::Record& AddReadAttempt(protocol::Record& record, const char* path);
// The same for a file already opened: fd, or -1 and the open's errno. Closes fd.
protocol::Record& AddReadOf(protocol::Record& record, int fd, int open_errno);

}  // namespace nsm::probes
