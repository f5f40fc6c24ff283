#include "reports/compare.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "reports/compare_markdown.h"
#include "reports/testdata_helpers.h"

namespace nsm {
namespace {

using nlohmann::json;
using report_tests::LoadDoc;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

json& CellOf(json& doc, const std::string& combination, const std::string& probe) {
  for (json& cell : doc["cells"]) {
    if (cell["combination"] == combination && cell["probe"] == probe) return cell;
  }
  ADD_FAILURE() << "no cell " << combination << " " << probe;
  static json none;
  return none;
}

json& NamespaceOf(json& doc, const std::string& type) {
  for (json& ns : doc["kernel"]["namespaces"]) {
    if (ns["type"] == type) return ns;
  }
  ADD_FAILURE() << "no namespace " << type;
  static json none;
  return none;
}

// with_kernel.json as run on another kernel: same cells, same checks.
json OtherKernel(const std::string& release) {
  json doc = LoadDoc("with_kernel.json");
  doc["host"]["kernel_release"] = release;
  doc["kernel"]["kernel_release"] = release;
  return doc;
}

Comparison Compare(std::vector<CompareInput> inputs) {
  Result<Comparison> result = CompareRuns(inputs);
  EXPECT_TRUE(result) << (result ? "" : result.error().Message());
  return result ? *result : Comparison{};
}

TEST(CompareRunsTest, IdenticalRunsHaveNoDifferences) {
  Comparison c = Compare({{"a.json", OtherKernel("6.1.0")}, {"b.json", OtherKernel("6.18.44")}});
  EXPECT_TRUE(c.Identical());
  EXPECT_EQ(c.same_cells, 8u);
  EXPECT_EQ(c.same_kernel_checks, 16u);  // 8 types, as root and unprivileged
  EXPECT_GT(c.same_kernel_settings, 20u);
  EXPECT_TRUE(c.notes.empty());
  EXPECT_EQ(CompareVerdict(c), "nothing differs");

  std::string md = RenderCompareMarkdown(c);
  EXPECT_THAT(md, HasSubstr("**No differences**: every cell, kernel check and kernel setting is "
                            "the same in the 2 runs."));
  EXPECT_THAT(md, HasSubstr("## Cells that differ\n\nNone.\n"));
  EXPECT_THAT(md, HasSubstr("- 8 cells (same outcome and verdict)"));
  // No cell is listed: identical cells are only counted.
  EXPECT_THAT(md, Not(HasSubstr("`uts.hostname`")));
}

TEST(CompareRunsTest, ColumnsAreLabelledByKernelRelease) {
  json vm = OtherKernel("6.1.0-28-amd64");
  vm["vm"] = {{"kernel", {{"path", "/boot/vmlinuz-6.1.0-28-amd64"}, {"release", "6.1.0-28"}}},
              {"qemu", {{"binary", "qemu-system-x86_64"}}}};
  Comparison c = Compare({{"host.json", OtherKernel("6.18.44")}, {"runs/vm.json", vm}});
  ASSERT_EQ(c.runs.size(), 2u);
  EXPECT_EQ(c.runs[0].label, "6.18.44");
  EXPECT_EQ(c.runs[1].label, "6.1.0-28-amd64 (vmlinuz-6.1.0-28-amd64)");
  EXPECT_EQ(c.runs[1].vm_kernel_path, "/boot/vmlinuz-6.1.0-28-amd64");
  EXPECT_EQ(c.runs[1].vm_kernel_release, "6.1.0-28");
  EXPECT_EQ(c.runs[1].file, "runs/vm.json");
  EXPECT_EQ(c.runs[0].mode, "userns-root");
  EXPECT_THAT(c.runs[0].options, HasSubstr("userns_map=root"));
  EXPECT_THAT(c.runs[0].options, HasSubstr("probes=2"));
  EXPECT_EQ(c.runs[0].totals.cells, 8);
  std::string md = RenderCompareMarkdown(c);
  EXPECT_THAT(md, HasSubstr("VM kernel: /boot/vmlinuz-6.1.0-28-amd64 (6.1.0-28)"));
}

TEST(CompareRunsTest, EqualLabelsGetTheFileNameThenTheColumn) {
  Comparison c = Compare({{"x/a.json", OtherKernel("6.1")},
                          {"y/a.json", OtherKernel("6.1")},
                          {"b.json", OtherKernel("6.1")},
                          {"c.json", OtherKernel("6.2")}});
  EXPECT_EQ(c.runs[0].label, "6.1 [a.json] #1");
  EXPECT_EQ(c.runs[1].label, "6.1 [a.json] #2");
  EXPECT_EQ(c.runs[2].label, "6.1 [b.json]");
  EXPECT_EQ(c.runs[3].label, "6.2");
}

TEST(CompareRunsTest, AChangedOutcomeOrVerdictIsListedWithEveryRun) {
  json a = OtherKernel("6.1.0"), b = OtherKernel("6.18.44"), c3 = OtherKernel("6.12.0");
  json& leaked = CellOf(b, "uts", "uts.hostname");
  leaked["outcome"] = "leaked";
  leaked["verdict"] = "fail";
  leaked["detail"] = "host hostname changed to nsm-c-0002";
  CellOf(c3, "none", "time.monotonic")["verdict"] = "skip";  // the verdict alone differs
  Comparison c = Compare({{"a.json", a}, {"b.json", b}, {"c.json", c3}});
  ASSERT_EQ(c.cells.size(), 2u);
  // In the first run's cell order.
  EXPECT_EQ(c.cells[0].combination, "none");
  EXPECT_EQ(c.cells[0].probe, "time.monotonic");
  EXPECT_EQ(c.cells[0].runs[2]->verdict, "skip");
  EXPECT_EQ(c.cells[1].combination, "uts");
  ASSERT_EQ(c.cells[1].runs.size(), 3u);
  EXPECT_EQ(c.cells[1].runs[0]->outcome, "isolated");
  EXPECT_EQ(c.cells[1].runs[1]->outcome, "leaked");
  EXPECT_EQ(c.cells[1].runs[1]->detail, "host hostname changed to nsm-c-0002");
  EXPECT_EQ(c.cells[1].runs[2]->outcome, "isolated");
  EXPECT_EQ(c.same_cells, 6u);
  EXPECT_TRUE(c.kernel_checks.empty());
  EXPECT_EQ(CompareVerdict(c), "2 cells differ");
}

TEST(CompareRunsTest, ADifferentDetailAloneIsNoDifference) {
  json b = OtherKernel("6.18.44");
  CellOf(b, "uts", "uts.hostname")["detail"] = "host hostname unchanged (checked twice)";
  Comparison c = Compare({{"a.json", OtherKernel("6.1.0")}, {"b.json", b}});
  EXPECT_TRUE(c.Identical());
}

TEST(CompareRunsTest, AMissingCellIsListedAsAbsent) {
  json a = OtherKernel("6.1.0"), b = OtherKernel("6.18.44");
  json& cells = b["cells"];
  for (size_t i = 0; i < cells.size(); ++i) {
    if (cells[i]["combination"] == "user" && cells[i]["probe"] == "uts.hostname") {
      cells.erase(i);
      break;
    }
  }
  json extra = CellOf(b, "none", "uts.hostname");
  extra["combination"] = "time";
  extra["namespaces"] = {"time"};
  cells.push_back(extra);
  Comparison c = Compare({{"a.json", a}, {"b.json", b}});
  ASSERT_EQ(c.cells.size(), 2u);
  EXPECT_EQ(c.cells[0].combination, "user");
  EXPECT_TRUE(c.cells[0].runs[0].has_value());
  EXPECT_FALSE(c.cells[0].runs[1].has_value());
  // Cells only later runs have come after the first run's.
  EXPECT_EQ(c.cells[1].combination, "time");
  EXPECT_FALSE(c.cells[1].runs[0].has_value());
  EXPECT_EQ(c.cells[1].runs[1]->outcome, "leaked");
  EXPECT_EQ(CellSummary(c.cells[0].runs[1]), "absent");
  EXPECT_THAT(RenderCompareMarkdown(c), HasSubstr("| user | `uts.hostname` | isolated, pass: host "
                                                  "hostname unchanged | *absent* |"));
}

TEST(CompareRunsTest, ANamespaceUnavailableInOneKernelIsListedWithItsGate) {
  json a = OtherKernel("6.18.44"), b = OtherKernel("6.1.0");
  NamespaceOf(b, "time")["root"] = {{"status", "unavailable"},
                                    {"gate", "config"},
                                    {"cause", "CONFIG_TIME_NS is not set"},
                                    {"detail", "unshare(CLONE_NEWTIME) failed with EINVAL"}};
  NamespaceOf(b, "time")["config"] = "n";
  for (json& option : b["kernel"]["config"]["options"]) {
    if (option["option"] == "CONFIG_TIME_NS") option["value"] = "n";
  }
  Comparison c = Compare({{"a.json", a}, {"b.json", b}});
  ASSERT_EQ(c.kernel_checks.size(), 1u);
  const KernelCheckRow& row = c.kernel_checks[0];
  EXPECT_EQ(row.type, "time");
  EXPECT_EQ(row.as, "root");
  EXPECT_EQ(KernelCheckSummary(row.runs[0]), "usable");
  EXPECT_EQ(KernelCheckSummary(row.runs[1]), "unavailable (config)");
  EXPECT_EQ(row.runs[1]->cause, "CONFIG_TIME_NS is not set");
  EXPECT_EQ(c.same_kernel_checks, 15u);
  // The per-type config option differs too.
  ASSERT_EQ(c.kernel_settings.size(), 1u);
  EXPECT_EQ(c.kernel_settings[0].name, "CONFIG_TIME_NS");
  EXPECT_THAT(c.kernel_settings[0].values, ElementsAre("y", "n"));
  std::string md = RenderCompareMarkdown(c);
  EXPECT_THAT(md, HasSubstr("| time | root | usable | unavailable (config): CONFIG_TIME_NS is "
                            "not set |"));
  EXPECT_THAT(md, HasSubstr("| `CONFIG_TIME_NS` | y | n |"));
}

TEST(CompareRunsTest, ANamespaceTypeMissingFromOneKernelSectionIsAbsent) {
  json b = OtherKernel("6.1.0");
  json& namespaces = b["kernel"]["namespaces"];
  for (size_t i = 0; i < namespaces.size(); ++i) {
    if (namespaces[i]["type"] == "cgroup") namespaces.erase(i--);
  }
  Comparison c = Compare({{"a.json", OtherKernel("6.18.44")}, {"b.json", b}});
  ASSERT_EQ(c.kernel_checks.size(), 2u);
  EXPECT_EQ(c.kernel_checks[0].type, "cgroup");
  EXPECT_EQ(c.kernel_checks[0].runs[1]->status, "absent");
  EXPECT_EQ(c.kernel_checks[1].as, "unprivileged");
}

TEST(CompareRunsTest, ConfigOptionsAndSysctlsThatDifferAreListed) {
  json b = OtherKernel("6.1.0");
  json& options = b["kernel"]["config"]["options"];
  for (size_t i = 0; i < options.size(); ++i) {
    if (options[i]["option"] == "CONFIG_VETH") options.erase(i--);
  }
  for (json& option : options) {
    if (option["option"] == "CONFIG_SECURITY_APPARMOR") option["value"] = "y";
    if (option["option"] == "CONFIG_BRIDGE") option["value"] = nullptr;
  }
  b["kernel"]["sysctls"]["kernel.unprivileged_userns_clone"] = 0;
  b["kernel"]["security_modules"]["active"] = {"lockdown", "capability", "apparmor"};
  Comparison c = Compare({{"a.json", OtherKernel("6.18.44")}, {"b.json", b}});
  std::vector<std::string> names;
  for (const KernelSettingRow& row : c.kernel_settings) names.push_back(row.name);
  // Config in the first run's order, then sysctls, then the rest.
  EXPECT_THAT(names, ElementsAre("CONFIG_VETH", "CONFIG_BRIDGE", "CONFIG_SECURITY_APPARMOR",
                                 "kernel.unprivileged_userns_clone", "security modules"));
  EXPECT_THAT(c.kernel_settings[0].values, ElementsAre("y", "absent"));
  EXPECT_THAT(c.kernel_settings[1].values, ElementsAre("y", "not in config"));
  EXPECT_THAT(c.kernel_settings[3].values, ElementsAre("not present", "0"));
  EXPECT_TRUE(c.kernel_checks.empty());
  EXPECT_TRUE(c.cells.empty());
  EXPECT_EQ(CompareVerdict(c), "5 kernel settings differ");
}

TEST(CompareRunsTest, ARunWithoutKernelSectionIsNotComparedOnKernels) {
  json no_kernel = OtherKernel("6.1.0");
  no_kernel.erase("kernel");
  Comparison c = Compare(
      {{"a.json", OtherKernel("6.18.44")}, {"b.json", no_kernel}, {"c.json", OtherKernel("6.12")}});
  EXPECT_TRUE(c.Identical());
  EXPECT_EQ(c.same_kernel_checks, 16u);
  EXPECT_THAT(c.notes, ElementsAre("6.1.0 (b.json) has no kernel section: its kernel checks are "
                                   "not compared."));

  Comparison two = Compare({{"a.json", OtherKernel("6.18.44")}, {"b.json", no_kernel}});
  EXPECT_EQ(two.same_kernel_checks, 0u);
  EXPECT_THAT(two.notes, ElementsAre(HasSubstr("Only one run has a kernel section")));
}

TEST(CompareRunsTest, InvalidInputIsAnError) {
  json good = OtherKernel("6.1.0");
  EXPECT_FALSE(CompareRuns({{"a.json", good}}));
  EXPECT_FALSE(CompareRuns({}));
  Result<Comparison> not_matrix = CompareRuns({{"a.json", good}, {"k.json", {{"schema", "x"}}}});
  ASSERT_FALSE(not_matrix);
  EXPECT_THAT(not_matrix.error().Message(), HasSubstr("k.json"));
  json twice = good;
  twice["cells"].push_back(twice["cells"][0]);
  Result<Comparison> repeated = CompareRuns({{"a.json", good}, {"b.json", twice}});
  ASSERT_FALSE(repeated);
  EXPECT_THAT(repeated.error().Message(), HasSubstr("b.json"));
  EXPECT_THAT(repeated.error().Message(), HasSubstr("repeats cell 0"));
  json no_probe = good;
  no_probe["cells"][3].erase("probe");
  Result<Comparison> missing = CompareRuns({{"a.json", good}, {"b.json", no_probe}});
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().Message(), HasSubstr("cell 3 has no \"probe\" string"));
  // Cells are read by the document's one cell codec: outcomes are words it knows.
  json bad_outcome = good;
  bad_outcome["cells"][2]["outcome"] = "isolatd";
  Result<Comparison> unknown = CompareRuns({{"a.json", good}, {"b.json", bad_outcome}});
  ASSERT_FALSE(unknown);
  EXPECT_THAT(unknown.error().Message(), HasSubstr("outcome \"isolatd\""));
}

// A combination is a set of namespaces, however a document spells it.
TEST(CompareRunsTest, OneSetSpelledTwoWaysIsOneCell) {
  json a = OtherKernel("6.1.0"), b = OtherKernel("6.18.44");
  for (json* doc : {&a, &b}) {
    json extra = CellOf(*doc, "none", "uts.hostname");
    extra["combination"] = doc == &a ? "pid+mnt" : "mnt+pid";
    extra["namespaces"] = {"mnt", "pid"};
    (*doc)["cells"].push_back(extra);
  }
  CellOf(b, "mnt+pid", "uts.hostname")["outcome"] = "isolated";
  Comparison c = Compare({{"a.json", a}, {"b.json", b}});
  ASSERT_EQ(c.cells.size(), 1u);
  EXPECT_EQ(c.cells[0].combination, "mnt+pid");
  EXPECT_EQ(c.cells[0].runs[0]->outcome, "leaked");
  EXPECT_EQ(c.cells[0].runs[1]->outcome, "isolated");
}

// Differences come first and identical cells are never listed.
TEST(CompareMarkdownTest, DifferencesFirstThenTheIdenticalSummary) {
  json a = OtherKernel("6.18.44"), b = OtherKernel("6.1.0");
  CellOf(b, "uts+user", "uts.hostname")["outcome"] = "unsupported";
  CellOf(b, "uts+user", "uts.hostname")["verdict"] = "skip";
  NamespaceOf(b, "user")["unprivileged"]["status"] = "unavailable";
  std::string md = RenderCompareMarkdown(Compare({{"a.json", a}, {"b.json", b}}));
  EXPECT_EQ(md.rfind("# nsmatrix comparison\n\n**1 cell and 1 kernel check differ** between "
                     "the 2 runs",
                     0),
            0u)
      << md;
  size_t runs = md.find("## Runs");
  size_t checks = md.find("## Kernel checks that differ");
  size_t settings = md.find("## Kernel settings that differ");
  size_t cells = md.find("## Cells that differ");
  size_t identical = md.find("## Identical in all runs");
  ASSERT_NE(identical, std::string::npos);
  EXPECT_LT(runs, checks);
  EXPECT_LT(checks, settings);
  EXPECT_LT(settings, cells);
  EXPECT_LT(cells, identical);
  std::string cell_table = md.substr(cells, identical - cells);
  EXPECT_THAT(cell_table, HasSubstr("| uts+user | `uts.hostname` | isolated, pass: host hostname "
                                    "unchanged | unsupported, skip: host hostname unchanged |"));
  // Exactly one row: the identical cells (e.g. uts uts.hostname, every time.monotonic) are not.
  EXPECT_EQ(std::count(cell_table.begin(), cell_table.end(), '\n'), 8) << cell_table;
  EXPECT_THAT(cell_table, Not(HasSubstr("time.monotonic")));
  EXPECT_THAT(cell_table, Not(HasSubstr("| uts | ")));
  EXPECT_THAT(md.substr(checks, settings - checks), HasSubstr("| user | unprivileged |"));
  EXPECT_THAT(md.substr(checks, settings - checks), Not(HasSubstr("| net |")));
  EXPECT_THAT(md.substr(identical), HasSubstr("- 7 cells"));
  EXPECT_THAT(md.substr(identical), HasSubstr("- 15 kernel checks"));
}

TEST(CompareMarkdownTest, HostileStringsStayInTheirCell) {
  json a = OtherKernel("6.18.44 | <b>"), b = OtherKernel("6.1.0");
  json& cell = CellOf(b, "none", "uts.hostname");
  cell["outcome"] = "error";
  cell["verdict"] = "fail";
  cell["detail"] = "<script>alert(1)</script> | col\nnext line";
  std::string md = RenderCompareMarkdown(Compare({{"a.json", a}, {"b.json", b}}));
  EXPECT_THAT(md,
              HasSubstr("error, **fail**: &lt;script>alert(1)&lt;/script> \\| col<br>next line |"));
  EXPECT_THAT(md, HasSubstr("| 6.18.44 \\| &lt;b> |"));
  EXPECT_THAT(md, Not(HasSubstr("</script>")));
  EXPECT_THAT(md, Not(HasSubstr("<b>")));
}

TEST(CompareMarkdownTest, LongDetailsAreCut) {
  json b = OtherKernel("6.1.0");
  CellOf(b, "none", "uts.hostname")["verdict"] = "fail";
  CellOf(b, "none", "uts.hostname")["detail"] = std::string(2000, 'x');
  std::string md = RenderCompareMarkdown(Compare({{"a.json", OtherKernel("6.18")}, {"b", b}}));
  EXPECT_THAT(md, HasSubstr(std::string(300, 'x') + "... |"));
  EXPECT_THAT(md, Not(HasSubstr(std::string(301, 'x'))));
}

TEST(ComparisonToJsonTest, HasTheSchemaAndEveryDifference) {
  json b = OtherKernel("6.1.0");
  CellOf(b, "uts", "uts.hostname")["outcome"] = "leaked";
  NamespaceOf(b, "pid")["root"] = {{"status", "restricted"}, {"gate", "mount"}};
  b["vm"] = {{"kernel", {{"path", "/k/vmlinuz"}, {"release", "6.1.0"}}}};
  json out = ComparisonToJson(Compare({{"a.json", OtherKernel("6.18")}, {"b.json", b}}));
  EXPECT_EQ(out["schema"], "nsmatrix-compare/1");
  EXPECT_EQ(out["identical"], false);
  ASSERT_EQ(out["runs"].size(), 2u);
  EXPECT_EQ(out["runs"][0]["vm"], nullptr);
  EXPECT_EQ(out["runs"][1]["vm"]["kernel_path"], "/k/vmlinuz");
  EXPECT_EQ(out["runs"][1]["totals"]["cells"], 8);
  ASSERT_EQ(out["cells"].size(), 1u);
  EXPECT_EQ(out["cells"][0]["runs"][1]["outcome"], "leaked");
  ASSERT_EQ(out["kernel_checks"].size(), 1u);
  EXPECT_EQ(out["kernel_checks"][0]["runs"][1]["gate"], "mount");
  EXPECT_EQ(out["same"]["cells"], 7);
  EXPECT_EQ(out["same"]["kernel_checks"], 15);
}

}  // namespace
}  // namespace nsm
