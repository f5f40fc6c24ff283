#include "harness/judge/probe_output.h"

#include <gtest/gtest.h>

namespace nsm {
namespace {

const std::vector<std::string> kRequested = {"ns.net", "uts.hostname"};

TEST(ProbeOutput, CompleteStream) {
  ProbeOutput out = ParseProbeOutput(
      "nsmatrix-probe/1 pid=1\nprobe ns.net dev=4 ino=5\nprobe uts.hostname rc=0 errno=0\nend "
      "probes=2\n",
      kRequested);
  EXPECT_FALSE(out.stream_error);
  EXPECT_EQ(out.records.size(), 2u);
}

TEST(ProbeOutput, EveryBrokenStreamIsAnError) {
  struct Case {
    const char* text;
    const char* why;
  } cases[] = {
      {"", "nothing"},
      {"probe ns.net dev=4 ino=5\nend probes=1\n", "no hello"},
      {"nsmatrix-probe/1 pid=1\nprobe ns.net dev=4 ino=5\n", "no end"},
      {"nsmatrix-probe/1 pid=1\nprobe ns.net dev=4 ino=5\nend probes=2\n", "end miscounts"},
      {"nsmatrix-probe/1 pid=1\nSegmentation fault\n", "garbage"},
      {"nsmatrix-probe/1 pid=1\nprobe ns.net dev=4 ino=5\nend probes=1", "no final newline"},
      {"nsmatrix-probe/1 pid=1\nprobe ns.mnt dev=4 ino=5\nend probes=1\n", "unrequested probe"},
      {"nsmatrix-probe/1 pid=1\nprobe ns.net a=1\nprobe ns.net a=2\nend probes=2\n", "duplicate"},
      {"nsmatrix-probe/1 pid=1\nend probes=0\nprobe ns.net a=1\n", "after end"},
  };
  for (const Case& c : cases) {
    EXPECT_TRUE(ParseProbeOutput(c.text, kRequested).stream_error) << c.why;
  }
}

TEST(ProbeOutput, ACutOffLastLineIsNeverParsed) {
  // "ino=4026532" could be the first digits of another namespace's inode.
  ProbeOutput out =
      ParseProbeOutput("nsmatrix-probe/1 pid=1\nprobe ns.net dev=4 ino=4026532", kRequested);
  EXPECT_TRUE(out.stream_error);
  EXPECT_TRUE(out.records.empty());
}

TEST(ProbeOutput, AProtocolViolationDiscardsEveryRecord) {
  ProbeOutput out =
      ParseProbeOutput("nsmatrix-probe/1 pid=1\nprobe ns.net dev=4 ino=5\ngarbage\n", kRequested);
  EXPECT_TRUE(out.stream_error);
  EXPECT_TRUE(out.records.empty());
}

TEST(ProbeOutput, RecordsBeforeACrashAreKept) {
  ProbeOutput out =
      ParseProbeOutput("nsmatrix-probe/1 pid=1\nprobe ns.net dev=4 ino=5\n", kRequested);
  EXPECT_TRUE(out.stream_error);
  EXPECT_TRUE(out.records.contains("ns.net"));
  EXPECT_FALSE(out.records.contains("uts.hostname"));
}

}  // namespace
}  // namespace nsm
