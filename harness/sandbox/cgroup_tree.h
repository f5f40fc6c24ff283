// The cgroups a run places its sandboxes and containers in, below the caller's
// own cgroup v2 directory:
//   <caller's cgroup>/nsmatrix-<pid>-<ns>/w<i>        a sandbox (its cgroup namespace root)
//   <caller's cgroup>/nsmatrix-<pid>-<ns>/w<i>/cell   its containers (clone3 CLONE_INTO_CGROUP)
// where <ns> is the run's PID namespace (its inode, hex): a pid names one run
// only within it.
// Removed when the run ends (plain rmdir, once empty). If the run is killed
// outright, a janitor process it left waiting removes them; failing that, the
// next run removes those of runs whose process is gone.
//
// runc makes a cgroup of its own for every container, named after the
// container's id, at the top of every hierarchy of the machine (v2 and each v1
// controller's): <mount>/nsm-<pid>-<pid namespace>-<nonce>-<combination>. The
// same three remove those of run <pid> of this PID namespace: the tree's end
// and its janitor (waiting five seconds in all for their last processes), and
// the next run (not waiting: one still in use is not a leftover).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "harness/common/child_process.h"
#include "harness/common/result.h"
#include "harness/common/unique_fd.h"

namespace nsm {

// What the ids of run `runner`'s runtime containers start with:
// "nsm-<pid>-<this PID namespace's inode, hex>-".
std::string RuntimeCgroupPrefix(pid_t runner);

class CgroupTree {
 public:
  // Fails (with the reason) where there is no writable cgroup v2 hierarchy.
  static Result<CgroupTree> Create();
  CgroupTree(CgroupTree&& other) noexcept
      : root_(std::move(other.root_)),
        hierarchy_(std::move(other.hierarchy_)),
        janitor_(std::move(other.janitor_)) {
    other.root_.clear();
  }
  CgroupTree& operator=(CgroupTree&&) = delete;
  ~CgroupTree();

  struct WorkerCgroups {
    UniqueFd sandbox;  // the sandbox starts here
    std::string cell;  // path of its containers' cgroup
  };
  Result<WorkerCgroups> AddWorker(int index);
  // Where cgroup v2 is mounted: the paths /proc/self/cgroup gives are below it.
  const std::string& HierarchyRoot() const { return hierarchy_; }

 private:
  CgroupTree() = default;
  std::string root_;
  std::string hierarchy_;
  // A process outside the tree that removes it should this one be killed
  // outright (SIGKILL runs no destructor); stopped when the tree is removed here.
  ChildProcess janitor_;
};

}  // namespace nsm
