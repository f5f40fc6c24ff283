#include "reports/html/html_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "reports/testdata_helpers.h"

namespace nsm {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kTestdata = NSM_REPORTS_TESTDATA;
using report_tests::LoadDoc;
using report_tests::ReadFile;

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

// The text between the first `begin` and the next `end` after it.
std::string Between(const std::string& text, const std::string& begin, const std::string& end) {
  size_t from = text.find(begin);
  if (from == std::string::npos) return "";
  size_t to = text.find(end, from + begin.size());
  return text.substr(from, to == std::string::npos ? std::string::npos : to - from);
}

json SampleGate() {
  return json::parse(R"({
    "baseline": {"generated_at": "2026-11-01T08:00:00Z", "kernel_release": "6.1.0",
                 "options": {"combinations": 4, "userns_map": "unprivileged"}},
    "current": {"generated_at": "2026-11-30T12:00:00Z", "kernel_release": "6.18.44",
                "options": {"combinations": 4, "userns_map": "unprivileged"}},
    "context_differences": ["kernel 6.1.0 -> 6.18.44"],
    "regressions": [{"combination": "uts", "probe": "uts.hostname", "before": "isolated",
                     "after": "leaked", "kind": "isolation lost",
                     "detail": "hostname set in the container is visible on the host"}],
    "improvements": [{"combination": "mnt+pid", "probe": "pid.see_host", "before": "leaked",
                      "after": "isolated", "kind": "isolation gained", "detail": "not found"}],
    "allowed": [{"combination": "uts", "probe": "ipc.sysv_shm", "before": "leaked",
                 "after": "error", "kind": "now an error", "detail": "ENOSPC",
                 "reason": "shmmni is tiny on the CI runners"}]
  })");
}

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

TEST(RenderHtmlTest, HeaderHostOptionsAndTotals) {
  std::string html = RenderHtml(LoadDoc("small_matrix.json"));
  EXPECT_EQ(html.rfind("<!DOCTYPE html>\n<html lang=\"en\">", 0), 0u);
  EXPECT_THAT(html, HasSubstr("<meta charset=\"utf-8\">"));
  EXPECT_THAT(html, HasSubstr("<title>nsmatrix: FAILED – Linux 6.18.44 x86_64 – "
                              "2026-11-30T12:00:00Z</title>"));
  EXPECT_THAT(html, HasSubstr("✗ FAILED: 2 of 12 cells failed"));
  EXPECT_THAT(html, Not(HasSubstr("PASSED")));
  EXPECT_THAT(html, HasSubstr("Generated <time>2026-11-30T12:00:00Z</time> by nsmatrix 0.1.0 "
                              "in 0.84 s."));
  EXPECT_THAT(html, HasSubstr("<dt>kernel</dt><dd>Linux 6.18.44 <span class=\"muted\">#1 SMP "
                              "PREEMPT_DYNAMIC Debian 6.18.44-1</span></dd>"));
  EXPECT_THAT(html, HasSubstr("<dt>architecture</dt><dd>x86_64</dd>"));
  EXPECT_THAT(html, HasSubstr("<dt>CPUs</dt><dd>2</dd>"));
  EXPECT_THAT(html, HasSubstr("<dt>mode</dt><dd><code>root</code> (real root)</dd>"));
  EXPECT_THAT(html, HasSubstr("&quot;host&quot; in this report means a disposable sandbox"));
  EXPECT_THAT(html, HasSubstr("<dt>probes</dt><dd><code>uts.hostname</code>, "
                              "<code>pid.see_host</code>, <code>ipc.sysv_shm</code></dd>"));
  EXPECT_THAT(html, HasSubstr("<dt>timeout</dt><dd>10000 ms</dd>"));
  EXPECT_THAT(html, HasSubstr("<dt>user namespace map</dt><dd><code>unprivileged</code></dd>"));
  std::string totals = Between(html, "<table class=\"t\" id=\"totals-table\">", "</table>");
  EXPECT_THAT(totals, HasSubstr("<tbody><tr><td class=\"n\">12</td><td class=\"n\">9</td>"
                                "<td class=\"n failn\">2</td><td class=\"n\">1</td>"
                                "<td class=\"n\">1</td><td class=\"n\">9</td>"
                                "<td class=\"n\">1</td><td class=\"n\">1</td></tr>"));
}

// A matrix from nsmatrix vm says which kernel file and which QEMU ran it.
TEST(RenderHtmlTest, ARuntimesRunSaysWhichRuntimeAndCountsItsRefusals) {
  json doc = LoadDoc("small_matrix.json");
  std::string plain = RenderHtml(doc);
  EXPECT_THAT(plain, Not(HasSubstr("⊘ refused")));
  EXPECT_THAT(plain, Not(HasSubstr("<option value=\"refused\">")));
  doc["runtime"] = {{"name", "bwrap"},
                    {"version", "bubblewrap 0.8.0"},
                    {"path", "/usr/bin/bwrap"},
                    {"accepted_combinations", 3},
                    {"probes_not_run", json::array()}};
  doc["cells"][0]["outcome"] = "refused";
  doc["cells"][0]["verdict"] = "skip";
  std::string html = RenderHtml(doc);
  EXPECT_THAT(html, HasSubstr("<code>bwrap</code> bubblewrap 0.8.0 (<code>/usr/bin/bwrap</code>), "
                              "accepted 3 of 4 combinations"));
  EXPECT_THAT(html, HasSubstr("⊘ refused</span></th>"));
  EXPECT_THAT(html, HasSubstr("<option value=\"refused\">"));
}

TEST(RenderHtmlTest, VmSectionNamesTheKernelFileAndQemu) {
  std::string html = RenderHtml(LoadDoc("vm_matrix.json"));
  EXPECT_THAT(html, HasSubstr("<code>/srv/kernels/boot/vmlinuz-6.1.0-57-cloud-amd64</code>"));
  EXPECT_THAT(html, HasSubstr("fe69a84e207e2ff5e842d5d27aba1481b4c026fe35b9f9452b11adada17d0002"));
  EXPECT_THAT(html, HasSubstr("QEMU emulator version 7.2.22"));
  EXPECT_THAT(RenderHtml(LoadDoc("small_matrix.json")), Not(HasSubstr("kernel file")));
}

TEST(RenderHtmlTest, ProbeSummaryComputedWhenAbsent) {
  std::string html = RenderHtml(LoadDoc("small_matrix.json"));
  std::string table = Between(html, "<table class=\"t\" id=\"probe-table\">", "</table>");
  EXPECT_THAT(table, HasSubstr("<tr id=\"p1\"><td><code>pid.see_host</code></td><td>A host "
                               "process (the sentinel) is not visible in the container&#39;s "
                               "/proc</td><td><code>mnt+pid</code></td><td class=\"n\">1 of "
                               "4</td><td>{mnt, pid}</td><td>none</td><td class=\"n\">0</td>"));
  EXPECT_THAT(table, HasSubstr("<td class=\"n\">0 of 4</td><td>nothing</td><td>none</td>"
                               "<td class=\"n failn\">✗ 1</td></tr>"));
  EXPECT_THAT(html, Not(HasSubstr("id=\"anomalies\"")));
}

TEST(RenderHtmlTest, ProbeSummaryUsesDocumentFieldsAndFlagsAnomalies) {
  json doc = LoadDoc("small_matrix.json");
  doc["probes"][0]["isolated_count"] = 2;
  doc["probes"][0]["cell_count"] = 4;
  doc["probes"][0]["isolated_by"] = json::parse(R"([["uts"], ["user"]])");
  doc["probes"][0]["anomalies"] = {"isolated with uts but leaked with uts+pid"};
  std::string html = RenderHtml(doc);
  EXPECT_THAT(html, HasSubstr("<td class=\"n\">2 of 4</td><td>{uts} or {user}</td>"
                              "<td class=\"warn\">⚠ 1</td>"));
  EXPECT_THAT(html, HasSubstr("⚠ 1 anomaly: adding a namespace made a probe leak."));
  EXPECT_THAT(html, HasSubstr("<li><code>uts.hostname</code>: isolated with uts but leaked "
                              "with uts+pid</li>"));
}

TEST(RenderHtmlTest, FailuresListEveryFailingCell) {
  std::string html = RenderHtml(LoadDoc("small_matrix.json"));
  std::string table = Between(html, "<table class=\"t\" id=\"failure-table\">", "</table>");
  EXPECT_EQ(Count(table, "<tr>"), 3u);  // header + 2 failures
  EXPECT_THAT(table,
              HasSubstr("<tr><td class=\"mono\">uts</td><td><code>uts.hostname</code></td>"
                        "<td><span class=\"c i\">✓ isolated</span></td>"
                        "<td><span class=\"c l\">✗ leaked</span></td><td class=\"d\">hostname "
                        "&quot;nsm-c-4f2a&quot; set in the container is visible on the host | "
                        "checked with uname(2)</td></tr>"));
  EXPECT_THAT(table, HasSubstr("<td><span class=\"c e\">! error</span></td><td class=\"d\">"
                               "shmget(IPC_CREAT): ENOSPC (No space left on device)\nkernel."
                               "shmmni reached on the host</td>"));
}

TEST(RenderHtmlTest, MatrixRowsColumnsAndCells) {
  std::string html = RenderHtml(LoadDoc("small_matrix.json"));
  std::string matrix = Between(html, "<table id=\"mx\">", "</table>");
  // Columns in doc["probes"] order.
  EXPECT_THAT(matrix, HasSubstr("<th>combination</th><th data-p=\"uts.hostname\""));
  EXPECT_LT(matrix.find("data-p=\"uts.hostname\""), matrix.find("data-p=\"pid.see_host\""));
  EXPECT_LT(matrix.find("data-p=\"pid.see_host\""), matrix.find("data-p=\"ipc.sysv_shm\""));
  // Rows in first-appearance order, with their namespaces.
  std::regex row("<tr data-ns=\"([^\"]*)\"><th>([^<]*)<td");
  std::vector<std::string> rows;
  for (auto it = std::sregex_iterator(matrix.begin(), matrix.end(), row);
       it != std::sregex_iterator(); ++it) {
    rows.push_back((*it)[2].str() + "=" + (*it)[1].str());
  }
  EXPECT_THAT(rows, ::testing::ElementsAre("none=", "uts=uts", "pid=pid", "mnt+pid=mnt pid"));
  // Symbols, evidence as title only, failing cells marked.
  EXPECT_THAT(matrix, HasSubstr("<tr data-ns=\"mnt pid\"><th>mnt+pid<td class=l title=\"sethostname"
                                " in the container changed the host&#39;s hostname to "
                                "nsm-c-77c3\">✗<td class=i title=\"sentinel (pid 31337, comm "
                                "nsm-s-1a2b) not found among 3 /proc entries\">✓<td class=l"));
  EXPECT_THAT(matrix, HasSubstr("<td class=\"l f\" title=\"FAILED: expected isolated, observed "
                                "leaked. hostname &quot;nsm-c-4f2a&quot; set in the container "
                                "is visible on the host | checked with uname(2)\">✗*"));
  EXPECT_THAT(matrix, HasSubstr("<td class=\"e f\" title=\"FAILED: expected leaked, observed "
                                "error. shmget(IPC_CREAT): ENOSPC (No space left on device)&#10;"
                                "kernel.shmmni reached on the host\">!*"));
  EXPECT_THAT(matrix, HasSubstr("<td class=u title=\"SysV IPC is not available"));
  EXPECT_THAT(html, HasSubstr("<span id=\"shown-rows\">4</span> of 4 combinations shown"));
  // Legend above the matrix, with text for every colour.
  size_t legend = html.find("id=\"legend\"");
  ASSERT_NE(legend, std::string::npos);
  EXPECT_LT(legend, html.find("<table id=\"mx\">"));
  for (const char* label : {"iso", "LEAK", "n/a", "ERR", "not run", "* FAILED"}) {
    EXPECT_THAT(Between(html, "id=\"legend\"", "</ul>"), HasSubstr(label));
  }
}

TEST(RenderHtmlTest, MissingCellRendersAsNotRun) {
  json doc = LoadDoc("small_matrix.json");
  doc["cells"].erase(doc["cells"].begin() + 4);  // uts x pid.see_host
  std::string html = RenderHtml(doc);
  EXPECT_THAT(html, HasSubstr("<th>uts<td class=\"l f\""));
  EXPECT_THAT(html, HasSubstr("✗*<td class=x title=\"not run\">·<td class=\"e f\""));
}

TEST(RenderHtmlTest, AllPass) {
  std::string html = RenderHtml(LoadDoc("all_pass.json"));
  EXPECT_THAT(html, HasSubstr("<p class=\"banner pass\" id=\"verdict\">✓ PASSED: no cell failed"));
  EXPECT_THAT(html, Not(HasSubstr("FAILED:")));
  EXPECT_THAT(html, HasSubstr("id=\"no-failures\""));
  EXPECT_THAT(html, Not(HasSubstr("id=\"failure-table\"")));
  EXPECT_THAT(html, Not(HasSubstr("id=\"gate\"")));
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

TEST(RenderHtmlTest, GateSection) {
  std::string html = RenderHtml(LoadDoc("small_matrix.json"), SampleGate());
  std::string gate = Between(html, "<section id=\"gate\">", "</section>");
  ASSERT_FALSE(gate.empty());
  EXPECT_THAT(html, HasSubstr("✗ Gate: 1 regression against the baseline."));
  EXPECT_THAT(gate, HasSubstr("✗ 1 regression against the baseline</p>"));
  EXPECT_THAT(gate, HasSubstr("<p id=\"gate-counts\">1 regression, 1 improvement, 1 allowed.</p>"));
  EXPECT_THAT(gate, HasSubstr("<li>kernel 6.1.0 -&gt; 6.18.44</li>"));
  EXPECT_THAT(gate, HasSubstr("<tr><th>kernel</th><td>6.1.0</td><td>6.18.44</td></tr>"));
  EXPECT_THAT(gate, HasSubstr("<tr><th>options</th><td>combinations: 4; userns_map: "
                              "unprivileged</td>"));
  EXPECT_THAT(gate, HasSubstr("<tr class=\"bad\"><td class=\"mono\">uts</td><td><code>"
                              "uts.hostname</code></td><td><span class=\"c i\">✓ isolated</span>"
                              "</td><td><span class=\"c l\">✗ leaked</span></td><td>isolation "
                              "lost</td><td class=\"d\">hostname set in the container is visible "
                              "on the host</td></tr>"));
  EXPECT_THAT(gate, HasSubstr("<td>shmmni is tiny on the CI runners</td>"));
  // Regressions first, then improvements, then allowed; the gate before the probes.
  EXPECT_LT(gate.find("id=\"regressions\""), gate.find("id=\"improvements\""));
  EXPECT_LT(gate.find("id=\"improvements\""), gate.find("id=\"allowed\""));
  EXPECT_LT(html.find("<section id=\"gate\">"), html.find("<section id=\"probes\">"));
  EXPECT_THAT(html, HasSubstr("<a href=\"#gate\">Gate</a>"));
}

TEST(RenderHtmlTest, GateWithoutRegressions) {
  json gate = SampleGate();
  gate["regressions"] = json::array();
  gate["context_differences"] = json::array();
  std::string html = RenderHtml(LoadDoc("all_pass.json"), gate);
  EXPECT_THAT(html, HasSubstr("✓ Gate: no regressions against the baseline."));
  EXPECT_THAT(html, HasSubstr("✓ No regressions against the baseline</p>"));
  EXPECT_THAT(html, HasSubstr("<h3 id=\"regressions\">Regressions (0)</h3>\n<p>None.</p>"));
  EXPECT_THAT(html, Not(HasSubstr("differ in context")));
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

namespace nsm {
namespace {

TEST(RenderHtmlTest, KernelSectionWhenTheDocumentHasOne) {
  std::string html = RenderHtml(report_tests::LoadDoc("with_kernel.json"));
  EXPECT_NE(html.find("<section id=\"kernel\">"), std::string::npos);
  EXPECT_NE(html.find("user.max_net_namespaces is 0 in this user namespace"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"failn\">unavailable"), std::string::npos);
  EXPECT_EQ(RenderHtml(report_tests::LoadDoc("all_pass.json")).find("id=\"kernel\""),
            std::string::npos);
}

}  // namespace
}  // namespace nsm
