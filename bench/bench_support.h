// What every nsmatrix-bench benchmark shares: the namespace sets it measures and how
// it reports trouble. A namespace type the kernel refuses to create is a skip with
// its reason ("unsupported: ..."); any other error fails the benchmark, and the
// binary then exits 1 after the whole run.
#pragma once

#include <benchmark/benchmark.h>

#include <string>
#include <string_view>
#include <vector>

#include "harness/common/namespaces.h"
#include "harness/common/result.h"

namespace nsm {

struct NamedSet {
  std::string name;  // in benchmark names: "none", "net", "all", "story", "docker"
  NsSet set;
};

// No namespace, each of the eight alone, all eight, the story's set and Docker's.
const std::vector<NamedSet>& BenchSets();
// Each of the eight alone.
std::vector<NamedSet> SingleTypeSets();

// Did the kernel refuse to create the namespaces (EINVAL from clone3 or unshare):
// the type is missing from this kernel, not a failure of the benchmark.
bool IsUnsupported(const Error& error);

// Skips the benchmark with the error's message, as unsupported or as a failure. The
// caller must leave its measurement loop.
void SkipWith(benchmark::State& state, const Error& error);
void SkipWithFailure(benchmark::State& state, const std::string& message);
bool AnyBenchmarkFailed();

// `name` beside the running executable (every program of the build is in build/bin).
Result<std::string> SiblingProgram(std::string_view name);

}  // namespace nsm
