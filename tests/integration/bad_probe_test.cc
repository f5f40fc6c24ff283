// A probe that hangs, crashes, prints garbage or says nothing gives `error`
// with the reason, the run still finishes, and the verdict is fail (exit 1).
#include <gtest/gtest.h>

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
  nlohmann::json reported = Cell(run.doc, "none", "ns.mnt");
  EXPECT_NE(reported["outcome"], "error") << reported.dump();  // judged from its record
  nlohmann::json lost = Cell(run.doc, "none", "uts.hostname");
  EXPECT_EQ(lost["outcome"], "error");
  EXPECT_NE(lost["detail"].get<std::string>().find("SIGSEGV"), std::string::npos) << lost["detail"];
}

}  // namespace
}  // namespace nsm::testing
