#include "reports/html/compare_html.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "reports/testdata_helpers.h"

namespace nsm {
namespace {

using nlohmann::json;
using report_tests::LoadDoc;
using ::testing::HasSubstr;
using ::testing::Not;

json MatrixOn(const std::string& release) {
  json doc = LoadDoc("with_kernel.json");
  doc["host"]["kernel_release"] = release;
  return doc;
}

Comparison Compare(const json& a, const json& b) {
  Result<Comparison> c = CompareRuns({{"a.json", a}, {"b.json", b}});
  EXPECT_TRUE(c);
  return c ? *c : Comparison{};
}

TEST(RenderCompareHtmlTest, IdenticalRunsSaySo) {
  std::string html = RenderCompareHtml(Compare(MatrixOn("6.18.44"), MatrixOn("6.1.0")));
  EXPECT_THAT(html, HasSubstr("<div class=\"alert good\" id=\"verdict\">No differences"));
  EXPECT_THAT(html, HasSubstr("<h2>Cells that differ</h2>\n<p>None.</p>"));
  EXPECT_THAT(html, HasSubstr("<li>8 cells (same outcome and verdict)</li>"));
  EXPECT_THAT(html, Not(HasSubstr("id=\"cell-table\"")));
}

TEST(RenderCompareHtmlTest, DifferencesFirstAndOnlyThem) {
  json b = MatrixOn("6.1.0");
  for (json& cell : b["cells"]) {
    if (cell["combination"] == "user" && cell["probe"] == "uts.hostname") {
      cell["outcome"] = "leaked";
      cell["verdict"] = "fail";
      cell["detail"] = "host hostname changed";
    }
  }
  b["kernel"]["namespaces"][0]["root"] = {{"status", "unavailable"}, {"gate", "limit"}};
  std::string html = RenderCompareHtml(Compare(MatrixOn("6.18.44"), b));
  EXPECT_THAT(html, HasSubstr("<div class=\"alert bad\" id=\"verdict\">1 cell and 1 kernel check "
                              "differ between the 2 runs"));
  size_t runs = html.find("<section id=\"runs\">");
  size_t checks = html.find("<section id=\"kernel-checks\">");
  size_t cells = html.find("<section id=\"cells\">");
  size_t identical = html.find("<section id=\"identical\">");
  ASSERT_NE(identical, std::string::npos);
  EXPECT_LT(runs, checks);
  EXPECT_LT(checks, cells);
  EXPECT_LT(cells, identical);
  std::string table = html.substr(cells, identical - cells);
  EXPECT_EQ(table.find("<tr><td><code>user</code></td><td><code>uts.hostname</code></td>"),
            table.rfind("<tr><td>"))
      << "exactly one row: " << table;
  EXPECT_THAT(table, HasSubstr("<span class=\"c l\">✗ leaked</span> <span class=\"failn\">fail"
                               "</span><div class=\"dt\">host hostname changed</div>"));
  EXPECT_THAT(table, HasSubstr("<td class=\"chg\" title=\"expected isolated: host hostname "
                               "changed\">"));
  EXPECT_THAT(html, HasSubstr("<td class=\"chg\"><span class=\"failn\">unavailable (limit)"));
}

TEST(RenderCompareHtmlTest, EscapesEveryStringAndLoadsNothing) {
  json a = MatrixOn("6.18.44\"><script>alert(0)</script>");
  json b = MatrixOn("6.1.0");
  b["kernel"]["namespaces"][1]["root"] = {
      {"status", "unavailable"}, {"gate", "<img src=x>"}, {"cause", "</td><script>x()</script>"}};
  b["cells"][0]["outcome"] = "error";
  b["cells"][0]["detail"] = "<script>alert(1)</script> | \x1b[31m\u202Eevil";
  b["vm"] = {{"kernel", {{"path", "/tmp/<vmlinuz>"}}}};
  std::string html = RenderCompareHtml(Compare(a, b));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("<vmlinuz>")));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt; | ␛[31m\xEF\xBF\xBD"
                              "evil"));
  EXPECT_THAT(html, HasSubstr("6.18.44&quot;&gt;&lt;script&gt;"));
  // Self-contained: no external scripts, styles, images or fonts.
  EXPECT_THAT(html, Not(HasSubstr("src=\"")));
  EXPECT_THAT(html, Not(HasSubstr("href=\"http")));
  EXPECT_THAT(html, Not(HasSubstr("@import")));
  EXPECT_THAT(html, Not(HasSubstr("url(")));
}

}  // namespace
}  // namespace nsm
