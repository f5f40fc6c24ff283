// The plan of a run: which combinations, which probes, with which options and
// which container runtime. BuildPlan turns what the user asked for (the command
// line's values over a scenario's) into one, or into the usage error `nsmatrix
// run` prints before exit 2; it starts nothing and needs neither root nor the
// command-line library, so it is unit-tested on its own (plan_test.cc).
#pragma once

#include <expected>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "harness/plan/run_plan.h"
#include "harness/runtime/runtime.h"

namespace nsm {

struct Scenario;

// The options BuildPlan reads from a request, by the names `nsmatrix run`
// gives them (and lists in PlanRequest::given).
namespace plan_option {
inline constexpr const char* kCombos = "--combos";
inline constexpr const char* kProbes = "--probes";
inline constexpr const char* kUsernsMap = "--userns-map";
inline constexpr const char* kJobs = "--jobs";
inline constexpr const char* kTimeoutMs = "--timeout-ms";
inline constexpr const char* kScenario = "--scenario";
inline constexpr const char* kTimeNsVia = "--time-ns-via";
inline constexpr const char* kRootfs = "--rootfs";
inline constexpr const char* kPropagation = "--propagation";
inline constexpr const char* kRuntime = "--runtime";
}  // namespace plan_option

// What the user asked for, as text, with `nsmatrix run`'s defaults (but for
// jobs, whose default there is the number of CPUs, at most 64).
struct PlanRequest {
  std::string combos = "all";
  std::string probes = "all";
  std::string userns_map = "unprivileged";
  int jobs = 1;
  long timeout_ms = 10000;
  std::string scenario;  // a shipped name or a TOML file; empty: none
  std::string time_ns_via = "unshare";
  std::string rootfs = "host";
  std::string propagation = "private";
  std::string runtime = "native";
  // The options the command line gave (plan_option's names): a scenario fills
  // only the others.
  std::set<std::string> given;
};

// What BuildPlan depends on besides the request.
struct PlanSetting {
  std::string scenario_dir;  // where shipped scenarios are
  bool rootless = false;     // an ordinary user's run (see DetectMode)
  // Root of the machine's initial user namespace (mode root), not root inside
  // a user namespace (userns-root) or a rootless run.
  bool initial_userns = true;
};

struct BuiltPlan {
  RunPlan plan;  // without the runtime's path and version, and its probe and worker paths
  // The chosen runtime; null for the native launcher. It is located later
  // (LocateRuntime), once a rootless run is in its user namespace.
  std::unique_ptr<RuntimeAdapter> adapter;
  // --userns-map came from the command line or the scenario, not the default.
  bool userns_map_chosen = false;
  // What the run should say before it starts, one sentence each: a scenario's
  // [[expect]] that matches no cell of the plan (narrowed by --combos or
  // --probes), so the failure it was written for cannot happen.
  std::vector<std::string> warnings;
};

// The error is a whole sentence, such as "--combos: 'mnt+foo': unknown namespace".
// `scenario`, when not null, is request.scenario already loaded (by a caller
// that looks at what it asks for first, as `nsmatrix vm` does): the plan is
// made from that reading of the file, which is then not read again.
std::expected<BuiltPlan, std::string> BuildPlan(PlanRequest request, const PlanSetting& setting,
                                                const Scenario* scenario = nullptr);

// Takes out of the plan the probes that only nsmatrix's own launcher can run,
// listing each with why in runtime_left_out. The error when none is left.
std::expected<void, std::string> LeaveOutLauncherProbes(RunPlan& plan);

}  // namespace nsm
