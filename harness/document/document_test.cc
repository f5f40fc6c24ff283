#include "harness/document/document.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace nsm {
namespace {

// Three combinations, two probes, each cell with its own detail: a cell in
// the wrong place or missing shows in the comparison.
struct Fixture {
  RunPlan plan;
  MatrixResult result;
  HostInfo host{"6.1.0", "#1 SMP", "x86_64", "test-host", 2, "root"};

  Fixture() {
    plan.combinations = {NsSet::FromIndex(0), NsSet::FromIndex(5), NsSet::FromIndex(255)};
    plan.probes = *Catalogue::Builtin().Select("uts.hostname,pid.kill_host");
    for (NsSet ns : plan.combinations) {
      for (const ProbeSpec* spec : plan.probes) {
        CellResult cell;
        cell.namespaces = ns;
        cell.probe = spec->id;
        cell.outcome = ns.Index() == 0 ? Outcome::leaked : Outcome::isolated;
        cell.expected = cell.outcome;
        cell.verdict = Verdict::pass;
        cell.detail = spec->id + " in " + ns.ToString();
        result.cells.push_back(cell);
      }
    }
  }
  std::span<const CellResult> Cells(size_t position) const {
    return std::span(result.cells).subspan(position * plan.probes.size(), plan.probes.size());
  }
};

TEST(DocumentBuilder, CombinationsAddedInAnyOrderComeOutInThePlansOrder) {
  Fixture f;
  DocumentBuilder builder(f.plan.combinations);
  for (size_t position : {2, 0, 1})
    builder.AddCombination(f.plan.combinations[position], f.Cells(position));
  nlohmann::json doc = builder.Finish(f.plan, f.result, f.host, "2026-12-01T00:00:00Z");
  EXPECT_EQ(doc, BuildDocument(f.plan, f.result, f.host, "2026-12-01T00:00:00Z"));
  ASSERT_EQ(doc["cells"].size(), 6u);
  EXPECT_EQ(doc["cells"][0]["detail"], f.plan.probes[0]->id + " in none");
  EXPECT_EQ(doc["cells"][5]["detail"],
            f.plan.probes[1]->id + " in " + NsSet::FromIndex(255).ToString());
  EXPECT_EQ(doc["summary"]["cells"], 6);
}

TEST(DocumentBuilder, ACombinationNeverAddedIsTakenFromTheResult) {
  Fixture f;
  DocumentBuilder builder(f.plan.combinations);
  builder.AddCombination(f.plan.combinations[2], f.Cells(2));
  nlohmann::json doc = builder.Finish(f.plan, f.result, f.host, "2026-12-01T00:00:00Z");
  EXPECT_EQ(doc, BuildDocument(f.plan, f.result, f.host, "2026-12-01T00:00:00Z"));
}

TEST(DocumentBuilder, TheLastCellsAddedForACombinationAreTheOnesKept) {
  Fixture f;
  DocumentBuilder builder(f.plan.combinations);
  std::vector<CellResult> first(f.Cells(1).begin(), f.Cells(1).end());
  for (CellResult& cell : first) cell.detail = "superseded";
  builder.AddCombination(f.plan.combinations[1], first);
  builder.AddCombination(f.plan.combinations[1], f.Cells(1));
  // A combination outside the plan has no place in the document.
  builder.AddCombination(NsSet::FromIndex(7), f.Cells(0));
  nlohmann::json doc = builder.Finish(f.plan, f.result, f.host, "2026-12-01T00:00:00Z");
  EXPECT_EQ(doc, BuildDocument(f.plan, f.result, f.host, "2026-12-01T00:00:00Z"));
}

}  // namespace
}  // namespace nsm
