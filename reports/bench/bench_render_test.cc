// The Markdown and HTML writers and nsmatrix-bench's summary lines.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "reports/atomic_file.h"
#include "reports/bench/bench_chart.h"
#include "reports/bench/bench_html.h"
#include "reports/bench/bench_markdown.h"
#include "reports/bench/bench_test_helpers.h"

namespace nsm {
namespace {

using bench_tests::Load;
using bench_tests::TestdataPath;
using ::testing::HasSubstr;
using ::testing::Not;

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Results whose every text field tries to break out of its context.
BenchResults Hostile() {
  BenchResultsBuilder builder;
  builder.Add({"BM_Create/<script>alert(1)</script>/real_time",
               false,
               "",
               1,
               1e-3,
               "a|b<img src=x>",
               std::nullopt,
               {}});
  builder.Add({"BM_Create/none/real_time", false, "", 1, 5e-4, "none", std::nullopt, {}});
  builder.Add({"BM_Setns/net/manual_time",
               false,
               "",
               1,
               0,
               "net",
               std::string("setns(CLONE_NEWNS|CLONE_NEWNET): EPERM <b>"),
               {}});
  BenchContext context;
  context.kernel = "6.18 \"quoted\" & <tag>";
  return builder.Take(context);
}

// Set NSM_UPDATE_GOLDEN=1 to rewrite testdata/small.md after an intended change.
TEST(RenderBenchMarkdown, MatchesGoldenFile) {
  std::string rendered = RenderBenchMarkdown(BuildBenchReport(Load("small.json")));
  std::string golden = TestdataPath("small.md");
  if (const char* update = std::getenv("NSM_UPDATE_GOLDEN"); update && *update == '1') {
    ASSERT_TRUE(WriteFileAtomically(golden, rendered));
  }
  EXPECT_EQ(rendered, ReadText(golden));
}

TEST(RenderBenchMarkdown, TablesSayWhatWasMeasured) {
  std::string md = RenderBenchMarkdown(BuildBenchReport(Load("small.json")));
  EXPECT_THAT(md, HasSubstr("Linux 6.18.44 on 2 CPUs (host vm), 2026-11-30T15:00:00+00:00; "
                            "nsmatrix 0.1.0."));
  EXPECT_THAT(md, HasSubstr("| net | | 1 | 1.20 ms | 1.00 ms – 1.50 ms | 20% | 10.91x |"));
  EXPECT_THAT(md, HasSubstr("| story | 1.30 ms | 1.10 ms | 1.18x | met |"));
  EXPECT_THAT(md, HasSubstr("| none | 450 µs | 300 µs | **1.50x** | **not met** |"));
  EXPECT_THAT(md, HasSubstr("Worst: 1.50x, target ≤ 1.30x: not met."));
  EXPECT_THAT(md, HasSubstr("Peak resident memory of nsmatrix run: 26.3 MiB, target under 32 "
                            "MiB: met."));
  EXPECT_THAT(md, HasSubstr("| time | | 1 | skipped: clone3(CLONE_NEWTIME): EINVAL "
                            "(Invalid argument) | | | |\n"));
  EXPECT_THAT(md, HasSubstr("- BM_Create/time/real_time/threads:1: clone3(CLONE_NEWTIME)"));
  EXPECT_THAT(md, HasSubstr("| user | **FAILED: setns(CLONE_NEWUSER): EPERM"));
  EXPECT_THAT(md, HasSubstr("| net | 645 | 310 ms | 1.45 ms | 4.50 ms | 9.50 ms | 14.76x |"));
  EXPECT_THAT(md, HasSubstr("## Skipped: refused by this kernel"));
  EXPECT_THAT(md, Not(HasSubstr("## Comparison")));
}

TEST(RenderBenchMarkdown, TableCellsAreEscaped) {
  std::string md = RenderBenchMarkdown(BuildBenchReport(Hostile()));
  EXPECT_THAT(md, HasSubstr("a\\|b"));
  EXPECT_THAT(md, HasSubstr("CLONE_NEWNS\\|CLONE_NEWNET"));
}

TEST(RenderComparisonMarkdown, MarksTheSlowerRows) {
  BenchComparison c = CompareBench(Load("small.json"), Load("net_slower.json"), 1.5);
  std::string md = RenderComparisonMarkdown(c);
  EXPECT_THAT(md, HasSubstr("1 of 16 benchmarks are more than 1.50x slower"));
  EXPECT_THAT(md, HasSubstr("| BM_Create/net/real_time/threads:1 | 1.20 ms | 2.40 ms | **2.00x** "
                            "| **SLOWER** |"));
  EXPECT_THAT(md, HasSubstr("New: Linux 6.19.0"));
  EXPECT_THAT(md, HasSubstr("## Only in the old run\n\n- BM_Create/story/real_time/threads:1"));
  // Appended to the full report when given.
  std::string full = RenderBenchMarkdown(BuildBenchReport(Load("net_slower.json")), &c);
  EXPECT_THAT(full, HasSubstr("## Comparison"));
}

TEST(RenderOverheadSummary, OneLinePerMeasuredOverhead) {
  std::string text = RenderOverheadSummary(BuildBenchReport(Load("small.json")));
  EXPECT_THAT(text, HasSubstr("harness launch / floor (median): none 1.50x story 1.18x. Worst: "
                              "1.50x, target ≤ 1.30x: not met.\n"));
  EXPECT_THAT(text, HasSubstr("nsmatrix run / floor (256 combinations, floor jobs:1): 2.48x "
                              "(520 ms / 210 ms), target ≤ 2.50x: met\n"));
  EXPECT_THAT(text, HasSubstr("26.3 MiB"));
  EXPECT_EQ(RenderOverheadSummary(BuildBenchReport(BenchResults{})), "");
}

TEST(RenderBenchHtml, SelfContainedPageWithCharts) {
  BenchComparison c = CompareBench(Load("small.json"), Load("net_slower.json"), 1.5);
  std::string html = RenderBenchHtml(BuildBenchReport(Load("net_slower.json")), &c);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_THAT(html, HasSubstr("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\""));
  EXPECT_THAT(html, HasSubstr("<h2 id=\"create\">Create and tear down (clone3)</h2>"));
  EXPECT_THAT(html, HasSubstr("<h2 id=\"comparison\">"));
  EXPECT_THAT(html, HasSubstr("<td class=\"alert\">SLOWER</td>"));
  EXPECT_THAT(html, HasSubstr("<td class=\"alert\" colspan=\"3\">FAILED: setns(CLONE_NEWUSER)"));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("src=")));
  EXPECT_THAT(html, Not(HasSubstr("href=")));
  EXPECT_THAT(html, HasSubstr("</body></html>\n"));
}

TEST(RenderBenchHtml, EveryTextFromTheJsonIsEscaped) {
  std::string html = RenderBenchHtml(BuildBenchReport(Hostile()));
  EXPECT_THAT(html, Not(HasSubstr("<script>alert")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("<tag>")));
  EXPECT_THAT(html, Not(HasSubstr("EPERM <b>")));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;"));
}

TEST(RenderSvgBarChart, BarsScaleToTheLargestValue) {
  Chart chart{"t", {"a", "b"}, {}};
  chart.bars.push_back({"big", 2.0, 1.0, 4.0, 0, "2"});
  chart.bars.push_back({"small", 1.0, std::nullopt, std::nullopt, 1, "1"});
  std::string svg = RenderSvgBarChart(chart);
  // The whisker's end (4.0) is the full 430 px bar area: 2.0 is half of it.
  EXPECT_THAT(svg, HasSubstr("width=\"215.0\""));
  EXPECT_THAT(svg, HasSubstr("width=\"107.5\""));
  EXPECT_THAT(svg, HasSubstr("class=\"whisker\""));
  EXPECT_THAT(svg, HasSubstr("class=\"s1\""));
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_THAT(svg, HasSubstr("</svg>"));
}

}  // namespace
}  // namespace nsm
