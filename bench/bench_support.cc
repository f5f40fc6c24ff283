#include "bench/bench_support.h"

#include <unistd.h>

#include <atomic>

#include "harness/common/install_paths.h"
#include "harness/common/subprocess.h"
#include "reports/bench/bench_results.h"

namespace nsm {
namespace {

std::atomic<bool> g_failed{false};

NsSet Of(std::initializer_list<Ns> kinds) {
  NsSet set;
  for (Ns ns : kinds) set = set.With(ns);
  return set;
}

}  // namespace

const std::vector<NamedSet>& BenchSets() {
  static const std::vector<NamedSet> kSets = [] {
    std::vector<NamedSet> sets = {{"none", NsSet()}};
    for (NamedSet& single : SingleTypeSets()) sets.push_back(std::move(single));
    sets.push_back({"all", NsSet::All()});
    // The story's container: `unshare --mount --uts --ipc --net --pid --user`.
    sets.push_back({"story", Of({Ns::mnt, Ns::uts, Ns::ipc, Ns::net, Ns::pid, Ns::user})});
    // `docker run` with its defaults on a cgroup v2 host: private cgroup namespace
    // (--cgroupns=private is the v2 default), no user namespace (userns-remap is off by
    // default), no time namespace.
    sets.push_back({"docker", Of({Ns::mnt, Ns::uts, Ns::ipc, Ns::net, Ns::pid, Ns::cgroup})});
    return sets;
  }();
  return kSets;
}

std::vector<NamedSet> SingleTypeSets() {
  std::vector<NamedSet> sets;
  for (const NsInfo& info : kNamespaces) sets.push_back({std::string(info.name), Of({info.ns})});
  return sets;
}

bool IsUnsupported(const Error& error) {
  return error.err == EINVAL && error.kind == ErrorKind::kNamespaceRefused;
}

void SkipWith(benchmark::State& state, const Error& error) {
  if (IsUnsupported(error)) {
    state.SkipWithError((std::string(kUnsupportedPrefix) + error.Message()).c_str());
  } else {
    SkipWithFailure(state, error.Message());
  }
}

void SkipWithFailure(benchmark::State& state, const std::string& message) {
  g_failed = true;
  state.SkipWithError(message.c_str());
}

bool AnyBenchmarkFailed() {
  return g_failed;
}

Result<std::string> SiblingProgram(std::string_view name) {
  std::string dir = ProgramDir();
  std::string beside = dir + "/" + std::string(name);
  // Installed, the benchmarks sit with the helpers (PREFIX/libexec/nsmatrix)
  // and nsmatrix itself in PREFIX/bin.
  std::string installed = dir + "/" NSM_BIN_FROM_HELPERS "/" + std::string(name);
  if (access(beside.c_str(), F_OK) != 0 && access(installed.c_str(), F_OK) == 0) return installed;
  return beside;
}

}  // namespace nsm
