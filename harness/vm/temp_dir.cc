#include "harness/vm/temp_dir.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
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

// The directories of earlier owners, killed outright, that are gone: named
// PREFIX-<pid>.XXXXXX, a directory (not a link) of this user, mode 0700.
void RemoveStale(const std::string& tmp, const std::string& prefix) {
  DIR* d = opendir(tmp.c_str());
  if (!d) return;
  const std::string start = prefix + "-";
  std::vector<std::string> stale;
  while (dirent* e = readdir(d)) {
    std::string_view name = e->d_name;
    if (!name.starts_with(start)) continue;
    size_t dot = name.find('.', start.size());
    if (dot == std::string_view::npos || dot == start.size() || name.size() != dot + 7) continue;
    std::string digits(name.substr(start.size(), dot - start.size()));
    if (digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 9) continue;
    pid_t pid = static_cast<pid_t>(std::stol(digits));
    if (pid <= 0 || !(kill(pid, 0) != 0 && errno == ESRCH)) continue;
    std::string path = tmp + "/" + std::string(name);
    struct stat st {};
    if (lstat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
        (st.st_mode & 07777) != 0700)
      continue;
    stale.push_back(std::move(path));
  }
  closedir(d);
  for (const std::string& dir : stale) RemoveAll(dir);
}

}  // namespace

Result<TempDir> TempDir::Create(const std::string& prefix) {
  const char* env = getenv("TMPDIR");
  const std::string tmp = env && *env ? env : "/tmp";
  RemoveStale(tmp, prefix);
  std::string pattern = tmp + "/" + prefix + "-" + std::to_string(getpid()) + ".XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) return FailErrno("mkdtemp", pattern);
  return TempDir(pattern);
}

TempDir::~TempDir() {
  if (!path_.empty()) RemoveAll(path_);
}

}  // namespace nsm
