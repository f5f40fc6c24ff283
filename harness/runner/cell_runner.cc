#include "harness/runner/cell_runner.h"

#include "harness/common/io.h"
#include "harness/judge/probe_output.h"

namespace nsm {
namespace {

constexpr size_t kMaxProbeOutput = 1 << 20;

std::vector<Observation> AllWith(const CellEnvironment& env, Outcome outcome,
                                 const std::string& detail) {
  std::vector<Observation> out;
  for (const std::string& probe : env.probes) out.push_back({probe, outcome, detail});
  return out;
}

}  // namespace

std::vector<Observation> RunCombination(NsSet ns, const CellEnvironment& env,
                                        HostSandbox& sandbox) {
  LaunchSpec spec;
  spec.namespaces = ns;
  spec.id_maps = env.id_maps;
  spec.child = env.child;
  spec.probe_exe_fd = env.probe_exe_fd;
  spec.argv = {"nsprobe", "--sentinel-pid=" + std::to_string(sandbox.SentinelPid()),
               "--sentinel-comm=" + sandbox.SentinelComm(),
               "--hostname=nsm-probe-" + std::to_string(ns.Index())};
  spec.argv.insert(spec.argv.end(), env.probes.begin(), env.probes.end());

  std::vector<Observation> observations;
  if (Status healthy = sandbox.CheckFixtures(); !healthy) {
    observations =
        AllWith(env, Outcome::error,
                "host sandbox fixture unhealthy before launch: " + healthy.error().Message());
    (void)sandbox.Restore();
    sandbox.ReapOrphans();
    return observations;
  }
  Result<Container> container = Launch(spec);
  if (!container) {
    // The kernel (or a limit, or a security module) would not create this
    // combination: every cell is unsupported, with the cause as evidence.
    observations = AllWith(env, Outcome::unsupported, container.error().Message());
  } else {
    auto deadline = std::chrono::steady_clock::now() + env.timeout;
    Result<ReadToEndResult> output = ReadToEnd(container->results.Get(), deadline, kMaxProbeOutput);
    std::string problem;
    if (!output) {
      problem = output.error().Message();
    } else if (output->timed_out) {
      problem = "timed out after " + std::to_string(env.timeout.count()) + " ms";
    } else if (output->truncated) {
      problem = "more than 1 MiB of output";
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (!container->process.WaitExit(std::max(left, std::chrono::milliseconds(0))) &&
        problem.empty()) {
      problem = "timed out after " + std::to_string(env.timeout.count()) + " ms";
    }
    container->process.KillAndReap();
    const std::optional<ExitStatus>& status = container->process.Status();
    std::string exit_text = status ? status->Describe() : "not reaped";

    ProbeOutput parsed = ParseProbeOutput(output ? output->data : std::string(), env.probes);
    if (problem.empty() && parsed.stream_error) problem = *parsed.stream_error;
    if (problem.empty() && status && !(status->exited && status->code == 0))
      problem = "probe ended with " + exit_text;
    for (const std::string& probe : env.probes) {
      auto it = parsed.records.find(probe);
      if (it != parsed.records.end()) {
        observations.push_back(Judge(it->second, sandbox));
      } else {
        observations.push_back({probe, Outcome::error,
                                "no result: " + (problem.empty() ? "missing record" : problem) +
                                    " (" + exit_text + ")"});
      }
    }
  }
  if (Status restored = sandbox.Restore(); !restored) {
    // A fixture that cannot be put back would make later cells lie: say so here.
    for (Observation& o : observations) {
      o.outcome = Outcome::error;
      o.detail = "host sandbox could not be restored: " + restored.error().Message();
    }
  }
  sandbox.ReapOrphans();
  return observations;
}

}  // namespace nsm
