// EnterRootlessUserNamespace: looks the user up through NSS, so it is built
// into nsmatrix only, never into the static sandbox worker.
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/common/io.h"
#include "harness/common/strings.h"
#include "harness/common/unique_fd.h"
#include "harness/launcher/id_map.h"
#include "harness/launcher/rootless.h"

namespace nsm {
namespace {

constexpr unsigned long kUnprivilegedBase = 100000;  // --userns-map unprivileged's root
constexpr unsigned long kUnprivilegedCount = 65536;

std::string UnshareHint(int err) {
  if (err == EINVAL) return "a process with threads, or in a chroot, cannot make a user namespace";
  return NamespaceHint(err);
}

std::string UserName(uid_t uid) {
  passwd* pw = getpwuid(uid);
  return pw ? pw->pw_name : "";
}

std::optional<SubordinateRange> RangeFrom(const std::string& file, const std::string& name,
                                          unsigned long id) {
  Result<std::string> text = ReadFile(file);
  if (!text) return std::nullopt;
  return ChooseSubordinateRange(SubordinateRanges(*text, name, id));
}

std::string DescribeMap(const char* kind, const std::vector<unsigned long>& triples) {
  std::string text = kind;
  for (size_t i = 0; i + 2 < triples.size(); i += 3) {
    unsigned long inside = triples[i], outside = triples[i + 1], count = triples[i + 2];
    text += i == 0 ? " " : ", ";
    if (count == 1) {
      text += std::to_string(inside) + " is " + std::to_string(outside);
    } else {
      text += std::to_string(inside) + "-" + std::to_string(inside + count - 1) + " are " +
              std::to_string(outside) + "-" + std::to_string(outside + count - 1);
    }
  }
  return text;
}

// The single-id maps an unprivileged process may write for itself: its own
// ids (as they were before it left their namespace), setgroups denied first.
Status MapOwnIds(uid_t uid, gid_t gid) {
  return WriteIdMaps(getpid(), PlanIdMaps(UsernsMap::root, uid, gid, /*privileged=*/false));
}

// Runs newuidmap and then newgidmap on `target` from a child forked before
// `target` left the caller's user namespace (they must be run from there:
// inside, their set-user-ID bit means nothing). The child waits on `go` for
// the namespace to exist; EOF there means it never will.
pid_t StartMapper(int go, int output, pid_t target, const std::string& newuidmap,
                  const std::string& newgidmap, const std::vector<unsigned long>& uid_triples,
                  const std::vector<unsigned long>& gid_triples) {
  // argv built before fork: the child only forks, execs and waits.
  auto argv_for = [target](const std::string& program, const std::vector<unsigned long>& t) {
    std::vector<std::string> argv{program, std::to_string(target)};
    for (unsigned long v : t) argv.push_back(std::to_string(v));
    return argv;
  };
  std::vector<std::string> uid_argv = argv_for(newuidmap, uid_triples);
  std::vector<std::string> gid_argv = argv_for(newgidmap, gid_triples);
  auto pointers = [](std::vector<std::string>& argv) {
    std::vector<char*> out;
    for (std::string& s : argv) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
  };
  std::vector<char*> uid_ptrs = pointers(uid_argv), gid_ptrs = pointers(gid_argv);

  pid_t pid = fork();
  if (pid != 0) return pid;
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  dup2(output, STDOUT_FILENO);
  dup2(output, STDERR_FILENO);
  char byte = 0;
  ssize_t n;
  do {
    n = read(go, &byte, 1);
  } while (n < 0 && errno == EINTR);
  if (n != 1) _exit(3);
  for (std::vector<char*>* argv : {&uid_ptrs, &gid_ptrs}) {
    pid_t tool = fork();
    if (tool < 0) _exit(4);
    if (tool == 0) {
      execv((*argv)[0], argv->data());
      _exit(127);
    }
    int status = 0;
    while (waitpid(tool, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) _exit(argv == &uid_ptrs ? 1 : 2);
  }
  _exit(0);
}

Status MapSubordinateIds(const std::string& newuidmap, const std::string& newgidmap,
                         const std::vector<unsigned long>& uid_triples,
                         const std::vector<unsigned long>& gid_triples) {
  UniqueFd go_read, go_write, out_read, out_write;
  if (Status s = HighPipe(&go_read, &go_write); !s) return s;
  if (Status s = HighPipe(&out_read, &out_write); !s) return s;
  pid_t mapper = StartMapper(go_read.Get(), out_write.Get(), getpid(), newuidmap, newgidmap,
                             uid_triples, gid_triples);
  if (mapper < 0) return FailErrno("fork", "the process that runs newuidmap");
  go_read.Reset();
  out_write.Reset();
  int unshare_err = unshare(CLONE_NEWUSER) == 0 ? 0 : errno;
  if (unshare_err == 0) (void)!write(go_write.Get(), "g", 1);
  go_write.Reset();  // EOF: a mapper still waiting gives up
  // Read first (a full pipe must not stall the mapper), until it and the
  // tools are gone; one that hangs is killed at the deadline.
  Result<ReadToEndResult> said =
      ReadToEnd(out_read.Get(), std::chrono::steady_clock::now() + std::chrono::seconds(30), 4096);
  if (!said || said->timed_out) kill(mapper, SIGKILL);
  int status = 0;
  while (waitpid(mapper, &status, 0) < 0 && errno == EINTR) {
  }
  std::string output = said ? std::string(Trim(said->data)) : "";
  if (said && said->timed_out) output = "did not finish in 30 s";
  if (unshare_err != 0) {
    return FailNamespace(unshare_err, "unshare(CLONE_NEWUSER)", "entering a user namespace",
                         UnshareHint(unshare_err));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
  const char* which = WIFEXITED(status) && WEXITSTATUS(status) == 2 ? "newgidmap" : "newuidmap";
  const std::vector<unsigned long>& triples =
      WIFEXITED(status) && WEXITSTATUS(status) == 2 ? gid_triples : uid_triples;
  return Fail(0, which, MapText(triples, ' ') + (output.empty() ? "" : ": " + output),
              "check the user's lines in /etc/subuid and /etc/subgid (subuid(5)), or remove them "
              "to run with the user's own ids only");
}

}  // namespace

Result<RootlessEntry> EnterRootlessUserNamespace() {
  uid_t uid = geteuid();
  gid_t gid = getegid();
  // subgid(5) lists ranges by user, as subuid(5) does (and so does newgidmap).
  std::string name = UserName(uid);
  std::optional<SubordinateRange> subuid = RangeFrom("/etc/subuid", name, uid);
  std::optional<SubordinateRange> subgid = RangeFrom("/etc/subgid", name, uid);
  Result<std::string> newuidmap = FindOnPath("newuidmap", "uidmap");
  Result<std::string> newgidmap = FindOnPath("newgidmap", "uidmap");

  RootlessEntry entry;
  if (subuid && subgid && newuidmap && newgidmap) {
    std::vector<unsigned long> uids = RootlessMap(uid, subuid), gids = RootlessMap(gid, subgid);
    if (Status s = MapSubordinateIds(*newuidmap, *newgidmap, uids, gids); !s)
      return std::unexpected(std::move(s.error()).Wrap("mapping the run's user namespace"));
    // The caller's supplementary groups are not mapped here; drop them.
    (void)setgroups(0, nullptr);
    entry.subordinate = true;
    entry.description = DescribeMap("uids", uids) + "; " + DescribeMap("gids", gids) +
                        " (newuidmap and newgidmap, from /etc/subuid and /etc/subgid)";
    return entry;
  }
  if (unshare(CLONE_NEWUSER) != 0) {
    int err = errno;
    return FailNamespace(err, "unshare(CLONE_NEWUSER)", "entering a user namespace",
                         UnshareHint(err));
  }
  if (Status s = MapOwnIds(uid, gid); !s)
    return std::unexpected(std::move(s.error()).Wrap("mapping the run's user namespace"));
  entry.description = "uid 0 is " + std::to_string(uid) + " and gid 0 is " + std::to_string(gid) +
                      ", nothing else mapped";
  if ((subuid || subgid) && (!newuidmap || !newgidmap)) {
    entry.description +=
        " (the user has subordinate ids, but newuidmap/newgidmap are missing: "
        "apt-get install uidmap)";
  } else if (!subuid || !subgid) {
    entry.description += " (no range for this user in /etc/subuid and /etc/subgid)";
  }
  return entry;
}

}  // namespace nsm
