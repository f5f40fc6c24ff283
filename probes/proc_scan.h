// Finding a host process the way an attacker in the container would: by
// scanning /proc for its name, as `ps aux` does.
#pragma once

#include <string>

namespace nsm::probes {

struct ProcScan {
  long pid = -1;     // the first process whose comm matched, as /proc names it; -1: none
  long scanned = 0;  // how many processes /proc listed
  int error = 0;     // errno when /proc could not be listed at all
};

ProcScan FindProcessByComm(const std::string& comm);

}  // namespace nsm::probes
