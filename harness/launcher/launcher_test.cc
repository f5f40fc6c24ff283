// The launcher against the real kernel (root): a container runs the probe and
// reports; every failing child step comes back as an Error naming the step.
#include "harness/launcher/launcher.h"

#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include <future>
#include <thread>

#include "harness/common/io.h"
#include "harness/launcher/clone3.h"
#include "harness/sandbox/cgroup_tree.h"

namespace nsm {
namespace {

UniqueFd Open(const std::string& path) {
  return UniqueFd(open(path.c_str(), O_PATH | O_CLOEXEC));
}

LaunchSpec Spec(const char* combo, int exe_fd) {
  LaunchSpec spec;
  spec.namespaces = *NsSet::Parse(combo);
  spec.id_maps = PlanIdMaps(UsernsMap::unprivileged, 0, 0, true);
  spec.probe_exe_fd = exe_fd;
  spec.argv = {"nsprobe", "ns.uts", "ns.user"};
  return spec;
}

std::string Output(Container& container) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  Result<ReadToEndResult> out = ReadToEnd(container.results.Get(), deadline, 1 << 16);
  EXPECT_TRUE(out && !out->timed_out);
  Result<ExitStatus> status = container.process.Reap();
  EXPECT_TRUE(status && status->exited && status->code == 0);
  return out ? out->data : "";
}

TEST(Launcher, RunsTheProbeInEveryKindOfContainer) {
  UniqueFd exe = Open(NSM_BIN_DIR "/nsprobe");
  ASSERT_TRUE(exe.Valid());
  for (const char* combo : {"none", "mnt+pid", "user", "mnt+uts+ipc+net+pid+user+cgroup+time"}) {
    Result<Container> container = Launch(Spec(combo, exe.Get()));
    ASSERT_TRUE(container) << combo << ": " << container.error().Message();
    std::string out = Output(*container);
    EXPECT_NE(out.find("probe ns.uts dev="), std::string::npos) << combo << ": " << out;
    EXPECT_NE(out.find("end probes=2"), std::string::npos) << out;
  }
}

// With mnt+pid the container's /proc is its own procfs; the one it
// inherited (the host's here, the sandbox's in a run) would list the host's
// processes to container root, who may unmount the new one. Detached without
// a user namespace; with one the kernel keeps it, locked, under the new one.
TEST(Launcher, AFreshProcHidesNoOtherProcUnderIt) {
  UniqueFd sh = Open("/bin/sh");
  ASSERT_TRUE(sh.Valid());
  for (auto [combo, procs] : {std::pair{"mnt+pid", "1"}, {"mnt+pid+user", "2"}}) {
    LaunchSpec spec = Spec(combo, sh.Get());
    spec.argv = {"sh", "-c", "awk '$5 == \"/proc\"' /proc/self/mountinfo | wc -l >&3"};
    Result<Container> container = Launch(spec);
    ASSERT_TRUE(container) << combo << ": " << container.error().Message();
    EXPECT_EQ(Output(*container), std::string(procs) + "\n") << combo;
  }
}

TEST(Launcher, ExecFailureNamesTheStep) {
  UniqueFd not_a_program = Open("/proc/self/status");
  Result<Container> container = Launch(Spec("mnt+pid", not_a_program.Get()));
  ASSERT_FALSE(container);
  EXPECT_EQ(container.error().op, "execveat probe");
  EXPECT_NE(container.error().err, 0);
  EXPECT_NE(container.error().Message().find("container mnt+pid"), std::string::npos);
}

NsId Link(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
  return {st.st_dev, st.st_ino};
}

// The launcher makes a time namespace for its next child only (time_ns.h):
// the container gets a new one with the offsets, and the launcher's own
// namespace, and the one its later children get, are what they were, after
// a launch that worked and after one that failed.
TEST(Launcher, TimeNamespaceIsTheContainersAloneAndTheLauncherGetsItsOwnBack) {
  const NsId own = Link("/proc/self/ns/time");
  ASSERT_EQ(Link("/proc/self/ns/time_for_children"), own);
  UniqueFd exe = Open(NSM_BIN_DIR "/nsprobe");
  LaunchSpec spec = Spec("user+time", exe.Get());
  spec.argv = {"nsprobe", "ns.time", "time.boottime"};
  spec.time_offset_seconds = 86400;
  Result<Container> container = Launch(spec);
  ASSERT_TRUE(container) << container.error().Message();
  // Read by the parent before the child went on: the container's own namespace.
  ASSERT_TRUE(container->ns_links[static_cast<int>(Ns::time)]);
  EXPECT_NE(*container->ns_links[static_cast<int>(Ns::time)], own);
  std::string out = Output(*container);
  EXPECT_NE(out.find("probe ns.time dev="), std::string::npos) << out;
  EXPECT_NE(out.find("end probes=2"), std::string::npos) << out;
  // The offsets reached the container's clock: a day ahead of ours.
  timespec now{};
  clock_gettime(CLOCK_BOOTTIME, &now);
  size_t at = out.find("boottime_ms=");
  ASSERT_NE(at, std::string::npos) << out;
  long long ahead_ms =
      std::stoll(out.substr(at + 12)) - (now.tv_sec * 1000LL + now.tv_nsec / 1000000);
  EXPECT_NEAR(ahead_ms, 86400 * 1000LL, 5000) << out;
  EXPECT_EQ(Link("/proc/self/ns/time"), own);
  EXPECT_EQ(Link("/proc/self/ns/time_for_children"), own);

  UniqueFd not_a_program = Open("/proc/self/status");
  Result<Container> failed = Launch(Spec("mnt+pid+time", not_a_program.Get()));
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().op, "execveat probe");
  EXPECT_EQ(Link("/proc/self/ns/time_for_children"), own);

  // clone3 itself failing (CLONE_INTO_CGROUP with a descriptor that is no cgroup).
  UniqueFd not_a_cgroup(open("/dev/null", O_RDONLY | O_CLOEXEC));
  spec = Spec("time", exe.Get());
  spec.cgroup_fd = not_a_cgroup.Get();
  Result<Container> no_clone = Launch(spec);
  ASSERT_FALSE(no_clone);
  EXPECT_TRUE(no_clone.error().op.starts_with("clone3(")) << no_clone.error().Message();
  EXPECT_EQ(Link("/proc/self/ns/time_for_children"), own);

  // The control: without time, the container shares the launcher's.
  Result<Container> shared = Launch(Spec("user", exe.Get()));
  ASSERT_TRUE(shared) << shared.error().Message();
  EXPECT_EQ(*shared->ns_links[static_cast<int>(Ns::time)], own);
  Output(*shared);
}

TEST(Launcher, TimeNamespaceNeedsASingleThreadedLauncher) {
  const NsId own = Link("/proc/self/ns/time_for_children");
  std::promise<void> stop;
  std::thread other([done = stop.get_future()]() mutable { done.wait(); });
  UniqueFd exe = Open(NSM_BIN_DIR "/nsprobe");
  Result<Container> container = Launch(Spec("time", exe.Get()));
  stop.set_value();
  other.join();
  ASSERT_FALSE(container);
  EXPECT_EQ(container.error().err, EUSERS);
  EXPECT_FALSE(IsCreationRefused(container.error()));
  EXPECT_EQ(Link("/proc/self/ns/time_for_children"), own);
  EXPECT_EQ(waitpid(-1, nullptr, WNOHANG), -1);  // nothing was started
}

// Only the kernel refusing the namespaces makes a combination unsupported: a
// clone3 that fails for another reason (here CLONE_INTO_CGROUP with a directory
// that is not a cgroup: EBADF) is an error, or a broken cgroup setup would skip
// every cell instead of failing it.
TEST(Launcher, OnlyARefusalOfTheNamespacesIsCreationRefused) {
  Result<Cloned> refused = Clone3(CLONE_NEWUSER | CLONE_FS);  // the kernel rejects the pair
  if (refused && refused->pid == 0) _exit(0);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().err, EINVAL);
  EXPECT_TRUE(IsCreationRefused(refused.error()));

  UniqueFd not_a_cgroup(open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  ASSERT_TRUE(not_a_cgroup.Valid());
  Result<Cloned> other = Clone3(CLONE_NEWUTS | CLONE_NEWNET, {}, not_a_cgroup.Get());
  if (other && other->pid == 0) _exit(0);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().err, EBADF) << other.error().Message();
  EXPECT_FALSE(IsCreationRefused(other.error()));
  EXPECT_EQ(waitpid(-1, nullptr, WNOHANG), -1);  // nothing was started
}

// A cgroup the caller may not move into refuses CLONE_INTO_CGROUP with EACCES,
// an errno a namespace refusal has too: the launcher tells them apart (the same
// flags without the cgroup succeed), so that is an error, not unsupported.
TEST(Launcher, ACgroupThatRefusesTheProcessIsNoNamespaceRefusal) {
  Result<CgroupTree> tree = CgroupTree::Create();
  ASSERT_TRUE(tree) << tree.error().Message();
  UniqueFd root(open(tree->HierarchyRoot().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  ASSERT_TRUE(root.Valid());
  pid_t child = fork();
  if (child == 0) {
    // As nobody: it may make a user namespace, but not move into root's cgroup.
    if (setgroups(0, nullptr) != 0 || setresgid(65534, 65534, 65534) != 0 ||
        setresuid(65534, 65534, 65534) != 0)
      _exit(10);
    Result<Cloned> into = Clone3(CLONE_NEWUSER, {}, root.Get());
    if (into && into->pid == 0) _exit(0);
    if (into) _exit(11);  // the cgroup took it: nothing was tested
    if (into.error().err != EACCES && into.error().err != EPERM) _exit(12);
    _exit(IsCreationRefused(into.error()) ? 13 : 0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "10 setresuid, 11 accepted, 12 errno, 13 called refused";
}

// When the cgroup refuses the process (EACCES) and the same clone3 without it
// fails too, the retry's own errno classifies the failure: here a pids limit
// (EAGAIN) is an error, not the kernel refusing the namespaces. Classed by the
// first EACCES, every cell at a full pids limit would be a kernel refusal.
TEST(Launcher, AFailedRetryWithoutTheCgroupIsClassedByItsOwnErrno) {
  // The v1 pids controller, as on this project's CI machines (hybrid layout:
  // v1 controllers beside cgroup v2, which has no pids controller there).
  const std::string pids = "/sys/fs/cgroup/pids";
  if (access((pids + "/cgroup.procs").c_str(), W_OK) != 0)
    GTEST_SKIP() << "no writable cgroup v1 pids hierarchy at " << pids;
  Result<CgroupTree> tree = CgroupTree::Create();
  ASSERT_TRUE(tree) << tree.error().Message();
  UniqueFd root(open(tree->HierarchyRoot().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  ASSERT_TRUE(root.Valid());
  const std::string limited = pids + "/nsm-test-" + std::to_string(getpid());
  ASSERT_EQ(mkdir(limited.c_str(), 0755), 0) << strerror(errno);
  pid_t child = fork();
  if (child == 0) {
    // In a pids cgroup it fills alone, and as nobody (no entry to root's cgroup).
    auto write = [](const std::string& path, std::string_view value) {
      UniqueFd fd(open(path.c_str(), O_WRONLY | O_CLOEXEC));
      return fd.Valid() && WriteAll(fd.Get(), value).has_value();
    };
    if (!write(limited + "/pids.max", "1") || !write(limited + "/cgroup.procs", "0")) _exit(9);
    if (setgroups(0, nullptr) != 0 || setresgid(65534, 65534, 65534) != 0 ||
        setresuid(65534, 65534, 65534) != 0)
      _exit(10);
    Result<Cloned> into = Clone3(CLONE_NEWUSER, {}, root.Get());
    if (into && into->pid == 0) _exit(0);
    if (into) _exit(11);  // the limit took it: nothing was tested
    if (into.error().err != EAGAIN) _exit(12);
    _exit(IsCreationRefused(into.error()) ? 13 : 0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_EQ(rmdir(limited.c_str()), 0) << strerror(errno);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0)
      << "9 cgroup setup, 10 setresuid, 11 accepted, 12 errno, 13 called refused";
}

TEST(Launcher, BadIdMapIsReportedAndNothingIsLeftRunning) {
  UniqueFd exe = Open(NSM_BIN_DIR "/nsprobe");
  LaunchSpec spec = Spec("user", exe.Get());
  spec.id_maps.uid_map = "0 100000 65536\n0 200000 1\n";  // overlapping: the kernel refuses
  Result<Container> container = Launch(spec);
  ASSERT_FALSE(container);
  EXPECT_NE(container.error().Message().find("user namespace id maps"), std::string::npos)
      << container.error().Message();
  EXPECT_FALSE(
      IsCreationRefused(container.error()));  // the namespaces were made: an error, not unsupported
  // The child was killed and reaped: this process has no child left.
  EXPECT_EQ(waitpid(-1, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

// escape.setns_net enters the host's network namespace and must come back:
// the probes after it report from the container's own. The host process it
// goes through is this test (found by its name), in the initial namespace.
TEST(Launcher, ProbesAfterTheNetworkEscapeRunInTheContainersNamespace) {
  UniqueFd exe = Open(NSM_BIN_DIR "/nsprobe");
  Result<std::string> comm_line = ReadFile("/proc/self/comm");
  ASSERT_TRUE(comm_line);
  std::string comm = comm_line->substr(0, comm_line->find('\n'));
  LaunchSpec spec = Spec("net", exe.Get());
  spec.argv = {"nsprobe", "--sentinel-comm=" + comm, "ns.net", "escape.setns_net", "ns.net"};
  Result<Container> container = Launch(spec);
  ASSERT_TRUE(container) << container.error().Message();
  std::string out = Output(*container);
  EXPECT_NE(out.find("probe escape.setns_net comm=" + comm + " found=1"), std::string::npos) << out;
  EXPECT_NE(out.find("stage=connect"), std::string::npos) << out;  // it did enter the host's
  size_t first = out.find("probe ns.net ");
  size_t second = out.find("probe ns.net ", first + 1);
  ASSERT_NE(second, std::string::npos) << out;
  auto line = [&](size_t at) { return out.substr(at, out.find('\n', at) - at); };
  EXPECT_EQ(line(first), line(second));
  NsId host = Link("/proc/self/ns/net");
  EXPECT_EQ(line(second).find("ino=" + std::to_string(host.ino) + " "), std::string::npos) << out;
}

// A probe that changes the process for good (user.setns_sibling) runs after
// the others whatever the order asked, so they report from the container.
TEST(Launcher, TheProbeThatChangesTheProcessRunsLast) {
  UniqueFd exe = Open(NSM_BIN_DIR "/nsprobe");
  LaunchSpec spec = Spec("user", exe.Get());
  spec.argv = {"nsprobe", "user.setns_sibling", "ns.user", "ns.uts"};
  Result<Container> container = Launch(spec);
  ASSERT_TRUE(container) << container.error().Message();
  std::string out = Output(*container);
  size_t sibling = out.find("probe user.setns_sibling");
  ASSERT_NE(sibling, std::string::npos) << out;
  EXPECT_LT(out.find("probe ns.user"), sibling) << out;
  EXPECT_LT(out.find("probe ns.uts"), sibling) << out;
}

}  // namespace
}  // namespace nsm
