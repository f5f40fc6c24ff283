// The gate's comparison as JSON, terminal lines and Markdown.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness/common/namespaces.h"
#include "harness/gate/gate.h"
#include "harness/gate/gate_test_docs.h"

namespace nsm {
namespace {

using gate_test::Cell;
using gate_test::Compare;
using gate_test::Doc;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

GateResult Mixed() {
  json baseline = Doc({Cell("mnt+pid", "pid.see_host", "isolated", "pass"),
                       Cell("uts", "uts.hostname", "leaked", "fail"),
                       Cell("ipc", "ipc.sysv_shm", "isolated", "pass")});
  json current = Doc({Cell("mnt+pid", "pid.see_host", "leaked", "fail", "isolated",
                           "sentinel found\nin /proc\x1b[2J"),
                      Cell("uts", "uts.hostname", "isolated", "pass"),
                      Cell("ipc", "ipc.sysv_shm", "unsupported", "skip")});
  current["host"]["kernel_release"] = "6.1.0";
  AllowList allow{{{"*", "ipc.", "unsupported", "no | SysV", 1}}};
  return Compare(baseline, current, allow);
}

TEST(GateToJsonTest, Shape) {
  json baseline = Doc({Cell("mnt+pid", "pid.see_host", "isolated", "pass")});
  json current = Doc({Cell("mnt+pid", "pid.see_host", "leaked", "fail")});
  current["host"]["kernel_release"] = "6.1.0";
  AllowList none;
  GateResult result = Compare(baseline, current, none);
  json out = GateToJson(result, baseline, current);
  EXPECT_EQ(out["failed"], true);
  EXPECT_EQ(out["baseline"]["generated_at"], "2026-11-30T12:00:00Z");
  EXPECT_EQ(out["baseline"]["kernel_release"], "6.18.44");
  EXPECT_EQ(out["current"]["kernel_release"], "6.1.0");
  EXPECT_EQ(out["current"]["options"]["userns_map"], "unprivileged");
  EXPECT_EQ(out["context_differences"], json({"kernel_release: 6.18.44 -> 6.1.0"}));
  EXPECT_EQ(out["regressions"], json::parse(R"([{"combination": "mnt+pid", "probe": "pid.see_host",
                            "kind": "isolation-lost", "before": "isolated", "after": "leaked",
                            "detail": "evidence"}])"));
  EXPECT_EQ(out["improvements"], json::array());
  EXPECT_EQ(out["allowed"], json::array());

  json mixed = GateToJson(Mixed(), baseline, current);
  ASSERT_EQ(mixed["allowed"].size(), 1u);
  EXPECT_EQ(mixed["allowed"][0]["reason"], "no | SysV");
  EXPECT_FALSE(mixed["regressions"][0].contains("reason"));
  EXPECT_EQ(mixed["improvements"].size(), 1u);
}

// A detail that would reorder the terminal's line ("leaked" reading as
// something else) reaches it with U+FFFD in place of the control.
TEST(RenderGateTextTest, CharactersThatReorderTheLineAreReplaced) {
  json baseline = Doc({Cell("mnt+pid", "pid.see_host", "isolated", "pass")});
  json current = Doc({Cell("mnt+pid", "pid.see_host", "leaked", "fail", "isolated",
                           "\u202Edekael\u2069 \u200Fx")});
  AllowList none;
  EXPECT_THAT(RenderGateText(Compare(baseline, current, none)),
              HasSubstr("(isolation-lost) \uFFFDdekael\uFFFD \uFFFDx\n"));
}

TEST(RenderGateTextTest, LinesAndVerdict) {
  std::string text = RenderGateText(Mixed());
  EXPECT_EQ(text,
            "REGRESSION mnt+pid pid.see_host: isolated -> leaked (isolation-lost) sentinel found | "
            "in /proc\\x1b[2J\n"
            "IMPROVEMENT uts uts.hostname: leaked -> isolated (isolation-gained) evidence\n"
            "ALLOWED ipc ipc.sysv_shm: isolated -> unsupported (support-lost) evidence "
            "[allowed: no | SysV]\n"
            "CONTEXT kernel_release: 6.18.44 -> 6.1.0\n"
            "gate: FAILED: 1 regression (1 allowed, 1 improvement, 1 context difference)\n");
  json doc = Doc({Cell("uts", "uts.hostname", "isolated", "pass")});
  EXPECT_EQ(RenderGateText(Compare(doc, doc)),
            "gate: PASSED: no regressions (0 allowed, 0 improvements, 0 context differences)\n");
}

TEST(RenderGateMarkdownTest, Sections) {
  std::string md = RenderGateMarkdown(Mixed());
  EXPECT_EQ(md.rfind("# nsmatrix gate\n\n**FAILED**: 1 regression (", 0), 0u);
  EXPECT_THAT(md, HasSubstr("## Context differences\n\n- kernel_release: 6.18.44 -> 6.1.0\n"));
  EXPECT_THAT(md, HasSubstr("## Regressions\n\n| combination | probe | outcome | kind | detail |\n"
                            "| --- | --- | --- | --- | --- |\n"
                            "| mnt+pid | `pid.see_host` | isolated → leaked | isolation-lost | "
                            "sentinel found<br>in /proc\u241b\\[2J |\n"));  // ESC as a picture
  EXPECT_THAT(md, HasSubstr("| ipc | `ipc.sysv_shm` | isolated → unsupported | support-lost | "
                            "no \\| SysV | evidence |\n"));
  EXPECT_THAT(md, HasSubstr("## Improvements\n\n"));
  json doc = Doc({Cell("uts", "uts.hostname", "isolated", "pass")});
  std::string pass = RenderGateMarkdown(Compare(doc, doc));
  EXPECT_THAT(pass, HasSubstr("**PASSED**: no regressions"));
  EXPECT_THAT(pass, HasSubstr("## Regressions\n\nNone.\n"));
  EXPECT_THAT(pass, Not(HasSubstr("| combination |")));
}

TEST(RenderGateMarkdownTest, StaysUnderItsLimit) {
  std::vector<json> before, after;
  for (int c = 0; c < 256; ++c) {
    for (int p = 0; p < 30; ++p) {
      std::string combination = NsSet::FromIndex(static_cast<unsigned>(c)).ToString(),
                  probe = "p.n" + std::to_string(p);
      before.push_back(Cell(combination, probe, "isolated", "pass"));
      after.push_back(
          Cell(combination, probe, "leaked", "fail", "isolated", std::string(600, 'd')));
    }
  }
  GateResult result = Compare(Doc(before), Doc(after));
  ASSERT_EQ(result.regressions.size(), 7680u);
  std::string md = RenderGateMarkdown(result, 100 * 1024);
  EXPECT_LE(md.size(), 100u * 1024);
  EXPECT_THAT(md, HasSubstr(" more regressions (all of them are in the gate's JSON report).\n"));
  EXPECT_THAT(md, HasSubstr("## Improvements\n\nNone.\n"));
  EXPECT_LE(RenderGateMarkdown(result, 10).size(), 10u);
}

}  // namespace
}  // namespace nsm
