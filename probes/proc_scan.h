// Finding a host process the way an attacker in the container would: by
// scanning /proc for its name, as `ps aux` does, and, where /proc does not list
// it, by unmounting /proc to see what the container's procfs was mounted over.
#pragma once

#include <string>

#include "harness/common/protocol.h"

namespace nsm::probes {

struct ProcScan {
  long pid = -1;        // the first process whose comm matched, as its procfs names it; -1: none
  long scanned = 0;     // how many processes /proc listed
  long self = 0;        // getpid()
  long proc_self = -1;  // what /proc/self names: self when /proc is of this PID namespace
  int error = 0;        // errno when a procfs could not be read through (listed, or a name read)
  const char* failed = "";  // what failed: "opendir /proc", "readdir /proc", "read /proc/PID/comm"

  // Where the process was found: 0 in /proc, k > 0 in the k-th mount
  // uncovered under it (proc_uncover.h). dir_fd is that procfs (not owned;
  // -1 for /proc itself).
  int layer = 0;
  int dir_fd = -1;
  // Only when /proc did not list it: what unmounting /proc showed.
  bool looked_under = false;
  long layers = 0;               // mounts uncovered under /proc
  long under_scanned = 0;        // processes they listed, all together
  long under_empty = 0;          // those of them that listed no process at all
  int cap_sys_admin = -1;        // CAP_SYS_ADMIN in the effective set: 1, 0, -1 unknown
  const char* under_stage = "";  // what ended the uncovering (UncoveredProc::stage)
  int under_errno = 0;           // and its errno
};

// Where to look: /proc only, as `ps aux` does, or also, when the process is
// not there, under it.
enum class ProcLook { kProcOnly, kAlsoUnder };
ProcScan FindProcessByComm(const std::string& comm, ProcLook look);

// Opens PID/rest in the procfs the scan found the process in, as open(2)
// would "/proc/PID/rest": a descriptor, or -1 with errno set.
int OpenInProcOf(const ProcScan& scan, const std::string& rest, int flags);

// The scan's fields, as pid.see_host and the escape.* probes report them
// (the judges read them with PidScanFacts, judge.h).
void AddScanFields(protocol::Record& record, const std::string& comm, const ProcScan& scan);

}  // namespace nsm::probes
