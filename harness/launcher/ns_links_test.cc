// The host's record of a child's namespaces, read through the pidfd and through
// /proc, against the real kernel (root).
#include "harness/launcher/ns_links.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "harness/common/io.h"
#include "harness/launcher/clone3.h"

namespace nsm {
namespace {

// A clone3 child in `flags` that waits until a byte is written to `release`
// (it holds a copy of the write end itself, so closing ours would not do).
struct WaitingChild {
  ChildProcess process;
  UniqueFd release;
};

WaitingChild Start(uint64_t flags) {
  UniqueFd go_r, go_w;
  EXPECT_TRUE(HighPipe(&go_r, &go_w));
  Result<Cloned> cloned = Clone3(flags);
  EXPECT_TRUE(cloned) << (cloned ? "" : cloned.error().Message());
  if (!cloned) return {};
  if (cloned->pid == 0) {
    char byte;
    (void)!read(go_r.Get(), &byte, 1);  // plain system calls only (clone3.h)
    _exit(0);
  }
  return {ChildProcess(cloned->pid, std::move(cloned->pidfd)), std::move(go_w)};
}

NsId SelfLink(Ns ns) {
  struct stat st {};
  std::string path = "/proc/self/ns/" + std::string(InfoOf(ns).name);
  EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
  return {st.st_dev, st.st_ino};
}

TEST(NsLinks, PidfdAndProcAgreeAndShowOnlyTheNewNamespaces) {
  NsSet fresh = *NsSet::Parse("uts+ipc+net+user+cgroup");
  WaitingChild child = Start(fresh.CloneFlags());
  ASSERT_TRUE(child.process.Running());
  Result<NsLinks> links = ReadNsLinks(child.process);
  Result<NsLinks> from_proc = ReadNsLinksFromProc(child.process.Pid());
  ASSERT_TRUE(links) << links.error().Message();
  ASSERT_TRUE(from_proc) << from_proc.error().Message();
  for (const NsInfo& info : kNamespaces) {
    const NsId& link = (*links)[static_cast<int>(info.ns)];
    EXPECT_EQ(link, (*from_proc)[static_cast<int>(info.ns)]) << info.name;
    // The negative control: a type the child did not get a namespace of is the parent's.
    EXPECT_EQ(link == SelfLink(info.ns), !fresh.Has(info.ns)) << info.name;
  }
  ASSERT_EQ(write(child.release.Get(), "x", 1), 1);
  Result<ExitStatus> status = child.process.Reap();
  ASSERT_TRUE(status && status->exited && status->code == 0);
}

TEST(NsLinks, AReapedChildIsAnErrorNotAGuess) {
  WaitingChild child = Start(0);
  ASSERT_TRUE(child.process.Running());
  pid_t pid = child.process.Pid();
  ASSERT_EQ(write(child.release.Get(), "x", 1), 1);
  ASSERT_TRUE(child.process.WaitExit(std::chrono::seconds(10)));
  // Exited, not yet reaped: its namespaces are gone already.
  EXPECT_FALSE(ReadNsLinks(child.process));
  EXPECT_FALSE(ReadNsLinksFromProc(pid));
}

}  // namespace
}  // namespace nsm
