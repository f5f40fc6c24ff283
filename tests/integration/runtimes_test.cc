// Containers made by real runtimes (unshare from util-linux, bubblewrap,
// runc, crun, systemd-nspawn), judged from the host side like the launcher's. Outcomes are asserted
// directly, not through the rules: each isolation with its namespace, its
// leak without it, and what a runtime cannot make as `refused`.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <sstream>
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

// Cgroups in any hierarchy under /sys/fs/cgroup that a run or a runtime could
// make: runc's nsm-*, nsmatrix's nsmatrix-* tree with its cells, and
// systemd-nspawn's payload and supervisor. One path per line.
std::string CgroupsNamedNsm() {
  ScopedTempDir dir;
  WaitExit(StartProgram({"/usr/bin/find",
                         "/sys/fs/cgroup",
                         "-type",
                         "d",
                         "(",
                         "-name",
                         "nsm-*",
                         "-o",
                         "-name",
                         "nsmatrix-*",
                         "-o",
                         "-name",
                         "cell",
                         "-o",
                         "-name",
                         "payload",
                         "-o",
                         "-name",
                         "supervisor",
                         ")"},
                        dir.path()));
  return Slurp(dir.path() + "/stdout");
}

// The OCI runtimes keep their state in the host sandbox (--root), their
// bundles too, and their containers' cgroups go with the cell; nspawn's locks
// go to the sandbox's own /run, and it copies nothing into the root (with a
// root bound from the host, its default --resolv-conf=auto empties the
// machine's /etc/resolv.conf): nothing of theirs is on the machine after a run.
TEST(Runtimes, RuntimesLeaveNothingBehind) {
  struct stat st {};
  const bool runc_state_before = stat("/run/runc", &st) == 0;
  const bool crun_state_before = stat("/run/crun", &st) == 0;
  const bool nspawn_state_before = stat("/run/systemd/nspawn", &st) == 0;
  const std::string resolv_before = Slurp("/etc/resolv.conf");
  const std::string cgroups_before = CgroupsNamedNsm();
  for (const char* runtime : {"runc", "crun", "nspawn"}) {
    CliRun run = RunNsmatrix({"run", "--runtime", runtime, "--combos",
                              "mnt,mnt+pid,mnt+user+pid+net,mnt+cgroup", "--no-progress"});
    EXPECT_EQ(run.exit_code, 0) << runtime << ": " << run.err;
  }
  EXPECT_EQ(stat("/run/runc", &st) == 0, runc_state_before);
  EXPECT_EQ(stat("/run/crun", &st) == 0, crun_state_before);  // crun --version makes it
  EXPECT_EQ(stat("/run/systemd/nspawn", &st) == 0, nspawn_state_before);
  EXPECT_EQ(Slurp("/etc/resolv.conf"), resolv_before);
  EXPECT_EQ(CgroupsNamedNsm(), cgroups_before);
}

// A "probe" in `dir` that never reports; empty if it could not be written.
std::string HangingProbe(const ScopedTempDir& dir) {
  std::string probe = dir.path() + "/hang.sh";
  FILE* f = fopen(probe.c_str(), "w");
  if (f == nullptr) return "";
  fputs("#!/bin/sh\nexec sleep 987654\n", f);
  fclose(f);
  return chmod(probe.c_str(), 0755) == 0 ? probe : "";
}

// A container that never reports, in two combinations under `runtime`: the
// runtime is killed at the deadline with its container running, so each cell
// is an error, and nothing of it stays: no process, no cgroup, no state in
// `state_dir`.
void ExpectHungRunIsAnErrorAndLeavesNothing(const std::string& runtime,
                                            const std::vector<std::string>& combinations,
                                            const std::string& timeout_ms,
                                            const std::string& state_dir) {
  ScopedTempDir dir;
  const std::string probe = HangingProbe(dir);
  ASSERT_FALSE(probe.empty());
  struct stat st {};
  const bool state_before = stat(state_dir.c_str(), &st) == 0;
  const std::string cgroups_before = CgroupsNamedNsm();
  CliRun run = RunNsmatrix({"run", "--runtime", runtime, "--combos",
                            combinations[0] + "," + combinations[1], "--probes", "ns.mnt",
                            "--probe-binary", probe, "--timeout-ms", timeout_ms, "--no-progress"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  for (const std::string& combination : combinations) {
    nlohmann::json cell = Cell(run.doc, combination, "ns.mnt");
    EXPECT_EQ(cell["outcome"], "error") << combination << ": " << cell["detail"];
    EXPECT_NE(cell["detail"].get<std::string>().find("timed out"), std::string::npos)
        << cell["detail"];
  }
  EXPECT_EQ(stat(state_dir.c_str(), &st) == 0, state_before);
  ScopedTempDir out;
  WaitExit(StartProgram({"/usr/bin/pgrep", "-f", "sleep 987654"}, out.path()));
  EXPECT_EQ(Slurp(out.path() + "/stdout"), "") << "the hung probe is still running";
  EXPECT_EQ(CgroupsNamedNsm(), cgroups_before);
}

// runc: `runc delete --force` (its state was left) and the cgroup clean-up.
TEST(Runtimes, AHungRuncContainerIsAnErrorAndLeavesNothingBehind) {
  ExpectHungRunIsAnErrorAndLeavesNothing("runc", {"mnt", "mnt+pid"}, "1000", "/run/runc");
}

// nspawn: its container's processes go with the host sandbox's clean-up
// after the cell.
TEST(Runtimes, AHungNspawnContainerIsAnErrorAndLeavesNothingBehind) {
  ExpectHungRunIsAnErrorAndLeavesNothing("nspawn", {"mnt+cgroup", "mnt+pid+cgroup"}, "1500",
                                         "/run/systemd/nspawn");
}

// runc names its containers' cgroups at the top of every hierarchy of the
// machine after their ids (nsm-<run's pid>-...): a run interrupted, or killed
// outright, while a runc container runs leaves none of them, nor the
// container (its run's end, or its janitor, removes them).
TEST(Runtimes, AnInterruptedRuncRunLeavesNoCgroupBehind) {
  ScopedTempDir dir;
  const std::string probe = HangingProbe(dir);
  ASSERT_FALSE(probe.empty());
  auto of_run = [](pid_t pid) {
    std::string mine;
    const std::string name = "/nsm-" + std::to_string(pid) + "-";
    std::istringstream lines(CgroupsNamedNsm());
    for (std::string line; std::getline(lines, line);)
      if (line.find(name) != std::string::npos) mine += line + "\n";
    return mine;
  };
  for (int sig : {SIGINT, SIGKILL}) {
    ScopedTempDir out;
    pid_t pid = StartNsmatrix(
        {"run", "--runtime", "runc", "--combos", "mnt", "--probes", "ns.mnt", "--probe-binary",
         probe, "--timeout-ms", "60000", "--no-progress", "--json", out.path() + "/m.json"},
        out.path());
    ASSERT_GT(pid, 0);
    // Until runc has made the container's cgroups (it has, once its probe hangs).
    bool made = false;
    for (int round = 0; round < 400 && !made; ++round) {
      made = !of_run(pid).empty();
      if (!made) usleep(50'000);
    }
    ASSERT_TRUE(made) << "runc made no cgroup named after run " << pid;
    kill(pid, sig);
    EXPECT_EQ(WaitExit(pid), sig == SIGINT ? 130 : 128 + SIGKILL);
    std::string left = of_run(pid);
    for (int round = 0; round < 300 && !left.empty(); ++round) {
      usleep(50'000);  // the janitor's work, after a SIGKILL
      left = of_run(pid);
    }
    EXPECT_EQ(left, "") << "signal " << sig;
    ScopedTempDir ps;
    WaitExit(StartProgram({"/usr/bin/pgrep", "-f", "sleep 987654"}, ps.path()));
    EXPECT_EQ(Slurp(ps.path() + "/stdout"), "") << "the hung probe is still running";
  }
}

// What a killed run left is removed by the next run only when the run was of
// this PID namespace and is gone: a pid names a run only within its namespace,
// and a container sharing the machine's cgroup hierarchies has its own.
TEST(Runtimes, OnlyThisPidNamespacesGoneRunsCgroupsAreRemoved) {
  std::string v2;
  std::istringstream mounts(Slurp("/proc/self/mountinfo"));
  for (std::string line; std::getline(mounts, line);) {
    std::istringstream fields(line);
    std::vector<std::string> f;
    for (std::string field; fields >> field;) f.push_back(field);
    for (size_t i = 0; i + 1 < f.size(); ++i)
      if (f[i] == "-" && f[i + 1] == "cgroup2") v2 = f[4];
  }
  ASSERT_FALSE(v2.empty()) << "no cgroup2 mount";
  struct stat ns {};
  ASSERT_EQ(stat("/proc/self/ns/pid", &ns), 0);
  char tag[32];
  snprintf(tag, sizeof(tag), "%llx", static_cast<unsigned long long>(ns.st_ino));
  pid_t gone = fork();
  if (gone == 0) _exit(0);
  WaitExit(gone);
  const std::string ours = v2 + "/nsm-" + std::to_string(gone) + "-" + tag + "-0badcafe-3";
  const std::string theirs = v2 + "/nsm-" + std::to_string(gone) + "-1234abcd-0badcafe-3";
  const std::string live = v2 + "/nsm-" + std::to_string(getpid()) + "-" + tag + "-0badcafe-3";
  for (const std::string& dir : {ours, theirs, live}) ASSERT_EQ(mkdir(dir.c_str(), 0755), 0);
  CliRun run = RunNsmatrix({"run", "--combos", "none", "--probes", "ns.uts", "--no-progress"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  struct stat st {};
  EXPECT_NE(stat(ours.c_str(), &st), 0) << "a gone run's cgroup was left";
  EXPECT_EQ(stat(theirs.c_str(), &st), 0) << "another PID namespace's was removed";
  EXPECT_EQ(stat(live.c_str(), &st), 0) << "a live run's was removed";
  rmdir(theirs.c_str());
  rmdir(live.c_str());
  rmdir(ours.c_str());
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
