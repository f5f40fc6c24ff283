// nsmatrix-bench's benchmark families; bench_main.cc registers them in this order,
// which is the order they run and are reported in.
#pragma once

namespace nsm {

struct BenchOptions {
  int sustained_count = 200;  // creates per iteration of BM_Sustained (--nsm_sustained=N)
};

void RegisterCreateBenchmarks(const BenchOptions& options);        // create_bench.cc
void RegisterUnshareSetnsBenchmarks(const BenchOptions& options);  // unshare_setns_bench.cc
void RegisterLaunchBenchmarks(const BenchOptions& options);        // launch_bench.cc
void RegisterRuntimeBenchmarks(const BenchOptions& options);       // runtime_bench.cc
void RegisterMatrixBenchmarks(const BenchOptions& options);        // matrix_bench.cc

}  // namespace nsm
