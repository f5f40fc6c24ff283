#include "harness/vm/qemu.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace nsm {
namespace {

std::vector<ConsoleEvent> FeedAll(ConsoleParser& console, std::string_view data) {
  std::vector<ConsoleEvent> events;
  console.Feed(data, [&](const ConsoleEvent& e) { events.push_back(e); });
  return events;
}

TEST(ConsoleParserTest, StagesProgressAndLines) {
  ConsoleParser console;
  std::vector<ConsoleEvent> events =
      FeedAll(console,
              "\x1b"
              "c\x1b[?7l\x1b[2JSeaBIOS (version 1.16)\r\n[    0.5] early kernel line\n"
              "NSM-VM-START 6.1.0-57-cloud-amd64\r\nkernel says hi\r\nNSM-VM-RUN\r\n"
              "\r\x1b[Knsmatrix: 3/256 combinations\r\x1b[Knsmatrix: 4/256 combinations\r\x1b[K"
              "summary line\nNSM-VM-SEND\nNSM-VM-DONE\n[ 9.1] reboot: Power down\n");
  ASSERT_EQ(events.size(), 8u);
  EXPECT_EQ(events[0].kind, ConsoleEvent::started);
  EXPECT_EQ(events[0].text, "6.1.0-57-cloud-amd64");
  EXPECT_EQ(events[1].kind, ConsoleEvent::line);
  EXPECT_EQ(events[1].text, "kernel says hi");
  EXPECT_EQ(events[2].kind, ConsoleEvent::running);
  EXPECT_EQ(events[3].kind, ConsoleEvent::progress);
  EXPECT_EQ(events[3].done, 3u);
  EXPECT_EQ(events[4].done, 4u);
  EXPECT_EQ(events[4].total, 256u);
  EXPECT_EQ(events[5].text, "summary line");
  EXPECT_EQ(events[6].kind, ConsoleEvent::sending);
  EXPECT_EQ(events[7].text, "[ 9.1] reboot: Power down");
  EXPECT_TRUE(console.Started());
  EXPECT_TRUE(console.Finished());
  EXPECT_FALSE(console.Panicked());
  EXPECT_EQ(console.Release(), "6.1.0-57-cloud-amd64");
  // Progress lines are not kept; escape sequences are gone.
  for (const std::string& line : console.Tail()) {
    EXPECT_EQ(line.find("combinations"), std::string::npos);
    EXPECT_EQ(line.find('\x1b'), std::string::npos);
  }
}

TEST(ConsoleParserTest, PanicAndAPartialLineAcrossFeeds) {
  ConsoleParser console;
  FeedAll(console, "[    1.2] Kernel pan");
  EXPECT_FALSE(console.Panicked());
  FeedAll(console, "ic - not syncing: VFS: Unable to mount root fs\n");
  EXPECT_TRUE(console.Panicked());
  EXPECT_FALSE(console.Started());
  ASSERT_EQ(console.Tail().size(), 1u);
  EXPECT_EQ(console.Tail()[0],
            "[    1.2] Kernel panic - not syncing: VFS: Unable to mount root fs");
}

TEST(ConsoleParserTest, KeepsTheLastTwentyLines) {
  ConsoleParser console;
  std::string text;
  for (int i = 0; i < 50; ++i) text += "line " + std::to_string(i) + "\n";
  FeedAll(console, text);
  ASSERT_EQ(console.Tail().size(), 20u);
  EXPECT_EQ(console.Tail().front(), "line 30");
  EXPECT_EQ(console.Tail().back(), "line 49");
}

TEST(QemuArgvTest, TwoSerialPortsNoRebootAndTheAccelerator) {
  QemuConfig config;
  config.kernel = "/k";
  config.initrd = "/i";
  config.channel_file = "/tmp/x/channel";
  config.append = "rdinit=/init";
  std::vector<std::string> argv = QemuArgv(config);
  auto has = [&](const std::string& a, const std::string& b) {
    for (size_t i = 0; i + 1 < argv.size(); ++i)
      if (argv[i] == a && argv[i + 1] == b) return true;
    return false;
  };
  EXPECT_EQ(argv[0], "qemu-system-x86_64");
  EXPECT_TRUE(has("-serial", "stdio"));
  EXPECT_TRUE(has("-serial", "file:/tmp/x/channel"));
  EXPECT_TRUE(has("-kernel", "/k"));
  EXPECT_TRUE(has("-initrd", "/i"));
  EXPECT_TRUE(has("-accel", "tcg"));
  EXPECT_TRUE(has("-append", "console=ttyS0 panic=-1 quiet rdinit=/init"));
  EXPECT_NE(std::find(argv.begin(), argv.end(), "-no-reboot"), argv.end());
  config.kvm = true;
  argv = QemuArgv(config);
  EXPECT_TRUE(has("-accel", "kvm"));
}

}  // namespace
}  // namespace nsm
