// What runc leaves in the cgroup hierarchies when it is killed before it can
// clean up. runc makes a cgroup of its own for every container, named by the
// container's relative cgroupsPath; from inside the host sandbox's cgroup
// namespace it resolves that path against the top of each hierarchy mounted
// there (runc cannot be told to leave cgroups alone, as crun can).
#pragma once

#include <chrono>
#include <string>

#include "harness/common/result.h"

namespace nsm {

// Removes the directory `name` directly below every cgroup hierarchy mounted
// here (cgroup and cgroup2 entries of /proc/self/mountinfo), where there is
// one: the processes in it killed and awaited (up to `limit`), then the
// directory. An error naming the first that stayed; success when none was there.
Status RemoveCgroupsNamed(const std::string& name, std::chrono::milliseconds limit);

}  // namespace nsm
