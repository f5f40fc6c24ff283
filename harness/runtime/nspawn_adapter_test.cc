// The command systemd-nspawn gets for a combination, and which of its messages
// are refusals (no root).
#include "harness/runtime/nspawn_adapter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/runtime/runtime_test_cell.h"

namespace nsm {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

RuntimeCommand CommandOf(const RuntimeCell& cell) {
  auto command = NspawnAdapter().Command(cell, "/usr/bin/systemd-nspawn");
  EXPECT_TRUE(std::holds_alternative<RuntimeCommand>(command));
  if (auto* run = std::get_if<RuntimeCommand>(&command)) return *run;
  return {};
}

std::string RefusalOf(const RuntimeCell& cell) {
  auto command = NspawnAdapter().Command(cell, "/usr/bin/systemd-nspawn");
  if (auto* refusal = std::get_if<Refusal>(&command)) return refusal->why;
  return "";
}

TEST(NspawnAdapter, RefusesWhatNspawnCannotExpress) {
  EXPECT_THAT(RefusalOf(TestCell("none")), HasSubstr("always makes a new mount namespace"));
  EXPECT_THAT(RefusalOf(TestCell("uts+net+pid")), HasSubstr("mount namespace"));
  EXPECT_THAT(RefusalOf(TestCell("mnt+cgroup+time")), HasSubstr("time namespace"));
  EXPECT_EQ(RefusalOf(TestCell("mnt")), "");
  EXPECT_EQ(NspawnAdapter().Package(), "systemd-container");
}

// The directory, and never anything that writes into it: with a root bound
// from the host, nspawn's default --resolv-conf=auto empties the host's
// /etc/resolv.conf, and --private-users-ownership=chown would chown it all.
TEST(NspawnAdapter, RunsTheProbeInTheWorkspaceWithoutWritingIntoIt) {
  RuntimeCommand run = CommandOf(TestCell("mnt+cgroup"));
  EXPECT_EQ(run.argv.front(), "/usr/bin/systemd-nspawn");
  for (const char* option :
       {"--directory=/tmp/.nsm-runtime/rootfs", "--machine=nsm-abc-7", "--register=no",
        "--keep-unit", "--settings=no", "--console=pipe", "--resolv-conf=off", "--timezone=off",
        "--link-journal=no", "--private-users-ownership=off", "--private-users=no",
        "--capability=all"})
    EXPECT_THAT(run.argv, Contains(option));
  // The probe and its arguments after "--", so that nspawn parses none of them.
  auto dashes = std::find(run.argv.begin(), run.argv.end(), "--");
  ASSERT_NE(dashes, run.argv.end());
  EXPECT_THAT(std::vector<std::string>(dashes + 1, run.argv.end()),
              ElementsAre("/proc/self/fd/4", "--hostname=h", "ns.uts"));
  EXPECT_TRUE(run.listen_fds);  // descriptors 3 and 4 by socket activation
  EXPECT_THAT(run.env, Contains("SYSTEMD_SECCOMP=0"));
  EXPECT_THAT(run.files, IsEmpty());
  EXPECT_THAT(run.delete_argv, IsEmpty());
}

// UTS, IPC, PID and cgroup namespaces are nspawn's default; leaving one out
// is its documented environment variable. Network and user on request.
TEST(NspawnAdapter, EachTypeHasItsOptionOrVariable) {
  RuntimeCommand bare = CommandOf(TestCell("mnt"));
  for (const char* var : {"SYSTEMD_NSPAWN_SHARE_NS_UTS=1", "SYSTEMD_NSPAWN_SHARE_NS_IPC=1",
                          "SYSTEMD_NSPAWN_SHARE_NS_PID=1", "SYSTEMD_NSPAWN_USE_CGNS=0"})
    EXPECT_THAT(bare.env, Contains(var));
  EXPECT_THAT(bare.argv, Not(Contains("--private-network")));

  RuntimeCommand full = CommandOf(TestCell("mnt+uts+ipc+net+pid+user+cgroup"));
  EXPECT_THAT(full.env, ElementsAre("SYSTEMD_SECCOMP=0"));
  EXPECT_THAT(full.argv, Contains("--private-network"));
  EXPECT_THAT(full.argv, Contains("--private-users=0:1"));
  EXPECT_THAT(full.argv, Not(Contains("--private-users=no")));

  RuntimeCommand range = CommandOf(TestCell("mnt+pid+user", UsernsMap::unprivileged));
  EXPECT_THAT(range.argv, Contains("--private-users=100000:65536"));
}

TEST(NspawnAdapter, MountsItsOwnSysfsAndKeepsNoPropagationChoice) {
  NspawnAdapter nspawn;
  EXPECT_TRUE(nspawn.MountsOwnSysfs());
  EXPECT_FALSE(nspawn.KeepsTheRootsProc());
  EXPECT_EQ(nspawn.FixedPropagation(), Propagation::kPrivate);
  SandboxNeeds needs = nspawn.Needs();
  EXPECT_TRUE(needs.bundle_workspace);
  EXPECT_TRUE(needs.private_run);
  EXPECT_TRUE(needs.own_mount_namespace);
}

// Its messages carry no name; only the refusals seen from it count as one.
TEST(NspawnAdapter, OnlyKnownMessagesAreRefusals) {
  NspawnAdapter nspawn;
  EXPECT_EQ(nspawn.OwnMessage("  \n"), std::nullopt);
  EXPECT_EQ(nspawn.OwnMessage("Failed to x\n"), "Failed to x");
  const NsSet user_without_pid = *NsSet::Parse("mnt+user");
  for (const char* refusal : {
           "Failed to mount proc (type proc) on /proc (MS_NOSUID|MS_NODEV|MS_NOEXEC \"\"): "
           "Operation not permitted\nChild died too early.",
           "Failed to fork inner child: No space left on device",
       })
    EXPECT_TRUE(nspawn.IsRefusal(refusal, user_without_pid)) << refusal;
  // The procfs refusal is the kernel's only for container root in a user
  // namespace without a PID namespace of its own; elsewhere something else
  // made it (this project's sandbox, once, for sysfs), and it is an error.
  const char* proc_eperm =
      "Failed to mount proc (type proc) on /proc (MS_NOSUID|MS_NODEV|MS_NOEXEC \"\"): "
      "Operation not permitted";
  for (const char* other : {"mnt", "mnt+user+pid", "mnt+pid", "mnt+net"})
    EXPECT_FALSE(nspawn.IsRefusal(proc_eperm, *NsSet::Parse(other))) << other;
  EXPECT_TRUE(nspawn.IsRefusal("Failed to fork inner child: No space left on device",
                               *NsSet::Parse("mnt")));
  // Not a refusal there, the procfs line leaves the lines after it to be read.
  EXPECT_TRUE(nspawn.IsRefusal(
      std::string(proc_eperm) + "\nFailed to fork inner child: No space left on device",
      *NsSet::Parse("mnt")));
  for (const char* error : {
           // Seen once, when nsmatrix's own sysfs over /sys/class/net caused it.
           "Failed to mount sysfs (type sysfs) on /sys/full (MS_RDONLY): Operation not permitted",
           "Failed to chown() cgroup /sys/fs/cgroup/unified/../../cell/payload: No such file or "
           "directory",
           "Directory /x doesn't look like it has an OS tree. Refusing.",
           "Failed to mount proc (type proc) on /proc: No such file or directory",
           "Unknown option --bogus",
           // It never sees the hybrid layout it fails on without a cgroup namespace.
           "Failed to read link /sys/fs/cgroup/perf_event: No such file or directory",
           // The kernel's words on a line that is not such a failure.
           "Failed to chown() cgroup /x: No such file or directory\nOperation not permitted",
       })
    EXPECT_FALSE(nspawn.IsRefusal(error, user_without_pid)) << error;
}

}  // namespace
}  // namespace nsm
