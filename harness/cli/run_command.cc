// `nsmatrix run`: plan -> host sandboxes -> containers -> verdicts -> reports.
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "harness/cli/commands.h"
#include "harness/cli/interrupt.h"
#include "harness/cli/report_files.h"
#include "harness/cli/terminal.h"
#include "harness/common/install_paths.h"
#include "harness/common/run_options.h"
#include "harness/common/strings.h"
#include "harness/common/unique_fd.h"
#include "harness/document/document.h"
#include "harness/kernel/kernel_report.h"
#include "harness/launcher/rootless.h"
#include "harness/plan/plan.h"
#include "harness/runtime/runtime.h"
#include "scenarios/scenario.h"

namespace nsm {
namespace {

struct RunArgs {
  PlanRequest request;
  ReportFiles files;
  std::string probe_binary;
  bool no_progress = false;
};

int UsageError(const std::string& message) {
  fprintf(stderr, "nsmatrix run: %s\n", message.c_str());
  return kExitUsage;
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

// Finds the chosen runtime and asks its version (in a mount namespace of its
// own: see LocateRuntime), and takes out the probes it cannot run.
int LocateChosenRuntime(const RuntimeAdapter& adapter, RunPlan& plan) {
  const std::string name(Name(adapter.Kind()));
  Result<RuntimeInfo> info = LocateRuntime(adapter);
  if (!info) return UsageError("--runtime " + name + ": " + info.error().Message());
  plan.runtime = *info;
  if (auto left = LeaveOutLauncherProbes(plan); !left) return UsageError(left.error());
  return kExitOk;
}

int Run(RunArgs args, CLI::App* sub) {
  for (const CLI::Option* option : sub->get_options()) {
    if (option->count() > 0) args.request.given.insert(option->get_name());
  }
  // As the run starts: an ordinary user's run becomes rootless below.
  const std::string starting_mode = DetectMode();
  std::expected<BuiltPlan, std::string> built =
      BuildPlan(args.request, {.scenario_dir = ScenarioDir(),
                               .rootless = starting_mode == "rootless",
                               .initial_userns = starting_mode == "root"});
  if (!built) return UsageError(built.error());
  for (const std::string& warning : built->warnings)
    fprintf(stderr, "nsmatrix run: warning: %s\n", warning.c_str());
  RunPlan plan = std::move(built->plan);
  std::unique_ptr<RuntimeAdapter> adapter = std::move(built->adapter);
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
  if (plan.userns_map == UsernsMap::unprivileged && !SubordinateIdsMapped()) {
    // Inside `unshare --map-root-user` only root is mapped: ids 100000+ cannot be.
    if (!plan.overrides.empty()) {
      return UsageError(
          "the scenario's expectation overrides were written for --userns-map "
          "unprivileged, which this user namespace cannot give (ids "
          "100000-165535 are not mapped into it): run it as the machine's root");
    }
    if (built->userns_map_chosen) {
      return UsageError(
          "--userns-map unprivileged maps container root to ids 100000-165535, which are not "
          "mapped into this user namespace (see /proc/self/uid_map): use --userns-map root, or " +
          std::string(starting_mode == "rootless"
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
  signal(SIGPIPE, SIG_IGN);
  Result<UniqueFd> watched = InterruptFd();
  if (!watched) return UsageError(watched.error().Message());
  UniqueFd interrupt = std::move(*watched);
  // What the kernel gives us, checked live: the document's "kernel" section,
  // and the cause of every combination it refuses.
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
  // A run that tested nothing is no pass, though every cell is a skip.
  if (plan.runtime.kind != RuntimeKind::native && result->accepted_combinations == 0) {
    fprintf(stderr,
            "nsmatrix run: FAILED: %s made none of the %zu combinations: nothing was tested\n",
            std::string(Name(plan.runtime.kind)).c_str(), plan.combinations.size());
    return kExitFailed;
  }
  if (std::none_of(result->cells.begin(), result->cells.end(),
                   [](const CellResult& c) { return c.verdict != Verdict::skip; })) {
    fprintf(stderr,
            "nsmatrix run: FAILED: every cell is a skip (the kernel refused the "
            "combinations, or the host sandbox could not serve the probes): nothing was "
            "tested\n");
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
      "failed or nothing was tested (every cell a skip), 2 usage or environment error,\n"
      "130 interrupted.\n\n"
      "As an ordinary user the run is rootless: it enters a user namespace of its own, mapping\n"
      "the user's subordinate ids from /etc/subuid and /etc/subgid through newuidmap (package\n"
      "uidmap) where it can, else only the user's own ids. Without a cgroup delegated to the\n"
      "user, the cgroup probes are unsupported.");
  auto args = std::make_shared<RunArgs>();
  // One host sandbox per CPU, within what --jobs takes.
  args->request.jobs = std::clamp(static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN)), 1, kMaxJobs);
  sub->add_option(plan_option::kCombos, args->request.combos,
                  "Combinations to run: 'all' (all 256), or a comma-separated list, where\n"
                  "'all' is the combination of all eight types (none,all: both ends)")
      ->capture_default_str();
  sub->add_option(plan_option::kProbes, args->request.probes,
                  "Probe ids or prefixes, comma-separated, or 'all' (with --runtime, the ns.* "
                  "probes always run too)")
      ->capture_default_str();
  sub->add_option(plan_option::kUsernsMap, args->request.userns_map,
                  "unprivileged: container root is host uid/gid 100000 (as rootful podman/LXC);\n"
                  "root: container root is the caller (as unshare --map-root-user)")
      ->capture_default_str();
  sub->add_option(std::string(plan_option::kJobs) + ",-j", args->request.jobs,
                  "Parallel host sandboxes")
      ->capture_default_str()
      ->check(CLI::Range(1, kMaxJobs));
  sub->add_option(plan_option::kTimeoutMs, args->request.timeout_ms,
                  "Per-combination timeout; a hung probe becomes 'error'")
      ->capture_default_str()
      ->check(CLI::Range(kMinTimeoutMs, kMaxTimeoutMs));
  args->files.AddOptions(sub, /*with_json=*/true);
  sub->add_option(
      plan_option::kScenario, args->request.scenario,
      "A scenario: a shipped name (" + Join(ListShippedScenarios(ScenarioDir()), ", ") +
          ") or a TOML file. Options given on the command line win over it, but may not change "
          "the id map, propagation, runtime or rootfs of one with [[expect]] "
          "overrides");
  sub->add_option("--probe-binary", args->probe_binary,
                  "The probe program (default: nsprobe beside nsmatrix)");
  sub->add_option(
         plan_option::kRootfs, args->request.rootfs,
         "host: the host's filesystem (as unshare without chroot); PATH: run in that tree\n"
         "(pivot_root with a mount namespace, chroot without, as the story does)")
      ->capture_default_str();
  sub->add_option(
         plan_option::kPropagation, args->request.propagation,
         "What a container's mount namespace does to the propagation it inherits from the\n"
         "host (whose mounts are shared): private, slave, shared or unchanged")
      ->capture_default_str();
  sub->add_option(
         plan_option::kTimeNsVia, args->request.time_ns_via,
         "unshare: unshare(CLONE_NEWTIME) + offsets, then clone3 (as unshare --boottime);\n"
         "clone3: clone3(CLONE_NEWTIME), which cannot set offsets (falls back to unshare\n"
         "where the kernel refuses it)")
      ->capture_default_str()
      ->check(CLI::IsMember({"clone3", "unshare"}));
  sub->add_option(
         plan_option::kRuntime, args->request.runtime,
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
         "unchanged, and crun cannot give shared (another --propagation is exit 2). bwrap\n"
         "maps one id: --userns-map unprivileged with a user combination is exit 2. nspawn\n"
         "always makes mnt, never time, and mounts its own /proc, /sys, /dev and /run")
      ->capture_default_str()
      ->check(CLI::IsMember({"native", "unshare", "bwrap", "runc", "crun", "nspawn"}));
  sub->add_flag("--no-progress", args->no_progress, "No progress line on the terminal");
  return [args, sub]() { return Run(*args, sub); };
}

}  // namespace nsm
