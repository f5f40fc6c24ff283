#include "harness/launcher/id_map.h"

#include <gtest/gtest.h>

namespace nsm {
namespace {

TEST(IdMap, UnprivilegedMapUsesSubordinateIds) {
  IdMapPlan plan = PlanIdMaps(UsernsMap::unprivileged, 0, 0, /*privileged=*/true);
  EXPECT_EQ(plan.uid_map, "0 100000 65536\n");
  EXPECT_EQ(plan.gid_map, "0 100000 65536\n");
  EXPECT_FALSE(plan.deny_setgroups);
}

TEST(IdMap, RootMapIsTheCaller) {
  IdMapPlan plan = PlanIdMaps(UsernsMap::root, 0, 0, true);
  EXPECT_EQ(plan.uid_map, "0 0 1\n");
  EXPECT_FALSE(plan.deny_setgroups);
}

TEST(IdMap, WithoutCapabilitiesOnlyOwnIdsAndSetgroupsDenied) {
  IdMapPlan plan = PlanIdMaps(UsernsMap::unprivileged, 1000, 1001, /*privileged=*/false);
  EXPECT_EQ(plan.uid_map, "0 1000 1\n");
  EXPECT_EQ(plan.gid_map, "0 1001 1\n");
  EXPECT_TRUE(plan.deny_setgroups);
}

TEST(IdMap, ParseRejectsUnknown) {
  EXPECT_EQ(*ParseUsernsMap("root"), UsernsMap::root);
  EXPECT_EQ(*ParseUsernsMap("unprivileged"), UsernsMap::unprivileged);
  EXPECT_FALSE(ParseUsernsMap("Root"));
}

}  // namespace
}  // namespace nsm
