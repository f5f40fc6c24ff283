// nsm-sandbox: the host sandbox's worker, exec'd by `nsmatrix run` as PID 1
// of each fresh host sandbox (worker.h). Internal: it talks to the runner on
// descriptor 3 and is of no use on its own.
//
// A program of its own, statically linked (but under sanitizers): every
// container is a fork of this process, and a fork copies, and exec tears
// down, one mapping per segment of every shared library. nsmatrix maps about
// 60; this maps 12.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "harness/common/strings.h"
#include "harness/runner/worker.h"

int main(int argc, char** argv) {
  CLI::App app("nsm-sandbox: the host sandbox's worker, run by `nsmatrix run` (internal)");
  nsm::WorkerConfig config;
  std::string probes, map, without = "none", runtime = "native", propagation = "private";
  long timeout_ms = 10000;
  app.add_option("--index", config.index)->required();
  app.add_option("--probe-exe", config.probe_path)->required();
  app.add_option("--probes", probes)->required();
  app.add_option("--userns-map", map)->required();
  app.add_option("--timeout-ms", timeout_ms)->required();
  app.add_option("--time-via-unshare", config.time_via_unshare)->required();
  app.add_option("--propagation", propagation);
  app.add_option("--rootfs", config.rootfs);
  app.add_option("--cgroup-cell", config.cgroup_cell);
  app.add_option("--cgroup-unavailable", config.cgroup_unavailable);
  app.add_option("--sandbox-without", without);
  app.add_option("--runtime", runtime);
  app.add_option("--runtime-path", config.runtime_path);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  nsm::Result<nsm::NsSet> shared = nsm::NsSet::Parse(without);
  if (!shared) {
    fprintf(stderr, "nsm-sandbox: --sandbox-without: %s\n", shared.error().Message().c_str());
    return 2;
  }
  config.sandbox_without = *shared;
  for (std::string_view id : nsm::Split(probes, ',')) config.probes.emplace_back(id);
  nsm::Result<nsm::UsernsMap> parsed_map = nsm::ParseUsernsMap(map);
  nsm::Result<nsm::RuntimeKind> parsed_runtime = nsm::ParseRuntime(runtime);
  nsm::Result<nsm::Propagation> parsed_propagation = nsm::ParsePropagation(propagation);
  for (const nsm::Error* error : {parsed_map ? nullptr : &parsed_map.error(),
                                  parsed_runtime ? nullptr : &parsed_runtime.error(),
                                  parsed_propagation ? nullptr : &parsed_propagation.error()}) {
    if (error == nullptr) continue;
    fprintf(stderr, "nsm-sandbox: %s\n", error->Message().c_str());
    return 2;
  }
  config.userns_map = *parsed_map;
  config.runtime = *parsed_runtime;
  config.propagation = *parsed_propagation;
  config.timeout = std::chrono::milliseconds(timeout_ms);
  return nsm::RunSandboxWorker(config);
}
