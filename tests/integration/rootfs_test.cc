// Containers in a root filesystem of their own: a minimal busybox tree the
// test builds (Debian's busybox-static). The story's two demos, cell by cell.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <map>
#include <string>

#include "tests/integration/cli_process.h"

namespace nsm::testing {
namespace {

class BusyboxRoot {
 public:
  BusyboxRoot() {
    path_ = tmp_.path() + "/rootfs";
    for (const char* dir : {"", "/bin", "/proc", "/tmp", "/dev", "/etc"})
      mkdir((path_ + dir).c_str(), 0755);
    ok_ = system(("cp /bin/busybox " + path_ + "/bin/busybox && ln -s busybox " + path_ + "/bin/sh")
                     .c_str()) == 0;
  }
  const std::string& path() const { return path_; }
  bool ok() const { return ok_; }
  // Nothing may be left inside the tree: the sandbox's mounts were its own.
  bool Untouched() const {
    return system(
               ("test -z \"$(find " + path_ + "/proc " + path_ + "/tmp -mindepth 1)\"").c_str()) ==
           0;
  }

 private:
  ScopedTempDir tmp_;
  std::string path_;
  bool ok_ = false;
};

// Demo 1: chroot alone, with /proc mounted inside as the story does.
TEST(Rootfs, ChrootAloneLeaksEverything) {
  BusyboxRoot root;
  ASSERT_TRUE(root.ok()) << "needs /bin/busybox (Debian's busybox-static)";
  CliRun run = RunNsmatrix({"run", "--combos", "none", "--rootfs", root.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  EXPECT_EQ(run.doc["options"]["rootfs"], root.path());
  // Host PIDs visible and killable, the hostname change reaches the host...
  EXPECT_EQ(Cell(run.doc, "none", "pid.see_host")["outcome"], "leaked");
  EXPECT_EQ(Cell(run.doc, "none", "pid.kill_host")["outcome"], "leaked");
  EXPECT_EQ(Cell(run.doc, "none", "uts.hostname")["outcome"], "leaked");
  // ...the host's files are reached past the chroot through a host process...
  EXPECT_EQ(Cell(run.doc, "none", "escape.proc_root")["outcome"], "leaked");
  // ...and every ns link equals the host's.
  for (const char* ns : {"mnt", "uts", "ipc", "net", "pid", "user", "cgroup", "time"}) {
    EXPECT_EQ(Cell(run.doc, "none", std::string("ns.") + ns)["outcome"], "leaked") << ns;
  }
  EXPECT_TRUE(root.Untouched());
}

// Demo 2: unshare --mount --uts --ipc --net --pid --user --fork --map-root-user chroot DIR.
TEST(Rootfs, UnshareClassicInARootfs) {
  BusyboxRoot root;
  ASSERT_TRUE(root.ok());
  const std::string combo = "mnt+uts+ipc+net+pid+user";
  CliRun run =
      RunNsmatrix({"run", "--combos", combo, "--userns-map", "root", "--rootfs", root.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  // Only the container's own processes are visible: the probe, PID 1, alone.
  nlohmann::json see = Cell(run.doc, combo, "pid.see_host");
  EXPECT_EQ(see["outcome"], "isolated");
  EXPECT_NE(see["detail"].get<std::string>().find("among 1 /proc entries"), std::string::npos)
      << see["detail"];
  EXPECT_EQ(Cell(run.doc, combo, "uts.hostname")["outcome"], "isolated");
  EXPECT_EQ(Cell(run.doc, combo, "escape.proc_root")["outcome"], "isolated");
  for (const char* ns : {"mnt", "uts", "ipc", "net", "pid", "user"}) {
    EXPECT_EQ(Cell(run.doc, combo, std::string("ns.") + ns)["outcome"], "isolated") << ns;
  }
  EXPECT_EQ(Cell(run.doc, combo, "ns.cgroup")["outcome"], "leaked");
  EXPECT_EQ(Cell(run.doc, combo, "ns.time")["outcome"], "leaked");
  EXPECT_TRUE(root.Untouched());
}

// Every combination and probe in the busybox tree, both with pivot_root and chroot.
TEST(Rootfs, FullMatrixInARootfs) {
  BusyboxRoot root;
  ASSERT_TRUE(root.ok());
  CliRun run = RunNsmatrix({"run", "--rootfs", root.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  EXPECT_EQ(run.doc["summary"]["fail"], 0);
  EXPECT_TRUE(root.Untouched());
}

// The host sandbox has a procfs on ROOT/proc too. pivot_root keeps it (a bind
// of the root takes its mounts along): replaced without a user namespace,
// locked under the container's with one. Under shared propagation the
// container is chrooted, and the probe's look under /proc makes its own
// namespace private from the namespace's root, which it reaches through a
// second chroot (a chroot's "/" is no mount).
TEST(Rootfs, TheSandboxsProcUnderTheContainersOwn) {
  BusyboxRoot root;
  ASSERT_TRUE(root.ok());
  // Container root climbs from the chroot to the namespace's root: with a
  // user namespace it may not search a 0700 directory of host root's on the
  // way, and the cell would be an error (README).
  ASSERT_EQ(chmod(root.path().substr(0, root.path().rfind('/')).c_str(), 0755), 0);
  const std::string probes = "pid.see_host,pid.proc_under,escape.proc_root";
  for (const char* propagation : {"private", "shared"}) {
    CliRun run = RunNsmatrix({"run", "--combos", "mnt+pid,mnt+pid+user", "--probes", probes,
                              "--rootfs", root.path(), "--propagation", propagation});
    EXPECT_EQ(run.exit_code, 0) << run.err << run.out;
    bool shared = std::string(propagation) == "shared";
    std::map<std::pair<std::string, std::string>, std::string> expected = {
        {{"mnt+pid", "pid.see_host"}, "isolated"},
        {{"mnt+pid+user", "pid.see_host"}, "isolated"},
        {{"mnt+pid", "pid.proc_under"}, shared ? "leaked" : "isolated"},
        {{"mnt+pid+user", "pid.proc_under"}, "leaked"},
        {{"mnt+pid", "escape.proc_root"}, shared ? "leaked" : "isolated"},
        {{"mnt+pid+user", "escape.proc_root"}, "isolated"}};
    for (const auto& [cell, outcome] : expected) {
      nlohmann::json seen = Cell(run.doc, cell.first, cell.second);
      EXPECT_EQ(seen["outcome"], outcome)
          << propagation << " " << cell.first << " " << cell.second << ": " << seen["detail"];
    }
    // Isolated because nothing is under the container's /proc, not because
    // the look stopped early.
    if (!shared) {
      EXPECT_NE(Cell(run.doc, "mnt+pid", "pid.proc_under")["detail"].get<std::string>().find(
                    "nothing mounted under the container's /proc"),
                std::string::npos);
    }
  }
  EXPECT_TRUE(root.Untouched());
}

// Where container root cannot climb out of the chroot (a 0700 directory of
// host root's above the tree, seen from a user namespace), its copy cannot be
// made private, and the probe unmounts nothing: an error, and the container's
// own /proc is still there for the probes after it.
TEST(Rootfs, AChrootItCannotClimbOutOfIsAnErrorAndTouchesNothing) {
  BusyboxRoot root;
  ASSERT_TRUE(root.ok());
  ASSERT_EQ(chmod(root.path().substr(0, root.path().rfind('/')).c_str(), 0700), 0);
  CliRun run = RunNsmatrix({"run", "--combos", "mnt+pid+user", "--probes",
                            "pid.proc_under,time.uptime,ns.pid", "--rootfs", root.path(),
                            "--propagation", "shared"});
  nlohmann::json under = Cell(run.doc, "mnt+pid+user", "pid.proc_under");
  EXPECT_EQ(under["outcome"], "error") << under;
  EXPECT_NE(under["detail"].get<std::string>().find("stopped at private"), std::string::npos)
      << under["detail"];
  // time.uptime reads the container's /proc/uptime after the look.
  EXPECT_EQ(Cell(run.doc, "mnt+pid+user", "time.uptime")["verdict"], "pass");
  EXPECT_EQ(Cell(run.doc, "mnt+pid+user", "ns.pid")["verdict"], "pass");
  EXPECT_TRUE(root.Untouched());
}

// What the host mounted before the container (its sysfs, its cgroup2) shows
// through in every combination of flags, but not in a root filesystem of the
// container's own: the negative control of net.sysfs_iface and cgroup.host_mount.
TEST(Rootfs, StaleHostMountsStayOutside) {
  BusyboxRoot root;
  ASSERT_TRUE(root.ok());
  const std::string all = "mnt+uts+ipc+net+pid+user+cgroup+time";
  const std::string combos = "none,mnt+pid," + all;
  const std::string probes = "net.sysfs_iface,cgroup.host_mount";
  CliRun host = RunNsmatrix({"run", "--combos", combos, "--probes", probes});
  CliRun inside =
      RunNsmatrix({"run", "--combos", combos, "--probes", probes, "--rootfs", root.path()});
  ASSERT_EQ(host.exit_code, 0) << host.err << host.out;
  ASSERT_EQ(inside.exit_code, 0) << inside.err << inside.out;
  for (const std::string& combo : {std::string("none"), std::string("mnt+pid"), all}) {
    for (const char* probe : {"net.sysfs_iface", "cgroup.host_mount"}) {
      nlohmann::json leak = Cell(host.doc, combo, probe), kept = Cell(inside.doc, combo, probe);
      if (kept["outcome"] == "unsupported") continue;  // no cgroup v2 here
      EXPECT_EQ(leak["outcome"], "leaked") << probe << " " << combo << ": " << leak["detail"];
      EXPECT_EQ(kept["outcome"], "isolated") << probe << " " << combo << ": " << kept["detail"];
    }
  }
  EXPECT_TRUE(root.Untouched());
}

// A root filesystem with the machine's sysfs bound in (as a chroot set up by
// hand often has): the container lists the machine's interfaces, none of
// them the host sandbox's fixture. They are not its own network namespace's,
// so that is a leak, in every combination, where the tree alone is isolated.
TEST(Rootfs, TheMachinesSysfsInTheTreeLeaksItsInterfaces) {
  if (system("find /sys/class/net -mindepth 1 -maxdepth 1 -type l ! -name lo | grep -q .") != 0)
    GTEST_SKIP() << "this machine has no interface but lo: its sysfs would show nothing else";
  BusyboxRoot root;
  ASSERT_TRUE(root.ok());
  ASSERT_EQ(mkdir((root.path() + "/sys").c_str(), 0755), 0);
  ScopedTempDir dir;
  const std::string json = dir.path() + "/m.json";
  const std::string all = "mnt+uts+ipc+net+pid+user+cgroup+time";
  // The bind lives in a mount namespace of the run's own, gone with it.
  int code = WaitExit(StartProgram(
      {"/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
       "mount --bind /sys \"$0\"/sys && exec \"$1\" run --no-progress --combos none,net,mnt+net," +
           all + " --probes net.sysfs_iface --rootfs \"$0\" --json \"$2\"",
       root.path(), BinDir() + "/nsmatrix", json},
      dir.path()));
  EXPECT_EQ(code, 1) << Slurp(dir.path() + "/stderr") << Slurp(dir.path() + "/stdout");
  nlohmann::json doc = ReadJson(json);
  for (const std::string& combo :
       {std::string("none"), std::string("net"), std::string("mnt+net"), all}) {
    nlohmann::json cell = Cell(doc, combo, "net.sysfs_iface");
    EXPECT_EQ(cell["outcome"], "leaked") << combo << ": " << cell.dump();
    EXPECT_EQ(cell["verdict"], "fail") << combo;
  }
  EXPECT_TRUE(root.Untouched());
}

TEST(Rootfs, BadRootfsIsAUsageError) {
  ScopedTempDir tmp;
  CliRun missing = RunNsmatrix({"run", "--rootfs", tmp.path() + "/nope"});
  EXPECT_EQ(missing.exit_code, 2);
  CliRun bare = RunNsmatrix({"run", "--rootfs", tmp.path()});  // no /proc, no /tmp
  EXPECT_EQ(bare.exit_code, 2);
  EXPECT_NE(bare.err.find("/proc"), std::string::npos) << bare.err;
}

}  // namespace
}  // namespace nsm::testing
