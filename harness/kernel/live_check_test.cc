// The live checks against this machine's kernel (root: integration label),
// and how deep namespaces nest.
// Negative controls make them fail for real: a user namespace whose limits
// are lowered to 0 refuses exactly those types.
#include "harness/kernel/live_check.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/securebits.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include "harness/kernel/nesting.h"

namespace nsm {
namespace {

TEST(LiveCheckTest, EveryTypeIsUsableAsRootHere) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root";
  for (const NsInfo& info : kNamespaces) {
    LiveCheck check = CheckNamespace(info.ns, Privilege::root);
    EXPECT_EQ(check.status, NsStatus::usable)
        << info.name << ": " << check.detail << " step " << check.step;
  }
}

bool WriteFile(const std::string& path, const std::string& text) {
  int fd = open(path.c_str(), O_WRONLY);
  if (fd < 0) return false;
  bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  close(fd);
  return ok;
}

// In a child: a user namespace mapping root to root, with
// user.max_<limited>_namespaces set to `limit` there. Returns what `body`
// returned there, for the test to compare.
template <typename Body>
std::string UnderLimit(Ns limited, int limit, Body body) {
  int fds[2];
  if (pipe(fds) != 0) return "pipe failed";
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    std::string out = "setup failed";
    if (unshare(CLONE_NEWUSER) == 0 && WriteFile("/proc/self/setgroups", "deny") &&
        WriteFile("/proc/self/gid_map", "0 0 1") && WriteFile("/proc/self/uid_map", "0 0 1") &&
        WriteFile("/proc/sys/user/max_" + std::string(InfoOf(limited).name) + "_namespaces",
                  std::to_string(limit))) {
      out = body();
    }
    (void)!write(fds[1], out.data(), out.size());
    _exit(0);
  }
  close(fds[1]);
  std::string got;
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof(buf))) > 0) got.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  waitpid(pid, nullptr, 0);
  return got.empty() ? "no answer" : got;
}

// "status step errno" of the check under a zero limit.
std::string CheckUnderZeroLimit(Ns ns, Ns limited, Privilege as = Privilege::root) {
  return UnderLimit(limited, 0, [&] {
    LiveCheck check = CheckNamespace(ns, as);
    std::string out = std::string(Name(check.status)) + " " + check.step + " " +
                      (check.err ? ErrnoName(check.err) : "-");
    if (check.creation_failed) out += " creating " + std::string(InfoOf(check.creating).name);
    if (check.skipped) out += " skipped";
    return out;
  });
}

TEST(LiveCheckTest, ZeroLimitMakesATypeUnavailable) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root";
  EXPECT_EQ(CheckUnderZeroLimit(Ns::net, Ns::net),
            "unavailable unshare(CLONE_NEWNET) ENOSPC creating net");
  EXPECT_EQ(CheckUnderZeroLimit(Ns::user, Ns::user),
            "unavailable unshare(CLONE_NEWUSER) ENOSPC creating user");
  // Another type is untouched by that limit (the control).
  EXPECT_EQ(CheckUnderZeroLimit(Ns::uts, Ns::net), "usable  -");
  // A PID namespace needs a mount namespace to mount /proc in: created, not usable.
  EXPECT_EQ(CheckUnderZeroLimit(Ns::pid, Ns::mnt),
            "restricted unshare(CLONE_NEWNS) to mount /proc ENOSPC creating mnt");
}

std::string Describe(const LiveCheck& check) {
  return std::string(InfoOf(check.ns).name) + " as " + std::string(Name(check.as)) + ": " +
         std::string(Name(check.status)) + " " + check.step + " " +
         (check.err ? ErrnoName(check.err) : "-") + (check.skipped ? " skipped" : "");
}

// The batch gives what the checks give one at a time, in the order asked.
std::string CompareBatchWithSingle() {
  std::vector<CheckRequest> requests;
  for (Privilege as : {Privilege::root, Privilege::unprivileged}) {
    for (const NsInfo& info : kNamespaces) requests.push_back({info.ns, as});
  }
  std::vector<LiveCheck> batch = CheckNamespaces(requests);
  if (batch.size() != requests.size()) return "batch gave " + std::to_string(batch.size());
  std::string out;
  for (size_t i = 0; i < requests.size(); ++i) {
    std::string single = Describe(CheckNamespace(requests[i].ns, requests[i].as));
    if (Describe(batch[i]) != single) out += Describe(batch[i]) + " vs alone " + single + "; ";
  }
  return out.empty() ? "same" : out;
}

TEST(LiveCheckTest, ChecksSideBySideMatchChecksAlone) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root";
  EXPECT_EQ(CompareBatchWithSingle(), "same");
  // Under a limit (net refused, 65534 unmapped): the refusals and skips match too.
  EXPECT_EQ(
      UnderLimit(Ns::net, 0,
                 [] {
                   std::vector<CheckRequest> net = {{Ns::net, Privilege::root},
                                                    {Ns::uts, Privilege::root}};
                   std::vector<LiveCheck> checks = CheckNamespaces(net);
                   return CompareBatchWithSingle() + " | " + Describe(checks[0]) + " | " +
                          Describe(checks[1]);
                 }),
      "same | net as root: unavailable unshare(CLONE_NEWNET) ENOSPC | uts as root: usable  -");
}

// A limit of one UTS namespace: side by side, eight uts checks and the user
// check (which makes a UTS namespace inside its user namespace) compete for
// it. Asked again alone, each gets it: all usable, as they are one at a time.
TEST(LiveCheckTest, ChecksSideBySideUnderALimitOfOneAreNotLosses) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root";
  EXPECT_EQ(UnderLimit(Ns::uts, 1,
                       [] {
                         std::string out;
                         for (int round = 0; round < 10; ++round) {
                           std::vector<CheckRequest> many(8, {Ns::uts, Privilege::root});
                           many.push_back({Ns::user, Privilege::root});
                           for (const LiveCheck& check : CheckNamespaces(many)) {
                             if (check.status != NsStatus::usable) out += Describe(check) + "; ";
                           }
                         }
                         return out.empty() ? std::string("all usable") : out;
                       }),
            "all usable");
}

TEST(LiveCheckTest, UnprivilegedChecks) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root";
  // Here, uid 65534 may make user namespaces and everything they own.
  for (const NsInfo& info : kNamespaces) {
    LiveCheck check = CheckNamespace(info.ns, Privilege::unprivileged);
    EXPECT_EQ(check.status, NsStatus::usable) << info.name << ": " << check.detail;
  }
  // Inside a root-only user namespace uid 65534 does not exist: skipped on
  // purpose (the gate must not call that a loss), not a failure.
  EXPECT_EQ(CheckUnderZeroLimit(Ns::net, Ns::time, Privilege::unprivileged),
            "not-checked setresgid(65534) EINVAL skipped");
}

// Root whose securebits keep its capabilities across setresuid is no
// unprivileged user: the check says it could not become one, rather than
// reporting what a privileged process could do as the unprivileged column.
TEST(LiveCheckTest, AnUnprivilegedCheckThatKeptItsCapabilitiesIsNotChecked) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root";
  int fds[2];
  ASSERT_EQ(pipe2(fds, O_CLOEXEC), 0);
  pid_t child = fork();
  if (child == 0) {
    close(fds[0]);
    std::string out = "prctl failed";
    if (prctl(PR_SET_SECUREBITS, SECBIT_NO_SETUID_FIXUP, 0, 0, 0) == 0) {
      LiveCheck check = CheckNamespace(Ns::uts, Privilege::unprivileged);
      out = std::string(Name(check.status)) + (check.skipped ? " skipped: " : ": ") + check.detail;
    }
    (void)!write(fds[1], out.data(), out.size());
    _exit(0);
  }
  close(fds[1]);
  std::string got;
  char buffer[512];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof(buffer))) > 0;) got.append(buffer, n);
  close(fds[0]);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_EQ(got,
            "not-checked skipped: could not become uid/gid 65534: setresuid(65534) dropping every "
            "capability failed with EPERM");
}

std::string DescribeNesting(const NestingDepth& depth) {
  return std::to_string(depth.created) + " " + (depth.err ? ErrnoName(depth.err) : "-") + " " +
         (depth.at_limit ? "at-limit" : "short") + " start " +
         (depth.start_level ? std::to_string(*depth.start_level) : "?");
}

TEST(NestingTest, RootReachesTheKernelsLimitsHere) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root";
  EXPECT_EQ(DescribeNesting(MeasureNesting(Ns::user)), "33 ENOSPC at-limit start 0");
  EXPECT_EQ(DescribeNesting(MeasureNesting(Ns::pid)), "32 ENOSPC at-limit start 0");
}

// A count limit stops nesting sooner, and the report says it is not the depth
// limit; one level down, one level fewer is left.
TEST(NestingTest, ACountLimitStopsItShortOneLevelDownLeavesOneFewer) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root";
  EXPECT_EQ(UnderLimit(Ns::user, 5, [] { return DescribeNesting(MeasureNesting(Ns::user)); }),
            "5 ENOSPC short start ?");
  EXPECT_EQ(UnderLimit(Ns::pid, 3, [] { return DescribeNesting(MeasureNesting(Ns::pid)); }),
            "3 ENOSPC short start 0");
  EXPECT_EQ(UnderLimit(Ns::net, 0, [] { return DescribeNesting(MeasureNesting(Ns::user)); }),
            "32 ENOSPC short start ?");
}

}  // namespace
}  // namespace nsm
