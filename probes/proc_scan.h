// Finding a host process the way an attacker in the container would: by
// scanning /proc for its name, as `ps aux` does.
#pragma once

#include <string>

namespace nsm::probes {

struct ProcScan {
  long pid = -1;            // the first process whose comm matched, as /proc names it; -1: none
  long scanned = 0;         // how many processes /proc listed
  long self = 0;            // getpid()
  long proc_self = -1;      // what /proc/self names: self when /proc is of this PID namespace
  int error = 0;            // errno when /proc could not be read through (listed, or a name read)
  const char* failed = "";  // what failed: "opendir /proc", "readdir /proc", "read /proc/PID/comm"
};

ProcScan FindProcessByComm(const std::string& comm);

}  // namespace nsm::probes
