// An initramfs is a "newc" cpio archive (the kernel's
// Documentation/driver-api/early-userspace/buffer-format.rst), usually gzipped.
// Written in memory: ours are a few tens of MiB.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "harness/common/result.h"

namespace nsm {

class CpioWriter {
 public:
  // Paths are relative to the archive's root ("bin/busybox"); parents must be
  // added first, as the kernel creates entries in order.
  void AddDirectory(std::string_view path, mode_t perm = 0755);
  void AddFile(std::string_view path, std::string_view data, mode_t perm = 0644);
  void AddSymlink(std::string_view path, std::string_view target);
  // Appends the trailer and returns the archive; the writer is spent.
  std::string Finish() &&;

 private:
  void Add(std::string_view path, mode_t mode, std::string_view data);

  std::string out_;
  unsigned next_ino_ = 1;
};

// gzip (RFC 1952), which every kernel with CONFIG_RD_GZIP unpacks.
Result<std::string> Gzip(std::string_view data, int level = 6);
Result<std::string> Gunzip(std::string_view data, size_t limit);

}  // namespace nsm
