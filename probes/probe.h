// What a probe is: a function that tries one thing an attacker in the container
// would try and reports raw facts. Judging (isolated or leaked) is the harness's
// job, from the host side where it can see the effect.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "probes/protocol.h"

namespace nsm::probes {

// What the harness tells a probe on its command line.
struct ProbeContext {
  long sentinel_pid = -1;     // the host sandbox's sentinel, as the host sees it
  std::string sentinel_comm;  // the sentinel's unique /proc/PID/comm
  std::string hostname;       // what uts.hostname tries to set
};

using ProbeFn = protocol::Record (*)(const ProbeContext& ctx, std::string_view id);

struct ProbeEntry {
  std::string_view id;
  ProbeFn run;
};

// Each family file defines its entries; main.cc concatenates them.
std::vector<ProbeEntry> NsLinkProbes();
std::vector<ProbeEntry> PidProbes();
std::vector<ProbeEntry> UtsProbes();

// A record for a probe that could not run its attempt at all.
protocol::Record ErrorRecord(std::string_view id, std::string what, int err);

}  // namespace nsm::probes
