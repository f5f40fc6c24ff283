// `nsmatrix gate --baseline OLD.json NEW.json`: the CI gate. Exit 1 on any
// regression (isolation lost, support lost, a probe error, a verdict turned
// fail, a cell gone), 0 otherwise, 2 for unreadable input.
#include <cstdio>

#include "harness/cli/commands.h"
#include "harness/cli/report_files.h"
#include "harness/common/io.h"
#include "harness/gate/allow_list.h"
#include "harness/gate/gate.h"
#include "reports/atomic_file.h"
#include "reports/html/html_writer.h"
#include "reports/step_summary.h"

namespace nsm {
namespace {

int Usage(const std::string& message) {
  fprintf(stderr, "nsmatrix gate: %s\n", message.c_str());
  return kExitUsage;
}

}  // namespace

CommandFn AddGateCommand(CLI::App& app) {
  CLI::App* sub =
      app.add_subcommand("gate", "Compare a matrix with a baseline; fail on regressions");
  sub->footer(
      "Example:\n  nsmatrix gate --baseline ci/baseline/matrix.json nsmatrix-report/matrix.json "
      "--allow ci/allow.toml\n"
      "A regression is a cell that went isolated -> leaked, supported -> unsupported or error,\n"
      "or pass -> fail, or that disappeared. Kernel and option differences are listed, not "
      "hidden.\n"
      "Exit: 0 no regression, 1 regressions, 2 unreadable or invalid input.");
  auto baseline = std::make_shared<std::string>();
  auto current = std::make_shared<std::string>();
  auto allow = std::make_shared<std::string>();
  auto json_out = std::make_shared<std::string>();
  auto markdown_out = std::make_shared<std::string>();
  auto html_out = std::make_shared<std::string>();
  sub->add_option("--baseline", *baseline, "The earlier matrix (JSON)")->required();
  sub->add_option("NEW", *current, "The new matrix (JSON)")->required();
  sub->add_option("--allow", *allow,
                  "An allow-list (TOML) of accepted differences, each with a reason");
  sub->add_option("--json", *json_out, "Write the comparison as JSON here");
  sub->add_option("--markdown", *markdown_out, "Write the comparison as Markdown here");
  sub->add_option("--html", *html_out,
                  "Write the new matrix's HTML report, with the comparison, here");
  return [=]() {
    Result<nlohmann::json> old = LoadDocument(*baseline);
    if (!old) return Usage("--baseline: " + old.error().Message());
    Result<nlohmann::json> now = LoadDocument(*current);
    if (!now) return Usage(now.error().Message());
    AllowList allowed;
    if (!allow->empty()) {
      Result<AllowList> loaded = LoadAllowList(*allow);
      if (!loaded) return Usage(loaded.error().Message());
      allowed = std::move(*loaded);
    }
    Result<GateResult> result = CompareMatrices(*old, *now, allowed);
    if (!result) return Usage(result.error().Message());
    nlohmann::json gate = GateToJson(*result, *old, *now);
    std::pair<const std::string*, std::function<std::string()>> outputs[] = {
        {json_out.get(), [&] { return gate.dump(2) + "\n"; }},
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
