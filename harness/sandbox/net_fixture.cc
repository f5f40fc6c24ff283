#include "harness/sandbox/net_fixture.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "harness/common/fixtures.h"
#include "harness/common/io.h"
#include "harness/common/unique_fd.h"

namespace nsm {
namespace {

// A minimal rtnetlink message builder: enough for RTM_NEWLINK of a veth pair.
class NetlinkMessage {
 public:
  NetlinkMessage(uint16_t type, uint16_t flags) {
    buf_.resize(NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(ifinfomsg)));
    auto* hdr = reinterpret_cast<nlmsghdr*>(buf_.data());
    hdr->nlmsg_type = type;
    hdr->nlmsg_flags = flags;
    hdr->nlmsg_seq = 1;
    reinterpret_cast<ifinfomsg*>(buf_.data() + NLMSG_HDRLEN)->ifi_family = AF_UNSPEC;
  }
  size_t Begin(uint16_t type) { return Put(type, nullptr, 0); }
  void End(size_t at) {
    reinterpret_cast<rtattr*>(buf_.data() + at)->rta_len = static_cast<uint16_t>(buf_.size() - at);
  }
  size_t Put(uint16_t type, const void* data, size_t len) {
    size_t at = buf_.size();
    buf_.resize(at + RTA_ALIGN(RTA_LENGTH(len)));
    auto* attr = reinterpret_cast<rtattr*>(buf_.data() + at);
    attr->rta_type = type;
    attr->rta_len = static_cast<uint16_t>(RTA_LENGTH(len));
    if (len) memcpy(RTA_DATA(attr), data, len);
    return at;
  }
  void PutString(uint16_t type, const char* s) { Put(type, s, strlen(s) + 1); }
  // The nested peer in VETH_INFO_PEER starts with its own ifinfomsg.
  void PutIfinfo() { buf_.resize(buf_.size() + NLMSG_ALIGN(sizeof(ifinfomsg))); }
  std::string& Finish() {
    reinterpret_cast<nlmsghdr*>(buf_.data())->nlmsg_len = static_cast<uint32_t>(buf_.size());
    return buf_;
  }

 private:
  std::string buf_;
};

Status CreateVethPair() {
  NetlinkMessage msg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK);
  msg.PutString(IFLA_IFNAME, fixtures::kHostIface);
  size_t linkinfo = msg.Begin(IFLA_LINKINFO);
  msg.PutString(IFLA_INFO_KIND, "veth");
  size_t data = msg.Begin(IFLA_INFO_DATA);
  size_t peer = msg.Begin(VETH_INFO_PEER);
  msg.PutIfinfo();
  msg.PutString(IFLA_IFNAME, fixtures::kPeerIface);
  msg.End(peer);
  msg.End(data);
  msg.End(linkinfo);
  std::string& bytes = msg.Finish();

  UniqueFd sock(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
  if (!sock.Valid()) return FailErrno("socket(NETLINK_ROUTE)", "create veth");
  if (send(sock.Get(), bytes.data(), bytes.size(), 0) < 0)
    return FailErrno("send RTM_NEWLINK", "create veth");
  char reply[4096];
  ssize_t n = recv(sock.Get(), reply, sizeof(reply), 0);
  if (n < 0) return FailErrno("recv", "create veth");
  auto* hdr = reinterpret_cast<nlmsghdr*>(reply);
  if (hdr->nlmsg_type == NLMSG_ERROR) {
    int err = -reinterpret_cast<nlmsgerr*>(NLMSG_DATA(hdr))->error;
    if (err != 0)
      return Fail(err, "RTM_NEWLINK veth " + std::string(fixtures::kHostIface), "create veth",
                  err == EOPNOTSUPP ? "the kernel lacks veth (CONFIG_VETH)" : "");
  }
  return {};
}

// `sock`: any socket of the sandbox's network namespace.
Status IfaceIoctl(int sock, unsigned long request, ifreq* req, const char* what) {
  strncpy(req->ifr_name, fixtures::kHostIface, IFNAMSIZ - 1);
  if (ioctl(sock, request, req) != 0) return FailErrno(what, fixtures::kHostIface);
  return {};
}

Status SetMtu(int sock, int mtu) {
  ifreq req{};
  req.ifr_mtu = mtu;
  return IfaceIoctl(sock, SIOCSIFMTU, &req, "SIOCSIFMTU");
}

Status SetUp(int sock) {
  ifreq req{};
  if (Status s = IfaceIoctl(sock, SIOCGIFFLAGS, &req, "SIOCGIFFLAGS"); !s) return s;
  req.ifr_flags |= IFF_UP;
  return IfaceIoctl(sock, SIOCSIFFLAGS, &req, "SIOCSIFFLAGS");
}

sockaddr_un AbstractAddress(socklen_t* len) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  size_t name_len = strlen(fixtures::kAbstractSocket);
  memcpy(addr.sun_path + 1, fixtures::kAbstractSocket, name_len);
  *len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name_len);
  return addr;
}

sockaddr_in TcpAddress() {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(fixtures::kTcpPort);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

// The listener's body: a forked child of the single-threaded worker.
[[noreturn]] void ListenerMain(int ready_fd, const std::string& comm, const std::string& banner) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  prctl(PR_SET_NAME, comm.c_str());
  dup2(ready_fd, 3);
  syscall(SYS_close_range, 4, ~0U, 0);
  int tcp = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in in = TcpAddress();
  socklen_t ulen;
  sockaddr_un un = AbstractAddress(&ulen);
  int unix_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (tcp < 0 || unix_fd < 0 || bind(tcp, reinterpret_cast<sockaddr*>(&in), sizeof(in)) != 0 ||
      bind(unix_fd, reinterpret_cast<sockaddr*>(&un), ulen) != 0 || listen(tcp, 128) != 0 ||
      listen(unix_fd, 128) != 0) {
    int err = errno;
    (void)!write(3, &err, sizeof(err));
    _exit(1);
  }
  int ok = 0;
  (void)!write(3, &ok, sizeof(ok));
  close(3);
  pollfd fds[2] = {{tcp, POLLIN, 0}, {unix_fd, POLLIN, 0}};
  while (true) {
    if (poll(fds, 2, -1) < 0) continue;
    for (pollfd& pfd : fds) {
      if (!(pfd.revents & POLLIN)) continue;
      int conn = accept4(pfd.fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (conn < 0) continue;
      (void)!send(conn, banner.data(), banner.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      close(conn);
    }
  }
}

// Connects like a probe would. A listener that stopped accepting shows once
// its backlog is full: connect (unix) or the read (both) times out.
Result<UniqueFd> Connect(int domain, const sockaddr* addr, socklen_t len) {
  UniqueFd fd(socket(domain, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.Valid()) return FailErrno("socket");
  timeval tv{2, 0};
  setsockopt(fd.Get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd.Get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  if (connect(fd.Get(), addr, len) != 0) return FailErrno("connect");
  return fd;
}

// Reads what the listener sent until it closed the connection.
Result<std::string> ReadBanner(int fd) {
  std::string banner;
  char buf[128];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) banner.append(buf, static_cast<size_t>(n));
  if (n < 0) return FailErrno("read");
  return banner;
}

}  // namespace

Result<NetFixture> NetFixture::Create(const std::string& nonce, int index) {
  NetFixture fixture;
  fixture.banner_ = "nsm-banner " + nonce + "\n";
  fixture.comm_ =
      "nsm-l" + std::to_string(index % 100) + "-" + nonce.substr(0, 7);  // <= 15 characters
  // Opened once: the interface is read after every cell (a socket per read
  // cost more than the ioctl), and a socket stays in the namespace it was
  // made in.
  fixture.ioctl_socket_.Reset(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fixture.ioctl_socket_.Valid()) return FailErrno("socket(AF_INET)", "network fixture");
  int sock = fixture.ioctl_socket_.Get();
  if (Status s = CreateVethPair(); !s) return std::unexpected(s.error());
  if (Status s = SetMtu(sock, fixtures::kHostIfaceMtu); !s) return std::unexpected(s.error());
  if (Status s = SetUp(sock); !s) return std::unexpected(s.error());
  if (Status s = fixture.StartListener(); !s) return std::unexpected(s.error());
  return fixture;
}

Status NetFixture::StartListener() {
  listener_.KillAndReap();
  UniqueFd ready_r, ready_w;
  if (Status s = HighPipe(&ready_r, &ready_w); !s) return s;
  pid_t pid = fork();  // the worker is single-threaded: a plain fork is safe
  if (pid < 0) return FailErrno("fork", "start listener");
  if (pid == 0) ListenerMain(ready_w.Get(), comm_, banner_);
  UniqueFd pidfd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
  if (!pidfd.Valid()) {
    kill(pid, SIGKILL);
    return FailErrno("pidfd_open", "start listener");
  }
  listener_ = ChildProcess(pid, std::move(pidfd));
  ready_w.Reset();
  int err = -1;
  if (read(ready_r.Get(), &err, sizeof(err)) != sizeof(err))
    return Fail(EPIPE, "start listener", "it died");
  if (err != 0) return Fail(err, "bind/listen", "start listener");
  return {};
}

Result<int> NetFixture::HostIfaceMtu() const {
  ifreq req{};
  if (Status s = IfaceIoctl(ioctl_socket_.Get(), SIOCGIFMTU, &req, "SIOCGIFMTU"); !s)
    return std::unexpected(s.error());
  return req.ifr_mtu;
}

Result<std::string> NetFixture::HostIfaceAddress() const {
  ifreq req{};
  strncpy(req.ifr_name, fixtures::kHostIface, IFNAMSIZ - 1);
  if (ioctl(ioctl_socket_.Get(), SIOCGIFADDR, &req) != 0) {
    if (errno == EADDRNOTAVAIL) return std::string();
    return FailErrno("SIOCGIFADDR", fixtures::kHostIface);
  }
  char text[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&req.ifr_addr)->sin_addr, text, sizeof(text));
  return std::string(text);
}

NetFixture::Knocks NetFixture::Knock() const {
  Knocks knocks;
  sockaddr_in in = TcpAddress();
  Result<UniqueFd> tcp = Connect(AF_INET, reinterpret_cast<sockaddr*>(&in), sizeof(in));
  if (!tcp) {
    knocks.connected = Fail(tcp.error().err, "check loopback TCP listener", "connect");
    return knocks;
  }
  knocks.tcp = std::move(*tcp);
  socklen_t ulen;
  sockaddr_un un = AbstractAddress(&ulen);
  Result<UniqueFd> unix_socket = Connect(AF_UNIX, reinterpret_cast<sockaddr*>(&un), ulen);
  if (!unix_socket) {
    knocks.connected = Fail(unix_socket.error().err, "check abstract unix listener", "connect");
    return knocks;
  }
  knocks.unix_socket = std::move(*unix_socket);
  return knocks;
}

Status NetFixture::Check(Knocks knocks) const {
  Result<int> mtu = HostIfaceMtu();
  if (!mtu) return std::unexpected(mtu.error());
  if (*mtu != fixtures::kHostIfaceMtu)
    return Fail(0, "check " + std::string(fixtures::kHostIface), "mtu is " + std::to_string(*mtu));
  Result<std::string> address = HostIfaceAddress();
  if (!address) return std::unexpected(address.error());
  if (!address->empty())
    return Fail(0, "check " + std::string(fixtures::kHostIface), "it has address " + *address);
  if (!knocks.connected) return knocks.connected;
  Result<std::string> tcp = ReadBanner(knocks.tcp.Get());
  if (!tcp || *tcp != banner_)
    return Fail(tcp ? 0 : tcp.error().err, "check loopback TCP listener", "no banner");
  Result<std::string> unix_banner = ReadBanner(knocks.unix_socket.Get());
  if (!unix_banner || *unix_banner != banner_) {
    return Fail(unix_banner ? 0 : unix_banner.error().err, "check abstract unix listener",
                "no banner");
  }
  return {};
}

Status NetFixture::Restore() {
  Result<int> mtu = HostIfaceMtu();
  if (!mtu || *mtu != fixtures::kHostIfaceMtu) {
    if (Status s = SetMtu(ioctl_socket_.Get(), fixtures::kHostIfaceMtu); !s) return s;
  }
  Result<std::string> address = HostIfaceAddress();
  if (!address || !address->empty()) {
    // SIOCSIFADDR with 0.0.0.0 deletes the address (as `ifconfig IFACE 0.0.0.0`).
    ifreq req{};
    req.ifr_addr.sa_family = AF_INET;
    if (Status s = IfaceIoctl(ioctl_socket_.Get(), SIOCSIFADDR, &req, "SIOCSIFADDR 0.0.0.0"); !s)
      return s;
  }
  if (listener_.HasExited()) return StartListener();
  return {};
}

}  // namespace nsm
