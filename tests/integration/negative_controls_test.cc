// Every isolation check against its negative control: with the namespace off,
// the same probe must report a leak. Outcomes are asserted directly here, not
// through the catalogue's rules, so a wrong rule cannot make a test pass.
#include <gtest/gtest.h>

#include "tests/integration/cli_process.h"

namespace nsm::testing {
namespace {

struct Control {
  std::string probe;
  std::string combination;
  std::string outcome;
};

void ExpectOutcomes(const std::vector<Control>& controls, const std::string& map,
                    const std::vector<std::string>& extra = {}) {
  std::string combos, probes;
  for (const Control& c : controls) {
    combos += (combos.empty() ? "" : ",") + c.combination;
    probes += (probes.empty() ? "" : ",") + c.probe;
  }
  std::vector<std::string> args = {"run",  "--combos",     combos, "--probes",
                                   probes, "--userns-map", map};
  args.insert(args.end(), extra.begin(), extra.end());
  CliRun run = RunNsmatrix(args);
  ASSERT_TRUE(run.doc.is_object()) << run.err;
  for (const Control& c : controls) {
    nlohmann::json cell = Cell(run.doc, c.combination, c.probe);
    ASSERT_TRUE(cell.is_object()) << c.probe << " " << c.combination;
    EXPECT_EQ(cell["outcome"], c.outcome)
        << c.probe << " with " << c.combination << ": " << cell["detail"];
  }
}

TEST(NegativeControls, NsLinksDifferOnlyWithTheirNamespace) {
  std::vector<Control> controls;
  for (const char* ns : {"mnt", "uts", "ipc", "net", "pid", "user", "cgroup", "time"}) {
    std::string probe = std::string("ns.") + ns;
    controls.push_back({probe, ns, "isolated"});
    controls.push_back({probe, "none", "leaked"});
    // Every other namespace at once must not isolate this one.
    std::string others;
    for (const char* o : {"mnt", "uts", "ipc", "net", "pid", "user", "cgroup", "time"}) {
      if (std::string(o) != ns) others += (others.empty() ? "" : "+") + std::string(o);
    }
    controls.push_back({probe, others, "leaked"});
  }
  ExpectOutcomes(controls, "unprivileged");
}

TEST(NegativeControls, SeeHostNeedsBothPidAndMount) {
  ExpectOutcomes({{"pid.see_host", "none", "leaked"},
                  {"pid.see_host", "pid", "leaked"},
                  {"pid.see_host", "mnt", "leaked"},
                  {"pid.see_host", "mnt+pid", "isolated"},
                  {"pid.see_host", "uts+ipc+net+user+cgroup+time", "leaked"}},
                 "unprivileged");
}

TEST(NegativeControls, KillHostDependsOnPidAndTheIdMap) {
  ExpectOutcomes({{"pid.kill_host", "none", "leaked"},
                  {"pid.kill_host", "pid", "isolated"},
                  {"pid.kill_host", "user", "isolated"},
                  {"pid.kill_host", "mnt+uts+ipc+net+cgroup+time", "leaked"}},
                 "unprivileged");
  ExpectOutcomes({{"pid.kill_host", "user", "leaked"},
                  {"pid.kill_host", "mnt+uts+ipc+net+user+cgroup+time", "leaked"},
                  {"pid.kill_host", "pid+user", "isolated"}},
                 "root");
}

TEST(NegativeControls, SignalSenderHiddenByPid) {
  for (const char* map : {"unprivileged", "root"}) {
    ExpectOutcomes({{"pid.signal_sender", "none", "leaked"},
                    {"pid.signal_sender", "pid", "isolated"},
                    {"pid.signal_sender", "mnt+uts+ipc+net+user+cgroup+time", "leaked"}},
                   map);
  }
}

TEST(NegativeControls, HostnameNeedsUtsOrUser) {
  ExpectOutcomes({{"uts.hostname", "none", "leaked"},
                  {"uts.hostname", "uts", "isolated"},
                  {"uts.hostname", "user", "isolated"},
                  {"uts.hostname", "mnt+ipc+net+pid+cgroup+time", "leaked"}},
                 "unprivileged");
  ExpectOutcomes({{"uts.hostname", "user", "isolated"}, {"uts.hostname", "none", "leaked"}},
                 "root");
}

// Each probe of the catalogue with the namespace that isolates it, and with
// that namespace off (alone, and with every other one on).
TEST(NegativeControls, IpcObjects) {
  std::vector<Control> controls;
  for (const char* probe : {"ipc.sysv_shm", "ipc.sysv_msg", "ipc.sysv_sem", "ipc.posix_mq"}) {
    controls.push_back({probe, "ipc", "isolated"});
    controls.push_back({probe, "none", "leaked"});
    controls.push_back({probe, "mnt+uts+net+pid+user+cgroup+time", "leaked"});
  }
  ExpectOutcomes(controls, "unprivileged");
}

TEST(NegativeControls, Network) {
  std::vector<Control> controls;
  for (const char* probe : {"net.iface", "net.loopback_tcp", "net.abstract_unix"}) {
    controls.push_back({probe, "net", "isolated"});
    controls.push_back({probe, "none", "leaked"});
    controls.push_back({probe, "mnt+uts+ipc+pid+user+cgroup+time", "leaked"});
  }
  controls.push_back({"net.configure_host_iface", "net", "isolated"});
  controls.push_back({"net.configure_host_iface", "user", "isolated"});
  controls.push_back({"net.configure_host_iface", "none", "leaked"});
  controls.push_back({"net.configure_host_iface", "mnt+uts+ipc+pid+cgroup+time", "leaked"});
  ExpectOutcomes(controls, "unprivileged");
}

TEST(NegativeControls, DomainName) {
  ExpectOutcomes({{"uts.domainname", "uts", "isolated"},
                  {"uts.domainname", "user", "isolated"},
                  {"uts.domainname", "none", "leaked"},
                  {"uts.domainname", "mnt+ipc+net+pid+cgroup+time", "leaked"}},
                 "unprivileged");
}

TEST(NegativeControls, MountLeakDependsOnPropagation) {
  std::vector<Control> leaks_only_without_mnt = {
      {"mnt.mount_leak", "none", "leaked"},
      {"mnt.mount_leak", "mnt", "isolated"},
      {"mnt.mount_leak", "mnt+pid", "isolated"},
      {"mnt.mount_leak", "user", "isolated"},
      {"mnt.mount_leak", "uts+ipc+net+pid+cgroup+time", "leaked"}};
  ExpectOutcomes(leaks_only_without_mnt, "unprivileged", {"--propagation", "private"});
  ExpectOutcomes(leaks_only_without_mnt, "unprivileged", {"--propagation", "slave"});
  // The misconfiguration the matrix must catch: a mount namespace that leaks.
  std::vector<Control> shared = {
      {"mnt.mount_leak", "mnt", "leaked"},
      {"mnt.mount_leak", "mnt+pid", "leaked"},
      {"mnt.mount_leak", "mnt+uts+ipc+net+pid", "leaked"},
      // A mount namespace owned by a new user namespace gets slave copies.
      {"mnt.mount_leak", "mnt+user", "isolated"}};
  ExpectOutcomes(shared, "unprivileged", {"--propagation", "shared"});
  ExpectOutcomes(shared, "unprivileged", {"--propagation", "unchanged"});
}

TEST(NegativeControls, UserNamespaceProbes) {
  ExpectOutcomes({{"user.host_root_file", "user", "isolated"},
                  {"user.host_root_file", "none", "leaked"},
                  {"user.host_root_file", "mnt+uts+ipc+net+pid+cgroup+time", "leaked"},
                  {"user.mknod", "user", "isolated"},
                  {"user.mknod", "none", "leaked"},
                  {"user.mknod", "mnt+uts+ipc+net+pid+cgroup+time", "leaked"},
                  {"user.caps", "user", "isolated"},
                  {"user.caps", "none", "leaked"},
                  {"user.caps", "mnt+uts+ipc+net+pid+cgroup+time", "leaked"}},
                 "unprivileged");
  // Mapped to host root, container root owns host root's file.
  ExpectOutcomes({{"user.host_root_file", "user", "leaked"}, {"user.mknod", "user", "isolated"}},
                 "root");
}

TEST(NegativeControls, CgroupPath) {
  ExpectOutcomes({{"cgroup.path", "cgroup", "isolated"},
                  {"cgroup.path", "none", "leaked"},
                  {"cgroup.path", "mnt+uts+ipc+net+pid+user+time", "leaked"}},
                 "unprivileged");
}

TEST(NegativeControls, BootTime) {
  ExpectOutcomes({{"time.boottime", "time", "isolated"},
                  {"time.boottime", "none", "leaked"},
                  {"time.boottime", "mnt+uts+ipc+net+pid+user+cgroup", "leaked"},
                  {"time.boottime", "pid+user+time", "isolated"}},
                 "unprivileged");
  // clone3(CLONE_NEWTIME) cannot set offsets: a time namespace then hides nothing.
  ExpectOutcomes({{"time.boottime", "time", "leaked"}, {"ns.time", "time", "isolated"}},
                 "unprivileged", {"--time-ns-via", "clone3"});
}

// Leaked whatever the flags (rootfs_test.cc has the isolated side: a root
// filesystem of the container's own).
TEST(NegativeControls, StaleHostMountsLeakWhateverTheFlags) {
  std::vector<Control> controls;
  for (const char* probe : {"net.sysfs_iface", "cgroup.host_mount"}) {
    controls.push_back({probe, "none", "leaked"});
    controls.push_back({probe, "mnt+uts+ipc+net+pid+user+cgroup+time", "leaked"});
  }
  ExpectOutcomes(controls, "unprivileged");
}

// A mount the host makes once the container is set up reaches it unless its
// mount namespace is private, user namespace or not.
TEST(NegativeControls, HostMountsPropagateInUnlessPrivate) {
  ExpectOutcomes({{"mnt.propagation_in", "none", "leaked"},
                  {"mnt.propagation_in", "mnt", "isolated"},
                  {"mnt.propagation_in", "mnt+user", "isolated"},
                  {"mnt.propagation_in", "uts+ipc+net+pid+user+cgroup+time", "leaked"}},
                 "unprivileged", {"--propagation", "private"});
  for (const char* mode : {"slave", "shared", "unchanged"}) {
    ExpectOutcomes({{"mnt.propagation_in", "mnt", "leaked"},
                    {"mnt.propagation_in", "mnt+user", "leaked"},
                    {"mnt.propagation_in", "none", "leaked"}},
                   "unprivileged", {"--propagation", mode});
  }
}

TEST(NegativeControls, MonotonicAndUptime) {
  std::vector<Control> controls;
  for (const char* probe : {"time.monotonic", "time.uptime"}) {
    controls.push_back({probe, "time", "isolated"});
    controls.push_back({probe, "none", "leaked"});
    controls.push_back({probe, "mnt+uts+ipc+net+pid+user+cgroup", "leaked"});
    controls.push_back({probe, "mnt+pid+user+time", "isolated"});
  }
  ExpectOutcomes(controls, "unprivileged");
  ExpectOutcomes({{"time.monotonic", "time", "leaked"}, {"time.uptime", "time", "leaked"}},
                 "unprivileged", {"--time-ns-via", "clone3"});
}

TEST(NegativeControls, UnmappedOwnerShowsAsOverflow) {
  for (const char* map : {"unprivileged", "root"}) {
    ExpectOutcomes({{"user.overflow_id", "user", "isolated"},
                    {"user.overflow_id", "none", "leaked"},
                    {"user.overflow_id", "mnt+uts+ipc+net+pid+cgroup+time", "leaked"}},
                   map);
  }
}

// The host's other user namespace can be entered from the host's, never from
// a sibling, whatever the map.
TEST(NegativeControls, SetnsIntoASiblingUserNamespace) {
  for (const char* map : {"unprivileged", "root"}) {
    ExpectOutcomes({{"user.setns_sibling", "user", "isolated"},
                    {"user.setns_sibling", "none", "leaked"},
                    {"user.setns_sibling", "mnt+uts+ipc+net+pid+cgroup+time", "leaked"},
                    {"user.setns_sibling", "mnt+uts+ipc+net+pid+user+cgroup+time", "isolated"}},
                   map);
  }
}

// A visible host PID is an escape: through /proc/PID/ns/net into the host's
// network, through /proc/PID/root to the host's files. A network namespace of
// the container's own does not stop the first, nor a mount namespace the second.
TEST(NegativeControls, EscapesThroughAVisibleHostProcess) {
  std::vector<Control> controls;
  for (const char* probe : {"escape.setns_net", "escape.proc_root"}) {
    controls.push_back({probe, "none", "leaked"});
    controls.push_back({probe, "mnt+uts+ipc+net+cgroup+time", "leaked"});
    controls.push_back({probe, "uts+ipc+net+pid+cgroup+time", "leaked"});
    controls.push_back({probe, "mnt+pid", "isolated"});
    controls.push_back({probe, "user", "isolated"});
  }
  ExpectOutcomes(controls, "unprivileged");
  // Mapped to host root, container root still may not act through a host
  // process from its own user namespace (pid.kill_host leaks here).
  ExpectOutcomes({{"escape.setns_net", "user", "isolated"},
                  {"escape.proc_root", "user", "isolated"},
                  {"escape.proc_root", "mnt+uts+ipc+net+cgroup+time", "leaked"},
                  {"pid.kill_host", "user", "leaked"}},
                 "root");
}

// Container root unmounts its /proc and lists what was under it: the host
// sandbox's procfs, where the launcher could not replace it (a user namespace
// locks it; shared propagation would carry the replacement into the sandbox).
// pid.see_host, `ps aux`, is isolated in every one of these.
TEST(NegativeControls, ProcUnderTheContainersOwn) {
  ExpectOutcomes({{"pid.proc_under", "none", "leaked"},
                  {"pid.proc_under", "pid", "leaked"},
                  {"pid.proc_under", "mnt+pid", "isolated"},
                  {"pid.proc_under", "mnt+pid+user", "leaked"},
                  {"pid.proc_under", "mnt+uts+ipc+net+pid+cgroup+time", "isolated"},
                  {"pid.see_host", "mnt+pid+user", "isolated"},
                  {"escape.proc_root", "mnt+pid+user", "isolated"}},
                 "unprivileged");
  for (const char* mode : {"shared", "unchanged"}) {
    ExpectOutcomes({{"pid.proc_under", "mnt+pid", "leaked"},
                    {"pid.see_host", "mnt+pid", "isolated"},
                    {"escape.setns_net", "mnt+net+pid", "leaked"},
                    {"escape.proc_root", "mnt+pid", "leaked"},
                    {"escape.proc_root", "mnt+pid+user", "isolated"}},
                   "unprivileged", {"--propagation", mode});
  }
  ExpectOutcomes(
      {{"pid.proc_under", "mnt+pid", "isolated"}, {"escape.proc_root", "mnt+pid", "isolated"}},
      "unprivileged", {"--propagation", "slave"});
  // Isolated because the launcher left nothing under /proc, not because the
  // look stopped early.
  CliRun run = RunNsmatrix({"run", "--combos", "mnt+pid", "--probes", "pid.proc_under"});
  EXPECT_NE(Cell(run.doc, "mnt+pid", "pid.proc_under")["detail"].get<std::string>().find(
                "nothing mounted under the container's /proc"),
            std::string::npos)
      << run.err;
}

// A process left running ends with the container only where the container's
// init is the init of a PID namespace of its own.
TEST(NegativeControls, OrphanDiesWithAPidNamespace) {
  ExpectOutcomes({{"pid.orphan", "none", "leaked"},
                  {"pid.orphan", "pid", "isolated"},
                  {"pid.orphan", "mnt+uts+ipc+net+user+cgroup+time", "leaked"},
                  {"pid.orphan", "mnt+uts+ipc+net+pid+user+cgroup+time", "isolated"}},
                 "unprivileged");
}

// Writing to the host's objects: the host's segment and interface address,
// read from the host side. Container root mapped to host root is the
// segment's owner; mapped to 100000 it is refused.
TEST(NegativeControls, WritesToHostObjects) {
  ExpectOutcomes({{"ipc.shm_write", "none", "leaked"},
                  {"ipc.shm_write", "ipc", "isolated"},
                  {"ipc.shm_write", "user", "isolated"},
                  {"ipc.shm_write", "mnt+uts+net+pid+cgroup+time", "leaked"},
                  {"net.host_addr", "none", "leaked"},
                  {"net.host_addr", "net", "isolated"},
                  {"net.host_addr", "user", "isolated"},
                  {"net.host_addr", "mnt+uts+ipc+pid+cgroup+time", "leaked"}},
                 "unprivileged");
  ExpectOutcomes({{"ipc.shm_write", "user", "leaked"},
                  {"ipc.shm_write", "mnt+uts+net+pid+user+cgroup+time", "leaked"},
                  {"ipc.shm_write", "ipc+user", "isolated"},
                  {"net.host_addr", "user", "isolated"}},
                 "root");
}

// The story's demo 2 (without the chroot, which the rootfs issue adds):
// unshare --mount --uts --ipc --net --pid --user --fork --map-root-user.
TEST(Story, UnshareClassicIsolatesAllButCgroupAndTime) {
  const std::string combo = "mnt+uts+ipc+net+pid+user";
  CliRun run = RunNsmatrix({"run", "--combos", combo, "--userns-map", "root"});
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  for (const char* ns : {"mnt", "uts", "ipc", "net", "pid", "user"}) {
    EXPECT_EQ(Cell(run.doc, combo, std::string("ns.") + ns)["outcome"], "isolated") << ns;
  }
  EXPECT_EQ(Cell(run.doc, combo, "ns.cgroup")["outcome"], "leaked");
  EXPECT_EQ(Cell(run.doc, combo, "ns.time")["outcome"], "leaked");
  EXPECT_EQ(Cell(run.doc, combo, "pid.see_host")["outcome"], "isolated");
  EXPECT_EQ(Cell(run.doc, combo, "uts.hostname")["outcome"], "isolated");
}

// Demo 1 without the chroot: no namespaces at all.
TEST(Story, NoNamespaceLeaksEverything) {
  CliRun run = RunNsmatrix({"run", "--combos", "none"});
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  for (const nlohmann::json& cell : run.doc["cells"]) {
    EXPECT_EQ(cell["outcome"], "leaked") << cell["probe"] << ": " << cell["detail"];
  }
}

TEST(TimeNamespace, UnshareFallbackStillIsolates) {
  CliRun run = RunNsmatrix(
      {"run", "--time-ns-via", "unshare", "--combos", "time,time+pid,time+user+pid+mnt,none"});
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  EXPECT_EQ(run.doc["host"]["time_namespace_via"], "unshare");
  EXPECT_EQ(Cell(run.doc, "time", "ns.time")["outcome"], "isolated");
  EXPECT_EQ(Cell(run.doc, "mnt+pid+user+time", "ns.time")["outcome"], "isolated");
  EXPECT_EQ(Cell(run.doc, "mnt+pid+user+time", "pid.see_host")["outcome"], "isolated");
  EXPECT_EQ(Cell(run.doc, "none", "ns.time")["outcome"], "leaked");
}

}  // namespace
}  // namespace nsm::testing
