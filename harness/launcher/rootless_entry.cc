// EnterRootlessUserNamespace: looks the user up through NSS, so it is built
// into nsmatrix only, never into the static sandbox worker.
#include <linux/capability.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <initializer_list>

#include "harness/common/io.h"
#include "harness/common/strings.h"
#include "harness/common/unique_fd.h"
#include "harness/launcher/id_map.h"
#include "harness/launcher/rootless.h"

namespace nsm {
namespace {

std::unexpected<Error> FailUnshare(int err) {
  std::string hint = err == EINVAL ? "a process with threads cannot make a user namespace"
                     : err == EPERM
                         ? NamespaceHint(err) + "; a chrooted process cannot make one either"
                         : NamespaceHint(err);
  return FailNamespace(err, "unshare(CLONE_NEWUSER)", "entering a user namespace", hint);
}

// `unreadable` gets why a file that exists could not be read (a missing
// file is no range, and no problem).
std::optional<SubordinateRange> RangeFrom(const std::string& file, const std::string& name,
                                          unsigned long id, std::string* unreadable) {
  Result<std::string> text = ReadFile(file);
  if (!text) {
    if (text.error().err != ENOENT && unreadable->empty())
      *unreadable = file + " could not be read: " + text.error().Message();
    return std::nullopt;
  }
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

// Why newuidmap/newgidmap would refuse this process whatever the files say,
// or empty. They map only a process whose real and effective ids are the
// passwd entry's, with the user's primary group as its own gid line.
std::string WhyNotNewuidmap(const passwd* pw) {
  if (!pw) return "this uid has no passwd entry";
  uid_t ruid = 0, euid = 0, suid = 0;
  gid_t rgid = 0, egid = 0, sgid = 0;
  getresuid(&ruid, &euid, &suid);
  getresgid(&rgid, &egid, &sgid);
  if (ruid != pw->pw_uid || euid != pw->pw_uid)
    return "the real and effective uids differ from the passwd entry's";
  if (rgid != pw->pw_gid || egid != pw->pw_gid)
    return "the process's group is not the user's primary group " + std::to_string(pw->pw_gid);
  // They map a range with the privilege their set-user-ID bit or file
  // capabilities give them, which no_new_privs takes away (systemd's
  // NoNewPrivileges=, Kubernetes' allowPrivilegeEscalation: false).
  if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1)
    return "no_new_privs is set, so its set-user-ID bit gives it nothing";
  return "";
}

// Why `tool` would run without the privilege it needs, or empty.
std::string WhyToolUnprivileged(const std::string& tool) {
  struct stat st {};
  if (stat(tool.c_str(), &st) != 0) return tool + " cannot be looked at";
  const bool setuid_root = (st.st_mode & S_ISUID) && st.st_uid == 0;
  const bool file_caps = getxattr(tool.c_str(), "security.capability", nullptr, 0) > 0;
  if (!setuid_root && !file_caps)
    return tool + " is neither set-user-ID root nor given file capabilities";
  struct statvfs fs {};
  if (statvfs(tool.c_str(), &fs) == 0 && (fs.f_flag & ST_NOSUID))
    return tool + " is on a filesystem mounted nosuid";
  return "";
}

struct ArgvStore {
  std::vector<std::string> strings;
  std::vector<char*> pointers;
};

ArgvStore ToolArgv(const std::string& program, pid_t target,
                   const std::vector<unsigned long>& triples) {
  ArgvStore argv;
  argv.strings = {program, std::to_string(target)};
  for (unsigned long v : triples) argv.strings.push_back(std::to_string(v));
  for (std::string& s : argv.strings) argv.pointers.push_back(s.data());
  argv.pointers.push_back(nullptr);
  return argv;
}

// Exit codes of the mapper.
constexpr int kNewuidmapFailed = 1, kNewgidmapFailed = 2, kNoGo = 3, kNoFork = 4;

// Runs newuidmap and then newgidmap on `target` from a child forked before
// `target` left the caller's user namespace (they must be run from there:
// inside, their set-user-ID bit means nothing). The child waits on `go` for
// the namespace to exist; EOF there means it never will. `close_in_child`:
// the parent's ends of the pipes, which the child must not hold (the mapper
// never execs, so close-on-exec does not close them). The mapper leads a
// process group of its own, so that killing the group ends a tool too.
pid_t StartMapper(int go, int output, std::initializer_list<int> close_in_child, pid_t target,
                  ArgvStore& uid_argv, ArgvStore& gid_argv) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  for (int fd : close_in_child) close(fd);
  setpgid(0, 0);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != target) _exit(kNoGo);  // the caller died before the prctl
  dup2(output, STDOUT_FILENO);
  dup2(output, STDERR_FILENO);
  char byte = 0;
  ssize_t n;
  do {
    n = read(go, &byte, 1);
  } while (n < 0 && errno == EINTR);
  if (n != 1) _exit(kNoGo);
  for (ArgvStore* argv : {&uid_argv, &gid_argv}) {
    pid_t tool = fork();
    if (tool < 0) _exit(kNoFork);
    if (tool == 0) {
      execv(argv->pointers[0], argv->pointers.data());
      _exit(127);
    }
    int status = -1;
    pid_t got;
    while ((got = waitpid(tool, &status, 0)) < 0 && errno == EINTR) {
    }
    if (got != tool || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
      _exit(argv == &uid_argv ? kNewuidmapFailed : kNewgidmapFailed);
  }
  _exit(0);
}

Status MapSubordinateIds(const std::string& newuidmap, const std::string& newgidmap,
                         const std::vector<unsigned long>& uid_triples,
                         const std::vector<unsigned long>& gid_triples) {
  UniqueFd go_read, go_write, out_read, out_write;
  if (Status s = HighPipe(&go_read, &go_write); !s) return s;
  if (Status s = HighPipe(&out_read, &out_write); !s) return s;
  // argv built before fork: the child only forks, execs and waits.
  ArgvStore uid_argv = ToolArgv(newuidmap, getpid(), uid_triples);
  ArgvStore gid_argv = ToolArgv(newgidmap, getpid(), gid_triples);
  pid_t mapper = StartMapper(go_read.Get(), out_write.Get(), {go_write.Get(), out_read.Get()},
                             getpid(), uid_argv, gid_argv);
  if (mapper < 0) return FailErrno("fork", "the process that runs newuidmap");
  go_read.Reset();
  out_write.Reset();
  int unshare_err = unshare(CLONE_NEWUSER) == 0 ? 0 : errno;
  if (unshare_err == 0) (void)!write(go_write.Get(), "g", 1);
  go_write.Reset();  // EOF: a mapper still waiting gives up
  // Read first (a full pipe must not stall the mapper), until it and the
  // tools are gone; if they hang, the whole group is killed at the deadline.
  Result<ReadToEndResult> said =
      ReadToEnd(out_read.Get(), std::chrono::steady_clock::now() + std::chrono::seconds(30), 4096);
  if (!said || said->timed_out) kill(-mapper, SIGKILL);
  int status = -1;
  pid_t got;
  while ((got = waitpid(mapper, &status, 0)) < 0 && errno == EINTR) {
  }
  if (unshare_err != 0) return FailUnshare(unshare_err);
  if (got != mapper) return FailErrno("waitpid", "the process that runs newuidmap");
  std::string output = said ? std::string(Trim(said->data)) : "";
  if (said && said->timed_out) {
    return Fail(ETIMEDOUT, "newuidmap and newgidmap",
                "did not finish in 30 s" + (output.empty() ? "" : ": " + output));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
  bool gid_side = WIFEXITED(status) && WEXITSTATUS(status) == kNewgidmapFailed;
  bool tool_failed = WIFEXITED(status) && (WEXITSTATUS(status) == kNewuidmapFailed || gid_side);
  if (!tool_failed) {
    return Fail(0, "the process that runs newuidmap", "ended with " + std::to_string(status));
  }
  return Fail(
      0, gid_side ? "newgidmap" : "newuidmap",
      MapText(gid_side ? gid_triples : uid_triples, ' ') + (output.empty() ? "" : ": " + output),
      "check the user's lines in /etc/subuid and /etc/subgid (subuid(5)), or remove them "
      "to run with the user's own ids only");
}

// What makes the run root in its namespace: its maps (unmapped, its euid
// would be the overflow id), and the capabilities a new user namespace gives
// its creator. A security module that lets the namespace be made but
// withholds them (AppArmor's restrict_unprivileged_userns) leaves a root that
// can do nothing.
Status CheckRootThere() {
  if (geteuid() != 0) return Fail(0, "check geteuid()", "the user namespace was not mapped");
  if (!HoldsEffectiveCapabilities({CAP_SYS_ADMIN})) {
    return Fail(EPERM, "check capabilities", "no CAP_SYS_ADMIN in the run's own user namespace",
                "a security module withholds them (AppArmor's restrict_unprivileged_userns: "
                "sysctl kernel.apparmor_restrict_unprivileged_userns)");
  }
  return {};
}

}  // namespace

Result<RootlessEntry> EnterRootlessUserNamespace() {
  uid_t uid = geteuid();
  gid_t gid = getegid();
  const passwd* pw = getpwuid(uid);
  // subgid(5) lists ranges by user, as subuid(5) does (and so does newgidmap).
  std::string name = pw ? pw->pw_name : "";
  std::string unreadable;
  std::optional<SubordinateRange> subuid = RangeFrom("/etc/subuid", name, uid, &unreadable);
  std::optional<SubordinateRange> subgid = RangeFrom("/etc/subgid", name, uid, &unreadable);
  // Only a user with both ranges has any use for the tools.
  Result<std::string> newuidmap = Fail(ENOENT, "newuidmap"), newgidmap = newuidmap;
  if (subuid && subgid) {
    newuidmap = FindOnPath("newuidmap", "uidmap");
    newgidmap = FindOnPath("newgidmap", "uidmap");
  }
  std::string why_not = (subuid && subgid) ? WhyNotNewuidmap(pw) : "";
  for (const Result<std::string>* tool : {&newuidmap, &newgidmap}) {
    if (why_not.empty() && *tool) why_not = WhyToolUnprivileged(**tool);
  }

  RootlessEntry entry;
  if (subuid && subgid && newuidmap && newgidmap && why_not.empty()) {
    std::vector<unsigned long> uids = RootlessMap(uid, subuid), gids = RootlessMap(gid, subgid);
    if (Status s = MapSubordinateIds(*newuidmap, *newgidmap, uids, gids); !s)
      return std::unexpected(std::move(s.error()).Wrap("mapping the run's user namespace"));
    if (Status s = CheckRootThere(); !s) return std::unexpected(s.error());
    entry.description = DescribeMap("uids", uids) + "; " + DescribeMap("gids", gids) +
                        " (newuidmap and newgidmap, from /etc/subuid and /etc/subgid)";
    return entry;
  }
  if (unshare(CLONE_NEWUSER) != 0) return FailUnshare(errno);
  if (Status s = MapOwnIds(uid, gid); !s)
    return std::unexpected(std::move(s.error()).Wrap("mapping the run's user namespace"));
  if (Status s = CheckRootThere(); !s) return std::unexpected(s.error());
  entry.description = "uid 0 is " + std::to_string(uid) + " and gid 0 is " + std::to_string(gid) +
                      ", nothing else mapped";
  if (!unreadable.empty()) {
    entry.description += " (" + unreadable + ")";
  } else if (!subuid && !subgid) {
    entry.description += " (no range for this user in /etc/subuid or /etc/subgid)";
  } else if (!subuid || !subgid) {
    entry.description += std::string(" (a range for this user in ") +
                         (subuid ? "/etc/subuid" : "/etc/subgid") + " but none in " +
                         (subuid ? "/etc/subgid" : "/etc/subuid") + ")";
  } else if (!newuidmap || !newgidmap) {
    entry.description +=
        " (the user has subordinate ids, but newuidmap/newgidmap are missing: "
        "apt-get install uidmap)";
  } else {
    entry.description +=
        " (the user has subordinate ids, but newuidmap would refuse: " + why_not + ")";
  }
  return entry;
}

}  // namespace nsm
