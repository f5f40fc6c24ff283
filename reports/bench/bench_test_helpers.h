// For the bench report tests: fixtures in reports/bench/testdata (the test target
// defines NSM_BENCH_TESTDATA as that directory).
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "reports/bench/bench_results.h"

namespace nsm::bench_tests {

inline std::string TestdataPath(const std::string& name) {
  return std::string(NSM_BENCH_TESTDATA) + "/" + name;
}

// A fixture that must parse; the test fails (and gets empty results) otherwise.
inline BenchResults Load(const std::string& name) {
  Result<BenchResults> results = LoadBenchJson(TestdataPath(name));
  EXPECT_TRUE(results) << name << ": " << results.error().Message();
  return results ? *results : BenchResults{};
}

}  // namespace nsm::bench_tests
