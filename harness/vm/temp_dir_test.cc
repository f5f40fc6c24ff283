#include "harness/vm/temp_dir.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <optional>
#include <string>

#include "harness/common/unique_fd.h"

namespace nsm {
namespace {

bool Exists(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0;
}

// A pid that was just in use and is not any more.
pid_t GonePid() {
  pid_t pid = fork();
  if (pid == 0) _exit(0);
  waitpid(pid, nullptr, 0);
  return pid;
}

// TMPDIR pointed at a directory of the test's own while it lives.
class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/nsm-tempdir-test-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    tmp_ = dir;
    const char* old = getenv("TMPDIR");
    if (old) old_tmpdir_ = old;
    setenv("TMPDIR", tmp_.c_str(), 1);
  }
  void TearDown() override {
    if (old_tmpdir_) {
      setenv("TMPDIR", old_tmpdir_->c_str(), 1);
    } else {
      unsetenv("TMPDIR");
    }
    std::string cmd = "rm -rf --one-file-system '" + tmp_ + "'";
    ASSERT_EQ(system(cmd.c_str()), 0);
  }
  // A directory left a minute ago (`age` seconds), with a file in it.
  std::string Make(const std::string& name, mode_t mode, int age = 60) {
    std::string path = tmp_ + "/" + name;
    EXPECT_EQ(mkdir(path.c_str(), mode), 0) << path;
    chmod(path.c_str(), mode);
    std::ofstream(path + "/file") << "x";
    timeval then[2] = {{time(nullptr) - age, 0}, {time(nullptr) - age, 0}};
    EXPECT_EQ(utimes(path.c_str(), then), 0);
    return path;
  }
  std::string tmp_;
  std::optional<std::string> old_tmpdir_;
};

TEST_F(TempDirTest, NamedByItsOwnerAndRemovedWithItsContents) {
  std::string path;
  {
    Result<TempDir> dir = TempDir::Create("nsm-x");
    ASSERT_TRUE(dir) << dir.error().Message();
    path = dir->Path();
    EXPECT_EQ(path.rfind(tmp_ + "/nsm-x-" + std::to_string(getpid()) + ".", 0), 0u) << path;
    std::ofstream(path + "/inside") << "data";
    ASSERT_EQ(mkdir((path + "/sub").c_str(), 0700), 0);
  }
  EXPECT_FALSE(Exists(path));
}

// A run killed outright leaves its directory: the next one removes it, and
// only what is certainly a gone owner's: no lock held on it (an owner in
// another PID namespace holds its lock as well as one in this).
TEST_F(TempDirTest, TheNextOneRemovesThoseOfOwnersThatAreGone) {
  std::string gone = Make("nsm-x-" + std::to_string(GonePid()) + ".AbC123", 0700);
  std::string live = Make("nsm-x-" + std::to_string(GonePid()) + ".LiV123", 0700);
  UniqueFd held(open(live.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  ASSERT_EQ(flock(held.Get(), LOCK_EX | LOCK_NB), 0);
  std::string open_mode = Make("nsm-x-" + std::to_string(GonePid()) + ".dEf456", 0755);
  std::string other_prefix = Make("nsm-y-" + std::to_string(GonePid()) + ".AbC123", 0700);
  std::string not_a_pid = Make("nsm-x-12ab.AbC123", 0700);
  // Just made, perhaps not yet locked by its owner.
  std::string young = Make("nsm-x-" + std::to_string(GonePid()) + ".yNg123", 0700, 0);
  std::string link = tmp_ + "/nsm-x-" + std::to_string(GonePid()) + ".gHi789";
  ASSERT_EQ(symlink(gone.c_str(), link.c_str()), 0);
  Result<TempDir> dir = TempDir::Create("nsm-x");
  ASSERT_TRUE(dir) << dir.error().Message();
  EXPECT_FALSE(Exists(gone));
  EXPECT_TRUE(Exists(live + "/file"));
  EXPECT_TRUE(Exists(open_mode + "/file"));
  EXPECT_TRUE(Exists(other_prefix + "/file"));
  EXPECT_TRUE(Exists(not_a_pid + "/file"));
  EXPECT_TRUE(Exists(young + "/file"));
  EXPECT_TRUE(Exists(link));
  // Its own is locked while it lives: another Create leaves it alone.
  Result<TempDir> second = TempDir::Create("nsm-x");
  ASSERT_TRUE(second) << second.error().Message();
  EXPECT_TRUE(Exists(dir->Path()));
}

}  // namespace
}  // namespace nsm
