// Live checks: can a namespace of each type be created *and used* here, as
// root and as an unprivileged user? Each check runs in a throwaway child
// process, so nothing it creates outlives it and this process is unchanged.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "harness/common/namespaces.h"

namespace nsm {

enum class Privilege { root, unprivileged };
std::string_view Name(Privilege as);

// usable: created and used; restricted: created, but using it failed (as
// under AppArmor's user namespace restriction); unavailable: not created;
// not_checked: the check could not be set up (e.g. no unprivileged id here).
enum class NsStatus { usable, restricted, unavailable, not_checked };
std::string_view Name(NsStatus status);
// usable 3, restricted 2, unavailable 1, not_checked 0: a lower rank later is a regression.
int Rank(NsStatus status);

struct LiveCheck {
  Ns ns = Ns::mnt;
  Privilege as = Privilege::root;
  NsStatus status = NsStatus::not_checked;
  std::string step;  // the step that failed, e.g. "unshare(CLONE_NEWNET)"; empty when usable
  int err = 0;       // its errno
  // Which namespace the failing step tried to create (the user namespace an
  // unprivileged check needs first, or the type itself); meaningful when unavailable.
  Ns creating = Ns::mnt;
  // The failing step was an unshare creating `creating` (possibly another
  // type the use step needs, as PID needs a mount namespace for /proc).
  bool creation_failed = false;
  std::string detail;  // what was done, or why the check could not run
  // not_checked by choice or because of who runs it (not root, uid 65534 not
  // mapped here, not asked for), as opposed to a check that broke (killed,
  // timed out): only the latter can hide a lost namespace.
  bool skipped = false;
};

// The unprivileged identity: nobody/nogroup, as a distribution's default
// unprivileged user would be (only its own id is mapped into the new namespace).
inline constexpr unsigned kUnprivilegedId = 65534;

// Runs the check for `ns` in a child process. As `unprivileged`, a root caller
// first becomes kUnprivilegedId; any other caller checks as itself. As `root`,
// a caller that is not (e)uid 0 gets not_checked.
//
// Runs the check for `ns` in a child process (and, for PID and time
// namespaces, a grandchild: that is where they take effect). Never throws,
// never leaves a process behind; a child that hangs is killed after 5 s.
LiveCheck CheckNamespace(Ns ns, Privilege as);

struct CheckRequest {
  Ns ns;
  Privilege as;
};

// The same checks side by side: every child is started, then each is waited
// for (one 5 s deadline for all). A check that does not come out usable is
// run again alone (a refusal for the limit, ENOSPC, up to four more times
// over 150 ms, while the kernel gives back counts of namespaces that just
// died), and that result stands: running them together must not turn a
// namespace limit into a loss. Results in the order asked.
std::vector<LiveCheck> CheckNamespaces(std::span<const CheckRequest> requests);

}  // namespace nsm
