// Observations and verdicts -> the one JSON document ("schema": "nsmatrix/1")
// that every writer (Markdown, HTML, JUnit) and the gate read.
#pragma once

#include <array>
#include <nlohmann/json.hpp>
#include <span>
#include <vector>

#include "harness/document/host_info.h"
#include "harness/runner/matrix_runner.h"

namespace nsm {

inline constexpr const char* kSchemaId = "nsmatrix/1";
inline constexpr const char* kSandboxNote =
    "\"host\" in this report means a disposable host sandbox that nsmatrix builds for each "
    "worker: its own mount, UTS, IPC, network, PID, cgroup and time namespaces in the machine's "
    "user namespace, with its own hostname, loopback, veth, listeners, IPC objects, fixture files "
    "and a sentinel process. Probes rename, kill and mount things there; the machine itself is "
    "never touched.";

// Builds the document's cells while the run goes on: each combination as it
// finishes (RunMatrix's CombinationFn), in any order, so that little is left
// to do once the last one is in. A combination never added is built from the
// result at the end: the document always holds exactly the cells of `result`.
class DocumentBuilder {
 public:
  explicit DocumentBuilder(const std::vector<NsSet>& combinations);
  void AddCombination(NsSet combination, std::span<const CellResult> cells);
  nlohmann::json Finish(const RunPlan& plan, const MatrixResult& result, const HostInfo& host,
                        const std::string& generated_at);

 private:
  std::array<int, kCombinationCount> position_;  // in the plan; -1: not in it
  std::vector<nlohmann::json::array_t> cells_;   // per position; empty until added
};

// Counts of pass/fail/skip: exit 1 when any cell failed.
bool AnyFailed(const MatrixResult& result);

std::string UtcTimestamp();

}  // namespace nsm
