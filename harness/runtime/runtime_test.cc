// The command lines the adapters generate, and what they refuse (no root).
#include "harness/runtime/runtime.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "harness/rules/catalogue.h"
#include "harness/runtime/runtime_launch.h"
#include "harness/runtime/runtime_test_cell.h"

namespace nsm {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> Argv(RuntimeKind kind, const RuntimeCell& cell) {
  auto command = MakeRuntimeAdapter(kind)->Command(cell, "/usr/bin/rt");
  EXPECT_TRUE(std::holds_alternative<RuntimeCommand>(command));
  if (auto* run = std::get_if<RuntimeCommand>(&command)) return run->argv;
  return {};
}

std::string RefusalOf(RuntimeKind kind, const RuntimeCell& cell) {
  auto command = MakeRuntimeAdapter(kind)->Command(cell, "/usr/bin/rt");
  if (auto* refusal = std::get_if<Refusal>(&command)) return refusal->why;
  return "";
}

TEST(Runtime, NamesParseBackAndNativeHasNoAdapter) {
  for (RuntimeKind kind : kRuntimeKinds) EXPECT_EQ(*ParseRuntime(Name(kind)), kind);
  EXPECT_THAT(ParseRuntime("docker").error().context, HasSubstr("runc"));
  EXPECT_FALSE(ParseRuntime("docker"));
  EXPECT_EQ(MakeRuntimeAdapter(RuntimeKind::native), nullptr);
  EXPECT_EQ(MakeRuntimeAdapter(RuntimeKind::bwrap)->Package(), "bubblewrap");
  EXPECT_EQ(MakeRuntimeAdapter(RuntimeKind::unshare)->Package(), "util-linux");
  EXPECT_EQ(MakeRuntimeAdapter(RuntimeKind::runc)->Package(), "runc");
  EXPECT_EQ(MakeRuntimeAdapter(RuntimeKind::crun)->Package(), "crun");
}

TEST(RuntimeOutput, TheEndRecordIsAWholeLine) {
  constexpr size_t kNone = std::string_view::npos;
  std::string_view whole = "nsmatrix-probe/1 pid=1\nprobe ns.uts x=1\nend probes=1\n";
  EXPECT_EQ(EndRecordEnd(whole), whole.size());
  EXPECT_EQ(EndRecordEnd("end\nmore"), 4u);  // just past the end line, whatever follows
  EXPECT_EQ(EndRecordEnd("nsmatrix-probe/1 pid=1\nend probes=1"), kNone);  // still being written
  EXPECT_EQ(EndRecordEnd("probe ns.uts detail=end\nendless 1\n"), kNone);
  EXPECT_EQ(EndRecordEnd(""), kNone);
}

TEST(Runtime, TheProbesLeftOutAreInTheCatalogue) {
  for (const auto& [probe, why] : ProbesNeedingTheLauncher()) {
    EXPECT_TRUE(Catalogue::Builtin().Select(std::string(probe))) << probe;
    EXPECT_FALSE(why.empty());
  }
}

TEST(Runtime, RootsSubordinateRangeIsReadFromSubuidFiles) {
  char dir[] = "/tmp/nsm-subuid-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  auto write = [&](const std::string& name, const std::string& text) {
    std::string path = std::string(dir) + "/" + name;
    FILE* f = fopen(path.c_str(), "w");
    fputs(text.c_str(), f);
    fclose(f);
    return path;
  };
  EXPECT_TRUE(GivesRootTheUnprivilegedRange(write("a", "alice:100000:65536\nroot:100000:65536\n")));
  EXPECT_TRUE(GivesRootTheUnprivilegedRange(write("b", "0:65536:200000\n")));
  EXPECT_FALSE(GivesRootTheUnprivilegedRange(write("c", "alice:100000:65536\n")));
  EXPECT_FALSE(GivesRootTheUnprivilegedRange(write("d", "root:100000:1000\n")));
  EXPECT_FALSE(GivesRootTheUnprivilegedRange(write("e", "")));
  EXPECT_FALSE(GivesRootTheUnprivilegedRange(std::string(dir) + "/missing"));
  for (const char* name : {"a", "b", "c", "d", "e"})
    unlink((std::string(dir) + "/" + name).c_str());
  rmdir(dir);
}

// A refusal is a skip, so only a namespace the kernel refused counts as one:
// any other failure in unshare(1)'s or bubblewrap's own voice is an error.
TEST(Runtime, OnlyANamespaceRefusedIsARefusal) {
  auto unshare = MakeRuntimeAdapter(RuntimeKind::unshare);
  auto bwrap = MakeRuntimeAdapter(RuntimeKind::bwrap);
  EXPECT_TRUE(unshare->IsRefusal("unshare: unshare failed: No space left on device", NsSet::All()));
  EXPECT_TRUE(unshare->IsRefusal("unshare: unshare failed: Operation not permitted", NsSet::All()));
  EXPECT_TRUE(unshare->IsRefusal(
      "unshare: failed to write to /proc/self/timens_offsets: Permission denied", NsSet::All()));
  EXPECT_TRUE(
      bwrap->IsRefusal("bwrap: Creating new namespace failed: Too many users", NsSet::All()));
  EXPECT_TRUE(
      bwrap->IsRefusal("bwrap: Creating new namespace failed: Invalid argument", NsSet::All()));
  // bubblewrap 0.8's own words under a namespace limit, and newer ones' for EPERM.
  EXPECT_TRUE(
      bwrap->IsRefusal("bwrap: Creating new namespace failed: nesting depth or "
                       "/proc/sys/user/max_*_namespaces exceeded (ENOSPC)",
                       NsSet::All()));
  EXPECT_TRUE(
      bwrap->IsRefusal("bwrap: No permissions to create a new namespace, likely because "
                       "the kernel does not allow non-privileged user namespaces.",
                       NsSet::All()));
  // Line by line, each without the program's name: the words must be on one line.
  EXPECT_FALSE(
      unshare->IsRefusal("unshare: something\nunshare: mount /proc failed: Operation "
                         "not permitted",
                         NsSet::All()));
  EXPECT_FALSE(
      unshare->IsRefusal("unshare: mount namespace set up\nfork failed: Permission "
                         "denied",
                         NsSet::All()));
  // Its own name says nothing: "unshare:" is not a namespace call.
  EXPECT_FALSE(
      unshare->IsRefusal("unshare: fork failed: Resource temporarily unavailable", NsSet::All()));
  EXPECT_FALSE(
      unshare->IsRefusal("unshare: mount /proc failed: Operation not permitted", NsSet::All()));
  EXPECT_FALSE(unshare->IsRefusal("unshare: unshare failed: Cannot allocate memory", NsSet::All()));
  EXPECT_FALSE(unshare->IsRefusal("unshare: write failed /proc/self/uid_map: Invalid argument",
                                  NsSet::All()));
  EXPECT_FALSE(
      bwrap->IsRefusal("bwrap: Can't mount proc on /newroot/proc: Device or resource "
                       "busy",
                       NsSet::All()));
  EXPECT_FALSE(bwrap->IsRefusal("bwrap: anything", NsSet::All()));
  EXPECT_FALSE(bwrap->IsRefusal("", NsSet::All()));
}

TEST(UnshareAdapter, NoNamespaceExecsTheProbeInPlace) {
  EXPECT_THAT(Argv(RuntimeKind::unshare, TestCell("none")),
              ElementsAre("/usr/bin/rt", "--", "/proc/self/fd/4", "--hostname=h", "ns.uts"));
}

TEST(UnshareAdapter, EachTypeHasItsFlag) {
  RuntimeCell cell = TestCell("mnt+uts+ipc+net+pid+user+cgroup+time");
  cell.propagation = Propagation::kShared;
  cell.time_offset_seconds = 42;
  EXPECT_THAT(Argv(RuntimeKind::unshare, cell),
              ElementsAre("/usr/bin/rt", "--mount", "--propagation=shared", "--uts", "--ipc",
                          "--net", "--pid", "--kill-child", "--mount-proc", "--user",
                          "--map-root-user", "--cgroup", "--time", "--monotonic=42",
                          "--boottime=42", "--", "/proc/self/fd/4", "--hostname=h", "ns.uts"));
}

TEST(UnshareAdapter, ProcIsMountedOnlyWithMountAndPid) {
  EXPECT_THAT(Argv(RuntimeKind::unshare, TestCell("pid")), Not(Contains("--mount-proc")));
  EXPECT_THAT(Argv(RuntimeKind::unshare, TestCell("mnt")), Not(Contains("--mount-proc")));
  EXPECT_THAT(Argv(RuntimeKind::unshare, TestCell("pid")), Contains("--kill-child"));
}

TEST(UnshareAdapter, TheUnprivilegedMapIsARangeThroughNewuidmap) {
  std::vector<std::string> argv =
      Argv(RuntimeKind::unshare, TestCell("user", UsernsMap::unprivileged));
  EXPECT_THAT(argv, Contains("--map-users=100000,0,65536"));
  EXPECT_THAT(argv, Contains("--map-groups=100000,0,65536"));
  EXPECT_THAT(argv, Contains("--setuid=0"));
  EXPECT_THAT(argv, Not(Contains("--map-root-user")));
}

TEST(UnshareAdapter, TimeWithoutOffsetsHasNoOffsetFlags) {
  std::vector<std::string> argv = Argv(RuntimeKind::unshare, TestCell("time"));
  EXPECT_THAT(argv, Contains("--time"));
  EXPECT_THAT(argv, Not(Contains(HasSubstr("--monotonic"))));
}

TEST(BwrapAdapter, RefusesWhatBwrapCannotExpress) {
  EXPECT_THAT(RefusalOf(RuntimeKind::bwrap, TestCell("none")),
              HasSubstr("always makes a new mount"));
  EXPECT_THAT(RefusalOf(RuntimeKind::bwrap, TestCell("uts+net")), HasSubstr("mount namespace"));
  EXPECT_THAT(RefusalOf(RuntimeKind::bwrap, TestCell("mnt+time")), HasSubstr("time namespace"));
  EXPECT_THAT(RefusalOf(RuntimeKind::bwrap, TestCell("mnt+user", UsernsMap::unprivileged)),
              HasSubstr("single id"));
  EXPECT_EQ(RefusalOf(RuntimeKind::bwrap, TestCell("mnt+user")), "");
}

TEST(BwrapAdapter, BindsTheHostRootAndUnsharesEachType) {
  EXPECT_THAT(Argv(RuntimeKind::bwrap, TestCell("mnt")),
              ElementsAre("/usr/bin/rt", "--bind", "/", "/", "--die-with-parent", "/proc/self/fd/4",
                          "--hostname=h", "ns.uts"));
  EXPECT_THAT(Argv(RuntimeKind::bwrap, TestCell("mnt+uts+ipc+net+pid+user+cgroup")),
              ElementsAre("/usr/bin/rt", "--bind", "/", "/", "--die-with-parent", "--unshare-uts",
                          "--unshare-ipc", "--unshare-net", "--unshare-pid", "--proc", "/proc",
                          "--unshare-user", "--uid", "0", "--gid", "0", "--unshare-cgroup",
                          "/proc/self/fd/4", "--hostname=h", "ns.uts"));
  EXPECT_EQ(MakeRuntimeAdapter(RuntimeKind::bwrap)->FixedPropagation(), Propagation::kSlave);
  EXPECT_EQ(MakeRuntimeAdapter(RuntimeKind::unshare)->FixedPropagation(), std::nullopt);
}

}  // namespace
}  // namespace nsm
