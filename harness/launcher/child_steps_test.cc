#include "harness/launcher/child_steps.h"

#include <gtest/gtest.h>
#include <linux/sched.h>

#include <algorithm>

namespace nsm {
namespace {

bool Contains(const std::vector<ChildStep>& steps, ChildStep step) {
  return std::find(steps.begin(), steps.end(), step) != steps.end();
}

TEST(ChildSteps, NoNamespaceMountsNothing) {
  std::vector<ChildStep> steps = PlanChildSteps(NsSet(), {});
  EXPECT_EQ(steps, (std::vector<ChildStep>{ChildStep::kInstallResultFd, ChildStep::kExecProbe}));
}

TEST(ChildSteps, ProcOnlyWithMountAndPid) {
  EXPECT_FALSE(Contains(PlanChildSteps(*NsSet::Parse("pid"), {}), ChildStep::kMountProc));
  EXPECT_FALSE(Contains(PlanChildSteps(*NsSet::Parse("mnt"), {}), ChildStep::kMountProc));
  std::vector<ChildStep> steps = PlanChildSteps(*NsSet::Parse("mnt+pid"), {});
  // Propagation is made private before anything is mounted.
  auto priv = std::find(steps.begin(), steps.end(), ChildStep::kMakeMountsPrivate);
  auto proc = std::find(steps.begin(), steps.end(), ChildStep::kMountProc);
  ASSERT_NE(priv, steps.end());
  ASSERT_NE(proc, steps.end());
  EXPECT_LT(priv, proc);
}

TEST(ChildSteps, UserNamespaceWaitsForMapsFirst) {
  std::vector<ChildStep> steps = PlanChildSteps(NsSet::All(), {});
  ASSERT_GE(steps.size(), 2u);
  EXPECT_EQ(steps[0], ChildStep::kWaitForIdMaps);
  EXPECT_EQ(steps[1], ChildStep::kBecomeRoot);
  EXPECT_EQ(steps.back(), ChildStep::kExecProbe);
}

TEST(ChildSteps, TimeFallbackMovesCloneNewtimeToUnshare) {
  NsSet time = *NsSet::Parse("time+pid");
  EXPECT_TRUE(CloneFlagsFor(time, {}) & CLONE_NEWTIME);
  EXPECT_FALSE(Contains(PlanChildSteps(time, {}), ChildStep::kUnshareTimeAndFork));
  ChildPlanOptions fallback{.time_via_unshare = true};
  EXPECT_FALSE(CloneFlagsFor(time, fallback) & CLONE_NEWTIME);
  EXPECT_TRUE(CloneFlagsFor(time, fallback) & CLONE_NEWPID);
  EXPECT_TRUE(Contains(PlanChildSteps(time, fallback), ChildStep::kUnshareTimeAndFork));
  EXPECT_FALSE(
      Contains(PlanChildSteps(*NsSet::Parse("pid"), fallback), ChildStep::kUnshareTimeAndFork));
}

}  // namespace
}  // namespace nsm
