#include "harness/document/host_info.h"

#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "harness/common/io.h"
#include "harness/common/strings.h"
#include "harness/launcher/ns_links.h"

namespace nsm {

namespace {
bool entered_rootless = false;
}  // namespace

void MarkRootless() {
  entered_rootless = true;
}

std::string DetectMode() {
  if (entered_rootless || geteuid() != 0) return "rootless";
  // The initial user namespace has a fixed inode (PROC_USER_INIT_INO); an
  // identity-mapped child namespace would fool the map test below.
  constexpr ino_t kInitialUserNsInode = 0xEFFFFFFD;
  struct stat st {};
  if (stat("/proc/self/ns/user", &st) == 0) {
    return st.st_ino == kInitialUserNsInode ? "root" : "userns-root";
  }
  // The initial user namespace maps every id onto itself: "0 0 4294967295".
  Result<std::string> map = ReadFile("/proc/self/uid_map");
  if (map) {
    std::vector<std::string_view> fields;
    for (std::string_view f : Split(Trim(*map), ' ')) {
      if (!f.empty()) fields.push_back(f);
    }
    if (fields.size() == 3 && fields[0] == "0" && fields[1] == "0" && fields[2] == "4294967295")
      return "root";
  }
  return "userns-root";
}

HostInfo CollectHostInfo() {
  HostInfo info;
  utsname name{};
  uname(&name);
  info.kernel_release = name.release;
  info.kernel_version = name.version;
  info.architecture = name.machine;
  info.hostname = name.nodename;
  info.cpus = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  info.mode = DetectMode();
  info.ns_links_via = NsLinksMethod();
  return info;
}

}  // namespace nsm
