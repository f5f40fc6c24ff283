#include "harness/launcher/rootless.h"

#include <gtest/gtest.h>

namespace nsm {
namespace {

TEST(SubordinateRanges, ByNameOrIdInFileOrder) {
  const char* text =
      "alice:100000:65536\n"
      "bob:165536:65536\n"
      "1000:231072:10\n"
      " alice:1:65536\n"
      "alice:300000:65536\n";
  std::vector<SubordinateRange> alice = SubordinateRanges(text, "alice", 1000);
  ASSERT_EQ(alice.size(), 3u);
  EXPECT_EQ(alice[0].start, 100000u);
  EXPECT_EQ(alice[1].start, 231072u);  // by uid
  EXPECT_EQ(alice[1].count, 10u);
  EXPECT_EQ(alice[2].start, 300000u);  // " alice" is not alice: shadow trims nothing
  // Another user's lines, and a name only matched whole, are not alice's.
  EXPECT_TRUE(SubordinateRanges("alicex:1:65536\nbob:1:65536\n", "alice", 1000).empty());
  // Without a name (no passwd entry) only the id matches.
  EXPECT_EQ(SubordinateRanges(text, "", 1000).size(), 1u);
}

TEST(SubordinateRanges, MalformedLinesAreSkipped) {
  const char* text =
      "alice:100000\n"
      "alice:x:65536\n"
      "alice:100000:-1\n"
      "alice:100000:0\n"
      "alice:99999999999:1\n"
      "alice:4294967296:1\n"
      "# alice:1:1\n"
      "alice:7:8\n";
  std::vector<SubordinateRange> ranges = SubordinateRanges(text, "alice", 1000);
  ASSERT_EQ(ranges.size(), 1u);
  EXPECT_EQ(ranges[0].start, 7u);
  EXPECT_EQ(ranges[0].count, 8u);
}

TEST(SubordinateRanges, ChooseTheFirstFullRange) {
  EXPECT_FALSE(ChooseSubordinateRange({}).has_value());
  std::optional<SubordinateRange> small = ChooseSubordinateRange({{500, 10}, {900, 20}});
  ASSERT_TRUE(small);
  EXPECT_EQ(small->start, 500u);
  std::optional<SubordinateRange> full = ChooseSubordinateRange({{500, 10}, {900, 65536}});
  ASSERT_TRUE(full);
  EXPECT_EQ(full->start, 900u);
}

TEST(RootlessMap, OwnIdOnlyWithoutARange) {
  EXPECT_EQ(MapText(RootlessMap(1000, std::nullopt), '\n'), "0 1000 1");
}

TEST(RootlessMap, AFullRangeGivesTheUnprivilegedIds) {
  // 100000-165535 as --userns-map unprivileged needs, and no id for 4242.
  EXPECT_EQ(MapText(RootlessMap(1000, SubordinateRange{231072, 65536}), ' '),
            "0 1000 1 100000 231072 65536");
  // One id more: user.overflow_id's owner, 4242, gets it.
  EXPECT_EQ(MapText(RootlessMap(1000, SubordinateRange{231072, 70000}), '\n'),
            "0 1000 1\n100000 231072 65536\n4242 296608 1");
}

TEST(RootlessMap, ASmallRangeMapsFromOne) {
  EXPECT_EQ(MapText(RootlessMap(1000, SubordinateRange{500000, 1000}), ' '),
            "0 1000 1 1 500000 1000");
}

}  // namespace
}  // namespace nsm
