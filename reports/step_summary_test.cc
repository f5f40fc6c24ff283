#include "reports/step_summary.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "harness/common/namespaces.h"
#include "reports/markdown_writer.h"
#include "reports/testdata_helpers.h"

namespace nsm {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kTestdata = NSM_REPORTS_TESTDATA;
using report_tests::LoadDoc;
const auto& ReadAll = report_tests::ReadFile;

// 256 combinations x 30 probes, every third cell failing, each with a long detail.
json BigDoc() {
  json doc = LoadDoc("small_matrix.json");
  doc["probes"] = json::array();
  doc["options"]["probes"] = json::array();
  doc["options"]["combinations"] = 256;
  for (int p = 0; p < 30; ++p) {
    std::string id = "probe.number_" + std::to_string(p);
    doc["probes"].push_back(
        {{"id", id}, {"description", "probe " + std::to_string(p)}, {"isolated_when", "pid"}});
    doc["options"]["probes"].push_back(id);
  }
  doc["cells"] = json::array();
  long long pass = 0, fail = 0;
  for (unsigned c = 0; c < kCombinationCount; ++c) {
    NsSet set = NsSet::FromIndex(c);
    json names = json::array();
    for (std::string_view name : set.Names()) names.push_back(name);
    for (int p = 0; p < 30; ++p) {
      bool failed = p % 3 == 0;
      (failed ? fail : pass)++;
      doc["cells"].push_back({{"combination", set.ToString()},
                              {"namespaces", names},
                              {"probe", "probe.number_" + std::to_string(p)},
                              {"outcome", set.Has(Ns::pid) ? "isolated" : "leaked"},
                              {"expected", failed ? "isolated" : "leaked"},
                              {"verdict", failed ? "fail" : "pass"},
                              {"detail", std::string(300, 'x') + " | ünïcödé " +
                                             std::string(300, 'y') + "\nsecond line"}});
    }
  }
  doc["summary"] = {
      {"cells", pass + fail},
      {"pass", pass},
      {"fail", fail},
      {"skip", 0},
      {"outcomes",
       {{"isolated", 128 * 30}, {"leaked", 128 * 30}, {"unsupported", 0}, {"error", 0}}}};
  return doc;
}

TEST(RenderStepSummaryTest, SmallDocumentRendersInFull) {
  json doc = LoadDoc("small_matrix.json");
  EXPECT_EQ(RenderStepSummary(doc), RenderMarkdown(doc));
}

TEST(RenderStepSummaryTest, BigDocumentStaysUnderTheLimit) {
  json doc = BigDoc();
  ASSERT_GT(RenderMarkdown(doc).size(), kStepSummaryLimit);
  std::string md = RenderStepSummary(doc);
  EXPECT_LE(md.size(), kStepSummaryLimit);
  EXPECT_LT(md.size(), size_t{1} << 20);  // GitHub's 1 MiB
  EXPECT_EQ(md.rfind("# nsmatrix isolation matrix (summary)\n\n", 0), 0u);
  EXPECT_THAT(md, HasSubstr("it is in the run's artifact"));
  EXPECT_THAT(md, HasSubstr("| 7680 | 5120 | 2560 | 0 |"));
  EXPECT_THAT(md, HasSubstr("**FAILED**: 2560 of 7680 cells failed."));
  // Every probe has its summary row.
  for (int p = 0; p < 30; ++p) {
    EXPECT_THAT(md, HasSubstr("| `probe.number_" + std::to_string(p) + "` | "));
  }
  EXPECT_THAT(md, HasSubstr("| `probe.number_0` | 128 of 256 combinations | {pid} | 256 |"));
  EXPECT_THAT(md, HasSubstr("## Failures"));
  EXPECT_THAT(md, Not(HasSubstr("## Matrix")));
  EXPECT_THAT(md, Not(HasSubstr("\nsecond line")));  // line breaks stay inside table cells
}

TEST(RenderStepSummaryTest, FailuresAreCutWithACount) {
  json doc = BigDoc();
  std::string md = RenderStepSummary(doc, 64 * 1024);
  EXPECT_LE(md.size(), 64u * 1024);
  EXPECT_THAT(md, HasSubstr("## Failures"));
  size_t rows = 0;
  for (size_t pos = md.find("\n| ", md.find("## Failures")); pos != std::string::npos;
       pos = md.find("\n| ", pos + 1)) {
    ++rows;
  }
  rows -= 2;  // the header and delimiter rows
  EXPECT_GT(rows, 10u);
  EXPECT_THAT(md, HasSubstr("\n... and " + std::to_string(2560 - rows) +
                            " more failures (all of them are in the artifact).\n"));
}

// The verdict comes first: a budget that cuts the rest does not cut it.
TEST(RenderStepSummaryTest, TheVerdictSurvivesASmallBudget) {
  std::string md = RenderStepSummary(BigDoc(), 100);
  EXPECT_LE(md.size(), 100u);
  EXPECT_EQ(md.rfind("# nsmatrix isolation matrix (summary)\n\n**FAILED**: 2560 of 7680 cells "
                     "failed.\n\n",
                     0),
            0u)
      << md;
}

TEST(RenderStepSummaryTest, TinyLimitsAreRespected) {
  json doc = BigDoc();
  for (size_t limit : {0ul, 1ul, 100ul, 1000ul, 4000ul}) {
    std::string md = RenderStepSummary(doc, limit);
    EXPECT_LE(md.size(), limit);
  }
}

TEST(TruncateUtf8Test, NeverSplitsASequence) {
  EXPECT_EQ(TruncateUtf8("abc", 5), "abc");
  EXPECT_EQ(TruncateUtf8("abc", 2), "ab");
  EXPECT_EQ(TruncateUtf8("a\xc3\xa9", 2), "a");
  EXPECT_EQ(TruncateUtf8("a\xe2\x9c\x97z", 3), "a");
  EXPECT_EQ(TruncateUtf8("a\xe2\x9c\x97z", 4), "a\xe2\x9c\x97");
}

class AppendStepSummaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/nsm-step-summary-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    path_ = dir_ + "/summary.md";
    if (const char* old = getenv("GITHUB_STEP_SUMMARY")) old_ = old;
  }
  void TearDown() override {
    if (old_) {
      setenv("GITHUB_STEP_SUMMARY", old_->c_str(), 1);
    } else {
      unsetenv("GITHUB_STEP_SUMMARY");
    }
    unlink(path_.c_str());
    rmdir(dir_.c_str());
  }

  std::string dir_, path_;
  std::optional<std::string> old_;
};

TEST_F(AppendStepSummaryTest, AppendsWhenRequested) {
  json doc = LoadDoc("small_matrix.json");
  setenv("GITHUB_STEP_SUMMARY", path_.c_str(), 1);
  ASSERT_TRUE(AppendStepSummaryIfRequested(doc));
  EXPECT_EQ(ReadAll(path_), RenderMarkdown(doc));
  ASSERT_TRUE(AppendStepSummaryIfRequested(doc));
  EXPECT_EQ(ReadAll(path_), RenderMarkdown(doc) + "\n" + RenderMarkdown(doc));
}

TEST_F(AppendStepSummaryTest, BudgetAccountsForWhatIsAlreadyThere) {
  setenv("GITHUB_STEP_SUMMARY", path_.c_str(), 1);
  {
    std::ofstream out(path_);
    out << std::string(kStepSummaryLimit - 1000, 'a');
  }
  size_t seen = 0;
  ASSERT_TRUE(AppendToStepSummaryIfRequested([&](size_t budget) {
    seen = budget;
    return std::string("x");
  }));
  EXPECT_EQ(seen, 999u);  // 1000 left, one of them for the separating line break
  EXPECT_EQ(ReadAll(path_).size(), kStepSummaryLimit - 1000 + 2);
  json doc = BigDoc();
  ASSERT_TRUE(AppendStepSummaryIfRequested(doc));
  EXPECT_LE(ReadAll(path_).size(), kStepSummaryLimit);
}

TEST_F(AppendStepSummaryTest, NothingWhenUnsetOrEmpty) {
  json doc = LoadDoc("small_matrix.json");
  unsetenv("GITHUB_STEP_SUMMARY");
  ASSERT_TRUE(AppendStepSummaryIfRequested(doc));
  setenv("GITHUB_STEP_SUMMARY", "", 1);
  ASSERT_TRUE(AppendStepSummaryIfRequested(doc));
  EXPECT_NE(access(path_.c_str(), F_OK), 0);
}

TEST_F(AppendStepSummaryTest, ErrorNamesThePath) {
  std::string bad = dir_ + "/missing/summary.md";
  setenv("GITHUB_STEP_SUMMARY", bad.c_str(), 1);
  Status status = AppendStepSummaryIfRequested(LoadDoc("small_matrix.json"));
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().err, ENOENT);
  EXPECT_THAT(status.error().Message(), HasSubstr(bad));
}

}  // namespace
}  // namespace nsm
