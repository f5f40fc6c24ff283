#include "reports/analysis.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness/common/namespaces.h"

namespace nsm {
namespace {

using nlohmann::json;

json Cell(NsSet set, const std::string& probe, const std::string& outcome) {
  json names = json::array();
  for (std::string_view name : set.Names()) names.push_back(std::string(name));
  return {{"combination", set.ToString()},
          {"namespaces", names},
          {"probe", probe},
          {"outcome", outcome},
          {"expected", outcome},
          {"verdict", "pass"},
          {"detail", ""}};
}

NsSet Set(std::string_view text) {
  return *NsSet::Parse(text);
}

// All 256 combinations for `probe`, isolated exactly when `isolated(set)`.
void AddAllCombinations(json& doc, const std::string& probe, bool (*isolated)(NsSet)) {
  for (unsigned i = 0; i < kCombinationCount; ++i) {
    NsSet set = NsSet::FromIndex(i);
    doc["cells"].push_back(Cell(set, probe, isolated(set) ? "isolated" : "leaked"));
  }
}

json Doc() {
  return {
      {"probes",
       json::array({{{"id", "pid.see_host"}}, {{"id", "uts.hostname"}}, {{"id", "net.loopback"}}})},
      {"cells", json::array()}};
}

TEST(AnalyzeProbesTest, NeedsBothPidAndMnt) {
  json doc = Doc();
  AddAllCombinations(doc, "pid.see_host", [](NsSet s) { return s.Has(Ns::pid) && s.Has(Ns::mnt); });
  json result = AnalyzeProbes(doc)["pid.see_host"];
  EXPECT_EQ(result["isolated_count"], 64);
  EXPECT_EQ(result["cell_count"], 256);
  EXPECT_EQ(result["isolated_by"], json::parse(R"([["mnt", "pid"]])"));
  EXPECT_EQ(result["anomalies"], json::array());
}

TEST(AnalyzeProbesTest, EitherUtsOrUserSortedCanonically) {
  json doc = Doc();
  AddAllCombinations(doc, "uts.hostname",
                     [](NsSet s) { return s.Has(Ns::user) || s.Has(Ns::uts); });
  json result = AnalyzeProbes(doc)["uts.hostname"];
  EXPECT_EQ(result["isolated_count"], 192);
  EXPECT_EQ(result["isolated_by"], json::parse(R"([["uts"], ["user"]])"));
  EXPECT_EQ(result["anomalies"], json::array());
}

TEST(AnalyzeProbesTest, NeverIsolatedGivesEmptyList) {
  json doc = Doc();
  AddAllCombinations(doc, "net.loopback", [](NsSet) { return false; });
  json result = AnalyzeProbes(doc)["net.loopback"];
  EXPECT_EQ(result["isolated_count"], 0);
  EXPECT_EQ(result["cell_count"], 256);
  EXPECT_EQ(result["isolated_by"], json::array());
}

TEST(AnalyzeProbesTest, ProbeWithoutCellsIsListedWithZeros) {
  json result = AnalyzeProbes(Doc());
  ASSERT_TRUE(result.contains("net.loopback"));
  EXPECT_EQ(result["net.loopback"]["cell_count"], 0);
  EXPECT_EQ(result["net.loopback"]["isolated_by"], json::array());
}

TEST(AnalyzeProbesTest, SortsBySizeThenCanonicalOrder) {
  json doc = Doc();
  for (const char* combination : {"net+user", "mnt+time", "mnt+user", "cgroup", "uts+ipc"}) {
    doc["cells"].push_back(Cell(Set(combination), "pid.see_host", "isolated"));
  }
  doc["cells"].push_back(Cell(Set("mnt+cgroup"), "pid.see_host", "isolated"));  // not minimal
  doc["cells"].push_back(Cell(Set("none"), "pid.see_host", "leaked"));
  EXPECT_EQ(AnalyzeProbes(doc)["pid.see_host"]["isolated_by"],
            json::parse(R"([["cgroup"], ["mnt", "user"], ["mnt", "time"], ["uts", "ipc"],
                            ["net", "user"]])"));
}

TEST(AnalyzeProbesTest, ReportsNonMonotoneAnomaly) {
  json doc = Doc();
  doc["cells"].push_back(Cell(Set("pid"), "pid.see_host", "leaked"));
  doc["cells"].push_back(Cell(Set("mnt+pid"), "pid.see_host", "isolated"));
  doc["cells"].push_back(Cell(Set("mnt+pid+user"), "pid.see_host", "leaked"));
  doc["cells"].push_back(Cell(Set("mnt+pid+net"), "pid.see_host", "isolated"));
  doc["cells"].push_back(Cell(Set("mnt+pid+net+user"), "pid.see_host", "leaked"));
  json result = AnalyzeProbes(doc)["pid.see_host"];
  EXPECT_EQ(result["isolated_by"], json::parse(R"([["mnt", "pid"]])"));
  EXPECT_EQ(result["anomalies"], json::parse(R"([
      "isolated with mnt+pid but leaked with mnt+pid+user",
      "isolated with mnt+net+pid but leaked with mnt+net+pid+user"])"));
}

TEST(AnalyzeProbesTest, OnlyIsolatedAndLeakedTakePart) {
  json doc = Doc();
  doc["cells"].push_back(Cell(Set("none"), "uts.hostname", "leaked"));
  doc["cells"].push_back(Cell(Set("uts"), "uts.hostname", "isolated"));
  doc["cells"].push_back(Cell(Set("uts+time"), "uts.hostname", "unsupported"));
  doc["cells"].push_back(Cell(Set("uts+net"), "uts.hostname", "error"));
  doc["cells"].push_back(Cell(Set("time"), "uts.hostname", "bogus"));
  json result = AnalyzeProbes(doc)["uts.hostname"];
  EXPECT_EQ(result["isolated_count"], 1);
  EXPECT_EQ(result["cell_count"], 4);  // "bogus" is not an outcome
  EXPECT_EQ(result["isolated_by"], json::parse(R"([["uts"]])"));
  EXPECT_EQ(result["anomalies"], json::array());
}

TEST(AnalyzeProbesTest, IsolatedWithoutAnyNamespace) {
  json doc = Doc();
  doc["cells"].push_back(Cell(Set("none"), "net.loopback", "isolated"));
  doc["cells"].push_back(Cell(Set("net"), "net.loopback", "isolated"));
  doc["cells"].push_back(Cell(Set("user"), "net.loopback", "leaked"));
  json result = AnalyzeProbes(doc)["net.loopback"];
  EXPECT_EQ(result["isolated_by"], json::parse("[[]]"));
  EXPECT_EQ(result["anomalies"], json::parse(R"(["isolated with none but leaked with user"])"));
}

TEST(AnalyzeProbesTest, FallsBackToCombinationAndLeakWinsOnRepeats) {
  json doc = Doc();
  json cell = Cell(Set("uts"), "uts.hostname", "isolated");
  cell.erase("namespaces");
  doc["cells"].push_back(cell);
  doc["cells"].push_back(Cell(Set("user"), "uts.hostname", "isolated"));
  doc["cells"].push_back(Cell(Set("user"), "uts.hostname", "leaked"));
  json result = AnalyzeProbes(doc)["uts.hostname"];
  EXPECT_EQ(result["isolated_count"], 2);
  EXPECT_EQ(result["cell_count"], 3);
  EXPECT_EQ(result["isolated_by"], json::parse(R"([["uts"]])"));
}

TEST(AnalyzeProbesTest, ToleratesMalformedDocuments) {
  EXPECT_EQ(AnalyzeProbes(json()), json::object());
  EXPECT_EQ(AnalyzeProbes(json::parse(R"({"cells": 3, "probes": [1, {"id": 2}]})")),
            json::object());
  json doc = json::parse(R"({"cells": [{"probe": "x", "outcome": "isolated",
                                        "combination": "mnt+bogus"}, 7]})");
  json result = AnalyzeProbes(doc)["x"];
  EXPECT_EQ(result["isolated_count"], 1);
  EXPECT_EQ(result["isolated_by"], json::array());
}

TEST(AddAnalysisTest, MergesFieldsIntoProbeEntries) {
  json doc = Doc();
  doc["probes"][0]["description"] = "sees host processes";
  AddAllCombinations(doc, "pid.see_host", [](NsSet s) { return s.Has(Ns::pid) && s.Has(Ns::mnt); });
  AddAnalysis(doc);
  const json& probe = doc["probes"][0];
  EXPECT_EQ(probe["id"], "pid.see_host");
  EXPECT_EQ(probe["description"], "sees host processes");
  EXPECT_EQ(probe["isolated_count"], 64);
  EXPECT_EQ(probe["cell_count"], 256);
  EXPECT_EQ(probe["isolated_by"], json::parse(R"([["mnt", "pid"]])"));
  EXPECT_EQ(probe["anomalies"], json::array());
  EXPECT_EQ(doc["probes"][1]["cell_count"], 0);
  EXPECT_EQ(doc["probes"].size(), 3u);
}

TEST(AddAnalysisTest, LeavesDocumentsWithoutProbesAlone) {
  json doc = json::parse(R"({"cells": []})");
  AddAnalysis(doc);
  EXPECT_EQ(doc, json::parse(R"({"cells": []})"));
  json not_object = json::array();
  AddAnalysis(not_object);
  EXPECT_EQ(not_object, json::array());
}

}  // namespace
}  // namespace nsm
