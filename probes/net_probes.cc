// net.*: find the host's interface, reach its loopback TCP and abstract unix
// listeners (which answer with a banner carrying the sandbox's nonce, so a
// connection is proven, not assumed), and try to reconfigure its interface
// (its MTU; net.host_addr: give it an address);
// net.sysfs_iface: list /sys/class/net, which shows the network namespace of
// whoever mounted sysfs, not the reader's.
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "harness/common/fixtures.h"
#include "probes/probe.h"

namespace nsm::probes {
namespace {

constexpr int kConnectTimeoutMs = 2000;

// Connects (non-blocking, bounded) and reads the banner. rc 0: connected.
protocol::Record ConnectAndRead(std::string_view id, int domain, const sockaddr* addr,
                                socklen_t len) {
  int fd = socket(domain, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return ErrorRecord(id, "socket", errno);
  protocol::Record record = NewRecord(id);
  int rc = connect(fd, addr, len);
  int err = rc == 0 ? 0 : errno;
  if (rc < 0 && err == EINPROGRESS) {
    pollfd pfd{fd, POLLOUT, 0};
    if (poll(&pfd, 1, kConnectTimeoutMs) <= 0) {
      close(fd);
      return record.Add("connected", 0).Add("timeout", 1);
    }
    socklen_t elen = sizeof(err);
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
    rc = err == 0 ? 0 : -1;
  }
  record.Add("connected", rc == 0 ? 1 : 0).Add("errno", err);
  if (rc == 0) {
    std::string banner;
    pollfd pfd{fd, POLLIN, 0};
    while (banner.size() < 256 && poll(&pfd, 1, kConnectTimeoutMs) > 0) {
      char buf[128];
      ssize_t n = read(fd, buf, sizeof(buf));
      if (n <= 0) break;
      banner.append(buf, static_cast<size_t>(n));
    }
    record.Add("banner", banner);
  }
  close(fd);
  return record;
}

protocol::Record LoopbackTcp(const ProbeContext&, std::string_view id) {
  return ConnectToHostListener(id);
}

protocol::Record AbstractUnix(const ProbeContext&, std::string_view id) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  size_t name_len = strlen(fixtures::kAbstractSocket);
  memcpy(addr.sun_path + 1, fixtures::kAbstractSocket, name_len);  // sun_path[0] = 0: abstract
  socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name_len);
  return ConnectAndRead(id, AF_UNIX, reinterpret_cast<sockaddr*>(&addr), len);
}

protocol::Record Iface(const ProbeContext&, std::string_view id) {
  unsigned index = if_nametoindex(fixtures::kHostIface);
  int err = errno;
  if (index == 0 && err != ENODEV && err != ENXIO) return ErrorRecord(id, "if_nametoindex", err);
  return NewRecord(id).Add("found", index ? 1 : 0).Add("index", static_cast<long long>(index));
}

// An interface in /sys/class/net is a symbolic link; a file such as
// bonding_masters is not one.
bool IsInterfaceEntry(DIR* dir, const dirent* entry) {
  if (entry->d_type != DT_UNKNOWN) return entry->d_type == DT_LNK;
  struct stat st {};
  return fstatat(dirfd(dir), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
}

// A sysfs lists the interfaces of the network namespace that mounted it. The
// host's fixture interface in the list is the host's sysfs; a name this
// process's own namespace does not have (netlink, as `ip link`) is another
// namespace's, such as the machine's sysfs bound into a root filesystem.
protocol::Record SysfsIface(const ProbeContext&, std::string_view id) {
  protocol::Record record = NewRecord(id);
  DIR* dir = opendir("/sys/class/net");
  if (!dir) {
    int err = errno;
    return record.Add("listed", 0).Add("errno", err);
  }
  std::vector<std::string> names;
  bool found = false;
  for (;;) {
    errno = 0;
    dirent* entry = readdir(dir);
    if (!entry) break;
    if (entry->d_name[0] == '.' || !IsInterfaceEntry(dir, entry)) continue;
    names.emplace_back(entry->d_name);
    if (strcmp(entry->d_name, fixtures::kHostIface) == 0) found = true;
  }
  int err = errno;  // a listing cut short is no "not listed"
  closedir(dir);
  if (err != 0 && !found) return ErrorRecord(id, "readdir /sys/class/net", err);
  record.Add("listed", 1).Add("entries", static_cast<long long>(names.size()));
  if (found) return record.Add("found", 1);  // the host's: nothing more to tell
  struct if_nameindex* own = if_nameindex();
  if (!own) {
    err = errno;
    return ErrorRecord(id, "if_nameindex", err);
  }
  long foreign = 0;
  std::string first_foreign;
  for (const std::string& name : names) {
    bool mine = false;
    for (const struct if_nameindex* i = own; i->if_index != 0 && !mine; ++i)
      mine = name == i->if_name;
    if (mine) continue;
    if (foreign++ == 0) first_foreign = name;
  }
  if_freenameindex(own);
  record.Add("found", 0).Add("foreign", foreign);
  if (foreign > 0) record.Add("foreign_name", first_foreign);
  return record;
}

protocol::Record ConfigureHostIface(const ProbeContext&, std::string_view id) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return ErrorRecord(id, "socket", errno);
  ifreq req{};
  strncpy(req.ifr_name, fixtures::kHostIface, IFNAMSIZ - 1);
  req.ifr_mtu = fixtures::kProbeMtu;
  int rc = ioctl(fd, SIOCSIFMTU, &req);
  int err = errno;
  close(fd);
  protocol::Record record = NewRecord(id);
  return AddResult(record, rc, err);
}

protocol::Record HostAddr(const ProbeContext&, std::string_view id) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return ErrorRecord(id, "socket", errno);
  ifreq req{};
  strncpy(req.ifr_name, fixtures::kHostIface, IFNAMSIZ - 1);
  auto* addr = reinterpret_cast<sockaddr_in*>(&req.ifr_addr);
  addr->sin_family = AF_INET;
  inet_pton(AF_INET, fixtures::kProbeAddress, &addr->sin_addr);
  int rc = ioctl(fd, SIOCSIFADDR, &req);
  int err = errno;
  close(fd);
  protocol::Record record = NewRecord(id);
  return AddResult(record, rc, err).Add("address", fixtures::kProbeAddress);
}

}  // namespace

protocol::Record ConnectToHostListener(std::string_view id) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(fixtures::kTcpPort);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return ConnectAndRead(id, AF_INET, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
}

std::vector<ProbeEntry> NetProbes() {
  return {{"net.iface", Iface},
          {"net.loopback_tcp", LoopbackTcp},
          {"net.abstract_unix", AbstractUnix},
          {"net.configure_host_iface", ConfigureHostIface},
          {"net.sysfs_iface", SysfsIface},
          {"net.host_addr", HostAddr}};
}

}  // namespace nsm::probes
