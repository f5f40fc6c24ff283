// Boots a kernel under QEMU and watches its console until the guest powers
// off, panics or runs out of time. The console is the first serial port; the
// guest's results come out of the second, into a file (guest_channel.h).
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/common/child_process.h"
#include "harness/common/result.h"

namespace nsm {

struct QemuConfig {
  std::string qemu = "qemu-system-x86_64";
  std::string kernel, initrd;
  std::string channel_file;  // where QEMU writes the guest's ttyS1
  int memory_mib = 1024;
  int cpus = 2;
  bool kvm = false;    // hardware virtualization; software emulation (TCG) otherwise
  std::string append;  // added to the kernel command line
};

std::vector<std::string> QemuArgv(const QemuConfig& config);

// What the console said, line by line (a carriage return ends a line too, so
// progress lines are seen as they change).
struct ConsoleEvent {
  enum Kind {
    line,      // any other line, after the guest's /init started
    started,   // /init is running: the kernel booted (text: `uname -r`)
    running,   // nsmatrix kernel is done, nsmatrix run started
    progress,  // nsmatrix run's progress: done of total combinations
    sending,   // the results are being sent out
  } kind;
  std::string text;
  size_t done = 0, total = 0;
};
// Turns console text into events; kept apart from the process for tests.
class ConsoleParser {
 public:
  // Calls `on_event` for every complete line in `data`.
  void Feed(std::string_view data, const std::function<void(const ConsoleEvent&)>& on_event);
  // A last line that never got its newline (the guest stopped mid-line).
  void Flush(const std::function<void(const ConsoleEvent&)>& on_event);
  bool Started() const { return started_; }
  bool Finished() const { return finished_; }
  bool Panicked() const { return panicked_; }
  std::string Release() const { return release_; }
  // The last lines (20), control characters removed, for error messages.
  const std::deque<std::string>& Tail() const { return tail_; }

 private:
  void Line(std::string line, const std::function<void(const ConsoleEvent&)>& on_event);

  std::string partial_;
  std::deque<std::string> tail_;
  bool started_ = false, finished_ = false, panicked_ = false;
  std::string release_;
};

struct VmLimits {
  std::chrono::milliseconds boot;  // from QEMU's start to the guest's /init
  std::chrono::milliseconds run;   // from then to power-off
};

struct VmRun {
  enum End { powered_off, panicked, boot_timeout, run_timeout, exited_early, interrupted } end;
  ExitStatus qemu_status;
  std::deque<std::string> tail;
  std::string release;
  double boot_seconds = 0, total_seconds = 0;
};

// Runs QEMU to the end. `interrupt_fd` (a signalfd, or -1) ends it early.
// QEMU is killed on every path that does not end with its own exit.
Result<VmRun> RunVm(const QemuConfig& config, const VmLimits& limits, int interrupt_fd,
                    const std::function<void(const ConsoleEvent&)>& on_event);

// `qemu-system-x86_64 --version`'s first line.
Result<std::string> QemuVersion(const std::string& qemu);

}  // namespace nsm
