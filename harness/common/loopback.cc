#include "harness/common/loopback.h"

#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdio>

#include "harness/common/unique_fd.h"

namespace nsm {

int BringLoopbackUp(const char** failed_step) {
  UniqueFd sock(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!sock.Valid()) {
    *failed_step = "socket(AF_INET)";
    return errno;
  }
  ifreq req{};
  snprintf(req.ifr_name, sizeof(req.ifr_name), "lo");
  if (ioctl(sock.Get(), SIOCGIFFLAGS, &req) != 0) {
    *failed_step = "SIOCGIFFLAGS lo";
    return errno;
  }
  req.ifr_flags |= IFF_UP;
  if (ioctl(sock.Get(), SIOCSIFFLAGS, &req) != 0) {
    *failed_step = "SIOCSIFFLAGS lo";
    return errno;
  }
  return 0;
}

}  // namespace nsm
