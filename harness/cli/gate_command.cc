// `nsmatrix gate --baseline OLD.json NEW.json`: the CI gate. Exit 1 on any
// regression (isolation lost, support lost, a probe error, a verdict turned
// fail or still failing, a cell gone), 0 otherwise, 2 for unreadable input or
// matrices made by two different runtimes.
#include <cstdio>

#include "harness/cli/commands.h"
#include "harness/cli/report_files.h"
#include "harness/common/io.h"
#include "harness/gate/allow_list.h"
#include "harness/gate/gate.h"
#include "harness/gate/kernel_compare.h"
#include "harness/kernel/kernel_report.h"
#include "reports/atomic_file.h"
#include "reports/html/html_writer.h"
#include "reports/json_text.h"
#include "reports/step_summary.h"

namespace nsm {
namespace {

int Usage(const std::string& message) {
  fprintf(stderr, "nsmatrix gate: %s\n", message.c_str());
  return kExitUsage;
}

bool IsKernelReport(const nlohmann::json& doc) {
  return doc["schema"] == kKernelSchemaId;
}

// Two kernel reports: their kernel sections. Two matrices: every cell, then
// their kernel sections. Like is compared with like only.
Result<GateResult> Compare(const nlohmann::json& old, const nlohmann::json& now,
                           const AllowList& allowed) {
  if (IsKernelReport(old) != IsKernelReport(now)) {
    return Fail(EINVAL, "compare",
                std::string(IsKernelReport(old) ? "the baseline is a kernel report and NEW a "
                                                  "matrix"
                                                : "the baseline is a matrix and NEW a kernel "
                                                  "report") +
                    ": compare two kernel reports or two matrices");
  }
  GateResult result;
  if (!IsKernelReport(old)) {
    Result<GateResult> cells = CompareMatrices(old, now, allowed);
    if (!cells) return cells;
    result = std::move(*cells);
  }
  bool old_has = old.contains("kernel"), now_has = now.contains("kernel");
  if (old_has) {
    const nlohmann::json missing;  // null: CompareKernelSections calls it kernel-missing
    if (Status s = CompareKernelSections(old["kernel"], now_has ? now["kernel"] : missing, allowed,
                                         result);
        !s) {
      return std::unexpected(s.error());
    }
  } else if (now_has) {
    result.context_differences.push_back("kernel section only in the current matrix");
  }
  return result;
}

}  // namespace

CommandFn AddGateCommand(CLI::App& app) {
  CLI::App* sub =
      app.add_subcommand("gate", "Compare a matrix with a baseline; fail on regressions");
  sub->footer(
      "Example:\n  nsmatrix gate --baseline ci/baseline/matrix.json nsmatrix-report/matrix.json "
      "--allow ci/allow.toml\n"
      "A regression is a cell that went isolated -> leaked, supported -> unsupported or error,\n"
      "or pass -> fail, that fails as it failed in the baseline, or that disappeared; so is a\n"
      "cell the baseline lacks whose verdict is fail (a probe added since). Kernel and option\n"
      "differences are listed, not hidden; matrices of two different runtimes are exit 2.\n"
      "Kernel reports (nsmatrix kernel --json) compare too, and so do the kernel sections of two\n"
      "matrices: a namespace type that became unavailable or restricted (as root or unprivileged)\n"
      "or whose config option went away is a regression (probe kernel.<type>.<root|unprivileged>\n"
      "or kernel.config.<OPTION>; allow with combination = \"*\", probe = \"kernel.\").\n"
      "Exit: 0 no regression, 1 regressions, 2 unreadable or invalid input, or another\n"
      "runtime's baseline.");
  auto baseline = std::make_shared<std::string>();
  auto current = std::make_shared<std::string>();
  auto allow = std::make_shared<std::string>();
  auto json_out = std::make_shared<std::string>();
  auto markdown_out = std::make_shared<std::string>();
  auto html_out = std::make_shared<std::string>();
  sub->add_option("--baseline", *baseline, "The earlier matrix or kernel report (JSON)")
      ->required();
  sub->add_option("NEW", *current, "The new matrix or kernel report (JSON)")->required();
  sub->add_option("--allow", *allow,
                  "An allow-list (TOML) of accepted differences, each with a reason");
  sub->add_option("--json", *json_out, "Write the comparison as JSON here");
  sub->add_option("--markdown", *markdown_out, "Write the comparison as Markdown here");
  sub->add_option("--html", *html_out,
                  "Write the new matrix's HTML report, with the comparison, here");
  return [=]() {
    // Before anything is written: one unwritable path would otherwise stop
    // the gate after it wrote the others.
    if (Status s = CheckOutputPaths({json_out.get(), markdown_out.get(), html_out.get()}, ""); !s)
      return Usage(s.error().Message());
    Result<nlohmann::json> old = LoadKernelOrMatrix(*baseline);
    if (!old) return Usage("--baseline: " + old.error().Message());
    Result<nlohmann::json> now = LoadKernelOrMatrix(*current);
    if (!now) return Usage(now.error().Message());
    AllowList allowed;
    if (!allow->empty()) {
      Result<AllowList> loaded = LoadAllowList(*allow);
      if (!loaded) return Usage(loaded.error().Message());
      allowed = std::move(*loaded);
    }
    if (!html_out->empty() && IsKernelReport(*now))
      return Usage("--html renders a matrix; NEW is a kernel report");
    Result<GateResult> result = Compare(*old, *now, allowed);
    if (!result) return Usage(result.error().Message());
    nlohmann::json gate = GateToJson(*result, *old, *now);
    std::pair<const std::string*, std::function<std::string()>> outputs[] = {
        {json_out.get(), [&] { return JsonText(gate); }},
        {markdown_out.get(), [&] { return RenderGateMarkdown(*result); }},
        {html_out.get(), [&] { return RenderHtml(*now, gate); }},
    };
    for (const auto& [path, render] : outputs) {
      if (path->empty()) continue;
      if (Status s = WriteFileAtomically(*path, render()); !s) return Usage(s.error().Message());
    }
    (void)AppendToStepSummaryIfRequested(
        [&](size_t budget) { return RenderGateMarkdown(*result, budget); });
    fputs(RenderGateText(*result).c_str(), stdout);
    return result->Failed() ? kExitFailed : kExitOk;
  };
}

}  // namespace nsm
