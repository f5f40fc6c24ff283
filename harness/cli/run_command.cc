// `nsmatrix run`: plan -> host sandboxes -> containers -> verdicts -> reports.
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <boost/filesystem.hpp>
#include <cstdio>

#include "harness/cli/commands.h"
#include "harness/cli/report_files.h"
#include "harness/cli/terminal.h"
#include "harness/common/install_paths.h"
#include "harness/common/strings.h"
#include "harness/common/unique_fd.h"
#include "harness/document/document.h"
#include "harness/kernel/kernel_report.h"
#include "harness/launcher/child_steps.h"
#include "harness/launcher/rootless.h"
#include "harness/runtime/runtime.h"
#include "scenarios/scenario.h"

namespace nsm {
namespace {

struct RunArgs {
  std::string combos = "all";
  std::string probes = "all";
  std::string userns_map = "unprivileged";
  bool userns_map_chosen = false;  // on the command line or by the scenario
  int jobs = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  long timeout_ms = 10000;
  ReportFiles files;
  std::string scenario;
  std::string probe_binary;
  std::string time_ns_via = "unshare";
  std::string rootfs = "host";
  std::string propagation = "private";
  bool propagation_chosen = false;  // by the scenario (the command line is counted apart)
  std::string runtime = "native";
  bool no_progress = false;
};

int UsageError(const std::string& message) {
  fprintf(stderr, "nsmatrix run: %s\n", message.c_str());
  return kExitUsage;
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

// The document is some 100 000 small allocations (6656 cells), and the process
// ends right after the run: the kernel takes the heap back in one go, where
// freeing it node by node took about 10 ms of a 0.4 s run. It stays reachable
// from here, so a leak checker does not count it (volatile: a store nothing
// reads must not be optimized away, or the document would look leaked).
void LeaveToExit(nlohmann::json doc) {
  [[maybe_unused]] static nlohmann::json* volatile kept = nullptr;
  kept = new nlohmann::json(std::move(doc));
}

// SIGINT/SIGTERM/SIGHUP become a readable descriptor the runner polls, so an
// interrupt tears every sandbox down through the normal owners.
UniqueFd InterruptFd() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return UniqueFd(signalfd(-1, &set, SFD_CLOEXEC));
}

// Scenario values fill what the command line did not say.
Status ApplyScenario(const std::string& name, CLI::App* sub, RunArgs& args, RunPlan& plan) {
  Result<Scenario> scenario = LoadScenario(name, ScenarioDir(), Catalogue::Builtin());
  if (!scenario) return std::unexpected(scenario.error());
  auto unset = [sub](const char* option) { return sub->count(option) == 0; };
  if (unset("--combos")) {
    std::vector<std::string> names;
    for (NsSet ns : scenario->combinations) names.push_back(ns.ToString());
    args.combos = Join(names, ",");
  }
  if (unset("--probes")) args.probes = Join(scenario->probe_selectors, ",");
  if (unset("--userns-map") && scenario->userns_map) {
    args.userns_map = std::string(Name(*scenario->userns_map));
    args.userns_map_chosen = true;
  }
  if (unset("--rootfs") && scenario->rootfs) args.rootfs = *scenario->rootfs;
  if (unset("--propagation") && scenario->propagation) {
    args.propagation = std::string(Name(*scenario->propagation));
    args.propagation_chosen = true;
  }
  if (unset("--jobs") && scenario->jobs) args.jobs = *scenario->jobs;
  if (unset("--runtime") && scenario->runtime) args.runtime = std::string(Name(*scenario->runtime));
  if (unset("--timeout-ms") && scenario->timeout_ms) args.timeout_ms = *scenario->timeout_ms;
  plan.overrides = scenario->overrides;
  plan.scenario = {scenario->name, scenario->description, scenario->path};
  return {};
}

// --runtime: who makes the containers. A runtime's program must be there (exit
// 2 names its package); its fixed choices replace the run's options, and the
// probes it cannot run leave the plan, listed in the report.
// The runtime itself is looked for later (LocateChosenRuntime), once a
// rootless run is in its user namespace.
int ChooseRuntime(RunArgs& args, CLI::App* sub, RunPlan& plan,
                  std::unique_ptr<RuntimeAdapter>& adapter) {
  Result<RuntimeKind> kind = ParseRuntime(args.runtime);
  if (!kind) return UsageError("--runtime: " + kind.error().context);
  adapter = MakeRuntimeAdapter(*kind);
  if (!adapter) return kExitOk;  // native
  const std::string name(Name(*kind));
  if (!plan.rootfs.empty()) {
    return UsageError("--runtime " + name +
                      " runs containers in the host's root filesystem; --rootfs is for the "
                      "native launcher only");
  }
  if (std::optional<Propagation> fixed = adapter->FixedPropagation()) {
    if (plan.propagation != *fixed && (sub->count("--propagation") || args.propagation_chosen)) {
      return UsageError("--runtime " + name + " always gives containers " +
                        std::string(Name(*fixed)) + " propagation; --propagation " +
                        std::string(Name(plan.propagation)) + " cannot apply");
    }
    plan.propagation = *fixed;
  }
  if (std::optional<std::string> why = adapter->CannotGive(plan.propagation)) {
    return UsageError("--runtime " + name + " --propagation " +
                      std::string(Name(plan.propagation)) + ": " + *why);
  }
  // A runtime maps container root to its caller unless told otherwise, as
  // `unshare --map-root-user` and `bwrap --unshare-user` do.
  if (!args.userns_map_chosen && sub->count("--userns-map") == 0) plan.userns_map = UsernsMap::root;
  if (DetectMode() == "rootless") {
    // runc makes each container's cgroups at the top of the machine's
    // hierarchies, which no ordinary user may write; nspawn has not been tried
    // rootless. unshare maps a range only through newuidmap, whose
    // set-user-ID bit means nothing inside the run's user namespace.
    if (*kind == RuntimeKind::runc || *kind == RuntimeKind::nspawn) {
      return UsageError("--runtime " + name +
                        " is not supported in a rootless run (runc makes cgroups at the top of "
                        "the machine's hierarchies; nspawn has not been tried rootless): run it "
                        "as root, or use --runtime crun, bwrap or unshare");
    }
    if (*kind == RuntimeKind::unshare && plan.userns_map == UsernsMap::unprivileged) {
      return UsageError(
          "--runtime unshare --userns-map unprivileged maps ids through newuidmap, which "
          "cannot work inside a rootless run's user namespace: use --userns-map root");
    }
  }
  // unshare maps a range only through newuidmap: without it (or without root's
  // subordinate ids) every user combination would look refused.
  if (*kind == RuntimeKind::unshare && plan.userns_map == UsernsMap::unprivileged) {
    if (Status s = CheckSubordinateIdTools(); !s)
      return UsageError("--runtime unshare --userns-map unprivileged: " + s.error().Message());
  }
  return kExitOk;
}

// Finds the chosen runtime and asks its version (in a mount namespace of its
// own: see LocateRuntime), and takes out the probes it cannot run.
int LocateChosenRuntime(const RuntimeAdapter& adapter, RunPlan& plan) {
  const std::string name(Name(adapter.Kind()));
  Result<RuntimeInfo> info = LocateRuntime(adapter);
  if (!info) return UsageError("--runtime " + name + ": " + info.error().Message());
  plan.runtime = *info;
  for (const auto& [probe, why] : ProbesNeedingTheLauncher()) {
    auto it = std::find_if(plan.probes.begin(), plan.probes.end(),
                           [&](const ProbeSpec* spec) { return spec->id == probe; });
    if (it == plan.probes.end()) continue;
    plan.probes.erase(it);
    plan.runtime_left_out.emplace_back(probe, why);
  }
  if (plan.probes.empty())
    return UsageError("none of the selected probes can run under --runtime " + name);
  return kExitOk;
}

int Run(RunArgs args, CLI::App* sub) {
  RunPlan plan;
  if (!args.scenario.empty()) {
    if (Status s = ApplyScenario(args.scenario, sub, args, plan); !s)
      return UsageError("--scenario: " + s.error().Message());
  }
  Result<std::vector<NsSet>> combos = ParseCombinationList(args.combos);
  if (!combos) return UsageError("--combos: " + combos.error().context);
  plan.combinations = std::move(*combos);
  Result<std::vector<const ProbeSpec*>> probes = Catalogue::Builtin().Select(args.probes);
  if (!probes) return UsageError("--probes: " + probes.error().context);
  plan.probes = std::move(*probes);
  Result<UsernsMap> map = ParseUsernsMap(args.userns_map);
  if (!map) return UsageError("--userns-map: " + map.error().context);
  plan.userns_map = *map;
  plan.jobs = args.jobs;
  plan.timeout = std::chrono::milliseconds(args.timeout_ms);
  plan.time_via_unshare = args.time_ns_via == "unshare";
  Result<Propagation> propagation = ParsePropagation(args.propagation);
  if (!propagation) return UsageError("--propagation: " + propagation.error().context);
  plan.propagation = *propagation;
  if (args.rootfs != "host") {
    Result<std::string> rootfs = CheckRootfs(args.rootfs);
    if (!rootfs) return UsageError("--rootfs " + args.rootfs + ": " + rootfs.error().context);
    plan.rootfs = *rootfs;
  }
  std::unique_ptr<RuntimeAdapter> adapter;
  if (int code = ChooseRuntime(args, sub, plan, adapter); code != kExitOk) return code;
  if (Status s = args.files.Prepare(); !s) return UsageError(s.error().Message());

  plan.probe_path = args.probe_binary.empty() ? HelperProgram("nsprobe") : args.probe_binary;
  if (access(plan.probe_path.c_str(), X_OK) != 0) {
    return UsageError("probe program " + plan.probe_path +
                      " is missing or not executable (build it, or pass --probe-binary)");
  }
  plan.worker_exe = HelperProgram("nsm-sandbox");
  if (access(plan.worker_exe.c_str(), X_OK) != 0) {
    return UsageError("the sandbox worker " + plan.worker_exe +
                      " is missing or not executable (it is built and installed with nsmatrix)");
  }
  // An ordinary user's run is root in a user namespace of its own, and builds
  // its host sandboxes there: nothing outside that namespace can change.
  if (geteuid() != 0) {
    Result<RootlessEntry> entry = EnterRootlessUserNamespace();
    if (!entry) {
      return UsageError("cannot run rootless: " + entry.error().Message() +
                        ". Run it as root, or let ordinary users make user namespaces");
    }
    MarkRootless();
    fprintf(stderr, "nsmatrix run: rootless, in a user namespace of its own: %s\n",
            entry->description.c_str());
  }
  if (adapter) {
    if (int code = LocateChosenRuntime(*adapter, plan); code != kExitOk) return code;
  }
  std::string mode = DetectMode();
  if (plan.userns_map == UsernsMap::unprivileged && !SubordinateIdsMapped()) {
    // Inside `unshare --map-root-user` only root is mapped: ids 100000+ cannot be.
    if (args.userns_map_chosen || sub->count("--userns-map")) {
      return UsageError(
          "--userns-map unprivileged maps container root to ids 100000-165535, which are not "
          "mapped into this user namespace (see /proc/self/uid_map): use --userns-map root, or " +
          std::string(mode == "rootless"
                          ? "give this user 65536 subordinate ids in /etc/subuid and /etc/subgid "
                            "(usermod --add-subuids and --add-subgids) and install uidmap"
                          : "map them into it (newuidmap/newgidmap)"));
    }
    plan.userns_map = UsernsMap::root;
    fprintf(stderr,
            "nsmatrix run: note: ids 100000-165535 are not mapped into this user namespace; "
            "using --userns-map root\n");
  }

  // From here on Ctrl-C is read from a descriptor: whatever runs is torn down
  // through its owner, and the run ends with 130.
  UniqueFd interrupt = InterruptFd();
  // What the kernel gives us, checked live: the document's "kernel" section,
  // and the cause of every combination it refuses.
  plan.initial_userns = mode == "root";
  KernelReport kernel = CollectKernelReport({});
  for (const NsInfo& info : kNamespaces) {
    const LiveCheck& check = kernel.root[static_cast<int>(info.ns)].check;
    if (check.status == NsStatus::not_checked) {
      // Never guess: a check that broke must not quietly switch probes off.
      return UsageError("could not check whether this kernel gives " + std::string(info.name) +
                        " namespaces: " + check.detail);
    }
    std::string problem = kernel.RootProblem(info.ns);
    if (problem.empty()) continue;
    plan.unavailable[static_cast<int>(info.ns)] = problem;
    fprintf(stderr, "nsmatrix run: %s\n", problem.c_str());
  }

  ProgressLine progress(!args.no_progress && isatty(STDERR_FILENO));
  ProgressFn on_progress = [&progress](size_t done, size_t total) { progress.Update(done, total); };
  // The document's cells are built while the sandboxes run.
  DocumentBuilder document(plan.combinations);
  CombinationFn on_combination = [&document](NsSet ns, std::span<const CellResult> cells) {
    document.AddCombination(ns, cells);
  };
  Result<MatrixResult> result = RunMatrix(plan, on_progress, on_combination, interrupt.Get());
  progress.Finish();
  pollfd pending{interrupt.Get(), POLLIN, 0};
  if ((result && poll(&pending, 1, 0) == 1) || (!result && result.error().err == EINTR)) {
    fprintf(stderr, "nsmatrix run: interrupted; no report written, every sandbox torn down\n");
    return kExitInterrupted;
  }
  if (!result) {
    fprintf(stderr, "nsmatrix run: %s\n", result.error().Message().c_str());
    return kExitUsage;
  }

  nlohmann::json doc = document.Finish(plan, *result, CollectHostInfo(), UtcTimestamp());
  doc["kernel"] = KernelReportToJson(kernel);
  if (Status s = args.files.Write(doc); !s) return UsageError(s.error().Message());
  fputs(RenderSummary(plan, *result).c_str(), stdout);
  args.files.PrintWritten();
  LeaveToExit(std::move(doc));
  // A runtime that made no container tested nothing: that is no pass.
  if (plan.runtime.kind != RuntimeKind::native && result->accepted_combinations == 0) {
    fprintf(stderr,
            "nsmatrix run: FAILED: %s made none of the %zu combinations: nothing was tested\n",
            std::string(Name(plan.runtime.kind)).c_str(), plan.combinations.size());
    return kExitFailed;
  }
  return AnyFailed(*result) ? kExitFailed : kExitOk;
}

}  // namespace

CommandFn AddRunCommand(CLI::App& app) {
  CLI::App* sub = app.add_subcommand("run", "Run the isolation matrix and write reports");
  sub->footer(
      "Examples:\n"
      "  nsmatrix run --out nsmatrix-report            all 256 combinations, every probe\n"
      "  nsmatrix run --combos none,mnt+pid --probes pid.,uts.\n"
      "  nsmatrix run --combos mnt+uts+ipc+net+pid+user --userns-map root --json m.json\n\n"
      "A combination is 'none' or namespace names joined by '+': mnt uts ipc net pid user cgroup\n"
      "time. Probe lists take ids or prefixes (ns., pid.). Exit: 0 all pass/skip, 1 a verdict\n"
      "failed, 2 usage or environment error, 130 interrupted.\n\n"
      "As an ordinary user the run is rootless: it enters a user namespace of its own, mapping\n"
      "the user's subordinate ids from /etc/subuid and /etc/subgid through newuidmap (package\n"
      "uidmap) where it can, else only the user's own ids. Without a cgroup delegated to the\n"
      "user, the cgroup probes are unsupported.");
  auto args = std::make_shared<RunArgs>();
  sub->add_option("--combos", args->combos,
                  "Combinations to run: 'all' (all 256), or a comma-separated list, where\n"
                  "'all' is the combination of all eight types (none,all: both ends)")
      ->capture_default_str();
  sub->add_option("--probes", args->probes, "Probe ids or prefixes, comma-separated, or 'all'")
      ->capture_default_str();
  sub->add_option("--userns-map", args->userns_map,
                  "unprivileged: container root is host uid/gid 100000 (as rootful podman/LXC);\n"
                  "root: container root is the caller (as unshare --map-root-user)")
      ->capture_default_str();
  sub->add_option("--jobs,-j", args->jobs, "Parallel host sandboxes")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  sub->add_option("--timeout-ms", args->timeout_ms,
                  "Per-combination timeout; a hung probe becomes 'error'")
      ->capture_default_str()
      ->check(CLI::Range(100L, 600000L));
  args->files.AddOptions(sub, /*with_json=*/true);
  sub->add_option("--scenario", args->scenario,
                  "A scenario: a shipped name (" + Join(ListShippedScenarios(ScenarioDir()), ", ") +
                      ") or a TOML file. Options given on the command line win over it");
  sub->add_option("--probe-binary", args->probe_binary,
                  "The probe program (default: nsprobe beside nsmatrix)");
  sub->add_option(
         "--rootfs", args->rootfs,
         "host: the host's filesystem (as unshare without chroot); PATH: run in that tree\n"
         "(pivot_root with a mount namespace, chroot without, as the story does)")
      ->capture_default_str();
  sub->add_option(
         "--propagation", args->propagation,
         "What a container's mount namespace does to the propagation it inherits from the\n"
         "host (whose mounts are shared): private, slave, shared or unchanged")
      ->capture_default_str();
  sub->add_option(
         "--time-ns-via", args->time_ns_via,
         "unshare: unshare(CLONE_NEWTIME) + offsets, then clone3 (as unshare --boottime);\n"
         "clone3: clone3(CLONE_NEWTIME), which cannot set offsets (falls back to unshare\n"
         "where the kernel refuses it)")
      ->capture_default_str()
      ->check(CLI::IsMember({"clone3", "unshare"}));
  sub->add_option(
         "--runtime", args->runtime,
         "Who makes the containers: native (nsmatrix's own launcher), unshare (util-linux),\n"
         "bwrap (bubblewrap), runc or crun (OCI bundles), nspawn (systemd-nspawn, package\n"
         "systemd-container), found on PATH. A combination a runtime will not make is\n"
         "'refused', with its message. Runtimes run in the host's\n"
         "root, map container root to the caller unless --userns-map says otherwise, and\n"
         "skip the probes that need the launcher (pid.signal_sender, mnt.propagation_in).\n"
         "runc and crun are not run without a mount namespace (they would change the\n"
         "host's mounts), nor crun with pid+time but no user namespace (it kills a host\n"
         "process): those cells are 'refused' by nsmatrix, as their detail says. bwrap\n"
         "gives only slave propagation, nspawn only private; runc and crun cannot leave it\n"
         "unchanged, and crun cannot give shared (another --propagation is exit 2). nspawn\n"
         "always makes mnt, never time, and mounts its own /proc, /sys, /dev and /run")
      ->capture_default_str()
      ->check(CLI::IsMember({"native", "unshare", "bwrap", "runc", "crun", "nspawn"}));
  sub->add_flag("--no-progress", args->no_progress, "No progress line on the terminal");
  return [args, sub]() { return Run(*args, sub); };
}

}  // namespace nsm
