#include "harness/common/child_process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "harness/common/io.h"

namespace nsm {
namespace {

// One write, as a cgroup file wants it.
bool WriteFile(const std::string& path, const std::string& text) {
  UniqueFd fd(open(path.c_str(), O_WRONLY | O_CLOEXEC));
  return fd.Valid() && WriteAll(fd.Get(), text).has_value();
}

ChildProcess StartPausing() {
  pid_t pid = fork();
  if (pid == 0) {
    for (;;) pause();
  }
  return ChildProcess(pid, UniqueFd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0))));
}

TEST(ChildProcess, KillAndReapReapsAndSaysHow) {
  ChildProcess child = StartPausing();
  ASSERT_TRUE(child.Running());
  child.KillAndReap();
  ASSERT_TRUE(child.Status().has_value());
  EXPECT_EQ(child.StatusText(), "killed by SIGKILL");
  EXPECT_FALSE(child.Abandoned());
}

// A process the kernel will not let die (here: frozen by the cgroup v1
// freezer, where a SIGKILL waits for the thaw, as it does for a process
// asleep on a hung NFS file) is given up at the limit instead of waited for
// without end, which hung the whole run and its Ctrl-C.
TEST(ChildProcess, AProcessThatCannotDieIsGivenUpAtTheLimit) {
  const std::string freezer = "/sys/fs/cgroup/freezer";
  if (geteuid() != 0 || access((freezer + "/cgroup.procs").c_str(), W_OK) != 0)
    GTEST_SKIP() << "needs root and the cgroup v1 freezer at " << freezer;
  const std::string cgroup = freezer + "/nsm-test-" + std::to_string(getpid());
  ASSERT_EQ(mkdir(cgroup.c_str(), 0755), 0);
  ChildProcess child = StartPausing();
  const pid_t pid = child.Pid();
  // Whatever fails below, nothing stays frozen: thawed, killed, reaped, removed.
  struct Thaw {
    std::string cgroup;
    pid_t pid;
    ~Thaw() {
      WriteFile(cgroup + "/freezer.state", "THAWED");
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, WNOHANG);
      rmdir(cgroup.c_str());
    }
  } thaw{cgroup, pid};
  ASSERT_TRUE(WriteFile(cgroup + "/cgroup.procs", std::to_string(pid)));
  ASSERT_TRUE(WriteFile(cgroup + "/freezer.state", "FROZEN"));
  for (int i = 0; i < 500 && ReadFile(cgroup + "/freezer.state").value_or("") != "FROZEN\n"; ++i)
    usleep(10000);
  ASSERT_EQ(ReadFile(cgroup + "/freezer.state").value_or(""), "FROZEN\n");

  auto start = std::chrono::steady_clock::now();
  child.KillAndReap(std::chrono::milliseconds(300));
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, std::chrono::milliseconds(300));
  EXPECT_LT(took, std::chrono::seconds(5));
  EXPECT_TRUE(child.Abandoned());
  EXPECT_FALSE(child.Status().has_value());
  EXPECT_FALSE(child.Running());
  EXPECT_EQ(child.StatusText(), "not dead 10 s after SIGKILL (asleep in the kernel), left behind");
  child.KillAndReap();  // given up: nothing more to wait for
  EXPECT_TRUE(child.Abandoned());

  // Thawed, it dies of the SIGKILL it had, and is still this test's to reap.
  ASSERT_TRUE(WriteFile(cgroup + "/freezer.state", "THAWED"));
  int status = 0;
  EXPECT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
}

}  // namespace
}  // namespace nsm
