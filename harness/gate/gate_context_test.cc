// The gate's context: what differs between two runs beyond their cells
// (kernel, options, the runtime and the VM a matrix was made in, verdicts that
// changed with the same outcome) is listed, never hidden and never a failure by
// itself; matrices of two different runtimes are no comparison at all.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness/gate/gate.h"
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

TEST(CompareMatricesTest, ContextDifferences) {
  json baseline = Doc({Cell("uts", "uts.hostname", "isolated", "pass")});
  json current = baseline;
  current["tool"]["version"] = "0.2.0";
  current["host"]["kernel_release"] = "6.1.0";
  current["host"]["kernel_version"] = "#2 SMP";
  current["host"]["architecture"] = "aarch64";
  current["host"]["mode"] = "userns-root";
  current["host"]["hostname"] = "other";  // not context: every runner has its own
  current["host"]["cpus"] = 64;
  current["options"]["userns_map"] = "root";
  current["options"]["rootfs"] = "/srv/rootfs";
  current["options"]["combinations"] = 256;
  current["options"]["timeout_ms"] = 5000;
  current["options"]["time_ns_via"] = "unshare";
  current["options"]["probes"] = {"uts.hostname", "ns.net"};
  current["probes"] = {{{"id", "ns.net"}}};
  GateResult result = Compare(baseline, current);
  EXPECT_FALSE(result.Failed());
  EXPECT_THAT(
      result.context_differences,
      ElementsAre("tool.version: 0.1.0 -> 0.2.0", "kernel_release: 6.18.44 -> 6.1.0",
                  "kernel_version: #1 SMP -> #2 SMP", "architecture: x86_64 -> aarch64",
                  "mode: root -> userns-root", "options.userns_map: unprivileged -> root",
                  "options.rootfs: host -> /srv/rootfs", "options.combinations: 2 -> 256",
                  "options.time_ns_via: (absent) -> unshare", "options.timeout_ms: 10000 -> 5000",
                  "probes only in baseline: pid.see_host", "probes only in current: ns.net"));
}

// A runtime's new version is context: listed, not a failure.
TEST(CompareMatricesTest, TheRuntimeIsContext) {
  json baseline = Doc({Cell("uts", "uts.hostname", "isolated", "pass")});
  baseline["runtime"] = {{"name", "bwrap"}, {"version", "bubblewrap 0.8.0"}};
  json current = baseline;
  current["runtime"]["version"] = "bubblewrap 0.9.0";
  GateResult result = Compare(baseline, current);
  EXPECT_FALSE(result.Failed());
  EXPECT_THAT(result.context_differences,
              ElementsAre("runtime.version: bubblewrap 0.8.0 -> bubblewrap 0.9.0"));
}

// Another runtime's matrix is no baseline: runc's refused cells would read as
// improvements against a native run, which would pass runc's gate without
// running runc.
TEST(CompareMatricesTest, AnotherRuntimesMatrixIsNoBaseline) {
  json baseline = Doc({Cell("uts", "uts.hostname", "isolated", "pass"),
                       Cell("none", "uts.hostname", "refused", "skip")});
  baseline["runtime"] = {{"name", "runc"}, {"version", "runc version 1.1.5"}};
  json current = Doc({Cell("uts", "uts.hostname", "isolated", "pass"),
                      Cell("none", "uts.hostname", "leaked", "pass")});
  Result<GateResult> result = CompareMatrices(baseline, current, {});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().err, EINVAL);
  EXPECT_THAT(result.error().context,
              HasSubstr("the baseline's containers were made by runc, the current matrix's by "
                        "native"));
  // Either way round, and between two runtimes.
  EXPECT_FALSE(CompareMatrices(current, baseline, {}));
  current["runtime"] = {{"name", "crun"}};
  EXPECT_FALSE(CompareMatrices(baseline, current, {}));
  current["runtime"] = {{"name", "runc"}};
  EXPECT_TRUE(CompareMatrices(baseline, current, {}));
  // A runtime section without a name is no native run.
  current["runtime"] = {{"version", "runc version 1.1.5"}};
  Result<GateResult> unnamed = CompareMatrices(Doc({}), current, {});
  ASSERT_FALSE(unnamed);
  EXPECT_THAT(unnamed.error().context,
              HasSubstr("the current matrix has a runtime section without a name"));
}

// A matrix made in a VM (`nsmatrix vm`) names the VM's kernel image and QEMU.
TEST(CompareMatricesTest, TheVmSectionIsContext) {
  json baseline = Doc({Cell("uts", "uts.hostname", "isolated", "pass")});
  json current = baseline;
  current["vm"] = {
      {"kernel", {{"path", "/boot/vmlinuz-6.1.0-28-amd64"}, {"release", "6.1.0-28-amd64"}}},
      {"qemu", {{"version", "8.2.2"}}}};
  GateResult result = Compare(baseline, current);
  EXPECT_THAT(result.context_differences,
              ElementsAre("vm.kernel.path: (absent) -> /boot/vmlinuz-6.1.0-28-amd64",
                          "vm.kernel.release: (absent) -> 6.1.0-28-amd64",
                          "vm.qemu.version: (absent) -> 8.2.2"));
  baseline = current;
  current["vm"]["kernel"]["release"] = "6.1.0-30-amd64";
  result = Compare(baseline, current);
  EXPECT_THAT(result.context_differences,
              ElementsAre("vm.kernel.release: 6.1.0-28-amd64 -> 6.1.0-30-amd64"));
}

// pass <-> skip (or fail -> skip) with the same outcome is neither a regression nor an
// improvement, but it is a difference.
TEST(CompareMatricesTest, AVerdictChangedWithTheSameOutcomeIsContext) {
  json baseline = Doc({Cell("uts", "uts.hostname", "leaked", "pass"),
                       Cell("none", "pid.see_host", "leaked", "fail")});
  json current = Doc({Cell("uts", "uts.hostname", "leaked", "skip"),
                      Cell("none", "pid.see_host", "leaked", "skip")});
  GateResult result = Compare(baseline, current);
  EXPECT_FALSE(result.Failed());
  EXPECT_THAT(result.improvements, IsEmpty());
  EXPECT_THAT(result.context_differences,
              ElementsAre("verdicts changed with the same outcome: uts uts.hostname pass -> skip, "
                          "none pid.see_host fail -> skip"));
}

TEST(CompareMatricesTest, LongNameListsAreCut) {
  std::vector<json> cells;
  for (int i = 0; i < 20; ++i)
    cells.push_back(Cell("uts", "p.n" + std::to_string(i), "leaked", "pass"));
  GateResult result = Compare(Doc({}), Doc(cells));
  EXPECT_EQ(result.improvements.size(), 20u);
  EXPECT_THAT(result.context_differences,
              ElementsAre(StartsWith("probes only in current: p.n0, p.n1, "),
                          "combinations only in current: uts"));
  EXPECT_THAT(result.context_differences[0], HasSubstr("p.n11, ... (20 in all)"));
}

}  // namespace
}  // namespace nsm
