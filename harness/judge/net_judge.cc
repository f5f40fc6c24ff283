// net.*: an interface lookup, connections proven by the host listeners'
// banner (which carries the sandbox's nonce), and the host interface's MTU
// and address read from the host side.
#include "harness/common/fixtures.h"
#include "harness/common/result.h"
#include "harness/judge/judge.h"

namespace nsm {

Observation JudgeNetIface(const protocol::Record& record, HostView&) {
  std::optional<long long> found = record.GetInt("found");
  if (!found) return {record.id, Outcome::error, "record lacks found"};
  std::string name = fixtures::kHostIface;
  if (*found) return {record.id, Outcome::leaked, "the host's interface " + name + " is visible"};
  return {record.id, Outcome::isolated, "no interface named " + name};
}

Observation JudgeNetSysfsIface(const protocol::Record& record, HostView& host) {
  std::optional<long long> listed = record.GetInt("listed");
  if (!listed) return {record.id, Outcome::error, "record lacks listed"};
  std::string name = fixtures::kHostIface;
  std::optional<long long> found = record.GetInt("found");
  std::optional<long long> foreign = record.GetInt("foreign");
  if (*listed && !found) return {record.id, Outcome::error, "record lacks found"};
  if (*listed && *found == 1) {
    return {record.id, Outcome::leaked,
            "/sys/class/net lists the host's " + name +
                ": a sysfs mounted in the host's network "
                "namespace"};
  }
  // Not the host's: whose, then? Only interfaces of its own are no leak.
  if (*listed && !foreign) return {record.id, Outcome::error, "record lacks foreign"};
  if (*listed && *foreign > 0) {
    return {record.id, Outcome::leaked,
            "/sys/class/net lists " + std::to_string(*foreign) +
                " interface(s) its own network namespace does not have, such as " +
                std::string(record.Get("foreign_name").value_or("?")) +
                ": a sysfs of another network namespace (the machine's?)"};
  }
  // Not listed proves something only where the host's own sysfs lists it.
  if (!host.SysfsListsHostIface())
    return {record.id, Outcome::error, "the host's /sys/class/net does not list " + name};
  if (!*listed) {
    int err = static_cast<int>(record.GetInt("errno").value_or(0));
    std::string attempt = "/sys/class/net cannot be listed: " + ErrnoName(err);
    // No such directory: no sysfs there, so not the host's. Any other errno
    // (EACCES, EMFILE...) hides what a sysfs there would show.
    if (err != ENOENT) return {record.id, Outcome::error, attempt + ": cannot tell"};
    return {record.id, Outcome::isolated, attempt};
  }
  return {record.id, Outcome::isolated,
          "/sys/class/net lists " + std::string(record.Get("entries").value_or("?")) +
              " interfaces, not the host's " + name};
}

Observation JudgeNetConnect(const protocol::Record& record, HostView& host) {
  if (record.GetInt("timeout") == 1) {
    // A connection that neither succeeds nor is refused proves nothing.
    return {record.id, Outcome::error, "connect timed out: cannot tell"};
  }
  std::optional<long long> connected = record.GetInt("connected");
  if (!connected) return {record.id, Outcome::error, "record lacks connected"};
  int err = static_cast<int>(record.GetInt("errno").value_or(0));
  if (*connected) {
    std::string banner(record.Get("banner").value_or(""));
    if (banner == host.ListenerBanner()) {
      return {record.id, Outcome::leaked, "connected to the host's listener and read its banner"};
    }
    return {record.id, Outcome::error,
            "connected, but not to the host's listener (banner '" + banner + "')"};
  }
  switch (err) {
    case ECONNREFUSED:
    case ENETUNREACH:
    case EHOSTUNREACH:
    case ENOENT:
      // Not EADDRNOTAVAIL: for a TCP connect that is this side's ephemeral
      // ports running out, in whichever namespace, which says nothing.
      return {record.id, Outcome::isolated,
              "connect failed with " + ErrnoName(err) + ": no host listener here"};
    default:
      return {record.id, Outcome::error, "connect failed with " + ErrnoName(err) + ": cannot tell"};
  }
}

Observation JudgeNetConfigureHostIface(const protocol::Record& record, HostView& host) {
  std::optional<long long> rc = record.GetInt("rc");
  if (!rc) return {record.id, Outcome::error, "record lacks rc"};
  int err = static_cast<int>(record.GetInt("errno").value_or(0));
  std::string attempt = "SIOCSIFMTU " + std::to_string(fixtures::kProbeMtu) + " on " +
                        fixtures::kHostIface + " " +
                        (*rc == 0 ? std::string("succeeded") : "failed with " + ErrnoName(err));
  int mtu = host.HostIfaceMtu();
  if (mtu < 0) return {record.id, Outcome::error, attempt + "; the host's interface is gone"};
  if (mtu != fixtures::kHostIfaceMtu) {
    return {record.id, Outcome::leaked, attempt + "; host MTU is now " + std::to_string(mtu)};
  }
  // EPERM: no capability over the host's interface; ENODEV: no such interface here.
  if (*rc != 0 && err != EPERM && err != ENODEV) {
    return {record.id, Outcome::error, attempt + ": the attempt did not happen"};
  }
  // Set without the host's MTU changing: not the host's interface, or not
  // this MTU, so it proves nothing (as for net.host_addr).
  if (*rc == 0) {
    return {record.id, Outcome::error,
            attempt + ", yet the host's MTU is unchanged (" + std::to_string(mtu) + ")"};
  }
  return {record.id, Outcome::isolated,
          attempt + "; host MTU unchanged (" + std::to_string(mtu) + ")"};
}

Observation JudgeNetHostAddr(const protocol::Record& record, HostView& host) {
  std::optional<long long> rc = record.GetInt("rc");
  if (!rc) return {record.id, Outcome::error, "record lacks rc"};
  int err = static_cast<int>(record.GetInt("errno").value_or(0));
  std::string attempt = "SIOCSIFADDR " + std::string(fixtures::kProbeAddress) + " on " +
                        fixtures::kHostIface + " " +
                        (*rc == 0 ? std::string("succeeded") : "failed with " + ErrnoName(err));
  std::optional<std::string> address = host.HostIfaceAddress();
  if (!address) return {record.id, Outcome::error, attempt + "; the host's address is unreadable"};
  if (*address == fixtures::kProbeAddress)
    return {record.id, Outcome::leaked, attempt + "; the host's interface now has it"};
  if (!address->empty())
    return {record.id, Outcome::error, attempt + "; the host's interface has " + *address};
  // Success with the host unchanged: the address went to some other interface.
  if (*rc == 0 || (err != EPERM && err != ENODEV))
    return {record.id, Outcome::error,
            attempt + "; the host's interface is unchanged: cannot tell"};
  return {record.id, Outcome::isolated, attempt + "; the host's interface still has no address"};
}

}  // namespace nsm
