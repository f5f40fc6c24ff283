#include "reports/document_view.h"

#include <gtest/gtest.h>

#include <string>

namespace nsm {
namespace {

using nlohmann::json;

json Doc(std::initializer_list<const char*> verdicts) {
  json cells = json::array();
  for (const char* verdict : verdicts) {
    json cell = {{"probe", "p"}, {"combination", "none"}, {"outcome", "isolated"}};
    if (verdict != nullptr) cell["verdict"] = verdict;
    cells.push_back(std::move(cell));
  }
  return {{"cells", std::move(cells)}};
}

RunVerdict VerdictOfDoc(const json& doc) {
  return VerdictOf(CountTotals(doc));
}

TEST(RunVerdict, FromTheCells) {
  EXPECT_EQ(VerdictOfDoc(Doc({"pass", "skip"})), RunVerdict::kPassed);
  EXPECT_EQ(VerdictOfDoc(Doc({"pass", "fail", "skip"})), RunVerdict::kFailed);
  EXPECT_EQ(VerdictOfDoc(Doc({"skip", "skip"})), RunVerdict::kNothingTested);
  EXPECT_EQ(VerdictOfDoc(Doc({})), RunVerdict::kNothingTested);
  // A verdict nsmatrix does not know, or none, is no pass.
  EXPECT_EQ(VerdictOfDoc(Doc({"pass", "PASS"})), RunVerdict::kFailed);
  EXPECT_EQ(VerdictOfDoc(Doc({"pass", nullptr})), RunVerdict::kFailed);
}

TEST(RunVerdict, NoSummaryMakesAFailingRunPass) {
  json doc = Doc({"pass", "fail"});
  doc["summary"] = {{"cells", 2}, {"pass", 2}, {"fail", 0}, {"skip", 0}};
  Totals totals = CountTotals(doc);
  EXPECT_EQ(totals.fail, 0);  // the summary's figure, shown as it is
  EXPECT_EQ(totals.counted.fail, 1);
  EXPECT_EQ(VerdictOf(totals), RunVerdict::kFailed);
  EXPECT_EQ(HeadlineOf(totals).text, "1 of 2 cells failed");
  EXPECT_EQ(SummaryMismatch(totals),
            "The summary counts 2 cells (2 pass, 0 fail, 0 skip) but the document lists 2 cells "
            "(1 pass, 1 fail, 0 skip).");
  // A summary that counts a failure the cells do not list fails the run too.
  json dropped = Doc({"pass"});
  dropped["summary"] = {{"cells", 2}, {"pass", 1}, {"fail", 1}, {"skip", 0}};
  EXPECT_EQ(VerdictOfDoc(dropped), RunVerdict::kFailed);
  EXPECT_EQ(HeadlineOf(CountTotals(dropped)).text, "1 of 2 cells failed");
}

TEST(RunVerdict, HeadlineWords) {
  EXPECT_EQ(HeadlineOf(CountTotals(Doc({"pass", "skip"}))).word, "PASSED");
  EXPECT_EQ(HeadlineOf(CountTotals(Doc({"pass", "skip"}))).text,
            "no cell failed (1 passed, 1 skipped)");
  EXPECT_EQ(HeadlineOf(CountTotals(Doc({"skip"}))).word, "NOTHING TESTED");
  EXPECT_EQ(HeadlineOf(CountTotals(Doc({"fail", "?"}))).text,
            "1 of 2 cells failed; 1 of 2 cells have no verdict nsmatrix knows (pass, fail or "
            "skip)");
  EXPECT_EQ(SummaryMismatch(CountTotals(Doc({"fail"}))), "");  // no summary, nothing to differ
}

}  // namespace
}  // namespace nsm
