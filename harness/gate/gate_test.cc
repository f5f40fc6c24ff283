#include "harness/gate/gate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness/common/namespaces.h"
#include "harness/gate/gate_test_docs.h"

namespace nsm {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

using gate_test::Cell;
using gate_test::Compare;
using gate_test::Doc;

// The single difference in `list`, as "combination probe kind before->after".
std::vector<std::string> Summaries(const std::vector<GateDifference>& list) {
  std::vector<std::string> out;
  for (const GateDifference& d : list) {
    out.push_back(d.combination + " " + d.probe + " " + d.kind + " " + d.before + "->" + d.after);
  }
  return out;
}

// A regression from `before` to `after` (outcome, verdict) for one cell.
GateResult OneCell(const std::string& before_outcome, const std::string& before_verdict,
                   const std::string& after_outcome, const std::string& after_verdict,
                   const AllowList& allow = {}) {
  return Compare(Doc({Cell("mnt+pid", "pid.see_host", before_outcome, before_verdict)}),
                 Doc({Cell("mnt+pid", "pid.see_host", after_outcome, after_verdict)}), allow);
}

TEST(CompareMatricesTest, IdenticalMatricesPass) {
  json doc = Doc({Cell("none", "pid.see_host", "leaked", "pass", "leaked"),
                  Cell("mnt+pid", "pid.see_host", "isolated", "pass")});
  GateResult result = Compare(doc, doc);
  EXPECT_FALSE(result.Failed());
  EXPECT_THAT(result.regressions, IsEmpty());
  EXPECT_THAT(result.improvements, IsEmpty());
  EXPECT_THAT(result.allowed, IsEmpty());
  EXPECT_THAT(result.context_differences, IsEmpty());
}

TEST(CompareMatricesTest, IsolationLost) {
  GateResult result = OneCell("isolated", "pass", "leaked", "fail");
  EXPECT_TRUE(result.Failed());
  EXPECT_THAT(Summaries(result.regressions),
              ElementsAre("mnt+pid pid.see_host isolation-lost isolated->leaked"));
  EXPECT_EQ(result.regressions[0].detail, "evidence");
  EXPECT_THAT(result.improvements, IsEmpty());
}

TEST(CompareMatricesTest, SupportLost) {
  EXPECT_THAT(Summaries(OneCell("isolated", "pass", "unsupported", "skip").regressions),
              ElementsAre("mnt+pid pid.see_host support-lost isolated->unsupported"));
  EXPECT_THAT(Summaries(OneCell("leaked", "fail", "unsupported", "skip").regressions),
              ElementsAre("mnt+pid pid.see_host support-lost leaked->unsupported"));
}

TEST(CompareMatricesTest, ARuntimeThatNoLongerMakesAContainerIsARegression) {
  for (const char* before : {"isolated", "leaked", "error"}) {
    GateResult result = OneCell(before, "pass", "refused", "skip");
    EXPECT_TRUE(result.Failed()) << before;
    EXPECT_THAT(Summaries(result.regressions), ElementsAre("mnt+pid pid.see_host runtime-refused " +
                                                           std::string(before) + "->refused"));
  }
  EXPECT_FALSE(OneCell("refused", "skip", "refused", "skip").Failed());
  EXPECT_THAT(Summaries(OneCell("refused", "skip", "isolated", "pass").improvements),
              ElementsAre("mnt+pid pid.see_host runtime-accepted refused->isolated"));
}

TEST(CompareMatricesTest, ProbeError) {
  for (const char* before : {"isolated", "leaked", "unsupported"}) {
    EXPECT_THAT(Summaries(OneCell(before, "pass", "error", "fail").regressions),
                ElementsAre(std::string("mnt+pid pid.see_host probe-error ") + before + "->error"));
  }
  // Still an error: not a probe-error, but still a failure (still-fail, below).
  EXPECT_EQ(OneCell("error", "fail", "error", "fail").regressions.at(0).kind, "still-fail");
}

TEST(CompareMatricesTest, VerdictFail) {
  // Same outcome, but the rules now expect something else.
  GateResult result = OneCell("leaked", "pass", "leaked", "fail");
  EXPECT_THAT(Summaries(result.regressions),
              ElementsAre("mnt+pid pid.see_host verdict-fail leaked->leaked"));
  EXPECT_EQ(result.regressions[0].detail, "verdict pass -> fail (expected isolated): evidence");
  // An outcome improvement with a failed verdict is a regression, not an improvement.
  result = OneCell("leaked", "pass", "isolated", "fail");
  EXPECT_THAT(Summaries(result.regressions),
              ElementsAre("mnt+pid pid.see_host verdict-fail leaked->isolated"));
  EXPECT_THAT(result.improvements, IsEmpty());
  EXPECT_THAT(Summaries(OneCell("unsupported", "skip", "leaked", "fail").regressions),
              ElementsAre("mnt+pid pid.see_host verdict-fail unsupported->leaked"));
}

// A cell that failed in the baseline and fails the same way now is still a
// failure: a baseline recorded with a leak (or a probe that never tested
// anything) must not accept it for good. An allow-list entry accepts it, with
// its reason.
TEST(CompareMatricesTest, AFailureTheBaselineRecordedIsStillAFailure) {
  GateResult result = OneCell("leaked", "fail", "leaked", "fail");
  EXPECT_TRUE(result.Failed());
  EXPECT_THAT(Summaries(result.regressions),
              ElementsAre("mnt+pid pid.see_host still-fail leaked->leaked"));
  EXPECT_EQ(result.regressions[0].detail, "verdict fail -> fail (expected isolated): evidence");
  EXPECT_THAT(Summaries(OneCell("error", "fail", "error", "fail").regressions),
              ElementsAre("mnt+pid pid.see_host still-fail error->error"));
  AllowList allow{{{"mnt+pid", "pid.see_host", std::nullopt, "known: read-only /proc", 3}}};
  result = OneCell("leaked", "fail", "leaked", "fail", allow);
  EXPECT_FALSE(result.Failed());
  ASSERT_EQ(result.allowed.size(), 1u);
  EXPECT_EQ(result.allowed[0].reason, "known: read-only /proc");
  // A failure that went away is an improvement.
  EXPECT_FALSE(OneCell("leaked", "fail", "leaked", "pass").Failed());
}

TEST(CompareMatricesTest, OneDifferencePerCellMostSpecificKind) {
  // isolated/pass -> leaked/fail is both isolation-lost and verdict-fail.
  GateResult result = OneCell("isolated", "pass", "leaked", "fail");
  ASSERT_EQ(result.regressions.size(), 1u);
  EXPECT_EQ(result.regressions[0].kind, "isolation-lost");
  result = OneCell("isolated", "pass", "error", "fail");
  ASSERT_EQ(result.regressions.size(), 1u);
  EXPECT_EQ(result.regressions[0].kind, "probe-error");
}

TEST(CompareMatricesTest, CellMissing) {
  GateResult result =
      Compare(Doc({Cell("none", "uts.hostname", "leaked", "pass", "leaked", "old evidence"),
                   Cell("uts", "uts.hostname", "isolated", "pass")}),
              Doc({Cell("uts", "uts.hostname", "isolated", "pass")}));
  EXPECT_THAT(Summaries(result.regressions),
              ElementsAre("none uts.hostname cell-missing leaked->absent"));
  EXPECT_EQ(result.regressions[0].detail, "absent from the current matrix");
  EXPECT_THAT(result.context_differences, ElementsAre("combinations only in baseline: none"));
}

TEST(CompareMatricesTest, Improvements) {
  json baseline =
      Doc({Cell("uts", "p.one", "leaked", "fail"), Cell("uts", "p.two", "unsupported", "skip"),
           Cell("uts", "p.three", "error", "fail"), Cell("uts", "p.four", "unsupported", "skip"),
           Cell("uts", "p.five", "leaked", "fail", "leaked")});
  json current =
      Doc({Cell("uts", "p.one", "isolated", "pass"),
           Cell("uts", "p.two", "leaked", "fail"),  // verdict skip -> fail: regression
           Cell("uts", "p.three", "isolated", "pass"), Cell("uts", "p.four", "isolated", "pass"),
           Cell("uts", "p.five", "leaked", "pass", "leaked"),
           Cell("ipc", "p.one", "isolated", "pass")});
  GateResult result = Compare(baseline, current);
  EXPECT_THAT(
      Summaries(result.improvements),
      ElementsAre("uts p.one isolation-gained leaked->isolated",
                  "uts p.three error-fixed error->isolated",
                  "uts p.four support-gained unsupported->isolated",
                  "uts p.five verdict-pass leaked->leaked", "ipc p.one cell-new absent->isolated"));
  EXPECT_EQ(result.improvements[3].detail, "verdict fail -> pass (expected leaked): evidence");
  EXPECT_THAT(Summaries(result.regressions),
              ElementsAre("uts p.two verdict-fail unsupported->leaked"));
  EXPECT_THAT(result.context_differences, ElementsAre("combinations only in current: ipc"));
}

// A cell the baseline lacks (a probe added since) is no improvement when it fails:
// otherwise every leak a new probe finds would pass the gate until the baseline is
// regenerated.
TEST(CompareMatricesTest, NewCellThatFailsIsARegression) {
  json baseline = Doc({Cell("uts", "p.one", "isolated", "pass")});
  json current = Doc({Cell("uts", "p.one", "isolated", "pass"),
                      Cell("uts", "p.new", "leaked", "fail", "isolated", "host name seen"),
                      Cell("ipc", "p.one", "error", "fail", "isolated", "no record"),
                      Cell("pid", "p.new", "unsupported", "skip")});
  GateResult result = Compare(baseline, current);
  EXPECT_TRUE(result.Failed());
  EXPECT_THAT(Summaries(result.regressions),
              ElementsAre("uts p.new new-fail absent->leaked", "ipc p.one new-fail absent->error"));
  EXPECT_EQ(result.regressions[0].detail, "verdict fail (expected isolated): host name seen");
  EXPECT_THAT(Summaries(result.improvements),
              ElementsAre("pid p.new cell-new absent->unsupported"));
}

TEST(CompareMatricesTest, ErrorToUnsupportedIsSupportLost) {
  // A combination the kernel now refuses lost support, whatever the baseline cell said.
  GateResult result = OneCell("error", "fail", "unsupported", "skip");
  ASSERT_EQ(result.regressions.size(), 1u);
  EXPECT_EQ(result.regressions[0].kind, "support-lost");
  EXPECT_THAT(result.improvements, IsEmpty());
}

TEST(CompareMatricesTest, AllowListExactEntry) {
  AllowList allow{{{"mnt+pid", "pid.see_host", std::nullopt, "known: read-only /proc", 3}}};
  GateResult result = OneCell("isolated", "pass", "leaked", "fail", allow);
  EXPECT_FALSE(result.Failed());
  EXPECT_THAT(Summaries(result.allowed),
              ElementsAre("mnt+pid pid.see_host isolation-lost isolated->leaked"));
  EXPECT_EQ(result.allowed[0].reason, "known: read-only /proc");
  // Another combination is not covered.
  allow.entries[0].combination = "pid";
  EXPECT_TRUE(OneCell("isolated", "pass", "leaked", "fail", allow).Failed());
}

TEST(CompareMatricesTest, AllowListWildcardAndPrefix) {
  json baseline = Doc({Cell("none", "ipc.sysv_shm", "leaked", "pass", "leaked"),
                       Cell("ipc", "ipc.sysv_shm", "isolated", "pass"),
                       Cell("ipc", "ipc.mq", "isolated", "pass"),
                       Cell("ipc", "pid.see_host", "leaked", "pass", "leaked")});
  json current = Doc({Cell("none", "ipc.sysv_shm", "unsupported", "skip", "leaked"),
                      Cell("ipc", "ipc.sysv_shm", "unsupported", "skip"),
                      Cell("ipc", "ipc.mq", "unsupported", "skip"),
                      Cell("ipc", "pid.see_host", "unsupported", "skip", "leaked")});
  AllowList allow{{{"*", "ipc.", std::nullopt, "no SysV IPC", 1}}};
  GateResult result = Compare(baseline, current, allow);
  EXPECT_THAT(Summaries(result.allowed),
              ElementsAre("none ipc.sysv_shm support-lost leaked->unsupported",
                          "ipc ipc.sysv_shm support-lost isolated->unsupported",
                          "ipc ipc.mq support-lost isolated->unsupported"));
  EXPECT_THAT(Summaries(result.regressions),
              ElementsAre("ipc pid.see_host support-lost leaked->unsupported"));

  allow.entries = {{"ipc", "*", std::nullopt, "everything in ipc", 1}};
  result = Compare(baseline, current, allow);
  EXPECT_EQ(result.allowed.size(), 3u);
  EXPECT_THAT(Summaries(result.regressions),
              ElementsAre("none ipc.sysv_shm support-lost leaked->unsupported"));
}

TEST(CompareMatricesTest, AllowListTo) {
  AllowList allow{{{"*", "*", "unsupported", "kernel without it", 1}}};
  EXPECT_FALSE(OneCell("isolated", "pass", "unsupported", "skip", allow).Failed());
  GateResult result = OneCell("isolated", "pass", "leaked", "fail", allow);
  EXPECT_TRUE(result.Failed());
  EXPECT_THAT(result.allowed, IsEmpty());
  // `to` never matches a missing cell; an entry without it does.
  json baseline = Doc({Cell("uts", "uts.hostname", "isolated", "pass")});
  json current = Doc({});
  EXPECT_TRUE(Compare(baseline, current, allow).Failed());
  allow.entries.push_back({"uts", "uts.", std::nullopt, "dropped", 2});
  result = Compare(baseline, current, allow);
  EXPECT_FALSE(result.Failed());
  ASSERT_EQ(result.allowed.size(), 1u);
  EXPECT_EQ(result.allowed[0].kind, "cell-missing");
  EXPECT_EQ(result.allowed[0].reason, "dropped");
}

TEST(CompareMatricesTest, AllowListDoesNotTouchImprovements) {
  AllowList allow{{{"*", "*", std::nullopt, "everything", 1}}};
  GateResult result = OneCell("leaked", "fail", "isolated", "pass", allow);
  EXPECT_THAT(result.allowed, IsEmpty());
  EXPECT_EQ(result.improvements.size(), 1u);
}

TEST(CompareMatricesTest, InvalidDocuments) {
  json good = Doc({Cell("uts", "uts.hostname", "isolated", "pass")});
  auto error_of = [&](const json& baseline, const json& current) {
    Result<GateResult> result = CompareMatrices(baseline, current, {});
    EXPECT_FALSE(result);
    return result ? std::string() : result.error().Message();
  };
  EXPECT_THAT(error_of(json::array(), good), StartsWith("baseline: not a JSON object"));
  json other = good;
  other["schema"] = "nsmatrix/2";
  EXPECT_THAT(error_of(good, other),
              StartsWith("current: not an nsmatrix/1 document (schema \"nsmatrix/2\")"));
  other.erase("schema");
  EXPECT_THAT(error_of(other, good), StartsWith("baseline: not an nsmatrix/1 document (no"));
  other = good;
  other.erase("cells");
  EXPECT_THAT(error_of(good, other), StartsWith("current: no \"cells\" array"));
  other = good;
  other["cells"][0].erase("probe");
  EXPECT_THAT(error_of(good, other), StartsWith("current: cell 0 has no \"probe\" string"));
  other = good;
  other["cells"][0]["outcome"] = "leaky";
  EXPECT_THAT(error_of(good, other),
              StartsWith("current: cell 0 (uts uts.hostname): outcome \"leaky\" is not"));
  other = good;
  other["cells"][0]["verdict"] = 1;
  EXPECT_THAT(error_of(good, other), StartsWith("current: cell 0 has no \"verdict\" string"));
  other = good;
  other["cells"][0]["verdict"] = "ok";
  EXPECT_THAT(error_of(good, other),
              StartsWith("current: cell 0 (uts uts.hostname): verdict \"ok\" is not pass"));
  other = good;
  other["cells"].push_back(other["cells"][0]);
  std::string message = error_of(other, good);
  EXPECT_THAT(message, StartsWith("baseline: cell 1 (uts uts.hostname) repeats cell 0"));
  EXPECT_THAT(message, HasSubstr("compare matrices"));
  EXPECT_THAT(message, HasSubstr("hint: "));
  other = good;
  other["cells"][0] = "cell";
  EXPECT_THAT(error_of(other, good), StartsWith("baseline: cell 0 is not an object"));
  other = good;
  other["cells"][0]["combination"] = "uts+bogus";
  EXPECT_THAT(error_of(good, other),
              StartsWith("current: cell 0 (uts+bogus uts.hostname): combination \"uts+bogus\": "));
}

// Cells are compared as combinations, not as strings: a hand-edited baseline
// may name the namespaces in any order.
TEST(CompareMatricesTest, ACombinationIsTheSameInAnyOrder) {
  GateResult result = Compare(Doc({Cell("pid+mnt", "pid.see_host", "isolated", "pass")}),
                              Doc({Cell("mnt+pid", "pid.see_host", "leaked", "fail")}));
  ASSERT_EQ(result.regressions.size(), 1u);
  EXPECT_EQ(result.regressions[0].kind, "isolation-lost");
  EXPECT_EQ(result.regressions[0].combination, "mnt+pid");
  EXPECT_TRUE(result.improvements.empty());
}

// From review: a cell that errored in the baseline and leaks now, against its
// expectation, is a regression, not "error-fixed".
TEST(CompareMatricesTest, AFailingCellThatChangedIsARegression) {
  nlohmann::json base =
      nlohmann::json::parse(R"({"schema": "nsmatrix/1", "host": {}, "options": {}, "probes": [],
    "cells": [{"combination": "mnt+pid", "namespaces": ["mnt", "pid"], "probe": "pid.see_host",
               "outcome": "error", "expected": "isolated", "verdict": "fail", "detail": "timed out"}]})");
  nlohmann::json now = base;
  now["cells"][0]["outcome"] = "leaked";
  now["cells"][0]["detail"] = "sentinel visible";
  Result<GateResult> result = CompareMatrices(base, now, AllowList{});
  ASSERT_TRUE(result) << result.error().Message();
  ASSERT_EQ(result->regressions.size(), 1u);
  EXPECT_TRUE(result->improvements.empty());
  // error -> unsupported: support lost.
  now["cells"][0]["outcome"] = "unsupported";
  now["cells"][0]["verdict"] = "skip";
  result = CompareMatrices(base, now, AllowList{});
  ASSERT_TRUE(result);
  ASSERT_EQ(result->regressions.size(), 1u);
  EXPECT_EQ(result->regressions[0].kind, "support-lost");
}

}  // namespace
}  // namespace nsm
