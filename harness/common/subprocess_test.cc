#include "harness/common/subprocess.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace nsm {
namespace {

TEST(SpawnAndWait, ReportsTheExitAndAFailedExec) {
  Result<Finished> done = SpawnAndWait({"/bin/sh", "-c", "exit 3"});
  ASSERT_TRUE(done) << done.error().Message();
  EXPECT_TRUE(done->status.exited);
  EXPECT_EQ(done->status.code, 3);
  Result<Finished> missing = SpawnAndWait({"/nonexistent/program"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().err, ENOENT);
}

// Gone, or a zombie nobody has reaped yet.
bool Dead(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;
  size_t close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'Z';
}

// The child dies with its parent, even when the parent is killed outright
// (nsmatrix bench's nsmatrix-bench, the matrix benchmark's nsmatrix run).
TEST(SpawnAndWait, TheChildDiesWithItsParent) {
  char dir[] = "/tmp/nsm-spawn-test-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string file = std::string(dir) + "/pid";
  pid_t parent = fork();
  ASSERT_GE(parent, 0);
  if (parent == 0) {
    SpawnAndWait(
        {"/bin/sh", "-c",
         "echo $$ > " + file + ".tmp && mv " + file + ".tmp " + file + " && exec sleep 100"},
        {.forward_interrupts = true});
    _exit(0);
  }
  pid_t child = 0;
  for (int round = 0; round < 500 && child == 0; ++round) {
    std::ifstream in(file);
    if (!(in >> child)) {
      child = 0;
      usleep(10'000);
    }
  }
  ASSERT_GT(child, 0);
  kill(parent, SIGKILL);
  waitpid(parent, nullptr, 0);
  bool dead = Dead(child);
  for (int round = 0; round < 500 && !dead; ++round) {
    usleep(10'000);
    dead = Dead(child);
  }
  EXPECT_TRUE(dead) << "the child " << child << " outlived its parent";
  if (!dead) kill(child, SIGKILL);
  unlink(file.c_str());
  rmdir(dir);
}

}  // namespace
}  // namespace nsm
