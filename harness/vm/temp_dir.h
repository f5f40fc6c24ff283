// A private temporary directory under $TMPDIR (or /tmp), PREFIX-<pid>.XXXXXX,
// removed with all it holds when its owner goes, on every path but SIGKILL.
// Its owner holds a lock on it (flock) as long as it lives, so the next
// Create with the same prefix removes those whose lock it can take: their
// owner is gone, whatever PID namespace it ran in (only its own user's,
// mode 0700, as mkdtemp made them). Only for trees this process alone
// writes: nothing of a container's ever lands in one.
#pragma once

#include <string>

#include "harness/common/result.h"
#include "harness/common/unique_fd.h"

namespace nsm {

class TempDir {
 public:
  static Result<TempDir> Create(const std::string& prefix);
  TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)), lock_(std::move(other.lock_)) {
    other.path_.clear();
  }
  TempDir& operator=(TempDir&&) = delete;
  ~TempDir();

  const std::string& Path() const { return path_; }

 private:
  TempDir(std::string path, UniqueFd lock) : path_(std::move(path)), lock_(std::move(lock)) {}
  std::string path_;
  UniqueFd lock_;  // the directory, flock'ed while its owner lives
};

}  // namespace nsm
