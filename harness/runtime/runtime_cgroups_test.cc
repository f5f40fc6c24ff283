// The clean-up of cgroups a killed runc leaves: made here for real (root),
// with a process in them, and removed by name (integration).
#include "harness/runtime/runtime_cgroups.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

namespace nsm {
namespace {

bool IsDir(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

TEST(RuntimeCgroups, AKilledRuntimesCgroupsGoWithWhatIsInThem) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root";
  const std::string name = "nsm-test-" + std::to_string(getpid());
  std::vector<std::string> made;
  for (const char* top : {"/sys/fs/cgroup/unified", "/sys/fs/cgroup/pids", "/sys/fs/cgroup"}) {
    std::string dir = std::string(top) + "/" + name;
    if (IsDir(top) && access((std::string(top) + "/cgroup.procs").c_str(), W_OK) == 0 &&
        mkdir(dir.c_str(), 0755) == 0)
      made.push_back(dir);
  }
  if (made.empty()) GTEST_SKIP() << "no cgroup hierarchy to make a cgroup in";
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    pause();
    _exit(0);
  }
  for (const std::string& dir : made) {
    std::ofstream(dir + "/cgroup.procs") << child << "\n";
  }
  ASSERT_TRUE(RemoveCgroupsNamed(name, std::chrono::seconds(5)));
  for (const std::string& dir : made) EXPECT_FALSE(IsDir(dir)) << dir;
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  // Nothing there: nothing to do.
  EXPECT_TRUE(RemoveCgroupsNamed(name, std::chrono::seconds(1)));
}

TEST(RuntimeCgroups, OnlyASingleNameIsTaken) {
  EXPECT_FALSE(RemoveCgroupsNamed("", std::chrono::seconds(1)));
  EXPECT_FALSE(RemoveCgroupsNamed("..", std::chrono::seconds(1)));
  EXPECT_FALSE(RemoveCgroupsNamed("a/b", std::chrono::seconds(1)));
}

}  // namespace
}  // namespace nsm
