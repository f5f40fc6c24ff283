#include "reports/html/html_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "reports/html/html_test_helpers.h"
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

// The banner and the title are decided from the cells (as RenderMarkdown's
// headline): a run of skips tested nothing, an unknown verdict is no pass.
TEST(RenderHtmlTest, TheVerdictComesFromTheCells) {
  json skips = LoadDoc("all_pass.json");
  for (json& cell : skips["cells"]) cell["verdict"] = "skip";
  std::string html = RenderHtml(skips);
  EXPECT_THAT(html, HasSubstr("<title>nsmatrix: NOTHING TESTED – "));
  EXPECT_THAT(html, HasSubstr("<p class=\"banner fail\" id=\"verdict\">✗ NOTHING TESTED: no "
                              "cell passed or failed (8 of 8 skipped)</p>"));
  EXPECT_THAT(html, HasSubstr("<p class=\"alert bad\">⚠ The summary counts 8 cells (8 pass, 0 "
                              "fail, 0 skip) but the document lists 8 cells (0 pass, 0 fail, 8 "
                              "skip).</p>"));
  EXPECT_THAT(html, Not(HasSubstr("PASSED")));

  json unknown = LoadDoc("all_pass.json");
  unknown["cells"][3]["verdict"] = json();
  html = RenderHtml(unknown);
  EXPECT_THAT(html, HasSubstr("<title>nsmatrix: FAILED – "));
  EXPECT_THAT(html, HasSubstr("✗ FAILED: 1 of 8 cells have no verdict nsmatrix knows"));
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
