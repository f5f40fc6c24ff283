#include "harness/vm/temp_dir.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>

namespace nsm {

Result<TempDir> TempDir::Create(const std::string& prefix) {
  const char* tmp = getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/" + prefix + ".XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) return FailErrno("mkdtemp", pattern);
  return TempDir(pattern);
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  // Depth first, never following a symbolic link (FTW_PHYS), never leaving
  // the directory's file system (FTW_MOUNT).
  auto remove_one = [](const char* path, const struct stat*, int, FTW*) {
    remove(path);
    return 0;  // go on: remove as much as can be removed
  };
  nftw(path_.c_str(), remove_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

}  // namespace nsm
