// A run by an ordinary user: nsmatrix enters a user namespace of its own, in
// which it is root, and builds its host sandboxes there.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/common/result.h"

namespace nsm {

// One line of /etc/subuid or /etc/subgid: `count` ids from `start`.
struct SubordinateRange {
  unsigned long start = 0;
  unsigned long count = 0;
};

// The user's ranges in subuid(5)/subgid(5) text, whose lines are
// "NAME-or-ID:START:COUNT", in the file's order; malformed lines are skipped.
std::vector<SubordinateRange> SubordinateRanges(std::string_view text, std::string_view name,
                                                unsigned long id);

// The range a rootless run maps: the first of 65536 ids or more, else the
// first. nullopt: the user has none.
std::optional<SubordinateRange> ChooseSubordinateRange(const std::vector<SubordinateRange>& ranges);

// The maps of the run's own user namespace, as "INSIDE OUTSIDE COUNT" triples
// (the arguments of newuidmap/newgidmap after the PID, or the lines of
// uid_map/gid_map). Root is always the caller's own id. With a subordinate
// range of 65536 ids or more, 100000-165535 map onto its start, so
// --userns-map unprivileged works as it does for root; one more id maps 4242,
// the owner of user.overflow_id's file. A smaller range maps from 1.
std::vector<unsigned long> RootlessMap(unsigned long own_id,
                                       const std::optional<SubordinateRange>& range);

// "0 1000 1 100000 231072 65536": the map's triples as text.
std::string MapText(const std::vector<unsigned long>& triples, char separator);

struct RootlessEntry {
  std::string description;  // for the user: how the ids were mapped
};

// Enters a new user namespace and maps it: with newuidmap/newgidmap and the
// user's ranges in /etc/subuid and /etc/subgid where both exist (the
// programs are in Debian's package uidmap), otherwise only the user's own
// uid and gid (and setgroups denied, as unshare --map-root-user does). This
// process is root there afterwards, with every capability over the
// namespaces it makes. The process must be single-threaded.
Result<RootlessEntry> EnterRootlessUserNamespace();

}  // namespace nsm
