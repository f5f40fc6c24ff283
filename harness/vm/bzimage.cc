#include "harness/vm/bzimage.h"

#include <fcntl.h>
#include <unistd.h>

#include "harness/common/unique_fd.h"

namespace nsm {
namespace {

constexpr size_t kBootFlag = 0x1fe;     // 0xaa55
constexpr size_t kHeaderMagic = 0x202;  // "HdrS"
constexpr size_t kProtocol = 0x206;     // u16: major << 8 | minor
constexpr size_t kVersionPtr = 0x20e;   // u16: version string offset - 0x200
constexpr size_t kLoadFlags = 0x211;    // bit 0: loaded high (a bzImage, not a zImage)
constexpr size_t kHeadBytes = 64 * 1024;

unsigned U16(std::string_view bytes, size_t at) {
  return static_cast<unsigned char>(bytes[at]) | static_cast<unsigned char>(bytes[at + 1]) << 8;
}

}  // namespace

Result<BzImageInfo> ParseBzImage(std::string_view head) {
  constexpr const char* kHint =
      "give a Linux x86 kernel image (bzImage), such as /boot/vmlinuz-* or arch/x86/boot/bzImage; "
      "a vmlinux ELF file or a compressed image of another architecture will not boot";
  if (head.size() < 0x270 || U16(head, kBootFlag) != 0xaa55 ||
      head.substr(kHeaderMagic, 4) != "HdrS") {
    return Fail(0, "read boot header",
                "not a Linux x86 bzImage (no boot sector with a HdrS header)", kHint);
  }
  BzImageInfo info;
  unsigned protocol = U16(head, kProtocol);
  info.protocol_major = static_cast<int>(protocol >> 8);
  info.protocol_minor = static_cast<int>(protocol & 0xff);
  if (protocol < 0x0200 || (static_cast<unsigned char>(head[kLoadFlags]) & 1) == 0) {
    return Fail(0, "read boot header", "a zImage or a boot protocol older than 2.00", kHint);
  }
  size_t at = U16(head, kVersionPtr) + 0x200;
  if (at >= head.size()) return Fail(0, "read boot header", "kernel version string out of range");
  size_t end = head.find('\0', at);
  if (end == std::string_view::npos || end == at) {
    return Fail(0, "read boot header", "no kernel version string");
  }
  info.version = std::string(head.substr(at, end - at));
  info.release = info.version.substr(0, info.version.find(' '));
  return info;
}

Result<BzImageInfo> ReadBzImage(const std::string& path) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.Valid()) return FailErrno("open", path);
  std::string head(kHeadBytes, '\0');
  size_t got = 0;
  while (got < head.size()) {
    ssize_t n = read(fd.Get(), head.data() + got, head.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return FailErrno("read", path);
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  head.resize(got);
  Result<BzImageInfo> info = ParseBzImage(head);
  if (!info) return std::unexpected(std::move(info.error()).Wrap(path));
  return info;
}

}  // namespace nsm
