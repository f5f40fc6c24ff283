// Programs nsmatrix starts and waits for: with their output read through a
// pipe and their lifetime tied to ours (ldd, qemu-system-x86_64, a runtime's
// --version), or run to completion with interrupts passed on (nsmatrix-bench,
// and nsmatrix run under the matrix benchmark); and the temporary file their
// output may go to.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "harness/common/child_process.h"
#include "harness/common/result.h"
#include "harness/common/unique_fd.h"

namespace nsm {

struct PipedChild {
  ChildProcess process;  // killed and reaped by its destructor
  UniqueFd output;       // its stdout and stderr
};

struct SpawnOptions {
  // A mount namespace of its own (a slave of ours) with a tmpfs on /run, for
  // a program that writes state there even to print its version (crun 1.8
  // makes /run/crun). Needs root; if it cannot be had, the program is not run
  // (exit 126, saying why).
  bool own_run = false;
};

// argv[0] is looked up in PATH. stdin is /dev/null; the signal mask and
// dispositions are the defaults; the child gets SIGKILL if this process dies
// (even by SIGKILL), so nothing it starts outlives it.
Result<PipedChild> SpawnPiped(const std::vector<std::string>& argv,
                              const SpawnOptions& options = {});

struct CapturedOutput {
  ExitStatus status;
  std::string output;
};
// Runs to completion (killed at the deadline: an error).
Result<CapturedOutput> RunAndCapture(const std::vector<std::string>& argv,
                                     std::chrono::milliseconds timeout,
                                     const SpawnOptions& options = {});

struct WaitOptions {
  // false: the child's stdout goes to /dev/null; true: to this process's stderr
  // (so a caller's own stdout carries only its report).
  bool stdout_to_stderr = false;
  // SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to this process while it waits are
  // passed on to the child instead, so the caller outlives it and can clean up
  // (and report 130). The child dies with this process in any case.
  bool forward_interrupts = false;
};

struct Finished {
  ExitStatus status;
  // Peak resident set of the child or of the largest of its reaped descendants
  // (wait4's ru_maxrss, as /usr/bin/time -f %M), in KiB.
  long max_rss_kib = 0;
};

// Runs argv[0] (a path) with argv, stderr inherited, signal dispositions and mask
// at their defaults, and waits for it.
Result<Finished> SpawnAndWait(const std::vector<std::string>& argv, WaitOptions options = {});

// A fresh empty file under $TMPDIR (or /tmp), removed by the destructor.
class TempFile {
 public:
  static Result<TempFile> Create(const std::string& suffix);
  TempFile(TempFile&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  TempFile& operator=(TempFile&&) = delete;
  ~TempFile();

  const std::string& Path() const { return path_; }

 private:
  explicit TempFile(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace nsm
