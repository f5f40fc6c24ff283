// Observations and verdicts -> the one JSON document ("schema": "nsmatrix/1")
// that every writer (Markdown, HTML, JUnit) and the gate read.
#pragma once

#include <nlohmann/json.hpp>

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

nlohmann::json BuildDocument(const RunPlan& plan, const MatrixResult& result, const HostInfo& host,
                             const std::string& generated_at);

// Counts of pass/fail/skip: exit 1 when any cell failed.
bool AnyFailed(const MatrixResult& result);

std::string UtcTimestamp();

}  // namespace nsm
