// What nsmatrix-bench and `nsmatrix bench` need from the outside world: sibling
// programs, a subprocess run to completion, and a temporary file.
#pragma once

#include <string>
#include <vector>

#include "harness/common/child_process.h"
#include "harness/common/result.h"

namespace nsm {

struct SpawnOptions {
  // false: the child's stdout goes to /dev/null; true: to this process's stderr
  // (so a caller's own stdout carries only its report).
  bool stdout_to_stderr = false;
  // SIGINT and SIGTERM sent to this process while it waits are passed on to the
  // child instead, so the caller outlives it and can clean up (and report 130).
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
Result<Finished> SpawnAndWait(const std::vector<std::string>& argv, SpawnOptions options = {});

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
