// `nsmatrix __sandbox-worker`: internal, run by `nsmatrix run` inside each host sandbox.
#include "harness/cli/commands.h"
#include "harness/common/strings.h"
#include "harness/runner/worker.h"

namespace nsm {

CommandFn AddWorkerCommand(CLI::App& app) {
  CLI::App* sub = app.add_subcommand("__sandbox-worker", "internal: the host sandbox's worker");
  sub->group("");  // hidden from --help
  auto config = std::make_shared<WorkerConfig>();
  auto probes = std::make_shared<std::string>();
  auto map = std::make_shared<std::string>();
  auto timeout_ms = std::make_shared<long>(10000);
  sub->add_option("--index", config->index)->required();
  sub->add_option("--probe-exe", config->probe_path)->required();
  sub->add_option("--probes", *probes)->required();
  sub->add_option("--userns-map", *map)->required();
  sub->add_option("--timeout-ms", *timeout_ms)->required();
  sub->add_option("--time-via-unshare", config->time_via_unshare)->required();
  sub->add_option("--propagation", config->propagation);
  sub->add_option("--rootfs", config->rootfs);
  sub->add_option("--cgroup-cell", config->cgroup_cell);
  sub->add_option("--cgroup-unavailable", config->cgroup_unavailable);
  auto without = std::make_shared<std::string>("none");
  sub->add_option("--sandbox-without", *without);
  return [config, probes, map, timeout_ms, without]() {
    Result<NsSet> shared = NsSet::Parse(*without);
    if (!shared) {
      fprintf(stderr, "nsmatrix __sandbox-worker: --sandbox-without: %s\n",
              shared.error().Message().c_str());
      return kExitUsage;
    }
    config->sandbox_without = *shared;
    for (std::string_view id : Split(*probes, ',')) config->probes.emplace_back(id);
    config->userns_map = *map == "root" ? UsernsMap::root : UsernsMap::unprivileged;
    config->timeout = std::chrono::milliseconds(*timeout_ms);
    return RunSandboxWorker(*config);
  };
}

}  // namespace nsm
