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
  EXPECT_EQ(steps, (std::vector<ChildStep>{ChildStep::kWaitForGo, ChildStep::kInstallResultFd,
                                           ChildStep::kExecProbe}));
}

TEST(ChildSteps, PropagationAndRootfs) {
  ChildPlanOptions unchanged{.propagation = Propagation::kUnchanged};
  EXPECT_FALSE(
      Contains(PlanChildSteps(*NsSet::Parse("mnt"), unchanged), ChildStep::kSetPropagation));
  EXPECT_TRUE(Contains(PlanChildSteps(*NsSet::Parse("mnt"), {}), ChildStep::kSetPropagation));
  EXPECT_FALSE(Contains(PlanChildSteps(*NsSet::Parse("pid"), {}), ChildStep::kSetPropagation));
  ChildPlanOptions rootfs{.has_rootfs = true};
  EXPECT_TRUE(Contains(PlanChildSteps(*NsSet::Parse("mnt"), rootfs), ChildStep::kPivotRoot));
  EXPECT_TRUE(Contains(PlanChildSteps(NsSet(), rootfs), ChildStep::kChroot));
  EXPECT_FALSE(Contains(PlanChildSteps(NsSet(), rootfs), ChildStep::kPivotRoot));
  // The new root comes before the fresh /proc that goes inside it.
  std::vector<ChildStep> steps = PlanChildSteps(*NsSet::Parse("mnt+pid"), rootfs);
  auto proc = std::find(steps.begin(), steps.end(), ChildStep::kReplaceProc);
  ASSERT_NE(proc, steps.end());
  EXPECT_LT(std::find(steps.begin(), steps.end(), ChildStep::kPivotRoot), proc);
  // Shared propagation would carry pivot_root's bind mount to the host: chroot.
  ChildPlanOptions shared_rootfs{.propagation = Propagation::kShared, .has_rootfs = true};
  EXPECT_TRUE(Contains(PlanChildSteps(*NsSet::Parse("mnt"), shared_rootfs), ChildStep::kChroot));
  EXPECT_FALSE(
      Contains(PlanChildSteps(*NsSet::Parse("mnt"), shared_rootfs), ChildStep::kPivotRoot));
  EXPECT_TRUE(ParsePropagation("slave"));
  EXPECT_FALSE(ParsePropagation("rshared"));
}

TEST(ChildSteps, ProcOnlyWithMountAndPid) {
  for (const char* combo : {"pid", "mnt", "none"}) {
    std::vector<ChildStep> steps = PlanChildSteps(*NsSet::Parse(combo), {});
    EXPECT_FALSE(Contains(steps, ChildStep::kMountProc)) << combo;
    EXPECT_FALSE(Contains(steps, ChildStep::kReplaceProc)) << combo;
  }
  std::vector<ChildStep> steps = PlanChildSteps(*NsSet::Parse("mnt+pid"), {});
  // Propagation is made private before anything is mounted.
  auto priv = std::find(steps.begin(), steps.end(), ChildStep::kSetPropagation);
  auto proc = std::find(steps.begin(), steps.end(), ChildStep::kReplaceProc);
  ASSERT_NE(priv, steps.end());
  ASSERT_NE(proc, steps.end());
  EXPECT_LT(priv, proc);
  EXPECT_FALSE(Contains(steps, ChildStep::kMountProc));
  // The inherited /proc is replaced where it can be: not with a user
  // namespace, where the kernel locks it, and not under shared propagation,
  // where the new procfs would reach the sandbox's /proc.
  steps = PlanChildSteps(*NsSet::Parse("mnt+pid+user"), {});
  EXPECT_FALSE(Contains(steps, ChildStep::kReplaceProc));
  EXPECT_TRUE(Contains(steps, ChildStep::kMountProc));
  for (Propagation p : {Propagation::kShared, Propagation::kUnchanged}) {
    steps = PlanChildSteps(*NsSet::Parse("mnt+pid"), {.propagation = p});
    EXPECT_FALSE(Contains(steps, ChildStep::kReplaceProc));
    EXPECT_TRUE(Contains(steps, ChildStep::kMountProc));
  }
  EXPECT_TRUE(
      Contains(PlanChildSteps(*NsSet::Parse("mnt+pid"), {.propagation = Propagation::kSlave}),
               ChildStep::kReplaceProc));
}

TEST(ChildSteps, UserNamespaceWaitsForMapsFirst) {
  std::vector<ChildStep> steps = PlanChildSteps(NsSet::All(), {});
  ASSERT_GE(steps.size(), 2u);
  EXPECT_EQ(steps[0], ChildStep::kWaitForGo);
  // Container root only right before exec (see PlanChildSteps).
  EXPECT_EQ(steps[steps.size() - 3], ChildStep::kBecomeRoot);
  EXPECT_EQ(steps.back(), ChildStep::kExecProbe);
}

TEST(ChildSteps, TheHostActsAfterEveryMountStepAndBeforeExec) {
  ChildPlanOptions options{.has_rootfs = true, .host_acts_before_exec = true};
  std::vector<ChildStep> steps = PlanChildSteps(NsSet::All(), options);
  auto wait = std::find(steps.begin(), steps.end(), ChildStep::kWaitForHost);
  ASSERT_NE(wait, steps.end());
  for (ChildStep mount_step :
       {ChildStep::kSetPropagation, ChildStep::kPivotRoot, ChildStep::kMountProc}) {
    auto at = std::find(steps.begin(), steps.end(), mount_step);
    ASSERT_NE(at, steps.end());
    EXPECT_LT(at, wait);
  }
  EXPECT_EQ(steps[steps.size() - 3], ChildStep::kWaitForHost);
  // Not asked for, not planned.
  options.host_acts_before_exec = false;
  steps = PlanChildSteps(NsSet::All(), options);
  EXPECT_EQ(std::find(steps.begin(), steps.end(), ChildStep::kWaitForHost), steps.end());
}

TEST(ChildSteps, TimeViaUnshareLeavesCloneNewtimeToTheLauncher) {
  NsSet time = *NsSet::Parse("time+pid");
  ChildPlanOptions via_clone3{.time_via_unshare = false};
  EXPECT_TRUE(CloneFlagsFor(time, via_clone3) & CLONE_NEWTIME);
  ChildPlanOptions via_unshare{.time_via_unshare = true};
  EXPECT_FALSE(CloneFlagsFor(time, via_unshare) & CLONE_NEWTIME);
  EXPECT_TRUE(CloneFlagsFor(time, via_unshare) & CLONE_NEWPID);
  // Either way the child has nothing to do for time (see time_ns.h).
  EXPECT_EQ(PlanChildSteps(time, via_clone3), PlanChildSteps(time, via_unshare));
}

}  // namespace
}  // namespace nsm
