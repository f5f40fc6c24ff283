// A process that keeps one new namespace alive so setns(2) has somewhere to go:
// created by clone3 with the namespace's flag, it blocks until its owner lets go
// (destructor) or dies (the keep-alive pipe reaches EOF).
#pragma once

#include "harness/common/child_process.h"
#include "harness/common/namespaces.h"
#include "harness/common/result.h"
#include "harness/common/unique_fd.h"

namespace nsm {

class NsHolder {
 public:
  static Result<NsHolder> Start(Ns ns);

  // /proc/PID/ns/<type> of the holder, opened read-only.
  int NsFd() const { return ns_fd_.Get(); }

 private:
  NsHolder(ChildProcess process, UniqueFd keepalive, UniqueFd ns_fd)
      : process_(std::move(process)), keepalive_(std::move(keepalive)), ns_fd_(std::move(ns_fd)) {}

  ChildProcess process_;  // declared first: killed and reaped last
  UniqueFd keepalive_;    // write end; closing it lets the holder exit
  UniqueFd ns_fd_;
};

}  // namespace nsm
