// time.*: the container's clocks, which the harness compares with the host's
// read around the container's run.
//   time.boottime   CLOCK_BOOTTIME (and CLOCK_MONOTONIC, for the record);
//   time.monotonic  CLOCK_MONOTONIC;
//   time.uptime     the uptime /proc/uptime and sysinfo(2) report, which a
//                   time namespace shifts by its boottime offset too.
#include <fcntl.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

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

protocol::Record Monotonic(const ProbeContext&, std::string_view id) {
  timespec mono{};
  if (clock_gettime(CLOCK_MONOTONIC, &mono) != 0)
    return ErrorRecord(id, "clock_gettime(CLOCK_MONOTONIC)", errno);
  return NewRecord(id).Add("monotonic_ms",
                           static_cast<long long>(mono.tv_sec) * 1000 + mono.tv_nsec / 1000000);
}

protocol::Record Uptime(const ProbeContext&, std::string_view id) {
  struct sysinfo info {};
  if (sysinfo(&info) != 0) return ErrorRecord(id, "sysinfo", errno);
  protocol::Record record = NewRecord(id);
  record.Add("sysinfo_s", static_cast<long long>(info.uptime));
  // /proc/uptime: "SECONDS.CC IDLE.CC". A root filesystem may have no procfs.
  int fd = open("/proc/uptime", O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;  // before Add, which allocates
    return record.Add("proc_errno", err);
  }
  char buf[128];
  ssize_t n = read(fd, buf, sizeof(buf) - 1);
  int err = errno;
  close(fd);
  if (n <= 0) return record.Add("proc_errno", n < 0 ? err : EIO);
  buf[n] = '\0';
  char* end = nullptr;
  double seconds = strtod(buf, &end);
  if (end == buf) return ErrorRecord(id, "parse /proc/uptime", EINVAL);
  return record.Add("proc_uptime_ms", static_cast<long long>(seconds * 1000));
}

}  // namespace

std::vector<ProbeEntry> TimeProbes() {
  return {{"time.boottime", BootTime}, {"time.monotonic", Monotonic}, {"time.uptime", Uptime}};
}

}  // namespace nsm::probes
