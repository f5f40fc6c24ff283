// time.boottime: the container's CLOCK_BOOTTIME and CLOCK_MONOTONIC. The
// harness compares them with the host's clocks read around the container's run.
#include <time.h>

#include <cerrno>

#include "probes/probe.h"

namespace nsm::probes {
namespace {

protocol::Record BootTime(const ProbeContext&, std::string_view id) {
  timespec boot{}, mono{};
  if (clock_gettime(CLOCK_BOOTTIME, &boot) != 0)
    return ErrorRecord(id, "clock_gettime(CLOCK_BOOTTIME)", errno);
  if (clock_gettime(CLOCK_MONOTONIC, &mono) != 0)
    return ErrorRecord(id, "clock_gettime(CLOCK_MONOTONIC)", errno);
  return NewRecord(id)
      .Add("boottime_ms", static_cast<long long>(boot.tv_sec) * 1000 + boot.tv_nsec / 1000000)
      .Add("monotonic_ms", static_cast<long long>(mono.tv_sec) * 1000 + mono.tv_nsec / 1000000);
}

}  // namespace

std::vector<ProbeEntry> TimeProbes() {
  return {{"time.boottime", BootTime}};
}

}  // namespace nsm::probes
