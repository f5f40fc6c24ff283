// What an x86 boot image says about itself: the Linux/x86 boot protocol's setup
// header ("HdrS" at 0x202) and the kernel version string it points to (as
// `file` prints it), read without booting anything.
#pragma once

#include <string>
#include <string_view>

#include "harness/common/result.h"

namespace nsm {

struct BzImageInfo {
  std::string version;  // "6.1.0-57-cloud-amd64 (debian-kernel@lists.debian.org) #1 SMP ..."
  std::string release;  // its first word, which `uname -r` prints once it runs
  int protocol_major = 0, protocol_minor = 0;
};

// `head` is the image's first bytes (the first 64 KiB are plenty).
Result<BzImageInfo> ParseBzImage(std::string_view head);
Result<BzImageInfo> ReadBzImage(const std::string& path);

}  // namespace nsm
