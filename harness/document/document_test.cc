#include "harness/document/document.h"

#include <gtest/gtest.h>

namespace nsm {
namespace {

constexpr const char* kAt = "2026-12-01T00:00:00Z";

// Three combinations, two probes, each cell with its own detail: a cell in
// the wrong place or missing shows in the comparison. One cell carries an
// expectation override.
struct Fixture {
  RunPlan plan;
  MatrixResult result;
  HostInfo host{"6.1.0", "#1 SMP", "x86_64", "test-host", 2, "root", "proc"};
  ExpectationOverride override_{"pid.", NsSet::FromIndex(5), Outcome::leaked, "known", "s.toml:3"};

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
        if (ns.Index() == 5 && spec->id == "pid.kill_host") cell.override_used = &override_;
        result.cells.push_back(cell);
      }
    }
  }
  std::span<const CellResult> Cells(size_t position) const {
    return std::span(result.cells).subspan(position * plan.probes.size(), plan.probes.size());
  }
};

// The document from the finished result alone, nothing added during the run.
nlohmann::json AllAtOnce(const Fixture& f) {
  return DocumentBuilder(f.plan.combinations).Finish(f.plan, f.result, f.host, kAt);
}

// Each cell of the document, as "probe in combination" (its detail here),
// must be the result's, in the result's order.
void ExpectCellsOf(const MatrixResult& result, const nlohmann::json& doc) {
  ASSERT_EQ(doc["cells"].size(), result.cells.size());
  for (size_t i = 0; i < result.cells.size(); ++i) {
    EXPECT_EQ(doc["cells"][i]["detail"], result.cells[i].detail) << "cell " << i;
    EXPECT_EQ(doc["cells"][i]["combination"], result.cells[i].namespaces.ToString());
  }
  EXPECT_EQ(doc["summary"]["cells"], result.cells.size());
}

TEST(DocumentBuilder, CombinationsAddedInAnyOrderComeOutInThePlansOrder) {
  Fixture f;
  DocumentBuilder builder(f.plan.combinations);
  for (size_t position : {2, 0, 1})
    builder.AddCombination(f.plan.combinations[position], f.Cells(position));
  nlohmann::json doc = builder.Finish(f.plan, f.result, f.host, kAt);
  ExpectCellsOf(f.result, doc);
  EXPECT_EQ(doc, AllAtOnce(f));
  // The override's cell says which override made its expectation.
  for (size_t i = 0; i < f.result.cells.size(); ++i) {
    if (f.result.cells[i].override_used) {
      EXPECT_EQ(doc["cells"][i]["expectation_override"], "s.toml:3: known");
    } else {
      EXPECT_FALSE(doc["cells"][i].contains("expectation_override")) << "cell " << i;
    }
  }
}

TEST(DocumentBuilder, ACombinationNeverAddedIsTakenFromTheResult) {
  Fixture f;
  DocumentBuilder builder(f.plan.combinations);
  builder.AddCombination(f.plan.combinations[2], f.Cells(2));
  nlohmann::json doc = builder.Finish(f.plan, f.result, f.host, kAt);
  ExpectCellsOf(f.result, doc);
  EXPECT_EQ(doc, AllAtOnce(f));
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
  nlohmann::json doc = builder.Finish(f.plan, f.result, f.host, kAt);
  ExpectCellsOf(f.result, doc);
}

TEST(DocumentBuilder, AResultOfAnotherShapeIsWrittenAsItIs) {
  Fixture f;
  DocumentBuilder builder(f.plan.combinations);
  for (size_t position : {0, 1, 2})
    builder.AddCombination(f.plan.combinations[position], f.Cells(position));
  CellResult extra = f.result.cells.back();
  extra.detail = "one more";
  f.result.cells.push_back(extra);
  ExpectCellsOf(f.result, builder.Finish(f.plan, f.result, f.host, kAt));
  f.result.cells.erase(f.result.cells.begin(), f.result.cells.begin() + 2);
  ExpectCellsOf(f.result,
                DocumentBuilder(f.plan.combinations).Finish(f.plan, f.result, f.host, kAt));
}

}  // namespace
}  // namespace nsm
