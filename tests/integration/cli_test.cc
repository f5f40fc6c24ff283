// Bad input gets a clear message and exit 2, before anything runs and with no
// report written; --help answers.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>

#include "tests/integration/cli_process.h"

namespace nsm::testing {
namespace {

void ExpectUsageError(const std::vector<std::string>& args, const std::string& message) {
  CliRun run = RunNsmatrix(args);
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find(message), std::string::npos) << "stderr: " << run.err;
  EXPECT_NE(access(run.json_path.c_str(), F_OK), 0) << "a report was written for bad input";
}

TEST(Cli, BadInputExits2WithAMessage) {
  ExpectUsageError({"run", "--combos", "mnt+bogus"}, "unknown namespace 'bogus'");
  ExpectUsageError({"run", "--combos", "pid+pid"}, "appears twice");
  ExpectUsageError({"run", "--combos", ""}, "empty");
  ExpectUsageError({"run", "--probes", "pid.nope"}, "known probes");
  ExpectUsageError({"run", "--userns-map", "everyone"}, "neither");
  ExpectUsageError({"run", "--jobs", "0"}, "--jobs");
  ExpectUsageError({"run", "--timeout-ms", "abc"}, "--timeout-ms");
  ExpectUsageError({"run", "--frobnicate"}, "frobnicate");
  ExpectUsageError({"run", "--probe-binary", "/nonexistent/nsprobe"}, "missing or not executable");
  ExpectUsageError({"run", "--markdown", "/nonexistent/dir/m.md"}, "does not exist");
  // Root may write to procfs by its mode bits (access(2) says yes), but it
  // takes no new file: found before the run, not after it.
  ExpectUsageError({"run", "--out", "/proc/nsm-out"},
                   "--out /proc/nsm-out: cannot make a directory in /proc");
  ExpectUsageError({"run", "--markdown", "/proc/nsm.md"}, "writing /proc/nsm.md: mkstemp(");
  ExpectUsageError({"bogus-command"}, "bogus-command");
}

// nsmatrix kernel refuses what it could not use before its live checks run.
TEST(Cli, KernelRefusesBadInputAtOnce) {
  ScopedTempDir tmp;
  const std::string not_config = tmp.path() + "/config";
  FILE* file = fopen(not_config.c_str(), "w");
  ASSERT_NE(file, nullptr);
  fputs("hello\n", file);
  fclose(file);
  CliRun config = RunNsmatrix({"kernel", "--config", not_config}, false);
  EXPECT_EQ(config.exit_code, 2);
  EXPECT_NE(config.err.find("--config: no CONFIG_ option in it"), std::string::npos) << config.err;
  EXPECT_EQ(config.out, "");
  CliRun json = RunNsmatrix({"kernel", "--json", "/proc/nsm-kernel.json"}, false);
  EXPECT_EQ(json.exit_code, 2);
  EXPECT_NE(json.err.find("--json: writing /proc/nsm-kernel.json: mkstemp("), std::string::npos)
      << json.err;
  EXPECT_EQ(json.out, "");
}

TEST(Cli, AMissingSandboxWorkerIsAUsageError) {
  // nsmatrix alone in a directory: nsm-sandbox is not beside it.
  ScopedTempDir tmp;
  std::string lone = tmp.path() + "/nsmatrix";
  ASSERT_EQ(WaitExit(StartProgram({"/bin/cp", BinDir() + "/nsmatrix", lone}, tmp.path())), 0);
  std::string json = tmp.path() + "/m.json";
  int code = WaitExit(StartProgram({lone, "run", "--combos", "none", "--probe-binary",
                                    BinDir() + "/nsprobe", "--json", json, "--no-progress"},
                                   tmp.path()));
  EXPECT_EQ(code, 2);
  std::string err = Slurp(tmp.path() + "/stderr");
  EXPECT_NE(err.find("sandbox worker " + tmp.path() + "/nsm-sandbox is missing"), std::string::npos)
      << err;
  EXPECT_NE(access(json.c_str(), F_OK), 0) << "a report was written";
}

// Installed, nsmatrix finds its helpers and scenarios relative to itself in
// the installed layout, wherever the tree is; without the helpers it says
// which path it looked at.
TEST(Cli, TheInstalledLayoutIsFoundWhereverTheTreeIs) {
  ScopedTempDir tmp;
  std::string bin = tmp.path() + "/bin";
  std::string helpers = bin + "/" NSM_HELPERS_FROM_BIN;
  std::string data = bin + "/" NSM_DATA_FROM_BIN;
  for (const std::string& dir : {bin, helpers, data + "/scenarios"})
    ASSERT_EQ(WaitExit(StartProgram({"/bin/mkdir", "-p", dir}, tmp.path())), 0);
  ASSERT_EQ(WaitExit(StartProgram({"/bin/cp", BinDir() + "/nsmatrix", bin}, tmp.path())), 0);
  ASSERT_EQ(WaitExit(StartProgram(
                {"/bin/cp", BinDir() + "/" NSM_DATA_FROM_BIN "/scenarios/docker-default.toml",
                 data + "/scenarios"},
                tmp.path())),
            0);
  std::string json = tmp.path() + "/m.json";
  std::vector<std::string> run = {bin + "/nsmatrix", "run",      "--scenario",
                                  "docker-default",  "--combos", "none",
                                  "--json",          json,       "--no-progress"};
  EXPECT_EQ(WaitExit(StartProgram(run, tmp.path())), 2);
  std::string err = Slurp(tmp.path() + "/stderr");
  EXPECT_NE(err.find(bin + "/nsprobe"), std::string::npos) << err;

  for (const char* helper : {"nsprobe", "nsm-sandbox"})
    ASSERT_EQ(WaitExit(StartProgram({"/bin/cp", BinDir() + "/" + helper, helpers}, tmp.path())), 0);
  EXPECT_EQ(WaitExit(StartProgram(run, tmp.path())), 0) << Slurp(tmp.path() + "/stderr");
  EXPECT_EQ(access(json.c_str(), F_OK), 0);
}

TEST(Cli, HelpAnswers) {
  CliRun top = RunNsmatrix({"--help"}, false);
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_NE(top.out.find("Exit codes"), std::string::npos);
  CliRun run = RunNsmatrix({"run", "--help"}, false);
  EXPECT_EQ(run.exit_code, 0);
  for (const char* option :
       {"--combos", "--probes", "--userns-map", "--jobs", "--json", "--markdown", "--out"}) {
    EXPECT_NE(run.out.find(option), std::string::npos) << option;
  }
}

TEST(Cli, OutWritesBothReports) {
  ScopedTempDir tmp;
  std::string dir = tmp.path() + "/reports";
  CliRun run = RunNsmatrix({"run", "--combos", "none,uts", "--out", dir}, false);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(access((dir + "/matrix.json").c_str(), F_OK), 0);
  EXPECT_EQ(access((dir + "/matrix.md").c_str(), F_OK), 0);
  EXPECT_NE(run.out.find("PASSED"), std::string::npos);
}

// --out's directory is made when the reports are written: a run that stops
// before (here, at a probe program that is not there) leaves none behind, and
// one that cannot be made is exit 2 before anything runs.
TEST(Cli, AnOutDirectoryIsMadeOnlyForReports) {
  ScopedTempDir tmp;
  std::string dir = tmp.path() + "/new/reports";
  CliRun run = RunNsmatrix(
      {"run", "--combos", "none", "--out", dir, "--probe-binary", "/nonexistent/nsprobe"}, false);
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(access((tmp.path() + "/new").c_str(), F_OK), 0) << "an empty --out was left";
  std::string file = tmp.path() + "/file";
  FILE* f = fopen(file.c_str(), "w");
  ASSERT_NE(f, nullptr);
  fclose(f);
  CliRun under_file = RunNsmatrix({"run", "--combos", "none", "--out", file + "/reports"}, false);
  EXPECT_EQ(under_file.exit_code, 2) << under_file.err;
  EXPECT_NE(under_file.err.find("--out " + file + "/reports"), std::string::npos) << under_file.err;
  // A trailing slash, and a report in a parent it makes too, are fine.
  CliRun made = RunNsmatrix({"run", "--combos", "none", "--probes", "ns.uts", "--out",
                             tmp.path() + "/a/b/", "--json", tmp.path() + "/a/m.json"},
                            false);
  EXPECT_EQ(made.exit_code, 0) << made.err;
  EXPECT_EQ(access((tmp.path() + "/a/m.json").c_str(), F_OK), 0);
  EXPECT_EQ(access((tmp.path() + "/a/b/matrix.md").c_str(), F_OK), 0);
}

}  // namespace
}  // namespace nsm::testing
