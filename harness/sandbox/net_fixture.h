// The host sandbox's network fixtures: a veth pair (the host end carries a
// distinctive name for net.iface and net.configure_host_iface) and a listener
// process that accepts on loopback TCP and an abstract unix socket, answering
// every connection with a banner carrying the sandbox's nonce.
//
// The listener accepts and closes every connection at once, so its backlog can
// never fill: the 256th cell meets the same listener as the first. It is
// checked with real connections after every cell.
#pragma once

#include <string>

#include "harness/common/child_process.h"
#include "harness/common/result.h"
#include "harness/common/unique_fd.h"

namespace nsm {

class NetFixture {
 public:
  static Result<NetFixture> Create(const std::string& nonce, int index);

  const std::string& Banner() const { return banner_; }
  Result<int> HostIfaceMtu() const;
  // Its IPv4 address: empty when it has none, as the fixture keeps it.
  Result<std::string> HostIfaceAddress() const;

  // The check in two halves, so that the listener answers while the caller
  // looks at other fixtures: Knock connects to both listeners (both knocks in
  // flight at once, usually answered in one wake-up of the listener);
  // Check(knocks) checks the MTU and that the interface has no address, then
  // reads both banners until the listener closes and compares them.
  struct Knocks {
    Status connected;  // the first failure to connect, if any
    UniqueFd tcp;
    UniqueFd unix_socket;
  };
  Knocks Knock() const;
  Status Check(Knocks knocks) const;
  // Puts the MTU back, takes an address off and restarts a dead listener.
  Status Restore();
  pid_t ListenerPid() const { return listener_.Pid(); }

 private:
  Status StartListener();

  std::string banner_;
  std::string comm_;
  UniqueFd ioctl_socket_;  // for the interface's MTU and flags
  ChildProcess listener_;
};

}  // namespace nsm
