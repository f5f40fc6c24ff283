// What a person sees on the terminal: a progress line and the run's summary.
#pragma once

#include <cstddef>
#include <string>

#include "harness/runner/matrix_runner.h"

namespace nsm {

class ProgressLine {
 public:
  explicit ProgressLine(bool enabled) : enabled_(enabled) {}
  ~ProgressLine() { Finish(); }
  void Update(size_t done, size_t total);
  void Finish();

 private:
  bool enabled_;
  bool shown_ = false;
};

// Per-probe counts and totals, for stdout.
std::string RenderSummary(const RunPlan& plan, const MatrixResult& result);

}  // namespace nsm
