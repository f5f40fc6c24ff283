// Scenarios, `report` and `gate` through the real binary: what a CI job does.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "tests/integration/cli_process.h"

namespace nsm::testing {
namespace {

void Spit(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

TEST(Scenarios, EveryShippedScenarioRunsAsItSays) {
  struct Expectation {
    const char* name;
    int exit_code;
    size_t combinations;
  } scenarios[] = {{"chroot-only", 0, 1},
                   {"unshare-classic", 0, 1},
                   {"docker-default", 0, 1},
                   {"podman-rootless", 0, 1},
                   {"shared-propagation", 1, 3}};
  for (const Expectation& e : scenarios) {
    CliRun run = RunNsmatrix({"run", "--scenario", e.name});
    EXPECT_EQ(run.exit_code, e.exit_code) << e.name << ": " << run.err << run.out;
    ASSERT_TRUE(run.doc.is_object()) << e.name;
    EXPECT_EQ(run.doc["options"]["scenario"]["name"], e.name);
    EXPECT_EQ(run.doc["options"]["combinations"], e.combinations) << e.name;
  }
}

TEST(Scenarios, SharedPropagationIsCaughtByTheMountLeakProbe) {
  CliRun run = RunNsmatrix({"run", "--scenario", "shared-propagation"});
  ASSERT_EQ(run.exit_code, 1) << run.err;
  for (const nlohmann::json& cell : run.doc["cells"]) {
    if (cell["probe"] == "mnt.mount_leak") {
      EXPECT_EQ(cell["outcome"], "leaked") << cell.dump();
      EXPECT_EQ(cell["verdict"], "fail");
      EXPECT_TRUE(cell.contains("expectation_override"));
    } else if (cell["probe"] == "mnt.propagation_in") {
      // The other direction of the same sharing: the host's mounts come in, as the rule says.
      EXPECT_EQ(cell["outcome"], "leaked") << cell.dump();
      EXPECT_EQ(cell["verdict"], "pass");
    } else {
      EXPECT_EQ(cell["outcome"], "isolated");  // ns.mnt: the namespace is new all the same
    }
  }
}

TEST(Scenarios, CommandLineWinsAndBadFilesExit2) {
  CliRun run =
      RunNsmatrix({"run", "--scenario", "unshare-classic", "--combos", "none", "--probes", "uts."});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.doc["options"]["combinations"], 1);
  EXPECT_EQ(run.doc["options"]["userns_map"], "root");  // from the scenario
  EXPECT_EQ(run.doc["cells"].size(), 2u);

  ScopedTempDir tmp;
  Spit(tmp.path() + "/bad.toml",
       "name = \"bad\"\ndescription = \"x\"\ncombinations = [\"mnt+bogus\"]\n");
  CliRun bad = RunNsmatrix({"run", "--scenario", tmp.path() + "/bad.toml"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("bad.toml:3:"), std::string::npos) << bad.err;
  CliRun unknown = RunNsmatrix({"run", "--scenario", "no-such-scenario"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("docker-default"), std::string::npos) << unknown.err;
  // Every option a scenario can set is the command line's when given, short forms too.
  Spit(tmp.path() + "/options.toml",
       "name = \"options\"\ndescription = \"x\"\ncombinations = [\"mnt\"]\n"
       "probes = [\"uts.\"]\n[options]\nuserns_map = \"root\"\npropagation = \"slave\"\n"
       "jobs = 3\ntimeout_ms = 5000\n");
  CliRun given = RunNsmatrix({"run", "--scenario", tmp.path() + "/options.toml", "--combos", "none",
                              "--probes", "ns.mnt", "--userns-map", "unprivileged", "--propagation",
                              "shared", "-j", "1", "--timeout-ms", "4000"});
  ASSERT_EQ(given.exit_code, 0) << given.err;
  const nlohmann::json& options = given.doc["options"];
  EXPECT_EQ(options["combinations"], 1);
  EXPECT_EQ(options["probes"], nlohmann::json({"ns.mnt"}));
  EXPECT_EQ(options["userns_map"], "unprivileged");
  EXPECT_EQ(options["propagation"], "shared");
  EXPECT_EQ(options["jobs"], 1);
  EXPECT_EQ(options["timeout_ms"], 4000);
}

TEST(ReportCommand, RendersExactlyWhatRunWrote) {
  ScopedTempDir tmp;
  std::string out = tmp.path() + "/run";
  CliRun run = RunNsmatrix({"run", "--combos", "none,pid,mnt+pid", "--out", out}, false);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::string again = tmp.path() + "/again";
  CliRun report = RunNsmatrix({"report", out + "/matrix.json", "--out", again}, false);
  ASSERT_EQ(report.exit_code, 0) << report.err;
  for (const char* file : {"matrix.md", "matrix.html", "junit.xml"}) {
    EXPECT_EQ(Slurp(out + "/" + file), Slurp(again + "/" + file)) << file;
    EXPECT_FALSE(Slurp(out + "/" + file).empty()) << file;
  }
  Spit(tmp.path() + "/garbage.json", "{not json");
  EXPECT_EQ(
      RunNsmatrix({"report", tmp.path() + "/garbage.json", "--html", tmp.path() + "/x.html"}, false)
          .exit_code,
      2);
  EXPECT_NE(access((tmp.path() + "/x.html").c_str(), F_OK), 0);
}

TEST(GateCommand, RegressionsFailImprovementsPassAllowListAccepts) {
  ScopedTempDir tmp;
  const std::string base = tmp.path() + "/base.json";
  CliRun baseline = RunNsmatrix(
      {"run", "--combos", "none,mnt,mnt+pid", "--probes", "mnt.,pid.see_host", "--json", base},
      false);
  ASSERT_EQ(baseline.exit_code, 0) << baseline.err;
  // Same configuration: no regression.
  const std::string same = tmp.path() + "/same.json";
  ASSERT_EQ(RunNsmatrix({"run", "--combos", "none,mnt,mnt+pid", "--probes", "mnt.,pid.see_host",
                         "--json", same},
                        false)
                .exit_code,
            0);
  CliRun ok = RunNsmatrix({"gate", "--baseline", base, same}, false);
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  // Shared propagation: mnt.mount_leak goes isolated -> leaked with mnt. A regression,
  // though every verdict of the new run passes (its rule expects the leak).
  const std::string shared = tmp.path() + "/shared.json";
  ASSERT_EQ(RunNsmatrix({"run", "--combos", "none,mnt,mnt+pid", "--probes", "mnt.,pid.see_host",
                         "--propagation", "shared", "--json", shared},
                        false)
                .exit_code,
            0);
  CliRun regressed = RunNsmatrix({"gate", "--baseline", base, shared}, false);
  EXPECT_EQ(regressed.exit_code, 1) << regressed.out;
  EXPECT_NE(regressed.out.find("mnt.mount_leak"), std::string::npos) << regressed.out;
  EXPECT_NE(regressed.out.find("isolated -> leaked"), std::string::npos) << regressed.out;
  EXPECT_NE(regressed.out.find("propagation"), std::string::npos) << "option differences are shown";
  // The other way round it is an improvement.
  EXPECT_EQ(RunNsmatrix({"gate", "--baseline", shared, base}, false).exit_code, 0);
  // An allow-list with a reason accepts it.
  Spit(tmp.path() + "/allow.toml",
       "[[allow]]\ncombination = \"*\"\nprobe = \"mnt.\"\nto = \"leaked\"\nreason = \"testing "
       "shared propagation\"\n");
  CliRun allowed = RunNsmatrix(
      {"gate", "--baseline", base, shared, "--allow", tmp.path() + "/allow.toml"}, false);
  EXPECT_EQ(allowed.exit_code, 0) << allowed.out;
  // Bad input: exit 2.
  Spit(tmp.path() + "/noreason.toml", "[[allow]]\ncombination = \"*\"\nprobe = \"mnt.\"\n");
  EXPECT_EQ(
      RunNsmatrix({"gate", "--baseline", base, shared, "--allow", tmp.path() + "/noreason.toml"},
                  false)
          .exit_code,
      2);
  EXPECT_EQ(
      RunNsmatrix({"gate", "--baseline", tmp.path() + "/missing.json", same}, false).exit_code, 2);
  // A device named by mistake is refused at the input limit, not read until memory runs out.
  CliRun endless = RunNsmatrix({"gate", "--baseline", "/dev/zero", same}, false);
  EXPECT_EQ(endless.exit_code, 2);
  EXPECT_NE(endless.err.find("EFBIG"), std::string::npos) << endless.err;
  // An output it cannot write stops the gate before it writes any: exit 2
  // and no report (it used to write --json, then fail on --markdown).
  const std::string json_out = tmp.path() + "/gate.json";
  CliRun unwritable = RunNsmatrix({"gate", "--baseline", base, same, "--json", json_out,
                                   "--markdown", tmp.path() + "/missing/gate.md"},
                                  false);
  EXPECT_EQ(unwritable.exit_code, 2);
  EXPECT_NE(unwritable.err.find("does not exist"), std::string::npos) << unwritable.err;
  EXPECT_NE(access(json_out.c_str(), F_OK), 0) << "a report was written on exit 2";
}

TEST(GateCommand, WritesTheGitHubStepSummary) {
  ScopedTempDir tmp;
  const std::string summary = tmp.path() + "/summary.md";
  setenv("GITHUB_STEP_SUMMARY", summary.c_str(), 1);
  CliRun run = RunNsmatrix({"run", "--combos", "none,uts", "--probes", "uts."});
  unsetenv("GITHUB_STEP_SUMMARY");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::string text = Slurp(summary);
  EXPECT_NE(text.find("nsmatrix"), std::string::npos);
  EXPECT_NE(text.find("uts.hostname"), std::string::npos);
}

}  // namespace
}  // namespace nsm::testing
