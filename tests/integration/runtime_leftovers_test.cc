// What real runtimes (runc, crun, systemd-nspawn) could leave on the machine,
// and that nothing is left: their state, their cgroups at the top of every
// hierarchy, a hung container, a run interrupted or killed outright while one
// runs, and other runs' leftovers told apart from this PID namespace's.
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
TEST(RuntimeLeftovers, RuntimesLeaveNothingBehind) {
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
TEST(RuntimeLeftovers, AHungRuncContainerIsAnErrorAndLeavesNothingBehind) {
  ExpectHungRunIsAnErrorAndLeavesNothing("runc", {"mnt", "mnt+pid"}, "1000", "/run/runc");
}

// nspawn: its container's processes go with the host sandbox's clean-up
// after the cell.
TEST(RuntimeLeftovers, AHungNspawnContainerIsAnErrorAndLeavesNothingBehind) {
  ExpectHungRunIsAnErrorAndLeavesNothing("nspawn", {"mnt+cgroup", "mnt+pid+cgroup"}, "1500",
                                         "/run/systemd/nspawn");
}

// runc names its containers' cgroups at the top of every hierarchy of the
// machine after their ids (nsm-<run's pid>-...): a run interrupted, or killed
// outright, while a runc container runs leaves none of them, nor the
// container (its run's end, or its janitor, removes them).
TEST(RuntimeLeftovers, AnInterruptedRuncRunLeavesNoCgroupBehind) {
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
TEST(RuntimeLeftovers, OnlyThisPidNamespacesGoneRunsCgroupsAreRemoved) {
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

}  // namespace
}  // namespace nsm::testing
