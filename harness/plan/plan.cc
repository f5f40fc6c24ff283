#include "harness/plan/plan.h"

#include <algorithm>
#include <boost/filesystem.hpp>
#include <cerrno>
#include <optional>

#include "harness/common/strings.h"
#include "scenarios/scenario.h"

namespace nsm {
namespace {

using Problem = std::unexpected<std::string>;

bool Given(const PlanRequest& request, const char* option) {
  return request.given.count(option) != 0;
}

// Scenario values fill what the command line did not say.
struct FromScenario {
  bool userns_map = false;
  bool propagation = false;
};

FromScenario ApplyScenario(const Scenario& scenario, PlanRequest& request, RunPlan& plan) {
  FromScenario from;
  if (!Given(request, plan_option::kCombos)) {
    std::vector<std::string> names;
    for (NsSet ns : scenario.combinations) names.push_back(ns.ToString());
    request.combos = Join(names, ",");
  }
  if (!Given(request, plan_option::kProbes)) request.probes = Join(scenario.probe_selectors, ",");
  if (!Given(request, plan_option::kUsernsMap) && scenario.userns_map) {
    request.userns_map = std::string(Name(*scenario.userns_map));
    from.userns_map = true;
  }
  if (!Given(request, plan_option::kRootfs) && scenario.rootfs) request.rootfs = *scenario.rootfs;
  if (!Given(request, plan_option::kPropagation) && scenario.propagation) {
    request.propagation = std::string(Name(*scenario.propagation));
    from.propagation = true;
  }
  if (!Given(request, plan_option::kJobs) && scenario.jobs) request.jobs = *scenario.jobs;
  if (!Given(request, plan_option::kRuntime) && scenario.runtime)
    request.runtime = std::string(Name(*scenario.runtime));
  if (!Given(request, plan_option::kTimeoutMs) && scenario.timeout_ms)
    request.timeout_ms = *scenario.timeout_ms;
  plan.overrides = scenario.overrides;
  plan.scenario = {scenario.name, scenario.description, scenario.path};
  return from;
}

RuntimeKind KindOf(const BuiltPlan& built) {
  return built.adapter ? built.adapter->Kind() : RuntimeKind::native;
}

// A scenario's [[expect]] overrides were written for the options it runs
// with: the command line may not change what they mean (an override that
// accepts a leak under one id map would hide a real one under another). So
// the plan the options made must run with the id map, propagation, runtime
// and root filesystem of the plan the scenario alone makes here, its
// runtime's own choices included.
std::expected<void, std::string> OverridesKeepTheirMeaning(const std::string& name,
                                                           const Scenario& scenario,
                                                           const BuiltPlan& built,
                                                           const PlanSetting& setting) {
  PlanRequest own;
  own.scenario = name;
  std::expected<BuiltPlan, std::string> alone = BuildPlan(own, setting, &scenario);
  const std::string source = built.plan.overrides.front().source;
  if (!alone) {
    // Its own options cannot run here (its runtime in a rootless run, say):
    // whatever the command line changed, the overrides were not written for it.
    return Problem("the scenario's expectation overrides ([[expect]], " + source +
                   ") were written for its own options, which cannot run here, and not for "
                   "what this run's options make of them: run a scenario without overrides, or "
                   "one of your own");
  }
  const RunPlan& want = alone->plan;
  const RunPlan& have = built.plan;
  auto differs = [&](const char* option, const std::string& its, const std::string& this_run) {
    return Problem("the scenario's expectation overrides ([[expect]], " + source +
                   ") were written for its own " + option + " " + its +
                   ", and this run's options " + "make it " + this_run +
                   ": run the scenario without options that change " + option +
                   ", or write a scenario of its own");
  };
  if (have.userns_map != want.userns_map)
    return differs(plan_option::kUsernsMap, std::string(Name(want.userns_map)),
                   std::string(Name(have.userns_map)));
  if (have.propagation != want.propagation)
    return differs(plan_option::kPropagation, std::string(Name(want.propagation)),
                   std::string(Name(have.propagation)));
  if (KindOf(built) != KindOf(*alone))
    return differs(plan_option::kRuntime, std::string(Name(KindOf(*alone))),
                   std::string(Name(KindOf(built))));
  if (have.rootfs != want.rootfs) {
    return differs(plan_option::kRootfs, want.rootfs.empty() ? "host" : want.rootfs,
                   have.rootfs.empty() ? "host" : have.rootfs);
  }
  return {};
}

// A root filesystem needs /proc and /tmp directories: the sandbox mounts its
// procfs and its fixtures there (in its own mount namespace, leaving the
// tree's contents alone).
Result<std::string> CheckRootfs(const std::string& path) {
  boost::system::error_code ec;
  boost::filesystem::path root = boost::filesystem::canonical(path, ec);
  if (ec) return Fail(ec.value(), "canonical", ec.message());
  if (!boost::filesystem::is_directory(root, ec))
    return Fail(ENOTDIR, "check rootfs", "not a directory");
  if (root == "/") return Fail(EINVAL, "check rootfs", "is the host's root: use --rootfs host");
  for (const char* dir : {"proc", "tmp"}) {
    if (!boost::filesystem::is_directory(root / dir, ec)) {
      return Fail(ENOENT, "check rootfs",
                  "has no /" + std::string(dir) + " directory (mkdir it in the tree)");
    }
  }
  return root.string();
}

// --runtime: who makes the containers. Its fixed choices replace the run's
// options; what it cannot do is a usage error.
std::expected<void, std::string> ChooseRuntime(RuntimeKind kind, const RuntimeAdapter& adapter,
                                               bool propagation_chosen, bool userns_map_chosen,
                                               const PlanSetting& setting, RunPlan& plan) {
  const std::string name(Name(kind));
  if (!plan.rootfs.empty()) {
    return Problem("--runtime " + name +
                   " runs containers in the host's root filesystem; --rootfs is for the "
                   "native launcher only");
  }
  if (std::optional<Propagation> fixed = adapter.FixedPropagation()) {
    if (plan.propagation != *fixed && propagation_chosen) {
      return Problem("--runtime " + name + " always gives containers " + std::string(Name(*fixed)) +
                     " propagation; --propagation " + std::string(Name(plan.propagation)) +
                     " cannot apply");
    }
    plan.propagation = *fixed;
  }
  if (std::optional<std::string> why = adapter.CannotGive(plan.propagation)) {
    return Problem("--runtime " + name + " --propagation " + std::string(Name(plan.propagation)) +
                   ": " + *why);
  }
  // A runtime maps container root to its caller unless told otherwise, as
  // `unshare --map-root-user` and `bwrap --unshare-user` do.
  if (!userns_map_chosen) plan.userns_map = UsernsMap::root;
  // Refusing every user combination instead would pass a run that tested
  // nothing of the map it was asked for.
  const bool with_user = std::any_of(plan.combinations.begin(), plan.combinations.end(),
                                     [](NsSet ns) { return ns.Has(Ns::user); });
  if (std::optional<std::string> why = adapter.CannotMap(plan.userns_map); why && with_user) {
    return Problem("--runtime " + name + " --userns-map " + std::string(Name(plan.userns_map)) +
                   ": " + *why + " (use --userns-map root, or --runtime unshare, runc or crun)");
  }
  if (!setting.initial_userns || setting.rootless) {
    if (std::optional<std::string> why = adapter.NotInAUserNamespace()) {
      return Problem(
          "--runtime " + name + " is not supported " +
          (setting.rootless ? "in a rootless run" : "inside a user namespace (mode userns-root)") +
          " (" + *why +
          "): run it as the machine's root, or use --runtime crun, bwrap "
          "or unshare");
    }
  }
  // unshare maps a range only through newuidmap: its set-user-ID bit means
  // nothing inside a rootless run's user namespace, and without it (or
  // without root's subordinate ids) every user combination would look refused.
  if (kind == RuntimeKind::unshare && plan.userns_map == UsernsMap::unprivileged) {
    if (setting.rootless) {
      return Problem(
          "--runtime unshare --userns-map unprivileged maps ids through newuidmap, which "
          "cannot work inside a rootless run's user namespace: use --userns-map root");
    }
    if (Status s = CheckSubordinateIdTools(); !s)
      return Problem("--runtime unshare --userns-map unprivileged: " + s.error().Message());
  }
  return {};
}

}  // namespace

std::expected<BuiltPlan, std::string> BuildPlan(PlanRequest request, const PlanSetting& setting,
                                                const Scenario* scenario) {
  BuiltPlan built;
  RunPlan& plan = built.plan;
  FromScenario from;
  std::optional<Scenario> loaded;
  if (!request.scenario.empty() && !scenario) {
    Result<Scenario> read =
        LoadScenario(request.scenario, setting.scenario_dir, Catalogue::Builtin());
    if (!read) return Problem("--scenario: " + read.error().Message());
    scenario = &loaded.emplace(std::move(*read));
  }
  if (scenario) from = ApplyScenario(*scenario, request, plan);
  Result<std::vector<NsSet>> combos = ParseCombinationList(request.combos);
  if (!combos) return Problem("--combos: " + combos.error().context);
  plan.combinations = std::move(*combos);
  Result<std::vector<const ProbeSpec*>> probes = Catalogue::Builtin().Select(request.probes);
  if (!probes) return Problem("--probes: " + probes.error().context);
  plan.probes = std::move(*probes);
  Result<UsernsMap> map = ParseUsernsMap(request.userns_map);
  if (!map) return Problem("--userns-map: " + map.error().context);
  plan.userns_map = *map;
  built.userns_map_chosen = from.userns_map || Given(request, plan_option::kUsernsMap);
  if (request.jobs < 1 || request.jobs > kMaxJobs) {
    return Problem("--jobs: " + std::to_string(request.jobs) + " is not from 1 to " +
                   std::to_string(kMaxJobs));
  }
  plan.jobs = request.jobs;
  if (request.timeout_ms < kMinTimeoutMs || request.timeout_ms > kMaxTimeoutMs) {
    return Problem("--timeout-ms: " + std::to_string(request.timeout_ms) + " is not from " +
                   std::to_string(kMinTimeoutMs) + " to " + std::to_string(kMaxTimeoutMs));
  }
  plan.timeout = std::chrono::milliseconds(request.timeout_ms);
  if (request.time_ns_via != "unshare" && request.time_ns_via != "clone3")
    return Problem("--time-ns-via: '" + request.time_ns_via + "' is neither unshare nor clone3");
  plan.time_via_unshare = request.time_ns_via == "unshare";
  Result<Propagation> propagation = ParsePropagation(request.propagation);
  if (!propagation) return Problem("--propagation: " + propagation.error().context);
  plan.propagation = *propagation;
  if (request.rootfs != "host") {
    Result<std::string> rootfs = CheckRootfs(request.rootfs);
    if (!rootfs) return Problem("--rootfs " + request.rootfs + ": " + rootfs.error().context);
    plan.rootfs = *rootfs;
  }
  plan.initial_userns = setting.initial_userns && !setting.rootless;
  Result<RuntimeKind> kind = ParseRuntime(request.runtime);
  if (!kind) return Problem("--runtime: " + kind.error().context);
  built.adapter = MakeRuntimeAdapter(*kind);
  if (built.adapter) {
    auto chosen = ChooseRuntime(*kind, *built.adapter,
                                from.propagation || Given(request, plan_option::kPropagation),
                                built.userns_map_chosen, setting, plan);
    if (!chosen) return Problem(chosen.error());
    // A selection of only what the launcher can run is refused before the
    // ns.* probes are added (the run leaves those probes out later).
    RunPlan selected;
    selected.probes = plan.probes;
    selected.runtime.kind = *kind;
    if (auto left = LeaveOutLauncherProbes(selected); !left) return Problem(left.error());
    // Under a runtime only the ns.* probes show which namespaces it made (the
    // launcher's own cells are checked from the host): without them, a runtime
    // that quietly left one out would pass every cell that does not turn on it.
    Result<std::vector<const ProbeSpec*>> with_ns =
        Catalogue::Builtin().Select(request.probes + ",ns.");
    if (with_ns && with_ns->size() != plan.probes.size()) {
      plan.probes = std::move(*with_ns);
      built.warnings.push_back(
          "runtime " + request.runtime +
          ": the ns.* probes run too, whatever --probes says: under a runtime they are what "
          "shows which namespaces it made");
    }
  }
  const bool options_given =
      Given(request, plan_option::kUsernsMap) || Given(request, plan_option::kPropagation) ||
      Given(request, plan_option::kRuntime) || Given(request, plan_option::kRootfs);
  if (!plan.overrides.empty() && options_given) {
    if (auto kept = OverridesKeepTheirMeaning(request.scenario, *scenario, built, setting); !kept)
      return Problem(kept.error());
  }
  for (const ExpectationOverride& expect : plan.overrides) {
    bool matches = std::any_of(plan.combinations.begin(), plan.combinations.end(), [&](NsSet ns) {
      return std::any_of(plan.probes.begin(), plan.probes.end(),
                         [&](const ProbeSpec* probe) { return expect.Matches(probe->id, ns); });
    });
    if (!matches) {
      built.warnings.push_back(expect.source + ": this [[expect]] (" + expect.probe +
                               ") matches no cell of this run, so it judges nothing");
    }
  }
  return built;
}

std::expected<void, std::string> LeaveOutLauncherProbes(RunPlan& plan) {
  for (const auto& [probe, why] : ProbesNeedingTheLauncher()) {
    auto it = std::find_if(plan.probes.begin(), plan.probes.end(),
                           [&](const ProbeSpec* spec) { return spec->id == probe; });
    if (it == plan.probes.end()) continue;
    plan.probes.erase(it);
    plan.runtime_left_out.emplace_back(probe, why);
  }
  if (plan.probes.empty()) {
    return Problem("none of the selected probes can run under --runtime " +
                   std::string(Name(plan.runtime.kind)));
  }
  return {};
}

}  // namespace nsm
