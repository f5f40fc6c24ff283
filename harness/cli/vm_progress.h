// What `nsmatrix vm` shows a person while the guest boots and runs: one line
// per stage, the guest's own lines as they come, and on a terminal the
// matrix's progress redrawn in place (otherwise a line per tenth).
#pragma once

#include <cstddef>
#include <string>

#include "harness/vm/qemu.h"

namespace nsm {

class VmProgress {
 public:
  explicit VmProgress(bool enabled);
  void Say(const std::string& text);
  void Event(const ConsoleEvent& event);
  // Clears a progress line that is showing.
  void Clear();

 private:
  bool enabled_, tty_;
  bool shown_ = false;
  size_t last_decile_ = 0;
};

}  // namespace nsm
