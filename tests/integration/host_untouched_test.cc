// The real machine is never touched: after a full run, and after an
// interrupted one, the hostname, mounts, IPC objects, links and processes are
// as before, and nothing of nsmatrix is left running.
#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>
#include <set>
#include <thread>

#include "tests/integration/cli_process.h"

namespace nsm::testing {
namespace {

std::set<std::string> ListDir(const std::string& path) {
  std::set<std::string> names;
  if (DIR* dir = opendir(path.c_str())) {
    while (dirent* e = readdir(dir)) names.insert(e->d_name);
    closedir(dir);
  }
  return names;
}

// Processes whose comm names an nsmatrix part: worker, sentinel, probe.
std::vector<std::string> NsmatrixProcesses() {
  std::vector<std::string> found;
  for (const std::string& pid : ListDir("/proc")) {
    if (pid.empty() || !isdigit(pid[0])) continue;
    std::string comm = Slurp("/proc/" + pid + "/comm");
    if (comm.starts_with("nsm-s") || comm.starts_with("nsprobe") || comm.starts_with("nsmatrix") ||
        comm.starts_with("bad_probe") || comm.starts_with("nsm-janitor")) {
      found.push_back(pid + ":" + comm);
    }
  }
  return found;
}

// A hanging probe runs inside a container: the sandboxes, their fixtures and a
// container are all up. (A bare count of nsmatrix processes is not enough: the
// kernel checks at the start of a run fork short-lived nsmatrix children.)
bool HangingProbeRunning() {
  for (const std::string& process : NsmatrixProcesses()) {
    if (process.find(":bad_probe_hang") != std::string::npos) return true;
  }
  return false;
}

// The cgroup directories a run of `pid` made (nsmatrix-<pid>-<its PID
// namespace>), wherever cgroup v2 is mounted here.
std::vector<std::string> CgroupTrees(pid_t pid) {
  std::vector<std::string> found;
  const std::string prefix = "nsmatrix-" + std::to_string(pid) + "-";
  for (const char* base : {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"}) {
    DIR* d = opendir(base);
    if (d == nullptr) continue;
    while (dirent* e = readdir(d)) {
      if (std::string_view(e->d_name).starts_with(prefix))
        found.push_back(std::string(base) + "/" + e->d_name);
    }
    closedir(d);
  }
  return found;
}

struct MachineState {
  std::string hostname, domainname, mounts, shm, msg, sem, links;
  std::set<std::string> pids;  // long-lived machine processes that must survive

  static MachineState Capture() {
    MachineState s;
    utsname u{};
    uname(&u);
    s.hostname = u.nodename;
    s.domainname = u.domainname;
    s.mounts = Slurp("/proc/self/mountinfo");
    s.shm = Slurp("/proc/sysvipc/shm");
    s.msg = Slurp("/proc/sysvipc/msg");
    s.sem = Slurp("/proc/sysvipc/sem");
    for (const std::string& link : ListDir("/sys/class/net")) {
      s.links += link + " " + Slurp("/sys/class/net/" + link + "/flags") +
                 Slurp("/sys/class/net/" + link + "/mtu");
    }
    s.pids = {"1", std::to_string(getppid())};
    return s;
  }

  void ExpectSameAs(const MachineState& before) const {
    EXPECT_EQ(hostname, before.hostname);
    EXPECT_EQ(domainname, before.domainname);
    EXPECT_EQ(mounts, before.mounts);
    EXPECT_EQ(shm, before.shm);
    EXPECT_EQ(msg, before.msg);
    EXPECT_EQ(sem, before.sem);
    EXPECT_EQ(links, before.links);
    for (const std::string& pid : before.pids) {
      EXPECT_EQ(access(("/proc/" + pid).c_str(), F_OK), 0)
          << "machine process " << pid << " is gone";
    }
    EXPECT_EQ(NsmatrixProcesses(), std::vector<std::string>());
  }
};

// A machine process of our own, alive throughout: what a probe that reached
// the machine's PID namespace could see or kill.
class MachineSentinel {
 public:
  MachineSentinel() {
    pid_ = fork();
    if (pid_ == 0) {
      while (true) pause();
    }
  }
  ~MachineSentinel() {
    kill(pid_, SIGKILL);
    WaitExit(pid_);
  }
  bool Alive() const {
    return kill(pid_, 0) == 0 &&
           Slurp("/proc/" + std::to_string(pid_) + "/stat").find(") Z") == std::string::npos;
  }

 private:
  pid_t pid_;
};

TEST(HostUntouched, AfterAFullRun) {
  MachineSentinel machine_sentinel;
  MachineState before = MachineState::Capture();
  CliRun run =
      RunNsmatrix({"run", "--userns-map", "root"});  // root map: kills and renames leak most
  ASSERT_EQ(run.exit_code, 0) << run.err;
  // The probes did rename and kill things in the sandbox...
  EXPECT_EQ(Cell(run.doc, "none", "uts.hostname")["outcome"], "leaked");
  EXPECT_EQ(Cell(run.doc, "none", "pid.kill_host")["outcome"], "leaked");
  // ...and none of it reached the machine.
  MachineState::Capture().ExpectSameAs(before);
  EXPECT_TRUE(machine_sentinel.Alive());
}

TEST(HostUntouched, AfterAnInterruptedRun) {
  MachineState before = MachineState::Capture();
  ScopedTempDir tmp;
  const std::string& dir = tmp.path();
  // A probe that hangs keeps the run busy until we interrupt it.
  pid_t pid = StartNsmatrix({"run", "--probe-binary", BinDir() + "/bad_probe_hang", "--timeout-ms",
                             "600000", "--json", dir + "/matrix.json", "--no-progress"},
                            dir);
  // Wait (bounded) until sandboxes and probes are up, then Ctrl-C.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!HangingProbeRunning() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(HangingProbeRunning()) << "the run never got going";
  kill(pid, SIGINT);
  EXPECT_EQ(WaitExit(pid), 130) << Slurp(dir + "/stderr");
  EXPECT_NE(Slurp(dir + "/stderr").find("interrupted"), std::string::npos);
  EXPECT_NE(access((dir + "/matrix.json").c_str(), F_OK), 0) << "an interrupted run wrote a report";
  // Sandboxes die with their worker: give the kernel a moment to reap them.
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!NsmatrixProcesses().empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  MachineState::Capture().ExpectSameAs(before);
}

TEST(HostUntouched, AfterTheRunnerIsKilledOutright) {
  MachineState before = MachineState::Capture();
  ScopedTempDir tmp;
  const std::string& dir = tmp.path();
  pid_t pid = StartNsmatrix({"run", "--probe-binary", BinDir() + "/bad_probe_hang", "--timeout-ms",
                             "600000", "--no-progress"},
                            dir);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!HangingProbeRunning() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(HangingProbeRunning()) << "the run never got going";
  // What is looked for below is there to be looked for (the names are right).
  EXPECT_FALSE(CgroupTrees(pid).empty()) << "the running run has no cgroup tree";
  kill(pid, SIGKILL);  // no cleanup code runs: PDEATHSIG, PID namespaces and the janitor must do it
  EXPECT_EQ(WaitExit(pid), 128 + SIGKILL);
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while ((!NsmatrixProcesses().empty() || !CgroupTrees(pid).empty()) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(CgroupTrees(pid), std::vector<std::string>()) << "the run's cgroups were left behind";
  MachineState::Capture().ExpectSameAs(before);
}

}  // namespace
}  // namespace nsm::testing
