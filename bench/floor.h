// The kernel's floor for the isolation matrix: per combination, one raw clone3
// with exactly its namespace flags, whose child execs a static no-op program
// and exits. No ID maps, no probes, no sandboxes: the cost nsmatrix cannot go
// below for the same list of containers.
#pragma once

#include <span>
#include <string>

#include "harness/common/namespaces.h"
#include "harness/common/result.h"
#include "harness/common/unique_fd.h"

namespace nsm {

class Floor {
 public:
  // Opens the static no-op program (build target nsm-noop) once, O_PATH.
  static Result<Floor> Open(const std::string& noop_path);

  // clone3 + execveat(no-op) + waitid for every combination, the list shared
  // out across `jobs` threads. Fails if any child could not be created or did
  // not exit 0; the first failure is reported and the rest of the list skipped.
  Status Run(std::span<const NsSet> combos, int jobs) const;

  // One combination: clone3 + execveat(no-op) + waitid.
  Status RunOne(NsSet combo) const;

 private:
  explicit Floor(UniqueFd noop) : noop_(std::move(noop)) {}

  UniqueFd noop_;
};

}  // namespace nsm
