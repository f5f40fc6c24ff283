// unshare(2) and setns(2) per namespace type, timed around the system call in a
// single-threaded helper process (ns_op_helper.h), reported as manual time.
//
//   BM_Unshare/<type>  unshare(CLONE_NEW<type>); the next call releases the namespace the
//                      previous one made, so its synchronous teardown is included.
//                      pid: an untimed setns back to the original follows each call (the
//                      kernel allows one new PID namespace for a process's children at a
//                      time); user: each call in a fresh vfork-style child (a process can
//                      unshare a second user namespace only once it is mapped in the
//                      first). BM_Unshare/none: unshare(0), the system call alone.
//   BM_Setns/<type>    setns into a namespace held by a long-lived process (ns_holder.h),
//                      an untimed setns back after each; user: each call in a fresh
//                      vfork-style child (nothing may go back to the parent user namespace).
#include <fcntl.h>

#include <optional>

#include "bench/bench_registry.h"
#include "bench/bench_support.h"
#include "bench/ns_holder.h"
#include "bench/ns_op_helper.h"

namespace nsm {
namespace {

// Calls per request to the helper: amortises the round trip over the pipes.
constexpr uint32_t kBatch = 32;

UniqueFd OpenOwnNs(const char* name) {
  std::string path = std::string("/proc/self/ns/") + name;
  return UniqueFd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
}

void Measure(benchmark::State& state, const NsOpSpec& spec) {
  Result<NsOpHelper> helper = NsOpHelper::Start(spec);
  if (!helper) return SkipWith(state, helper.error());
  while (state.KeepRunningBatch(kBatch)) {
    Result<double> seconds = helper->Run(kBatch);
    if (!seconds) {
      SkipWith(state, seconds.error());
      break;
    }
    state.SetIterationTime(*seconds);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Unshare(benchmark::State& state, std::optional<Ns> ns) {
  state.SetLabel(ns ? std::string(InfoOf(*ns).name) : "none");
  NsOpSpec spec;
  spec.call = NsCall::kUnshare;
  spec.flag = ns ? InfoOf(*ns).clone_flag : 0;
  spec.fresh_process = ns == Ns::user;
  UniqueFd original;
  if (ns == Ns::pid) {
    original = OpenOwnNs("pid");
    if (!original.Valid()) return SkipWith(state, FailErrno("open /proc/self/ns/pid").error());
    spec.restore_fd = original.Get();
  }
  Measure(state, spec);
}

void BM_Setns(benchmark::State& state, Ns ns) {
  const NsInfo& info = InfoOf(ns);
  state.SetLabel(std::string(info.name));
  Result<NsHolder> holder = NsHolder::Start(ns);
  if (!holder) return SkipWith(state, holder.error());
  NsOpSpec spec;
  spec.call = NsCall::kSetns;
  spec.flag = info.clone_flag;
  spec.target_fd = holder->NsFd();
  spec.fresh_process = ns == Ns::user;
  UniqueFd original;
  if (!spec.fresh_process) {
    original = OpenOwnNs(std::string(info.name).c_str());
    if (!original.Valid()) {
      return SkipWith(state, FailErrno("open /proc/self/ns/" + std::string(info.name)).error());
    }
    spec.restore_fd = original.Get();
  }
  Measure(state, spec);
}

}  // namespace

void RegisterUnshareSetnsBenchmarks(const BenchOptions&) {
  auto configure = [](benchmark::internal::Benchmark* b) {
    b->UseManualTime()->Unit(benchmark::kMicrosecond);
  };
  configure(benchmark::RegisterBenchmark("BM_Unshare/none", BM_Unshare, std::optional<Ns>()));
  for (const NsInfo& info : kNamespaces) {
    configure(benchmark::RegisterBenchmark(("BM_Unshare/" + std::string(info.name)).c_str(),
                                           BM_Unshare, std::optional<Ns>(info.ns)));
  }
  for (const NsInfo& info : kNamespaces) {
    configure(benchmark::RegisterBenchmark(("BM_Setns/" + std::string(info.name)).c_str(), BM_Setns,
                                           info.ns));
  }
}

}  // namespace nsm
