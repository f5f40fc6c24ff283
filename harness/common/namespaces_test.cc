#include "harness/common/namespaces.h"

#include <gtest/gtest.h>
#include <linux/sched.h>

#include <set>

namespace nsm {
namespace {

TEST(NsSet, ParsesAndPrintsInCanonicalOrder) {
  Result<NsSet> set = NsSet::Parse("pid+mnt");
  ASSERT_TRUE(set);
  EXPECT_EQ(set->ToString(), "mnt+pid");
  EXPECT_TRUE(set->Has(Ns::pid));
  EXPECT_TRUE(set->Has(Ns::mnt));
  EXPECT_FALSE(set->Has(Ns::user));
  EXPECT_EQ(set->CloneFlags(), static_cast<uint64_t>(CLONE_NEWNS | CLONE_NEWPID));
}

TEST(NsSet, NoneIsEmpty) {
  Result<NsSet> none = NsSet::Parse("none");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->Empty());
  EXPECT_EQ(none->ToString(), "none");
  EXPECT_EQ(none->CloneFlags(), 0u);
}

TEST(NsSet, EveryFlagIsDistinctAndRoundTrips) {
  std::set<uint64_t> flags;
  for (const NsInfo& info : kNamespaces) {
    flags.insert(info.clone_flag);
    Result<NsSet> one = NsSet::Parse(info.name);
    ASSERT_TRUE(one);
    EXPECT_EQ(one->CloneFlags(), info.clone_flag);
  }
  EXPECT_EQ(flags.size(), 8u);
  EXPECT_TRUE(flags.contains(CLONE_NEWTIME));
  EXPECT_TRUE(flags.contains(CLONE_NEWCGROUP));
  for (unsigned i = 0; i < kCombinationCount; ++i) {
    NsSet set = NsSet::FromIndex(i);
    Result<NsSet> again = NsSet::Parse(set.ToString());
    ASSERT_TRUE(again) << set.ToString();
    EXPECT_EQ(*again, set);
  }
}

TEST(NsSet, RejectsUnknownAndDuplicateNames) {
  Result<NsSet> bad = NsSet::Parse("mnt+network");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().context.find("network"), std::string::npos);
  EXPECT_FALSE(NsSet::Parse("pid+pid"));
  EXPECT_FALSE(NsSet::Parse(""));
  EXPECT_FALSE(NsSet::Parse("mnt+"));
  EXPECT_FALSE(NsSet::Parse("none+mnt"));
}

TEST(CombinationList, AllIs256Distinct) {
  Result<std::vector<NsSet>> all = ParseCombinationList("all");
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 256u);
  std::set<unsigned> indices;
  for (NsSet s : *all) indices.insert(s.Index());
  EXPECT_EQ(indices.size(), 256u);
}

TEST(CombinationList, KeepsOrderDropsDuplicates) {
  Result<std::vector<NsSet>> list = ParseCombinationList("none, pid+mnt ,mnt+pid,user");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].ToString(), "none");
  EXPECT_EQ((*list)[1].ToString(), "mnt+pid");
  EXPECT_EQ((*list)[2].ToString(), "user");
  EXPECT_FALSE(ParseCombinationList(""));
  EXPECT_FALSE(ParseCombinationList("none,bogus"));
}

TEST(CombinationList, AllInAListIsAllEightTypes) {
  Result<std::vector<NsSet>> list = ParseCombinationList("none,all");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].ToString(), "none");
  EXPECT_EQ((*list)[1].ToString(), "mnt+uts+ipc+net+pid+user+cgroup+time");
  EXPECT_EQ(ParseCombinationList("all,mnt+uts+ipc+net+pid+user+cgroup+time")->size(), 1u);
  // Alone, with spaces or a newline around it (as from a file): every combination.
  EXPECT_EQ(ParseCombinationList(" all\n")->size(), 256u);
}

TEST(NsSet, SubsetAndSize) {
  NsSet a = *NsSet::Parse("mnt");
  NsSet b = *NsSet::Parse("mnt+pid+user");
  EXPECT_TRUE(a.IsSubsetOf(b));
  EXPECT_FALSE(b.IsSubsetOf(a));
  EXPECT_EQ(b.Size(), 3);
  EXPECT_EQ(b.Without(Ns::user).With(Ns::net).ToString(), "mnt+net+pid");
}

}  // namespace
}  // namespace nsm
