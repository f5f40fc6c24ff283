// A private temporary directory under $TMPDIR (or /tmp), PREFIX-<pid>.XXXXXX,
// removed with all it holds when its owner goes, on every path but SIGKILL;
// after that, the next Create with the same prefix removes the directories of
// owners that are gone (its own user's, mode 0700, as mkdtemp made them). Only
// for trees this process alone writes: nothing of a container's ever lands in
// one.
#pragma once

#include <string>

#include "harness/common/result.h"

namespace nsm {

class TempDir {
 public:
  static Result<TempDir> Create(const std::string& prefix);
  TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  TempDir& operator=(TempDir&&) = delete;
  ~TempDir();

  const std::string& Path() const { return path_; }

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace nsm
