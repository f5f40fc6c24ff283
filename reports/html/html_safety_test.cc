// The HTML report as a page to open: self-contained, every document string
// escaped, bounded in size, the same bytes for the same input, and rendered
// whatever the document holds.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "reports/html/html_test_helpers.h"
#include "reports/html/html_writer.h"
#include "reports/testdata_helpers.h"

namespace nsm {
namespace {

using html_tests::Between;
using html_tests::Count;
using html_tests::SampleGate;
using nlohmann::json;
using report_tests::LoadDoc;
using ::testing::HasSubstr;
using ::testing::Not;

// A full-size document: 256 combinations x 25 probes with realistic evidence.
json FullDoc() {
  static const char* const kNs[] = {"mnt", "uts", "ipc", "net", "pid", "user", "cgroup", "time"};
  json doc = LoadDoc("small_matrix.json");
  doc["probes"] = json::array();
  doc["options"]["probes"] = json::array();
  doc["options"]["combinations"] = 256;
  for (int p = 0; p < 25; ++p) {
    std::string id = "family" + std::to_string(p % 7) + ".probe_number_" + std::to_string(p);
    doc["probes"].push_back({{"id", id},
                             {"description", "Probe " + std::to_string(p) +
                                                 " checks that something on the host stays "
                                                 "invisible from inside the container"},
                             {"isolated_when", "mnt+pid"},
                             {"why", "Because the kernel scopes it to the namespace."}});
    doc["options"]["probes"].push_back(id);
  }
  doc["cells"] = json::array();
  for (int mask = 0; mask < 256; ++mask) {
    std::vector<std::string> names;
    for (int bit = 0; bit < 8; ++bit) {
      if (mask & (1 << bit)) names.push_back(kNs[bit]);
    }
    std::string combination;
    for (const std::string& name : names) combination += (combination.empty() ? "" : "+") + name;
    if (combination.empty()) combination = "none";
    for (int p = 0; p < 25; ++p) {
      bool isolated = (mask + p) % 2 == 0;
      bool fail = (mask * 25 + p) % 10 == 0;  // 10% failing cells, each listed twice
      doc["cells"].push_back(
          {{"combination", combination},
           {"namespaces", names},
           {"probe", doc["probes"][p]["id"]},
           {"outcome", isolated ? "isolated" : "leaked"},
           {"expected", fail == isolated ? "leaked" : "isolated"},
           {"verdict", fail ? "fail" : "pass"},
           {"detail",
            "kill(31337, SIGKILL) failed with ESRCH; sentinel (host pid 31337, comm "
            "\"nsm-s1-ec7d081e\") survived <" +
                std::to_string(mask) + ">"}});
    }
  }
  doc["summary"] = {
      {"cells", 6400},
      {"pass", 5760},
      {"fail", 640},
      {"skip", 0},
      {"outcomes", {{"isolated", 3200}, {"leaked", 3200}, {"unsupported", 0}, {"error", 0}}}};
  return doc;
}

void ExpectSelfContained(const std::string& html) {
  EXPECT_THAT(html, Not(HasSubstr("http://")));
  EXPECT_THAT(html, Not(HasSubstr("https://")));
  EXPECT_THAT(html, Not(HasSubstr("src=")));
  EXPECT_THAT(html, Not(HasSubstr("<link")));
  EXPECT_THAT(html, Not(HasSubstr("@import")));
  EXPECT_THAT(html, Not(HasSubstr("url(")));
  EXPECT_THAT(html, Not(HasSubstr("<iframe")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  // Every link stays inside the page.
  std::regex href("href=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), href); it != std::sregex_iterator();
       ++it) {
    EXPECT_EQ((*it)[1].str().rfind('#', 0), 0u) << (*it)[0];
  }
  EXPECT_EQ(Count(html, "<script"), 1u);
  EXPECT_EQ(Count(html, "<style"), 1u);
}

TEST(RenderHtmlTest, SelfContained) {
  ExpectSelfContained(RenderHtml(LoadDoc("small_matrix.json")));
  ExpectSelfContained(RenderHtml(LoadDoc("all_pass.json"), SampleGate()));
}

TEST(RenderHtmlTest, LightAndDarkStyles) {
  std::string html = RenderHtml(LoadDoc("all_pass.json"));
  EXPECT_THAT(html, HasSubstr("@media (prefers-color-scheme:dark){:root{"));
  EXPECT_THAT(html, HasSubstr("<meta name=\"color-scheme\" content=\"light dark\">"));
}

TEST(RenderHtmlTest, FiltersAreHiddenWithoutJavaScript) {
  std::string html = RenderHtml(LoadDoc("small_matrix.json"));
  EXPECT_THAT(html, HasSubstr("<form class=\"filters\" id=\"filters\" hidden>"));
  EXPECT_THAT(html, HasSubstr("<select data-ns=\"mnt\">"));
  EXPECT_THAT(html, HasSubstr("<input type=\"checkbox\" data-p value=\"ipc.sysv_shm\" checked>"));
  EXPECT_THAT(html, HasSubstr("window.addEventListener('hashchange', fromHash);"));
}

TEST(RenderHtmlTest, HostileStringsAreEscaped) {
  const std::string kScript = "<script>alert(1)</script>";
  const std::string kAttr = "\"'><img src=x onerror=alert(1)>";
  const std::string kHostile = kScript + kAttr;
  json doc = LoadDoc("small_matrix.json");
  doc["host"]["hostname"] = kHostile;
  doc["host"]["sandbox"] = kHostile;
  doc["host"]["kernel_release"] = kHostile;
  doc["host"][kHostile] = kHostile;  // an unknown field, key and value
  doc["tool"]["version"] = kHostile;
  doc["generated_at"] = kHostile;
  doc["options"]["rootfs"] = kHostile;
  doc["options"]["probes"].push_back(kHostile);
  doc["probes"][0]["description"] = kHostile;
  doc["probes"][0]["why"] = kHostile;
  doc["probes"][0]["isolated_when"] = kHostile;
  doc["probes"][1]["id"] = kHostile;
  doc["probes"][2]["anomalies"] = {kHostile};
  doc["probes"][2]["isolated_by"] = json::array({json::array({kHostile})});
  for (json& cell : doc["cells"]) {
    cell["detail"] = kHostile;
    cell["verdict"] = "fail";
    if (cell["probe"] == "pid.see_host") cell["probe"] = kHostile;
    if (cell["combination"] == "pid") {
      cell["combination"] = kHostile;
      cell["namespaces"] = {kHostile};
      cell["outcome"] = kHostile;
      cell["expected"] = kHostile;
    }
  }
  json gate = SampleGate();
  gate["context_differences"].push_back(kHostile);
  gate["baseline"]["kernel_release"] = kHostile;
  gate["current"]["options"][kHostile] = kHostile;
  for (const char* list : {"regressions", "improvements", "allowed"}) {
    for (json& entry : gate[list]) {
      for (const char* key :
           {"combination", "probe", "before", "after", "kind", "detail", "reason"}) {
        entry[key] = kHostile;
      }
    }
  }
  std::string html = RenderHtml(doc, gate);
  EXPECT_THAT(html, Not(HasSubstr("<script>alert")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("\"'>")));
  EXPECT_THAT(html, Not(HasSubstr("onerror=alert(1)>")));
  EXPECT_EQ(Count(html, "<script"), 1u);
  EXPECT_EQ(Count(html, "</script>"), 1u);
  const std::string kEscaped =
      "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&gt;&lt;img src=x onerror=alert(1)&gt;";
  EXPECT_GE(Count(html, kEscaped), 40u);
  // Every occurrence of the payload's words is inside an escaped copy.
  EXPECT_EQ(Count(html, "onerror"), Count(html, kEscaped));
  // The hostile combination and probe still get their row and column.
  EXPECT_THAT(html, HasSubstr("<tr data-ns=\"" + std::string(kEscaped) + "\"><th>" + kEscaped));
  EXPECT_THAT(html, HasSubstr("<th data-p=\"" + std::string(kEscaped) + "\""));
  EXPECT_THAT(html, HasSubstr("<input type=\"checkbox\" data-p value=\"" + kEscaped + "\""));
}

TEST(RenderHtmlTest, SizeOfAFullMatrixIsBounded) {
  json doc = FullDoc();
  std::string html = RenderHtml(doc);
  EXPECT_LT(html.size(), 2'000'000u);
  EXPECT_THAT(html, HasSubstr("<span id=\"shown-rows\">256</span> of 256 combinations shown"));
  EXPECT_EQ(Count(html, "<tr data-ns="), 256u);
  EXPECT_EQ(Count(Between(html, "<table id=\"mx\">", "</thead>"), "<th data-p="), 25u);
  EXPECT_EQ(Count(Between(html, "id=\"failure-table\"", "</table>"), "<tr>"), 641u);
  EXPECT_THAT(html, HasSubstr("✗ FAILED: 640 of 6400 cells failed"));
  ExpectSelfContained(html);
  RecordProperty("html_bytes", static_cast<int>(html.size()));
}

TEST(RenderHtmlTest, Deterministic) {
  json doc = LoadDoc("small_matrix.json");
  EXPECT_EQ(RenderHtml(doc, SampleGate()), RenderHtml(doc, SampleGate()));
}

TEST(RenderHtmlTest, MalformedInputsDoNotThrow) {
  for (const json& doc :
       {json(), json::array(), json::object(), json("text"),
        json::parse(R"({"cells": [1, "x", null, {"probe": 3, "namespaces": "mnt"}],
                        "probes": [7, {"id": []}], "host": [], "summary": {"outcomes": 1}})")}) {
    for (const json& gate : {json(), json(5), json::parse(R"({"regressions": [1, {"before": []}],
                                                                "baseline": 2})")}) {
      std::string html;
      EXPECT_NO_THROW(html = RenderHtml(doc, gate)) << doc.dump() << " " << gate.dump();
      EXPECT_THAT(html, HasSubstr("</html>\n"));
    }
  }
}

TEST(EscapeHtmlTest, TextAndAttributes) {
  EXPECT_EQ(EscapeHtml("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
  EXPECT_EQ(EscapeHtml("one\r\ntwo\nthree"), "one\ntwo\nthree");
  EXPECT_EQ(EscapeHtml("one\r\ntwo\rthree", true), "one&#10;two&#10;three");
  EXPECT_EQ(EscapeHtml(std::string("nul\0bel\a\x7f", 9)), "nul␀bel␇␡");
  EXPECT_EQ(EscapeHtml("tab\tok ✓"), "tab\tok ✓");
  EXPECT_EQ(EscapeHtml("\u202Edekael\u202C \u2066x\u2069"), "\uFFFDdekael\uFFFD \uFFFDx\uFFFD");
}

}  // namespace
}  // namespace nsm
