// The mount table cache against the real kernel, in throwaway mount
// namespaces (root: integration label). A cache that missed a change would
// turn a mount leak into "isolated", so every kind of change is tried: a
// mount, an unmount, and a mount that propagates in from another namespace.
#include "harness/sandbox/mount_table.h"

#include <gtest/gtest.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <string>

namespace nsm {
namespace {

TEST(MountTableTest, ParsesPointAndSource) {
  std::vector<MountEntry> mounts = ParseMountInfo(
      "22 1 0:21 / /proc rw,nosuid shared:5 - proc proc rw\n"
      "40 22 0:35 / /tmp/a\\040b rw - tmpfs nsm-src rw,size=1024k\n"
      "garbage line\n");
  ASSERT_EQ(mounts.size(), 2u);
  EXPECT_EQ(mounts[0].point, "/proc");
  EXPECT_EQ(mounts[0].source, "proc");
  EXPECT_EQ(mounts[1].point, "/tmp/a\\040b");
  EXPECT_EQ(mounts[1].source, "nsm-src");
  EXPECT_EQ(mounts[0].fstype, "proc");
  EXPECT_EQ(mounts[1].fstype, "tmpfs");
}

// Runs `body` in a forked child in a new private mount namespace; returns
// what it reported ("" is success).
std::string InOwnMountNamespace(const std::function<std::string()>& body) {
  int fds[2];
  if (pipe(fds) != 0) return "pipe failed";
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    std::string out;
    if (unshare(CLONE_NEWNS) != 0 || mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr))
      out = "cannot make a private mount namespace";
    else
      out = body();
    (void)!write(fds[1], out.data(), out.size());
    _exit(0);
  }
  close(fds[1]);
  std::string out;
  char buf[512];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof(buf))) > 0) out.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status)) return "child died: " + out;
  return out;
}

bool HasSource(const std::vector<MountEntry>* mounts, const std::string& source) {
  return mounts && std::any_of(mounts->begin(), mounts->end(),
                               [&](const MountEntry& m) { return m.source == source; });
}

TEST(MountTableTest, ReadsAgainOnlyAfterAChange) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root";
  std::string problem = InOwnMountNamespace([]() -> std::string {
    char dir[] = "/tmp/nsm-mount-table-XXXXXX";
    if (!mkdtemp(dir)) return "mkdtemp failed";
    Result<MountTable> table = MountTable::Open();
    if (!table) return table.error().Message();
    size_t before = table->Current()->size();
    table->Current();
    if (table->Reads() != 1) return "read again without a change";
    if (mount("nsm-mt-one", dir, "tmpfs", 0, "size=16k") != 0) return "mount failed";
    const std::vector<MountEntry>* now = table->Current();
    if (!HasSource(now, "nsm-mt-one") || now->size() != before + 1) return "missed a mount";
    if (table->Reads() != 2) return "a change did not read again";
    if (umount2(dir, 0) != 0) return "umount failed";
    if (HasSource(table->Current(), "nsm-mt-one")) return "missed an unmount";
    if (table->Current()->size() != before) return "wrong size after unmount";
    rmdir(dir);
    return "";
  });
  EXPECT_EQ(problem, "");
}

TEST(MountTableTest, SeesAMountPropagatedFromAnotherNamespace) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root";
  std::string problem = InOwnMountNamespace([]() -> std::string {
    char dir[] = "/tmp/nsm-mount-table-XXXXXX";
    if (!mkdtemp(dir)) return "mkdtemp failed";
    // A shared mount here; a second namespace's copy of it is its peer.
    if (mount("nsm-mt-base", dir, "tmpfs", 0, "size=16k") != 0 ||
        mount(nullptr, dir, nullptr, MS_SHARED, nullptr) != 0)
      return "shared base mount failed";
    std::string sub = std::string(dir) + "/sub";
    if (mkdir(sub.c_str(), 0755) != 0) return "mkdir failed";
    Result<MountTable> table = MountTable::Open();
    if (!table) return table.error().Message();
    pid_t pid = fork();
    if (pid == 0) {
      bool ok = unshare(CLONE_NEWNS) == 0 &&
                mount("nsm-mt-propagated", sub.c_str(), "tmpfs", 0, "size=16k") == 0;
      _exit(ok ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
      return "mount in the other namespace failed";
    if (!HasSource(table->Current(), "nsm-mt-propagated")) return "missed a propagated mount";
    umount2(dir, MNT_DETACH);
    rmdir(dir);
    return "";
  });
  EXPECT_EQ(problem, "");
}

}  // namespace
}  // namespace nsm
