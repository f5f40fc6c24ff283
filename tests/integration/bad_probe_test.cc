// A probe that hangs, crashes, prints garbage or says nothing gives `error`
// with the reason, the run still finishes, and the verdict is fail (exit 1).
#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "tests/integration/cli_process.h"

namespace nsm::testing {
namespace {

CliRun RunWith(const std::string& mode) {
  return RunNsmatrix({"run", "--probe-binary", BinDir() + "/bad_probe_" + mode, "--combos",
                      "none,mnt+pid,user", "--probes", "ns.mnt,uts.hostname", "--timeout-ms",
                      "300"});
}

void ExpectAllErrors(const CliRun& run, const std::string& reason) {
  ASSERT_EQ(run.exit_code, 1) << run.err << run.out;
  ASSERT_TRUE(run.doc.is_object());
  ASSERT_EQ(run.doc["cells"].size(), 6u);  // 3 combinations x 2 probes: nothing to pass vacuously
  for (const nlohmann::json& cell : run.doc["cells"]) {
    EXPECT_EQ(cell["outcome"], "error") << cell.dump();
    EXPECT_EQ(cell["verdict"], "fail");
    EXPECT_NE(cell["detail"].get<std::string>().find(reason), std::string::npos) << cell["detail"];
  }
}

TEST(BadProbe, HangTimesOut) {
  ExpectAllErrors(RunWith("hang"), "timed out");
}
TEST(BadProbe, GarbageIsAnError) {
  ExpectAllErrors(RunWith("garbage"), "garbled output");
}
TEST(BadProbe, SilenceIsAnError) {
  ExpectAllErrors(RunWith("silent"), "wrote nothing");
}
TEST(BadProbe, MissingEndIsAnError) {
  ExpectAllErrors(RunWith("noend"), "no end record");
}

TEST(BadProbe, CrashKeepsWhatWasReported) {
  CliRun run = RunWith("crash");
  ASSERT_EQ(run.exit_code, 1) << run.err;
  nlohmann::json reported = Cell(run.doc, "none", "uts.hostname");
  EXPECT_NE(reported["outcome"], "error") << reported.dump();  // judged from its record
  nlohmann::json lost = Cell(run.doc, "none", "ns.mnt");
  EXPECT_EQ(lost["outcome"], "error");
  EXPECT_NE(lost["detail"].get<std::string>().find("SIGSEGV"), std::string::npos) << lost["detail"];
}

// A probe that cannot even be exec'd in a user namespace (0700 root-owned
// binary, container root is host uid 100000) is an error, not "unsupported":
// the kernel created the namespaces, the setup failed.
TEST(BadProbe, SetupFailureAfterCloneIsAnErrorNotASkip) {
  ScopedTempDir tmp;
  std::string copy = tmp.path() + "/nsprobe700";
  ASSERT_EQ(system(("cp " + BinDir() + "/nsprobe " + copy + " && chmod 700 " + copy).c_str()), 0);
  CliRun run = RunNsmatrix(
      {"run", "--probe-binary", copy, "--combos", "user,mnt+pid+user", "--probes", "ns.user"});
  EXPECT_EQ(run.exit_code, 1) << run.err << run.out;
  ASSERT_EQ(run.doc["cells"].size(), 2u);
  for (const nlohmann::json& cell : run.doc["cells"]) {
    EXPECT_EQ(cell["outcome"], "error") << cell.dump();
    EXPECT_NE(cell["detail"].get<std::string>().find("execveat"), std::string::npos) << cell.dump();
  }
}

// Processes a container leaves behind are killed before the next cell.
TEST(BadProbe, LeftoverProcessesDoNotOutliveTheirCell) {
  CliRun run = RunNsmatrix({"run", "--probe-binary", BinDir() + "/bad_probe_linger", "--combos",
                            "none,uts,ipc,net,cgroup", "--probes", "pid.see_host", "--jobs", "1"});
  ASSERT_EQ(run.doc["cells"].size(), 5u) << run.err;
  std::string first = run.doc["cells"][0]["detail"];
  EXPECT_NE(first.find(" /proc entries"), std::string::npos) << first;  // the count was judged
  for (const nlohmann::json& cell : run.doc["cells"]) {
    EXPECT_EQ(cell["detail"], first) << "the process count grew from cell to cell";
  }
}

// Bytes that are not UTF-8 in what a probe reports reach the report as U+FFFD:
// the run still writes valid JSON (it used to stop with a JSON exception).
TEST(BadProbe, BytesThatAreNotUtf8StillGiveAReport) {
  CliRun run = RunNsmatrix({"run", "--probe-binary", BinDir() + "/bad_probe_badutf", "--combos",
                            "none", "--probes", "uts.hostname", "--jobs", "1"});
  ASSERT_TRUE(run.doc.is_object()) << run.exit_code << " " << run.err;
  ASSERT_EQ(run.doc["cells"].size(), 1u);
  const nlohmann::json& cell = run.doc["cells"][0];
  EXPECT_EQ(cell["outcome"], "error") << cell.dump();
  EXPECT_NE(cell["detail"].get<std::string>().find("bad\uFFFD\uFFFDbytes"), std::string::npos)
      << cell["detail"];
  EXPECT_EQ(run.exit_code, 1) << run.err;
}

// The worker's channel to the runner is a socket: a container root cannot
// reopen it through /proc/<worker>/fd and forge a verdict.
TEST(BadProbe, ForgedRepliesDoNotReachTheRunner) {
  CliRun run = RunNsmatrix({"run", "--probe-binary", BinDir() + "/bad_probe_forge", "--combos",
                            "none", "--probes", "ns.net", "--jobs", "1", "--timeout-ms", "1000"});
  ASSERT_EQ(run.doc["cells"].size(), 1u) << run.err;
  EXPECT_EQ(run.doc["cells"][0]["outcome"], "error") << run.doc["cells"][0].dump();
}

// A fixture broken in a way the sandbox cannot restore (a frozen listener is
// alive, so it is not restarted) turns the cell into an error, and the cells
// after it too: never a verdict judged against a broken host. The control is
// the same run where every cell passes: CrashKeepsWhatWasReported's record is
// judged, so a record alone is judged when the sandbox is sound.
TEST(BadProbe, AnUnrestorableSandboxMakesErrorsNotVerdicts) {
  CliRun run = RunNsmatrix({"run", "--probe-binary", BinDir() + "/bad_probe_stop_listener",
                            "--combos", "none,uts", "--probes", "uts.hostname", "--jobs", "1"});
  EXPECT_EQ(run.exit_code, 1) << run.err << run.out;
  ASSERT_EQ(run.doc["cells"].size(), 2u) << run.err;
  nlohmann::json first = Cell(run.doc, "none", "uts.hostname");
  EXPECT_EQ(first["outcome"], "error") << first.dump();
  EXPECT_NE(first["detail"].get<std::string>().find("could not be restored"), std::string::npos)
      << first.dump();
  nlohmann::json second = Cell(run.doc, "uts", "uts.hostname");
  EXPECT_EQ(second["outcome"], "error") << second.dump();
  EXPECT_NE(second["detail"].get<std::string>().find("host sandbox"), std::string::npos)
      << second.dump();
}

std::string Link(const std::string& path) {
  char buf[4096];
  ssize_t n = readlink(path.c_str(), buf, sizeof(buf));
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

// The first process (host pid) whose parent is `parent` and whose /proc file
// `file` contains `text` (a link: its target); 0 when there is none.
pid_t ChildWith(pid_t parent, const std::string& file, const std::string& text) {
  pid_t found = 0;
  DIR* dir = opendir("/proc");
  if (!dir) return 0;
  while (dirent* e = readdir(dir)) {
    if (!isdigit(e->d_name[0])) continue;
    std::string base = std::string("/proc/") + e->d_name;
    std::string status = Slurp(base + "/status");
    if (status.find("\nPPid:\t" + std::to_string(parent) + "\n") == std::string::npos) continue;
    std::string content = file == "exe" ? Link(base + "/exe") : Slurp(base + "/" + file);
    if (content.find(text) != std::string::npos) {
      found = atoi(e->d_name);
      break;
    }
  }
  closedir(dir);
  return found;
}

// A sandbox worker that dies takes only the combination it was running: the
// one the runner had already queued behind it runs in the fresh sandbox.
TEST(BadProbe, AWorkerKilledMidCombinationCostsOnlyThatCombination) {
  ScopedTempDir tmp;
  std::string json = tmp.path() + "/matrix.json";
  pid_t pid = StartNsmatrix({"run", "--probe-binary", BinDir() + "/bad_probe_hang", "--combos",
                             "none,uts,ipc", "--probes", "uts.hostname", "--jobs", "1",
                             "--timeout-ms", "1500", "--no-progress", "--json", json},
                            tmp.path());
  // Whatever fails below, the run does not outlive the test.
  struct KillOnExit {
    pid_t pid;
    ~KillOnExit() {
      if (pid > 0 && kill(pid, SIGKILL) == 0) WaitExit(pid);
    }
  } guard{pid};
  pid_t worker = 0, probe = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (probe == 0 && std::chrono::steady_clock::now() < deadline) {
    if (worker == 0) worker = ChildWith(pid, "cmdline", "nsm-sandbox");
    if (worker != 0) probe = ChildWith(worker, "exe", "/bad_probe_hang");
    if (probe == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_NE(probe, 0) << "the first container never ran";
  // The first combination, none, shares the sandbox's UTS namespace.
  std::string probe_uts = Link("/proc/" + std::to_string(probe) + "/ns/uts");
  ASSERT_FALSE(probe_uts.empty());
  ASSERT_EQ(probe_uts, Link("/proc/" + std::to_string(worker) + "/ns/uts"))
      << "missed combination none's container";
  kill(worker, SIGKILL);
  EXPECT_EQ(WaitExit(pid), 1) << Slurp(tmp.path() + "/stderr");
  guard.pid = 0;  // reaped
  nlohmann::json doc = ReadJson(json);
  ASSERT_EQ(doc["cells"].size(), 3u) << Slurp(tmp.path() + "/stderr");
  nlohmann::json killed = Cell(doc, "none", "uts.hostname");
  EXPECT_NE(killed["detail"].get<std::string>().find("host sandbox failed during this combination"),
            std::string::npos)
      << killed.dump();
  for (const char* combination : {"uts", "ipc"}) {
    nlohmann::json cell = Cell(doc, combination, "uts.hostname");
    EXPECT_EQ(cell["outcome"], "error") << cell.dump();
    EXPECT_NE(cell["detail"].get<std::string>().find("timed out"), std::string::npos)
        << combination << " did not run in the new sandbox: " << cell.dump();
  }
}

}  // namespace
}  // namespace nsm::testing
