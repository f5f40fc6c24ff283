// What the host side can see after a container ran: the judges' only window
// onto the host sandbox, so they can be tested against a fake.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "harness/common/namespaces.h"

namespace nsm {

struct NsId {
  uint64_t dev = 0;
  uint64_t ino = 0;
  friend bool operator==(const NsId&, const NsId&) = default;
};

class HostView {
 public:
  virtual ~HostView() = default;
  virtual NsId NsLink(Ns ns) const = 0;
  virtual std::string ExpectedHostname() const = 0;  // what the sandbox was named
  virtual std::string CurrentHostname() const = 0;
  virtual pid_t SentinelPid() const = 0;
  virtual std::string SentinelComm() const = 0;
  // True when the sentinel is dead, or dies within `grace`. A SIGKILL is
  // delivered asynchronously, so a kill that succeeded needs a grace period.
  virtual bool SentinelDeadWithin(std::chrono::milliseconds grace) = 0;
};

}  // namespace nsm
