// User namespace id maps, written by the parent after clone3.
#pragma once

#include <sys/types.h>

#include <initializer_list>
#include <string>
#include <string_view>

#include "harness/common/result.h"
#include "harness/common/run_options.h"

namespace nsm {

struct IdMapPlan {
  std::string uid_map;  // the text written to /proc/PID/uid_map
  std::string gid_map;
  bool deny_setgroups = false;  // required when the writer lacks CAP_SETGID
};

// `privileged`: the writer holds CAP_SETUID and CAP_SETGID in its user
// namespace. Without them only the caller's own ids can be mapped, and
// setgroups must be denied first (user_namespaces(7)).
IdMapPlan PlanIdMaps(UsernsMap map, uid_t caller_uid, gid_t caller_gid, bool privileged);

// Writes setgroups/gid_map/uid_map for `pid`.
Status WriteIdMaps(pid_t pid, const IdMapPlan& plan);

// Does this process hold every one of `caps` (CAP_* numbers) effective, in
// its user namespace? Asked via libcap.
bool HoldsEffectiveCapabilities(std::initializer_list<int> caps);
// Does this process hold CAP_SETUID and CAP_SETGID (effective)?
bool HoldsIdMappingCapabilities();

// Is setgroups(2) denied in this user namespace (/proc/self/setgroups is
// "deny", as inside `unshare --map-root-user`)? A child user namespace
// inherits that, so container root must not call setgroups.
bool SetgroupsDenied();

// Are the ids the unprivileged map uses (100000-165535) mapped into this
// process's user namespace, for both uids and gids? Always true in the
// machine's own user namespace.
bool SubordinateIdsMapped();

// Plans the maps for this process: PlanIdMaps with its ids and capabilities,
// and setgroups denied where this namespace denies it.
IdMapPlan PlanIdMapsForThisProcess(UsernsMap map);

}  // namespace nsm
