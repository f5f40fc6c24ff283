// `nsmatrix report IN.json`: renders the reports from a saved JSON document.
// The writers read only the document, so this gives exactly what `run` wrote.
#include <cstdio>

#include "harness/cli/commands.h"
#include "harness/cli/report_files.h"
#include "harness/gate/gate.h"

namespace nsm {

CommandFn AddReportCommand(CLI::App& app) {
  CLI::App* sub =
      app.add_subcommand("report", "Render Markdown, HTML and JUnit from a saved matrix.json");
  sub->footer(
      "Example:\n  nsmatrix report matrix.json --html matrix.html --junit junit.xml\n"
      "Exit: 0 written, 2 unreadable input or unwritable output.");
  auto input = std::make_shared<std::string>();
  auto baseline = std::make_shared<std::string>();
  auto files = std::make_shared<ReportFiles>();
  sub->add_option("IN", *input, "A JSON document written by nsmatrix run")->required();
  sub->add_option("--baseline", *baseline,
                  "Show the gate's differences against this earlier matrix in the HTML");
  files->AddOptions(sub, /*with_json=*/false);
  return [input, baseline, files]() {
    Result<nlohmann::json> doc = LoadDocument(*input);
    if (!doc) {
      fprintf(stderr, "nsmatrix report: %s\n", doc.error().Message().c_str());
      return kExitUsage;
    }
    nlohmann::json gate = nullptr;
    if (!baseline->empty()) {
      Result<nlohmann::json> old = LoadDocument(*baseline);
      if (!old) {
        fprintf(stderr, "nsmatrix report: --baseline: %s\n", old.error().Message().c_str());
        return kExitUsage;
      }
      Result<GateResult> compared = CompareMatrices(*old, *doc, AllowList{});
      if (!compared) {
        fprintf(stderr, "nsmatrix report: %s\n", compared.error().Message().c_str());
        return kExitUsage;
      }
      gate = GateToJson(*compared, *old, *doc);
    }
    if (Status s = files->Prepare(); !s) {
      fprintf(stderr, "nsmatrix report: %s\n", s.error().Message().c_str());
      return kExitUsage;
    }
    if (Status s = files->Write(*doc, gate); !s) {
      fprintf(stderr, "nsmatrix report: %s\n", s.error().Message().c_str());
      return kExitUsage;
    }
    files->PrintWritten();
    return kExitOk;
  };
}

}  // namespace nsm
