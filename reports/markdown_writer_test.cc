#include "reports/markdown_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "reports/analysis.h"
#include "reports/atomic_file.h"
#include "reports/testdata_helpers.h"

namespace nsm {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kTestdata = NSM_REPORTS_TESTDATA;
using report_tests::LoadDoc;
using report_tests::ReadFile;

// Set NSM_UPDATE_GOLDEN=1 to rewrite testdata/small_matrix.md after an intended change.
TEST(RenderMarkdownTest, MatchesGoldenFile) {
  std::string rendered = RenderMarkdown(LoadDoc("small_matrix.json"));
  std::string golden_path = kTestdata + "/small_matrix.md";
  if (const char* update = std::getenv("NSM_UPDATE_GOLDEN"); update && *update == '1') {
    ASSERT_TRUE(WriteFileAtomically(golden_path, rendered));
  }
  EXPECT_EQ(rendered, ReadFile(golden_path));
}

TEST(RenderMarkdownTest, HeaderHostOptionsAndTotals) {
  std::string md = RenderMarkdown(LoadDoc("small_matrix.json"));
  EXPECT_EQ(md.rfind("# nsmatrix isolation matrix\n\n", 0), 0u);
  EXPECT_THAT(md, HasSubstr("Linux 6.18.44 on x86_64"));
  EXPECT_THAT(md, HasSubstr("mode `root` (real root)"));
  EXPECT_THAT(md, HasSubstr("\"host\" in this report means a disposable sandbox"));
  EXPECT_THAT(md, HasSubstr("Generated 2026-11-30T12:00:00Z by nsmatrix 0.1.0 in 0.84 s."));
  EXPECT_THAT(md, HasSubstr("Options: 4 combinations; probes `uts.hostname`, `pid.see_host`, "
                            "`ipc.sysv_shm`; user namespace map `unprivileged`; jobs 2; "
                            "timeout 10000 ms; rootfs `host`."));
  EXPECT_THAT(md, HasSubstr("| cells | pass | fail | skip |\n| ---: | ---: | ---: | ---: |\n"
                            "| 12 | 9 | 2 | 1 |\n"));
  EXPECT_THAT(md, HasSubstr("Outcomes: 1 isolated, 9 leaked, 1 unsupported, 1 error."));
  EXPECT_THAT(md, HasSubstr("\n**FAILED**: 2 of 12 cells failed.\n"));
  EXPECT_THAT(md, Not(HasSubstr("PASSED")));
}

// The headline is decided from the cells, as nsmatrix run's exit code is: a
// summary cannot make a failing run pass, a cell without a verdict nsmatrix
// knows is no pass, and a run of skips tested nothing.
TEST(RenderMarkdownTest, TheVerdictComesFromTheCells) {
  json doc = LoadDoc("small_matrix.json");
  doc["summary"]["fail"] = 0;
  std::string md = RenderMarkdown(doc);
  EXPECT_THAT(md, HasSubstr("\n**FAILED**: 2 of 12 cells failed.\n\n> ⚠ The summary counts 12 "
                            "cells (9 pass, 0 fail, 1 skip) but the document lists 12 cells (9 "
                            "pass, 2 fail, 1 skip).\n"));
  EXPECT_THAT(md, Not(HasSubstr("PASSED")));

  json skips = LoadDoc("all_pass.json");
  for (json& cell : skips["cells"]) cell["verdict"] = "skip";
  skips.erase("summary");
  md = RenderMarkdown(skips);
  EXPECT_THAT(md, HasSubstr("\n**NOTHING TESTED**: no cell passed or failed (8 of 8 skipped).\n"));
  EXPECT_THAT(md, Not(HasSubstr("PASSED")));
  EXPECT_THAT(md, Not(HasSubstr("⚠")));

  json unknown = LoadDoc("all_pass.json");
  unknown["cells"][0]["verdict"] = "error";
  md = RenderMarkdown(unknown);
  EXPECT_THAT(md, HasSubstr("\n**FAILED**: 1 of 8 cells have no verdict nsmatrix knows (pass, "
                            "fail or skip).\n"));
  EXPECT_THAT(md, Not(HasSubstr("PASSED")));

  json empty = LoadDoc("all_pass.json");
  empty["cells"] = json::array();
  EXPECT_THAT(RenderMarkdown(empty),
              HasSubstr("\n**NOTHING TESTED**: the document lists no cells.\n"));
}

// A matrix whose containers a runtime made says which, what it accepted and
// which probes it could not run; its refusals have a symbol of their own.
TEST(RenderMarkdownTest, ARuntimesRunSaysWhichRuntimeAndWhatItRefused) {
  json doc = LoadDoc("small_matrix.json");
  std::string plain = RenderMarkdown(doc);
  EXPECT_THAT(plain, Not(HasSubstr("REF")));
  doc["runtime"] = {
      {"name", "bwrap"},
      {"version", "bubblewrap 0.8.0"},
      {"path", "/usr/bin/bwrap"},
      {"accepted_combinations", 3},
      {"probes_not_run", {{{"probe", "pid.signal_sender"}, {"why", "needs a hook"}}}}};
  doc["cells"][0]["outcome"] = "refused";
  doc["cells"][0]["verdict"] = "skip";
  std::string md = RenderMarkdown(doc);
  EXPECT_THAT(md, HasSubstr("Containers made by `bwrap` (bubblewrap 0.8.0, `/usr/bin/bwrap`): it "
                            "accepted 3 of 4 combinations. Not run under it: `pid.signal_sender` "
                            "(needs a hook)."));
  EXPECT_THAT(md, HasSubstr("`REF` refused by the container runtime"));
  EXPECT_THAT(md, HasSubstr("| none | REF |"));
}

// A matrix from nsmatrix vm says which kernel file and which QEMU ran it.
TEST(RenderMarkdownTest, VmSectionNamesTheKernelFileAndQemu) {
  std::string md = RenderMarkdown(LoadDoc("vm_matrix.json"));
  EXPECT_THAT(md, HasSubstr("Booted by `nsmatrix vm`: kernel "
                            "`/srv/kernels/boot/vmlinuz-6.1.0-57-cloud-amd64` (sha256 "
                            "`fe69a84e207e2ff5e842d5d27aba1481b4c026fe35b9f9452b11adada17d0002`) "
                            "under QEMU emulator version 7.2.22"));
  EXPECT_THAT(md, HasSubstr("(`tcg`, 2 CPUs, 1024 MiB); booted in 4.8 s."));
  EXPECT_THAT(RenderMarkdown(LoadDoc("small_matrix.json")), Not(HasSubstr("nsmatrix vm")));
}

TEST(RenderMarkdownTest, ProbeSummaryComputedWhenAbsent) {
  std::string md = RenderMarkdown(LoadDoc("small_matrix.json"));
  EXPECT_THAT(md, HasSubstr("| `pid.see_host` | A host process (the sentinel) is not visible in "
                            "the container's /proc | 1 of 4 combinations | {mnt, pid} | 0 |\n"));
  EXPECT_THAT(md, HasSubstr("| `uts.hostname` | Changing the hostname in the container does not "
                            "change the host's | 0 of 4 combinations | nothing | 1 |\n"));
  EXPECT_THAT(md, HasSubstr("| 0 of 4 combinations | nothing | 1 |\n"));
}

TEST(RenderMarkdownTest, FailuresAreListedAndEscaped) {
  std::string md = RenderMarkdown(LoadDoc("small_matrix.json"));
  EXPECT_THAT(md,
              HasSubstr("## Failures\n\n| combination | probe | expected | observed | detail |"));
  EXPECT_THAT(md, HasSubstr("| uts | `uts.hostname` | isolated | leaked | hostname \"nsm-c-4f2a\" "
                            "set in the container is visible on the host \\| checked with "
                            "uname(2) |\n"));
  EXPECT_THAT(md, HasSubstr("| uts | `ipc.sysv_shm` | leaked | error | shmget(IPC_CREAT): ENOSPC "
                            "(No space left on device)<br>kernel.shmmni reached on the host |\n"));
}

TEST(RenderMarkdownTest, MatrixRowsFollowFirstAppearance) {
  std::string md = RenderMarkdown(LoadDoc("small_matrix.json"));
  EXPECT_THAT(md, HasSubstr("Legend: `iso` isolated"));
  EXPECT_THAT(md, HasSubstr("| combination | uts.hostname | pid.see_host | ipc.sysv_shm |\n"
                            "| --- | --- | --- | --- |\n"
                            "| none | LEAK | LEAK | LEAK |\n"
                            "| uts | LEAK ✗ | LEAK | ERR ✗ |\n"
                            "| pid | LEAK | LEAK | n/a |\n"
                            "| mnt+pid | LEAK | iso | LEAK |\n"));
  EXPECT_LT(md.find("## Failures"), md.find("## Matrix"));
  EXPECT_LT(md.find("Legend:"), md.find("| combination | uts.hostname"));
}

TEST(RenderMarkdownTest, AllPassUsesStoredAnalysis) {
  json doc = LoadDoc("all_pass.json");
  std::string md = RenderMarkdown(doc);
  EXPECT_THAT(md, HasSubstr("\n**PASSED**: no cell failed (8 passed, 0 skipped).\n"));
  EXPECT_THAT(md, HasSubstr("## Failures\n\nNone.\n"));
  EXPECT_THAT(md, HasSubstr("mode `userns-root` (root inside a user namespace)"));
  EXPECT_THAT(md, HasSubstr("| 3 of 4 combinations | {uts} or {user} | 0 |\n"));
  EXPECT_THAT(md, HasSubstr("| 0 of 4 combinations | nothing | 0 |\n"));

  // The stored fields win over recomputing them.
  doc["probes"][0]["isolated_by"] = json::parse(R"([["mnt", "pid"]])");
  EXPECT_THAT(RenderMarkdown(doc), HasSubstr("| 3 of 4 combinations | {mnt, pid} | 0 |\n"));
}

TEST(RenderMarkdownTest, AnalysisAddedOrNotRendersTheSame) {
  json doc = LoadDoc("small_matrix.json");
  std::string before = RenderMarkdown(doc);
  AddAnalysis(doc);
  EXPECT_EQ(RenderMarkdown(doc), before);
}

TEST(RenderMarkdownTest, AnomaliesAreListed) {
  json doc = LoadDoc("all_pass.json");
  doc["probes"][0]["anomalies"] = json::array({"isolated with uts but leaked with uts+net"});
  EXPECT_THAT(RenderMarkdown(doc),
              HasSubstr("- `uts.hostname`: isolated with uts but leaked with uts+net\n"));
  EXPECT_THAT(RenderMarkdown(LoadDoc("all_pass.json")), Not(HasSubstr("Anomalies")));
}

TEST(RenderMarkdownTest, TotalsFromCellsWithoutSummary) {
  json doc = LoadDoc("small_matrix.json");
  std::string with_summary = RenderMarkdown(doc);
  doc.erase("summary");
  EXPECT_EQ(RenderMarkdown(doc), with_summary);
}

TEST(RenderMarkdownTest, ToleratesEmptyDocument) {
  std::string md = RenderMarkdown(json::object());
  EXPECT_THAT(md, HasSubstr("# nsmatrix isolation matrix"));
  EXPECT_THAT(md, HasSubstr("Linux ? on ?"));
  EXPECT_THAT(md, HasSubstr("None."));
  EXPECT_EQ(RenderMarkdown(json()), md);
}

TEST(RenderMarkdownTest, MissingCellsShowDash) {
  json doc = LoadDoc("small_matrix.json");
  doc["cells"].erase(doc["cells"].begin() + 4);  // uts / pid.see_host
  EXPECT_THAT(RenderMarkdown(doc), HasSubstr("| uts | LEAK ✗ | - | ERR ✗ |\n"));
}

TEST(EscapeTableCellTest, EscapesPipesBackslashesAndNewlines) {
  EXPECT_EQ(EscapeTableCell("a|b"), "a\\|b");
  EXPECT_EQ(EscapeTableCell("a\\|b"), "a\\\\\\|b");
  EXPECT_EQ(EscapeTableCell("one\ntwo\r\nthree\rfour"), "one<br>two<br>three<br>four");
  EXPECT_EQ(EscapeTableCell("plain"), "plain");
}

// A detail is the container's text: no tag, link, image or terminal control
// may reach whoever reads the report, in a viewer or with cat.
TEST(EscapeTableCellTest, NoMarkupOrControlFromAContainerSurvives) {
  EXPECT_EQ(EscapeTableCell("<img src=x onerror=alert(1)>"), "&lt;img src=x onerror=alert(1)>");
  EXPECT_EQ(EscapeTableCell("![t](http://x/t.png) [a](b)"), "!\\[t\\](http://x/t.png) \\[a\\](b)");
  EXPECT_EQ(EscapeTableCell("&lt; &#60; user & !map_root"), "&amp;lt; &amp;#60; user & !map_root");
  EXPECT_EQ(EscapeTableCell("\x1b[2K\rgate: PASSED"), "\u241b\\[2K<br>gate: PASSED");
  EXPECT_EQ(EscapeTableCell("a\x07\x7f\tb"), "a\u2407\u2421\tb");
  EXPECT_EQ(EscapeTableCell("\u009b31m \u202Eevil\u2069"), "\uFFFD31m \uFFFDevil\uFFFD");
  EXPECT_EQ(EscapeTableCell("\u200E\u200F\u061C\u2028\u2029."), "\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD.");
  EXPECT_EQ(EscapeTableCell("ünïcödé → ok"), "ünïcödé → ok");
}

TEST(RenderMarkdownTest, AHostileDetailReachesTheReportInert) {
  json doc = LoadDoc("small_matrix.json");
  for (json& cell : doc["cells"]) {
    if (cell["verdict"] != "pass") cell["detail"] = "<script>x</script>\x1b]0;pwned\x07";
  }
  std::string md = RenderMarkdown(doc);
  EXPECT_THAT(md, HasSubstr("&lt;script>x&lt;/script>\u241b\\]0;pwned\u2407"));
  EXPECT_THAT(md, Not(HasSubstr("<script>")));
  EXPECT_THAT(md, Not(HasSubstr("\x1b")));
}

TEST(RenderIsolatedByTest, RendersSets) {
  EXPECT_EQ(RenderIsolatedBy(json::array()), "nothing");
  EXPECT_EQ(RenderIsolatedBy(json::parse(R"([["mnt", "pid"]])")), "{mnt, pid}");
  EXPECT_EQ(RenderIsolatedBy(json::parse(R"([["uts"], ["user"]])")), "{uts} or {user}");
  EXPECT_EQ(RenderIsolatedBy(json::parse("[[]]")), "{} (no namespace needed)");
  EXPECT_EQ(RenderIsolatedBy(json()), "?");
}

}  // namespace
}  // namespace nsm
