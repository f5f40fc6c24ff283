// The plan of a run: which combinations, which probes, with which options and
// which container runtime. BuildPlan turns what the user asked for (the command
// line's values over a scenario's) into one, or into the usage error `nsmatrix
// run` prints before exit 2; it starts nothing and needs neither root nor the
// command-line library, so it is unit-tested on its own (plan_test.cc).
#pragma once

#include <array>
#include <chrono>
#include <expected>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "harness/common/namespaces.h"
#include "harness/common/run_options.h"
#include "harness/rules/catalogue.h"
#include "harness/rules/expectation_override.h"
#include "harness/runtime/runtime.h"

namespace nsm {

struct RunPlan {
  std::vector<NsSet> combinations;
  std::vector<const ProbeSpec*> probes;  // in run order
  UsernsMap userns_map = UsernsMap::unprivileged;
  int jobs = 1;
  std::chrono::milliseconds timeout{10000};
  std::string probe_path;  // nsprobe
  std::string worker_exe;  // nsm-sandbox, the host sandbox's worker
  // Time namespaces via unshare + offsets in the launcher (true), or clone3(CLONE_NEWTIME)
  // with zero offsets where the kernel takes it (false).
  bool time_via_unshare = true;
  Propagation propagation = Propagation::kPrivate;
  std::string rootfs;                          // absolute path; empty: the host's root
  std::vector<ExpectationOverride> overrides;  // a scenario's, applied over the catalogue's rules
  // Per namespace type, why the kernel will not create (or let us use) one
  // here, from `nsmatrix kernel`'s live check as root; empty when it will.
  // Combinations with such a type come out unsupported with this as the cause;
  // a host sandbox without one runs none of the probes that need it.
  std::array<std::string, kNsCount> unavailable;
  // Runs in the machine's initial user namespace (mode root), not as root
  // inside one (userns-root): the rules' `initial_userns`.
  bool initial_userns = true;
  struct {
    std::string name, description, path;
  } scenario;  // empty name: no scenario
  // Who makes the containers: the native launcher, or a container runtime.
  RuntimeInfo runtime;
  // Probes of the selection a runtime cannot run ({id, why}); not in `probes`.
  std::vector<std::pair<std::string, std::string>> runtime_left_out;
};

// What the user asked for, as text, with `nsmatrix run`'s defaults.
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
  // The options the command line gave ("--combos", "--propagation", ...): a
  // scenario fills only the others.
  std::set<std::string> given;
};

// What BuildPlan depends on besides the request.
struct PlanSetting {
  std::string scenario_dir;  // where shipped scenarios are
  bool rootless = false;     // an ordinary user's run (see DetectMode)
};

struct BuiltPlan {
  RunPlan plan;  // without the runtime's path and version, and its probe and worker paths
  // The chosen runtime; null for the native launcher. It is located later
  // (LocateRuntime), once a rootless run is in its user namespace.
  std::unique_ptr<RuntimeAdapter> adapter;
  // --userns-map came from the command line or the scenario, not the default.
  bool userns_map_chosen = false;
};

// The error is a whole sentence, such as "--combos: 'mnt+foo': unknown namespace".
std::expected<BuiltPlan, std::string> BuildPlan(PlanRequest request, const PlanSetting& setting);

// Takes out of the plan the probes that only nsmatrix's own launcher can run,
// listing each with why in runtime_left_out. The error when none is left.
std::expected<void, std::string> LeaveOutLauncherProbes(RunPlan& plan);

}  // namespace nsm
