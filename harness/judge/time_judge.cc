// time.*: a container's clock reading against the host's, read just before
// the launch and just after the container exited. Inside the window: the
// host's clock (leaked). Inside the window shifted by the offset a time
// namespace is given: isolated. Anywhere else proves nothing: error.
#include "harness/common/fixtures.h"
#include "harness/common/result.h"
#include "harness/judge/judge.h"

namespace nsm {
namespace {

struct Reading {
  std::string clock;       // what was read, for the detail
  long long value_ms = 0;  // the container's reading
  long long slack_ms = 0;  // how coarse the reading is, plus scheduling
};

Observation Place(const std::string& probe, const Reading& reading,
                  std::pair<long long, long long> window) {
  auto [before, after] = window;
  long long offset_ms = fixtures::kTimeOffsetSeconds * 1000;
  std::string seen = reading.clock + " " + std::to_string(reading.value_ms / 1000) + " s, host " +
                     std::to_string(before / 1000) + " s";
  auto within = [&](long long shift) {
    return reading.value_ms >= before + shift - reading.slack_ms &&
           reading.value_ms <= after + shift + reading.slack_ms;
  };
  if (within(0)) return {probe, Outcome::leaked, seen + ": the host's"};
  if (within(offset_ms)) {
    return {probe, Outcome::isolated,
            seen + ": offset by " + std::to_string(fixtures::kTimeOffsetSeconds) + " s"};
  }
  return {probe, Outcome::error, seen + ": neither the host's clock nor the expected offset"};
}

constexpr long long kSlackMs = 1000;

// One clock read in milliseconds, in record field `field`.
Observation JudgeClock(const protocol::Record& record, const char* field, const char* clock,
                       std::pair<long long, long long> window, const char* leak_what) {
  std::optional<long long> value = record.GetInt(field);
  if (!value) return {record.id, Outcome::error, std::string("record lacks ") + field};
  Observation seen = Place(record.id, {clock, *value, kSlackMs}, window);
  if (seen.outcome == Outcome::leaked) seen.detail += leak_what;
  return seen;
}

}  // namespace

Observation JudgeTimeBoottime(const protocol::Record& record, HostView& host) {
  return JudgeClock(record, "boottime_ms", "container CLOCK_BOOTTIME", host.BootTimeWindowMs(),
                    " uptime");
}

Observation JudgeTimeMonotonic(const protocol::Record& record, HostView& host) {
  return JudgeClock(record, "monotonic_ms", "container CLOCK_MONOTONIC", host.MonotonicWindowMs(),
                    " monotonic clock");
}

Observation JudgeTimeUptime(const protocol::Record& record, HostView& host) {
  std::optional<long long> sysinfo_s = record.GetInt("sysinfo_s");
  if (!sysinfo_s) return {record.id, Outcome::error, "record lacks sysinfo_s"};
  // sysinfo rounds a partial second up.
  Observation by_sysinfo = Place(record.id, {"sysinfo() uptime", *sysinfo_s * 1000, 2 * kSlackMs},
                                 host.BootTimeWindowMs());
  std::optional<long long> proc_ms = record.GetInt("proc_uptime_ms");
  if (!proc_ms) {
    int err = static_cast<int>(record.GetInt("proc_errno").value_or(0));
    by_sysinfo.detail += " (/proc/uptime unreadable: " + ErrnoName(err) + ")";
    return by_sysinfo;
  }
  Observation by_proc =
      Place(record.id, {"/proc/uptime", *proc_ms, kSlackMs}, host.BootTimeWindowMs());
  if (by_proc.outcome != by_sysinfo.outcome) {
    return {record.id, Outcome::error,
            "/proc/uptime and sysinfo() disagree: " + by_proc.detail + "; " + by_sysinfo.detail};
  }
  return {record.id, by_proc.outcome, by_proc.detail + "; " + by_sysinfo.detail};
}

}  // namespace nsm
