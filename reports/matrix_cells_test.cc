#include "reports/matrix_cells.h"

#include <gtest/gtest.h>

namespace nsm {
namespace {

using nlohmann::json;

MatrixCell Sample() {
  MatrixCell cell;
  cell.combination = *NsSet::Parse("mnt+pid+user");
  cell.probe = "pid.see_host";
  cell.outcome = Outcome::leaked;
  cell.expected = Outcome::isolated;
  cell.verdict = Verdict::fail;
  cell.detail = "found \"nsm-s0\" at /proc/31337 \n\x01";
  cell.expectation_override = "docker-default.toml: a reason";
  return cell;
}

json Doc(json cells) {
  return {{"schema", "nsmatrix/1"}, {"cells", std::move(cells)}};
}

TEST(MatrixCells, ACellSurvivesItsEncoding) {
  json encoded = CellToJson(Sample());
  EXPECT_EQ(encoded["combination"], "mnt+pid+user");
  EXPECT_EQ(encoded["namespaces"], json({"mnt", "pid", "user"}));
  EXPECT_EQ(encoded["outcome"], "leaked");
  Result<std::vector<MatrixCell>> back = ReadMatrixCells(Doc(json::array({encoded})));
  ASSERT_TRUE(back) << back.error().Message();
  ASSERT_EQ(back->size(), 1u);
  EXPECT_EQ((*back)[0], Sample());
}

TEST(MatrixCells, WithoutAnOverrideTheKeyIsLeftOut) {
  MatrixCell cell = Sample();
  cell.expectation_override.clear();
  EXPECT_FALSE(CellToJson(cell).contains("expectation_override"));
}

TEST(MatrixCells, ExpectedNameIsTheOutcomeOrAQuestionMark) {
  MatrixCell cell = Sample();
  EXPECT_EQ(ExpectedName(cell), "isolated");
  cell.expected.reset();
  EXPECT_EQ(ExpectedName(cell), "?");
}

TEST(MatrixCells, EveryOutcomeAndVerdictIsReadBack) {
  json cells = json::array();
  unsigned index = 0;
  for (Outcome outcome : kOutcomes) {
    for (Verdict verdict : kVerdicts) {
      MatrixCell cell = Sample();
      cell.combination = NsSet::FromIndex(index++);
      cell.outcome = outcome;
      cell.verdict = verdict;
      cells.push_back(CellToJson(cell));
    }
  }
  Result<std::vector<MatrixCell>> back = ReadMatrixCells(Doc(cells));
  ASSERT_TRUE(back) << back.error().Message();
  ASSERT_EQ(back->size(), std::size(kOutcomes) * std::size(kVerdicts));
  for (size_t i = 0; i < back->size(); ++i) {
    EXPECT_EQ((*back)[i].outcome, kOutcomes[i / std::size(kVerdicts)]);
    EXPECT_EQ((*back)[i].verdict, kVerdicts[i % std::size(kVerdicts)]);
  }
}

std::string ErrorOf(const json& doc) {
  Result<std::vector<MatrixCell>> cells = ReadMatrixCells(doc);
  EXPECT_FALSE(cells);
  if (cells) return {};
  EXPECT_EQ(cells.error().err, EINVAL);
  return cells.error().context;
}

TEST(MatrixCells, ABrokenDocumentSaysWhichCellAndWhat) {
  json good = CellToJson(Sample());
  EXPECT_EQ(ErrorOf(json::array()), "not a JSON object");
  EXPECT_EQ(ErrorOf(json{{"cells", json::array()}}), "not an nsmatrix/1 document (no \"schema\")");
  EXPECT_EQ(ErrorOf(Doc(json::object())), "no \"cells\" array");
  EXPECT_EQ(ErrorOf(Doc(json::array({1}))), "cell 0 is not an object");
  json cell = good;
  cell.erase("probe");
  EXPECT_EQ(ErrorOf(Doc(json::array({cell}))), "cell 0 has no \"probe\" string");
  cell = good;
  cell["combination"] = "mnt+bogus";
  EXPECT_EQ(ErrorOf(Doc(json::array({cell})))
                .rfind("cell 0 (mnt+bogus pid.see_host): combination \"mnt+bogus\": ", 0),
            0u);
  cell = good;
  cell["outcome"] = "leaky";
  EXPECT_EQ(ErrorOf(Doc(json::array({cell})))
                .rfind("cell 0 (mnt+pid+user pid.see_host): outcome \"leaky\"", 0),
            0u);
  cell = good;
  cell["verdict"] = "ok";
  EXPECT_EQ(ErrorOf(Doc(json::array({cell})))
                .rfind("cell 0 (mnt+pid+user pid.see_host): verdict \"ok\"", 0),
            0u);
  // "namespaces", which the reports key cells on, must say what the combination says.
  cell = good;
  cell["namespaces"] = {"pid"};
  EXPECT_EQ(ErrorOf(Doc(json::array({cell}))),
            "cell 0 (mnt+pid+user pid.see_host): \"namespaces\" [\"pid\"] does not name the "
            "combination's namespaces, each once");
  cell["namespaces"] = {"mnt", "pid", "user", "user"};
  EXPECT_NE(ErrorOf(Doc(json::array({cell}))).find("does not name"), std::string::npos);
  cell["namespaces"] = "mnt+pid+user";
  EXPECT_NE(ErrorOf(Doc(json::array({cell}))).find("does not name"), std::string::npos);
  cell["namespaces"] = {"user", "mnt", "pid"};  // in any order
  EXPECT_TRUE(ReadMatrixCells(Doc(json::array({cell}))));
  // The same cell spelt another way is still the same cell.
  cell = good;
  cell["combination"] = "user+pid+mnt";
  EXPECT_EQ(ErrorOf(Doc(json::array({good, cell}))),
            "cell 1 (user+pid+mnt pid.see_host) repeats cell 0: each combination and probe must "
            "occur once");
}

}  // namespace
}  // namespace nsm
