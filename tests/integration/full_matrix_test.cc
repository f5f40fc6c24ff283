// The whole 256-combination matrix, both id maps: every verdict passes, every
// cell is present once, and no probe errors.
#include <gtest/gtest.h>

#include <set>

#include "tests/integration/cli_process.h"

namespace nsm::testing {
namespace {

void ExpectCleanFullRun(const std::string& map) {
  CliRun run = RunNsmatrix({"run", "--userns-map", map, "--jobs", "2"});
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  ASSERT_TRUE(run.doc.is_object());
  EXPECT_EQ(run.doc["schema"], "nsmatrix/1");
  EXPECT_EQ(run.doc["options"]["combinations"], 256);
  const size_t probes = run.doc["probes"].size();
  EXPECT_GE(probes, 26u);
  EXPECT_EQ(run.doc["cells"].size(), 256 * probes);
  std::set<std::pair<std::string, std::string>> seen;
  for (const nlohmann::json& cell : run.doc["cells"]) {
    EXPECT_EQ(cell["verdict"], "pass") << cell.dump();
    bool fresh =
        seen.insert({cell["combination"].get<std::string>(), cell["probe"].get<std::string>()})
            .second;
    EXPECT_TRUE(fresh) << "duplicate " << cell.dump();
  }
  EXPECT_EQ(run.doc["summary"]["fail"], 0);
  EXPECT_EQ(run.doc["summary"]["outcomes"]["error"], 0);
  // The analysis learns the story's subtleties from the observed cells.
  for (const nlohmann::json& probe : run.doc["probes"]) {
    if (probe["id"] == "pid.see_host") {
      EXPECT_EQ(probe["isolated_by"], nlohmann::json::parse(R"([["mnt","pid"]])"));
    }
    if (probe["id"] == "uts.hostname") {
      EXPECT_EQ(probe["isolated_by"], nlohmann::json::parse(R"([["uts"],["user"]])"));
    }
  }
}

TEST(FullMatrix, UnprivilegedMapAllPass) {
  ExpectCleanFullRun("unprivileged");
}
TEST(FullMatrix, RootMapAllPass) {
  ExpectCleanFullRun("root");
}

TEST(FullMatrix, OneJobGivesTheSameOutcomesAsTwo) {
  CliRun one =
      RunNsmatrix({"run", "--jobs", "1", "--combos", "none,uts,pid,mnt+pid,user,user+pid"});
  CliRun two =
      RunNsmatrix({"run", "--jobs", "2", "--combos", "none,uts,pid,mnt+pid,user,user+pid"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  ASSERT_EQ(two.exit_code, 0) << two.err;
  ASSERT_EQ(one.doc["cells"].size(), two.doc["cells"].size());
  for (size_t i = 0; i < one.doc["cells"].size(); ++i) {
    EXPECT_EQ(one.doc["cells"][i]["outcome"], two.doc["cells"][i]["outcome"])
        << one.doc["cells"][i].dump();
  }
}

// More sandboxes than there are combinations of two digits of index: names,
// fixtures and attribution must hold for every worker.
TEST(FullMatrix, TwelveJobs) {
  CliRun run = RunNsmatrix({"run", "--jobs", "12", "--probes", "pid.,uts.,net.loopback_tcp,mnt."});
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  EXPECT_EQ(run.doc["summary"]["fail"], 0);
}

}  // namespace
}  // namespace nsm::testing
