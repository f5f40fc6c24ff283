// What the benchmarks need from the outside world: sibling programs, a
// subprocess run to completion, and a temporary file.
#pragma once

#include <string>
#include <vector>

#include "harness/common/child_process.h"
#include "harness/common/result.h"

namespace nsm {

// The directory of the running executable (/proc/self/exe), where every
// program of the build lands.
Result<std::string> SelfDir();

// Runs argv[0] (a path) with argv, stdout to /dev/null and stderr inherited,
// and waits for it.
Result<ExitStatus> SpawnAndWait(const std::vector<std::string>& argv);

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
