#include "harness/vm/temp_dir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <string_view>
#include <vector>

namespace nsm {

namespace {

// Depth first, never following a symbolic link (FTW_PHYS), never leaving the
// directory's file system (FTW_MOUNT).
void RemoveAll(const std::string& dir) {
  auto remove_one = [](const char* path, const struct stat*, int, FTW*) {
    remove(path);
    return 0;  // go on: remove as much as can be removed
  };
  nftw(dir.c_str(), remove_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

constexpr time_t kYoung = 10;  // seconds

// The directories of earlier owners, killed outright: named
// PREFIX-<pid>.XXXXXX, a directory (not a link) of this user, mode 0700, not
// changed for kYoung seconds, whose lock nobody holds. The lock is held while
// the directory is removed.
void RemoveStale(const std::string& tmp, const std::string& prefix) {
  DIR* d = opendir(tmp.c_str());
  if (!d) return;
  const std::string start = prefix + "-";
  std::vector<std::string> candidates;
  while (dirent* e = readdir(d)) {
    std::string_view name = e->d_name;
    if (!name.starts_with(start)) continue;
    size_t dot = name.find('.', start.size());
    if (dot == std::string_view::npos || dot == start.size() || name.size() != dot + 7) continue;
    std::string_view digits = name.substr(start.size(), dot - start.size());
    if (digits.find_first_not_of("0123456789") != std::string_view::npos) continue;
    candidates.push_back(tmp + "/" + std::string(name));
  }
  closedir(d);
  for (const std::string& path : candidates) {
    UniqueFd dir(open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    struct stat st {};
    if (!dir.Valid() || fstat(dir.Get(), &st) != 0 || st.st_uid != geteuid() ||
        (st.st_mode & 07777) != 0700)
      continue;
    // One made a moment ago may not be locked yet (mkdtemp, then flock).
    if (time(nullptr) - st.st_mtime < kYoung) continue;
    if (flock(dir.Get(), LOCK_EX | LOCK_NB) != 0) continue;  // its owner lives
    RemoveAll(path);
  }
}

}  // namespace

Result<TempDir> TempDir::Create(const std::string& prefix) {
  const char* env = getenv("TMPDIR");
  const std::string tmp = env && *env ? env : "/tmp";
  RemoveStale(tmp, prefix);
  std::string pattern = tmp + "/" + prefix + "-" + std::to_string(getpid()) + ".XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) return FailErrno("mkdtemp", pattern);
  UniqueFd lock(open(pattern.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!lock.Valid() || flock(lock.Get(), LOCK_EX | LOCK_NB) != 0) {
    Status failed = FailErrno("lock", pattern);
    rmdir(pattern.c_str());
    return std::unexpected(failed.error());
  }
  return TempDir(pattern, std::move(lock));
}

TempDir::~TempDir() {
  if (!path_.empty()) RemoveAll(path_);
}

}  // namespace nsm
