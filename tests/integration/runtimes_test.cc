// Containers made by real runtimes (unshare from util-linux, bubblewrap,
// runc, crun, systemd-nspawn), judged from the host side like the launcher's. Outcomes are asserted
// directly, not through the rules: each isolation with its namespace, its
// leak without it, and what a runtime cannot make as `refused`.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "tests/integration/cli_process.h"

namespace nsm::testing {
namespace {

struct Expected {
  std::string combination, probe, outcome;
};

// One run of the runtime over the combinations and probes the list names.
void ExpectUnder(const std::string& runtime, const std::vector<Expected>& cells,
                 const std::vector<std::string>& extra = {}) {
  std::string combos, probes;
  for (const Expected& e : cells) {
    combos += (combos.empty() ? "" : ",") + e.combination;
    probes += (probes.empty() ? "" : ",") + e.probe;
  }
  std::vector<std::string> args = {"run",  "--runtime", runtime, "--combos",
                                   combos, "--probes",  probes};
  args.insert(args.end(), extra.begin(), extra.end());
  CliRun run = RunNsmatrix(args);
  ASSERT_TRUE(run.doc.is_object()) << run.err;
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(run.doc["runtime"]["name"], runtime);
  for (const Expected& e : cells) {
    nlohmann::json cell = Cell(run.doc, e.combination, e.probe);
    ASSERT_TRUE(cell.is_object()) << e.probe << " " << e.combination;
    EXPECT_EQ(cell["outcome"], e.outcome)
        << runtime << ": " << e.probe << " with " << e.combination << ": " << cell["detail"];
  }
}

TEST(Runtimes, UnshareIsolatesWhatItsFlagsSayAndNothingElse) {
  std::vector<Expected> cells;
  for (const char* ns : {"mnt", "uts", "ipc", "net", "pid", "user", "cgroup", "time"}) {
    cells.push_back({ns, std::string("ns.") + ns, "isolated"});
    cells.push_back({"none", std::string("ns.") + ns, "leaked"});
  }
  cells.insert(cells.end(), {{"mnt+pid", "pid.see_host", "isolated"},
                             {"pid", "pid.see_host", "leaked"},
                             {"pid", "pid.orphan", "isolated"},
                             {"mnt", "pid.orphan", "leaked"},
                             {"uts", "uts.hostname", "isolated"},
                             {"none", "uts.hostname", "leaked"},
                             {"ipc", "ipc.sysv_shm", "isolated"},
                             {"none", "ipc.sysv_shm", "leaked"},
                             {"net", "net.loopback_tcp", "isolated"},
                             {"none", "net.loopback_tcp", "leaked"},
                             {"time", "time.monotonic", "isolated"},
                             {"none", "time.monotonic", "leaked"},
                             {"mnt", "mnt.mount_leak", "isolated"},
                             {"none", "mnt.mount_leak", "leaked"}});
  ExpectUnder("unshare", cells, {"--userns-map", "root"});
}

TEST(Runtimes, BwrapRefusesWhatItCannotMakeAndIsolatesTheRest) {
  ExpectUnder("bwrap", {{"none", "ns.uts", "refused"},
                        {"uts+net", "ns.uts", "refused"},
                        {"mnt+time", "ns.time", "refused"},
                        {"mnt", "ns.mnt", "isolated"},
                        {"mnt", "ns.uts", "leaked"},
                        {"mnt+uts", "ns.uts", "isolated"},
                        {"mnt", "uts.hostname", "leaked"},
                        {"mnt+uts", "uts.hostname", "isolated"},
                        {"mnt+pid", "pid.see_host", "isolated"},
                        {"mnt", "pid.see_host", "leaked"},
                        // bwrap returns when its program exits, before its PID
                        // namespace's init has killed the rest: still isolated.
                        {"mnt+pid", "pid.orphan", "isolated"},
                        {"mnt", "pid.orphan", "leaked"},
                        {"mnt+user", "ns.user", "isolated"},
                        {"mnt+net", "net.loopback_tcp", "isolated"},
                        {"mnt", "net.loopback_tcp", "leaked"}});
}

// Each namespace runc makes isolates, and the same probe leaks without it.
// runc 1.1 has no time namespace and says so itself; without a mount
// namespace nsmatrix does not run it.
TEST(Runtimes, RuncRefusesWhatItCannotMakeAndIsolatesTheRest) {
  ExpectUnder("runc", {{"none", "ns.uts", "refused"},
                       {"uts+net", "ns.uts", "refused"},
                       {"mnt+time", "ns.time", "refused"},
                       {"mnt", "ns.mnt", "isolated"},
                       {"mnt", "ns.uts", "leaked"},
                       {"mnt+uts", "ns.uts", "isolated"},
                       {"mnt", "uts.hostname", "leaked"},
                       {"mnt+uts", "uts.hostname", "isolated"},
                       {"mnt+pid", "pid.see_host", "isolated"},
                       {"mnt", "pid.see_host", "leaked"},
                       {"mnt+pid", "pid.orphan", "isolated"},
                       {"mnt", "pid.orphan", "leaked"},
                       {"mnt+ipc", "ipc.sysv_shm", "isolated"},
                       {"mnt", "ipc.sysv_shm", "leaked"},
                       {"mnt+user", "ns.user", "isolated"},
                       {"mnt+net", "net.loopback_tcp", "isolated"},
                       {"mnt", "net.loopback_tcp", "leaked"},
                       {"mnt+cgroup", "ns.cgroup", "isolated"},
                       {"mnt", "ns.cgroup", "leaked"}});
  CliRun run = RunNsmatrix(
      {"run", "--runtime", "runc", "--combos", "mnt,mnt+time", "--probes", "ns.", "--no-progress"});
  nlohmann::json refused = Cell(run.doc, "mnt+time", "ns.time");
  EXPECT_NE(refused["detail"].get<std::string>().find("does not exist"), std::string::npos)
      << refused["detail"];
}

// As runc, and crun makes a time namespace too, with the run's clock offsets
// (through its own annotation: crun 1.8 does not read linux.timeOffsets).
TEST(Runtimes, CrunMakesTimeNamespacesWithOffsetsAndIsolatesTheRest) {
  ExpectUnder("crun", {{"none", "ns.uts", "refused"},
                       {"mnt", "ns.mnt", "isolated"},
                       {"mnt", "ns.uts", "leaked"},
                       {"mnt+uts", "uts.hostname", "isolated"},
                       {"mnt", "uts.hostname", "leaked"},
                       {"mnt+pid", "pid.see_host", "isolated"},
                       {"mnt", "pid.see_host", "leaked"},
                       {"mnt+pid", "pid.orphan", "isolated"},
                       {"mnt", "pid.orphan", "leaked"},
                       {"mnt+net", "net.loopback_tcp", "isolated"},
                       {"mnt", "net.loopback_tcp", "leaked"},
                       {"mnt+time", "ns.time", "isolated"},
                       {"mnt", "ns.time", "leaked"},
                       {"mnt+time", "time.boottime", "isolated"},
                       {"mnt", "time.boottime", "leaked"},
                       {"mnt+pid+user+time", "time.monotonic", "isolated"},
                       {"mnt+pid+user", "time.monotonic", "leaked"},
                       // nsmatrix's own refusal: crun 1.8.1 kills a host process.
                       {"mnt+pid+time", "ns.time", "refused"}});
}

// systemd-nspawn always makes a mount namespace and never a time namespace;
// the rest it makes or leaves as asked, and each isolates. It mounts its own
// sysfs and cgroup hierarchies, which closes two leaks the bare flags leave
// open: a new network namespace's /sys/class/net is its own, and with a
// cgroup namespace its cgroup2 mount shows only the container's (without one
// it shows the host's namespace's hierarchy: leaked). The kernel refuses it a
// procfs in a user namespace without a PID namespace (the PID namespace is
// not the user namespace's).
TEST(Runtimes, NspawnIsolatesWhatItMakesAndMountsItsOwnSysfs) {
  ExpectUnder("nspawn",
              {{"uts+net", "ns.uts", "refused"},
               {"mnt+cgroup+time", "ns.time", "refused"},
               {"mnt+cgroup", "ns.mnt", "isolated"},
               {"mnt+cgroup", "ns.uts", "leaked"},
               {"mnt+uts+cgroup", "ns.uts", "isolated"},
               {"mnt+cgroup", "uts.hostname", "leaked"},
               {"mnt+uts+cgroup", "uts.hostname", "isolated"},
               {"mnt+cgroup", "pid.see_host", "leaked"},
               {"mnt+pid+cgroup", "pid.see_host", "isolated"},
               {"mnt+cgroup", "pid.orphan", "leaked"},
               {"mnt+pid+cgroup", "pid.orphan", "isolated"},
               {"mnt+cgroup", "ipc.sysv_shm", "leaked"},
               {"mnt+ipc+cgroup", "ipc.sysv_shm", "isolated"},
               {"mnt+cgroup", "net.loopback_tcp", "leaked"},
               {"mnt+net+cgroup", "net.loopback_tcp", "isolated"},
               {"mnt+cgroup", "ns.user", "leaked"},
               {"mnt+pid+user+cgroup", "ns.user", "isolated"},
               {"mnt+cgroup", "net.sysfs_iface", "leaked"},
               {"mnt+net+cgroup", "net.sysfs_iface", "isolated"},
               {"mnt+cgroup", "cgroup.host_mount", "isolated"},
               {"mnt", "cgroup.host_mount", "leaked"},
               {"mnt", "ns.cgroup", "leaked"},
               {"mnt+cgroup", "ns.cgroup", "isolated"},
               {"mnt", "net.sysfs_iface", "leaked"},
               {"mnt+net", "net.sysfs_iface", "isolated"},
               {"mnt+cgroup", "user.host_root_file", "leaked"},
               {"mnt+user+cgroup", "ns.user", "refused"},
               {"mnt+net+pid+user+cgroup", "ns.user", "isolated"},
               {"mnt+net+pid+user+cgroup", "net.sysfs_iface", "isolated"}},
              {"--userns-map", "root"});
}

TEST(Runtimes, TheReportSaysWhatTheRuntimeAcceptedAndWhatItCouldNotRun) {
  CliRun run = RunNsmatrix({"run", "--runtime", "bwrap", "--combos", "none,mnt,mnt+pid,mnt+time",
                            "--probes", "ns.,pid.signal_sender"});
  ASSERT_TRUE(run.doc.is_object()) << run.err;
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const nlohmann::json& runtime = run.doc["runtime"];
  EXPECT_EQ(runtime["accepted_combinations"], 2);
  EXPECT_EQ(runtime["probes_not_run"][0]["probe"], "pid.signal_sender");
  EXPECT_TRUE(Cell(run.doc, "mnt", "pid.signal_sender").is_null());
  EXPECT_EQ(run.doc["options"]["propagation"], "slave");
  EXPECT_EQ(run.doc["summary"]["outcomes"]["refused"], 2 * 8);
  nlohmann::json refused = Cell(run.doc, "none", "ns.mnt");
  EXPECT_EQ(refused["verdict"], "skip");
  EXPECT_NE(refused["detail"].get<std::string>().find("always makes a new mount namespace"),
            std::string::npos);
  EXPECT_NE(run.out.find("accepted 2 of 4 combinations"), std::string::npos) << run.out;
}

// Every combination refused: nothing was tested, and that is no pass.
TEST(Runtimes, ARuntimeThatMadeNothingFailsTheRun) {
  CliRun run =
      RunNsmatrix({"run", "--runtime", "bwrap", "--combos", "none,uts", "--probes", "ns."});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find("made none of the 2 combinations"), std::string::npos) << run.err;
  EXPECT_EQ(run.doc["runtime"]["accepted_combinations"], 0);
}

TEST(Runtimes, AMissingRuntimeIsExit2NamingItsPackage) {
  ScopedTempDir empty;
  std::string json = empty.path() + "/m.json";
  int code = WaitExit(
      StartProgram({"/usr/bin/env", "PATH=" + empty.path(), BinDir() + "/nsmatrix", "run",
                    "--runtime", "bwrap", "--combos", "mnt", "--json", json, "--no-progress"},
                   empty.path()));
  EXPECT_EQ(code, 2);
  std::string err = Slurp(empty.path() + "/stderr");
  EXPECT_NE(err.find("apt-get install bubblewrap"), std::string::npos) << err;
  EXPECT_NE(access(json.c_str(), F_OK), 0) << "a report was written";
}

TEST(Runtimes, AScenariosPropagationBwrapCannotGiveIsAUsageError) {
  ScopedTempDir dir;
  std::string path = dir.path() + "/private.toml";
  FILE* f = fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  fputs(
      "name = \"private\"\ndescription = \"d\"\ncombinations = [\"mnt\"]\n"
      "[options]\npropagation = \"private\"\nruntime = \"bwrap\"\n",
      f);
  fclose(f);
  CliRun run = RunNsmatrix({"run", "--scenario", path});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("slave"), std::string::npos) << run.err;
}

// unshare maps a range only through newuidmap; where that cannot work, asking
// for it is exit 2 with what to do, not 128 refused combinations.
TEST(Runtimes, AnIdRangeUnshareCannotMapIsAUsageError) {
  // newuidmap is looked for on PATH: one with unshare and without newuidmap
  // is a machine without uidmap, whether this one has it or not.
  ScopedTempDir path;
  ASSERT_EQ(symlink("/usr/bin/unshare", (path.path() + "/unshare").c_str()), 0);
  ScopedTempDir dir;
  int exit_code =
      WaitExit(StartProgram({"/usr/bin/env", "PATH=" + path.path(), BinDir() + "/nsmatrix", "run",
                             "--runtime", "unshare", "--userns-map", "unprivileged", "--combos",
                             "user", "--no-progress", "--json", dir.path() + "/m.json"},
                            dir.path()));
  std::string err = Slurp(dir.path() + "/stderr");
  EXPECT_EQ(exit_code, 2) << err;
  EXPECT_NE(err.find("newuidmap"), std::string::npos) << err;
  EXPECT_NE(err.find("apt-get install uidmap"), std::string::npos) << err;
  EXPECT_NE(access((dir.path() + "/m.json").c_str(), F_OK), 0) << "a report was written";
}

TEST(Runtimes, OptionsARuntimeCannotHonourAreUsageErrors) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"run", "--runtime", "bwrap", "--propagation", "shared"},
        std::vector<std::string>{"run", "--runtime", "crun", "--propagation", "shared"},
        std::vector<std::string>{"run", "--runtime", "runc", "--propagation", "unchanged"},
        std::vector<std::string>{"run", "--runtime", "crun", "--rootfs", "/tmp"},
        std::vector<std::string>{"run", "--runtime", "unshare", "--rootfs", "/tmp"},
        std::vector<std::string>{"run", "--runtime", "docker"},
        std::vector<std::string>{"run", "--runtime", "unshare", "--probes", "pid.signal_sender"}}) {
    CliRun run = RunNsmatrix(args);
    EXPECT_EQ(run.exit_code, 2) << args[2] << " " << args[3] << ": " << run.err;
    EXPECT_NE(access(run.json_path.c_str(), F_OK), 0) << "a report was written";
  }
}

}  // namespace
}  // namespace nsm::testing
