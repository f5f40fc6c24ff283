// Matrices for the gate's tests: cells, documents, and a comparison that must
// succeed.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/common/namespaces.h"
#include "harness/gate/gate.h"

namespace nsm::gate_test {

using nlohmann::json;

inline json Cell(const std::string& combination, const std::string& probe,
                 const std::string& outcome, const std::string& verdict,
                 const std::string& expected = "isolated", const std::string& detail = "evidence") {
  json names = json::array();
  if (Result<NsSet> set = NsSet::Parse(combination)) {  // a bad one is the test's point
    for (std::string_view name : set->Names()) names.push_back(name);
  }
  return {
      {"combination", combination}, {"namespaces", names}, {"probe", probe},  {"outcome", outcome},
      {"expected", expected},       {"verdict", verdict},  {"detail", detail}};
}

inline json Doc(std::vector<json> cells) {
  json doc = {
      {"schema", "nsmatrix/1"},
      {"tool", {{"name", "nsmatrix"}, {"version", "0.1.0"}}},
      {"generated_at", "2026-11-30T12:00:00Z"},
      {"duration_seconds", 0.5},
      {"host",
       {{"kernel_release", "6.18.44"},
        {"kernel_version", "#1 SMP"},
        {"architecture", "x86_64"},
        {"hostname", "h"},
        {"cpus", 2},
        {"mode", "root"},
        {"sandbox", "s"}}},
      {"options",
       {{"combinations", 2},
        {"probes", {"pid.see_host", "uts.hostname"}},
        {"userns_map", "unprivileged"},
        {"jobs", 2},
        {"timeout_ms", 10000},
        {"rootfs", "host"}}},
      {"probes", json::array()},
      {"cells", json::array()},
  };
  for (json& cell : cells) doc["cells"].push_back(std::move(cell));
  return doc;
}

inline GateResult Compare(const json& baseline, const json& current, const AllowList& allow = {}) {
  Result<GateResult> result = CompareMatrices(baseline, current, allow);
  EXPECT_TRUE(result) << result.error().Message();
  return result ? *result : GateResult{};
}

}  // namespace nsm::gate_test
