#include "harness/gate/allow_list.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <string>

namespace nsm {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// The error message for `text`, which must not parse.
std::string ErrorOf(const std::string& text) {
  Result<AllowList> list = ParseAllowList(text, "allow.toml");
  EXPECT_FALSE(list) << "parsed: " << text;
  return list ? "" : list.error().Message();
}

TEST(ParseAllowListTest, ReadsEntries) {
  Result<AllowList> list = ParseAllowList(
      "# known regressions\n"
      "\n"
      "[[allow]]\n"
      "combination = \"pid+mnt\"\n"
      "probe = \"pid.see_host\"\n"
      "to = \"leaked\"\n"
      "reason = \"known: read-only /proc\"\n"
      "\n"
      "[[allow]]\n"
      "combination = \"*\"\n"
      "probe = \"ipc.\"\n"
      "reason = \"no SysV IPC\"\n"
      "[[allow]]\n"
      "combination = \"none\"\n"
      "probe = \"*\"\n"
      "reason = \"x\"\n",
      "allow.toml");
  ASSERT_TRUE(list) << list.error().Message();
  ASSERT_EQ(list->entries.size(), 3u);
  const AllowEntry& first = list->entries[0];
  EXPECT_EQ(first.combination, "mnt+pid");  // stored canonically
  EXPECT_EQ(first.probe, "pid.see_host");
  EXPECT_EQ(first.to, "leaked");
  EXPECT_EQ(first.reason, "known: read-only /proc");
  EXPECT_EQ(first.line, 3);
  EXPECT_EQ(list->entries[1].combination, "*");
  EXPECT_EQ(list->entries[1].probe, "ipc.");
  EXPECT_FALSE(list->entries[1].to.has_value());
  EXPECT_EQ(list->entries[1].line, 9);
  EXPECT_EQ(list->entries[2].combination, "none");
  EXPECT_EQ(list->entries[2].probe, "*");
  EXPECT_EQ(list->entries[2].line, 13);
}

TEST(ParseAllowListTest, InlineTablesToo) {
  Result<AllowList> list = ParseAllowList(
      "allow = [\n  { combination = \"uts\", probe = \"uts.hostname\", reason = \"r\" },\n]\n",
      "allow.toml");
  ASSERT_TRUE(list) << list.error().Message();
  ASSERT_EQ(list->entries.size(), 1u);
  EXPECT_EQ(list->entries[0].combination, "uts");
}

TEST(ParseAllowListTest, EmptyFileAllowsNothing) {
  Result<AllowList> list = ParseAllowList("# nothing yet\n", "allow.toml");
  ASSERT_TRUE(list);
  EXPECT_TRUE(list->entries.empty());
}

TEST(ParseAllowListTest, ExampleFileIsValid) {
  Result<AllowList> list =
      LoadAllowList(std::string(NSM_GATE_SOURCE_DIR) + "/allow-list.example.toml");
  ASSERT_TRUE(list) << list.error().Message();
  ASSERT_EQ(list->entries.size(), 3u);
  EXPECT_EQ(list->entries[0].combination, "mnt+pid");
  EXPECT_EQ(list->entries[2].combination, "pid+time");
  for (const AllowEntry& entry : list->entries) EXPECT_FALSE(entry.reason.empty());
}

TEST(ParseAllowListTest, SyntaxErrorNamesTheLine) {
  std::string message = ErrorOf("[[allow]]\ncombination = \"uts\"\nprobe = \n");
  EXPECT_THAT(message, StartsWith("allow.toml:3: TOML syntax error"));
  EXPECT_THAT(message, HasSubstr("load allow list"));
}

TEST(ParseAllowListTest, MissingReason) {
  EXPECT_THAT(ErrorOf("\n[[allow]]\ncombination = \"uts\"\nprobe = \"uts.hostname\"\n"),
              StartsWith("allow.toml:2: [[allow]] entry without a reason (expected reason = "));
}

TEST(ParseAllowListTest, EmptyReason) {
  EXPECT_THAT(ErrorOf("[[allow]]\ncombination = \"uts\"\nprobe = \"uts.hostname\"\n"
                      "reason = \"  \"\n"),
              StartsWith("allow.toml:4: [[allow]] entry without a reason"));
}

TEST(ParseAllowListTest, UnknownKey) {
  EXPECT_THAT(ErrorOf("[[allow]]\ncombination = \"uts\"\nprobe = \"uts.hostname\"\n"
                      "reason = \"r\"\nfrom = \"isolated\"\n"),
              StartsWith("allow.toml:5: unknown key 'from' in [[allow]] (expected combination, "
                         "probe, to, reason)"));
  EXPECT_THAT(ErrorOf("version = 1\n[[allow]]\ncombination = \"uts\"\n"),
              StartsWith("allow.toml:1: unknown key 'version' (expected only [[allow]] tables)"));
}

TEST(ParseAllowListTest, BadOutcome) {
  EXPECT_THAT(ErrorOf("[[allow]]\ncombination = \"uts\"\nprobe = \"uts.hostname\"\n"
                      "to = \"leak\"\nreason = \"r\"\n"),
              StartsWith("allow.toml:4: bad outcome \"leak\" for 'to' (expected isolated, leaked, "
                         "unsupported, refused or error)"));
}

TEST(ParseAllowListTest, BadCombination) {
  std::string message =
      ErrorOf("[[allow]]\ncombination = \"mnt+pdi\"\nprobe = \"uts.hostname\"\nreason = \"r\"\n");
  EXPECT_THAT(message, StartsWith("allow.toml:2: bad combination \"mnt+pdi\": unknown namespace "
                                  "'pdi'"));
  EXPECT_THAT(message, HasSubstr("(or \"*\" for all)"));
  EXPECT_THAT(ErrorOf("[[allow]]\ncombination = \"\"\nprobe = \"a\"\nreason = \"r\"\n"),
              StartsWith("allow.toml:2: bad combination \"\""));
  EXPECT_THAT(ErrorOf("[[allow]]\ncombination = \"pid+pid\"\nprobe = \"a\"\nreason = \"r\"\n"),
              StartsWith("allow.toml:2: bad combination \"pid+pid\": namespace 'pid' appears "
                         "twice"));
}

TEST(ParseAllowListTest, BadProbe) {
  for (const char* probe : {"", "Pid.see_host", "pid..x", ".pid", "ipc*", "pid see"}) {
    EXPECT_THAT(ErrorOf(std::string("[[allow]]\ncombination = \"*\"\nprobe = \"") + probe +
                        "\"\nreason = \"r\"\n"),
                StartsWith(std::string("allow.toml:3: bad probe \"") + probe + "\""))
        << probe;
  }
}

// The gate names a config option's loss kernel.config.<OPTION>: that one
// loss can be allowed on its own, not only with every kernel difference.
TEST(ParseAllowListTest, AConfigOptionCanBeAllowedByItsName) {
  Result<AllowList> list = ParseAllowList(
      "[[allow]]\ncombination = \"*\"\nprobe = \"kernel.config.CONFIG_TIME_NS\"\n"
      "reason = \"4.19 has no time namespaces\"\n",
      "allow.toml");
  ASSERT_TRUE(list) << list.error().Message();
  ASSERT_EQ(list->entries.size(), 1u);
  const AllowEntry& entry = list->entries[0];
  EXPECT_TRUE(AllowEntryMatches(entry, "none", "kernel.config.CONFIG_TIME_NS", "n"));
  EXPECT_FALSE(AllowEntryMatches(entry, "none", "kernel.config.CONFIG_USER_NS", "n"));
  EXPECT_FALSE(AllowEntryMatches(entry, "none", "kernel.", "absent"));
}

TEST(ParseAllowListTest, MissingCombinationOrProbe) {
  EXPECT_THAT(ErrorOf("[[allow]]\nprobe = \"uts.hostname\"\nreason = \"r\"\n"),
              StartsWith("allow.toml:1: [[allow]] entry without 'combination' (expected"));
  EXPECT_THAT(ErrorOf("[[allow]]\ncombination = \"*\"\nreason = \"r\"\n\n"
                      "[[allow]]\ncombination = \"*\"\nreason = \"r\"\n"),
              StartsWith("allow.toml:1: [[allow]] entry without 'probe' (expected"));
}

TEST(ParseAllowListTest, WrongTypes) {
  EXPECT_THAT(ErrorOf("[[allow]]\ncombination = \"*\"\nprobe = \"*\"\nreason = 5\n"),
              StartsWith("allow.toml:4: 'reason' must be a string (got a number)"));
  EXPECT_THAT(ErrorOf("[[allow]]\ncombination = [\"uts\"]\nprobe = \"*\"\nreason = \"r\"\n"),
              StartsWith("allow.toml:2: 'combination' must be a string (got an array)"));
  EXPECT_THAT(ErrorOf("[allow]\ncombination = \"*\"\n"),
              StartsWith("allow.toml:1: 'allow' must be an array of tables (expected [[allow]] "
                         "entries, not [allow])"));
  EXPECT_THAT(ErrorOf("\nallow = 5\n"), StartsWith("allow.toml:2: 'allow' must be an array"));
}

TEST(LoadAllowListTest, ReadsAFileAndNamesItInErrors) {
  char path[] = "/tmp/nsm-allow-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  {
    std::ofstream out(path);
    out << "[[allow]]\ncombination = \"*\"\nprobe = \"ns.\"\nreason = \"r\"\n\n"
           "[[allow]]\ncombination = \"*\"\nprobe = \"ns.\"\nto = \"lost\"\nreason = \"r\"\n";
  }
  Result<AllowList> list = LoadAllowList(path);
  ASSERT_FALSE(list);
  EXPECT_THAT(list.error().Message(), StartsWith(std::string(path) + ":9: bad outcome \"lost\""));
  unlink(path);

  Result<AllowList> missing = LoadAllowList("/nonexistent/allow.toml");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().err, ENOENT);
  EXPECT_THAT(missing.error().Message(), HasSubstr("/nonexistent/allow.toml: cannot read"));
}

TEST(AllowEntryMatchesTest, CombinationProbeAndTo) {
  AllowEntry exact{"mnt+pid", "pid.see_host", std::nullopt, "r", 1};
  EXPECT_TRUE(AllowEntryMatches(exact, "mnt+pid", "pid.see_host", "leaked"));
  EXPECT_TRUE(AllowEntryMatches(exact, "pid+mnt", "pid.see_host", "leaked"));
  EXPECT_FALSE(AllowEntryMatches(exact, "mnt+pid+user", "pid.see_host", "leaked"));
  EXPECT_FALSE(AllowEntryMatches(exact, "mnt+pid", "pid.see_host_2", "leaked"));
  EXPECT_FALSE(AllowEntryMatches(exact, "mnt+pid", "pid.kill_host", "leaked"));

  AllowEntry prefix{"*", "ipc.", "unsupported", "r", 1};
  EXPECT_TRUE(AllowEntryMatches(prefix, "none", "ipc.sysv_shm", "unsupported"));
  EXPECT_TRUE(AllowEntryMatches(prefix, "mnt+uts+ipc", "ipc.mq", "unsupported"));
  EXPECT_FALSE(AllowEntryMatches(prefix, "none", "ipc.sysv_shm", "error"));
  EXPECT_FALSE(AllowEntryMatches(prefix, "none", "ipcx.y", "unsupported"));
  EXPECT_FALSE(AllowEntryMatches(prefix, "none", "ns.ipc", "unsupported"));

  AllowEntry all{"*", "*", std::nullopt, "r", 1};
  EXPECT_TRUE(AllowEntryMatches(all, "none", "anything", "absent"));

  AllowList list{{exact, prefix, all}};
  EXPECT_EQ(FindAllowEntry(list, "mnt+pid", "pid.see_host", "leaked"), &list.entries[0]);
  EXPECT_EQ(FindAllowEntry(list, "uts", "ipc.x", "unsupported"), &list.entries[1]);
  EXPECT_EQ(FindAllowEntry(list, "uts", "ipc.x", "error"), &list.entries[2]);
  EXPECT_EQ(FindAllowEntry(AllowList{}, "uts", "ipc.x", "error"), nullptr);
}

}  // namespace
}  // namespace nsm
