#include "reports/atomic_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace nsm {
namespace {

namespace fs = std::filesystem;

class WriteFileAtomicallyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "nsm-atomic-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::vector<std::string> Entries() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  static std::string Read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
  }

  fs::path dir_;
};

TEST_F(WriteFileAtomicallyTest, WritesNewFileWithMode0644) {
  fs::path path = dir_ / "report.json";
  ASSERT_TRUE(WriteFileAtomically(path.string(), "{\"a\": 1}\n"));
  EXPECT_EQ(Read(path), "{\"a\": 1}\n");
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);
  EXPECT_EQ(Entries(), std::vector<std::string>{"report.json"});
}

TEST_F(WriteFileAtomicallyTest, OverwritesExistingFile) {
  fs::path path = dir_ / "report.md";
  ASSERT_TRUE(WriteFileAtomically(path.string(), "a much longer first version\n"));
  ASSERT_TRUE(WriteFileAtomically(path.string(), "short\n"));
  EXPECT_EQ(Read(path), "short\n");
  EXPECT_EQ(Entries(), std::vector<std::string>{"report.md"});
}

TEST_F(WriteFileAtomicallyTest, WritesEmptyAndBinaryContent) {
  fs::path empty = dir_ / "empty";
  ASSERT_TRUE(WriteFileAtomically(empty.string(), ""));
  EXPECT_EQ(fs::file_size(empty), 0u);

  std::string binary("a\0b\n", 4);
  binary += std::string(1 << 20, 'x');
  fs::path big = dir_ / "big";
  ASSERT_TRUE(WriteFileAtomically(big.string(), binary));
  EXPECT_EQ(Read(big), binary);
}

TEST_F(WriteFileAtomicallyTest, FailsIntoMissingDirectoryLeavingNothing) {
  fs::path path = dir_ / "missing" / "report.json";
  Status status = WriteFileAtomically(path.string(), "x");
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().err, ENOENT);
  EXPECT_NE(status.error().context.find(path.string()), std::string::npos);
  EXPECT_NE(status.error().Message().find("ENOENT"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_ / "missing"));
  EXPECT_TRUE(Entries().empty());
}

TEST_F(WriteFileAtomicallyTest, RemovesTempFileWhenRenameFails) {
  // A non-empty directory in the way: the temp file is written, then rename() fails.
  fs::path path = dir_ / "occupied";
  fs::create_directory(path);
  std::ofstream(path / "keep") << "keep";
  Status status = WriteFileAtomically(path.string(), "x");
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().err, EISDIR);
  EXPECT_NE(status.error().context.find(path.string()), std::string::npos);
  EXPECT_EQ(Entries(), std::vector<std::string>{"occupied"});
}

TEST_F(WriteFileAtomicallyTest, RejectsPathWithoutFileName) {
  Status status = WriteFileAtomically(dir_.string() + "/", "x");
  ASSERT_FALSE(status);
  EXPECT_TRUE(Entries().empty());
}

// `--json /dev/stdout` or `--markdown /dev/null`: the stream gets the
// content and stays what it was (a rename over it would replace the device
// node with a regular file). A FIFO and a symlink to it stand in for both.
TEST_F(WriteFileAtomicallyTest, AStreamIsWrittenToNeverReplaced) {
  fs::path fifo = dir_ / "stream";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  fs::create_symlink(fifo, dir_ / "link");
  for (const fs::path& target : {fifo, dir_ / "link"}) {
    int reader = open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    ASSERT_GE(reader, 0);
    Status status = WriteFileAtomically(target.string(), "report\n");
    EXPECT_TRUE(status) << status.error().Message();
    char buf[16] = {};
    EXPECT_EQ(read(reader, buf, sizeof(buf)), 7);
    EXPECT_STREQ(buf, "report\n");
    close(reader);
    EXPECT_TRUE(fs::is_fifo(fifo));
    EXPECT_TRUE(fs::is_symlink(dir_ / "link"));
  }
  EXPECT_EQ(Entries(), (std::vector<std::string>{"link", "stream"}));
}

// `--json /dev/stdout > out.json`: /dev/stdout leads to a regular file
// through the caller's descriptor. The file gets the report (appended: two
// reports to one descriptor follow each other) and every link stays a link.
TEST_F(WriteFileAtomicallyTest, ADescriptorsFileIsWrittenThroughIt) {
  fs::path out = dir_ / "out.json";
  int fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  std::string through = "/proc/self/fd/" + std::to_string(fd);
  fs::create_symlink(through, dir_ / "stdout");
  EXPECT_TRUE(WriteFileAtomically((dir_ / "stdout").string(), "one\n"));
  EXPECT_TRUE(WriteFileAtomically(through, "two\n"));
  close(fd);
  EXPECT_EQ(Read(out), "one\ntwo\n");
  EXPECT_TRUE(fs::is_symlink(dir_ / "stdout"));
  EXPECT_EQ(Entries(), (std::vector<std::string>{"out.json", "stdout"}));
}

// A symbolic link to a regular file stays a link; the file is replaced.
TEST_F(WriteFileAtomicallyTest, ALinkToAFileKeepsTheLink) {
  fs::create_directory(dir_ / "real");
  { std::ofstream(dir_ / "real" / "m.json") << "old"; }
  fs::create_symlink("real/m.json", dir_ / "latest.json");
  EXPECT_TRUE(WriteFileAtomically((dir_ / "latest.json").string(), "new"));
  EXPECT_TRUE(fs::is_symlink(dir_ / "latest.json"));
  EXPECT_EQ(Read(dir_ / "real" / "m.json"), "new");
  EXPECT_EQ(Entries(), (std::vector<std::string>{"latest.json", "real"}));
}

// What the run checks before it starts, so that an output it could not write
// fails in a second, not after the matrix.
TEST_F(WriteFileAtomicallyTest, CheckWritableTriesTheWritersFirstStepAndLeavesNothing) {
  Status fine = CheckWritableAtomically((dir_ / "report.json").string());
  EXPECT_TRUE(fine) << fine.error().Message();
  EXPECT_TRUE(Entries().empty());

  // procfs takes no new file, whatever access(2) tells root.
  Status proc = CheckWritableAtomically("/proc/nsm-report.json");
  ASSERT_FALSE(proc);
  EXPECT_TRUE(proc.error().err == ENOENT || proc.error().err == EACCES) << proc.error().Message();
  EXPECT_EQ(proc.error().Message().find("does not exist"), std::string::npos)
      << "/proc exists: " << proc.error().Message();

  Status missing = CheckWritableAtomically((dir_ / "no" / "report.json").string());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().err, ENOENT);
  EXPECT_NE(missing.error().Message().find("does not exist"), std::string::npos);

  Status directory = CheckWritableAtomically(dir_.string());
  ASSERT_FALSE(directory);
  EXPECT_EQ(directory.error().err, EISDIR);

  // A stream is written in place: no temporary file, and no open that would
  // wait for a FIFO's reader.
  fs::path fifo = dir_ / "stream";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_TRUE(CheckWritableAtomically(fifo.string()));
  EXPECT_EQ(Entries(), std::vector<std::string>{"stream"});
}

}  // namespace
}  // namespace nsm
