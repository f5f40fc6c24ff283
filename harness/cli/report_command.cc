// `nsmatrix report IN.json`: renders the reports from a saved JSON document.
// The writers read only the document, so this gives exactly what `run` wrote.
// `nsmatrix report --compare A.json B.json ...`: several documents side by side,
// only what differs listed (reports/compare.h).
#include <cstdio>
#include <functional>
#include <utility>
#include <vector>

#include "harness/cli/commands.h"
#include "harness/cli/report_files.h"
#include "harness/gate/gate.h"
#include "reports/atomic_file.h"
#include "reports/compare.h"
#include "reports/compare_markdown.h"
#include "reports/html/compare_html.h"
#include "reports/json_text.h"

namespace nsm {
namespace {

int Usage(const std::string& message) {
  fprintf(stderr, "nsmatrix report: %s\n", message.c_str());
  return kExitUsage;
}

int RenderOne(const std::string& input, const std::string& baseline, ReportFiles& files) {
  Result<nlohmann::json> doc = LoadDocument(input);
  if (!doc) return Usage(doc.error().Message());
  nlohmann::json gate = nullptr;
  if (!baseline.empty()) {
    Result<nlohmann::json> old = LoadDocument(baseline);
    if (!old) return Usage("--baseline: " + old.error().Message());
    Result<GateResult> compared = CompareMatrices(*old, *doc, AllowList{});
    if (!compared) return Usage(compared.error().Message());
    gate = GateToJson(*compared, *old, *doc);
  }
  if (Status s = files.Prepare(); !s) return Usage(s.error().Message());
  if (Status s = files.Write(*doc, gate); !s) return Usage(s.error().Message());
  files.PrintWritten();
  return kExitOk;
}

// Everything is read and compared before any directory is created or file written.
int RenderComparison(const std::vector<std::string>& inputs, ReportFiles& files) {
  if (inputs.size() < 2)
    return Usage("--compare needs at least two matrices (got " + std::to_string(inputs.size()) +
                 ")");
  std::vector<CompareInput> docs;
  for (const std::string& path : inputs) {
    Result<nlohmann::json> doc = LoadDocument(path);
    if (!doc) return Usage("--compare: " + doc.error().Message());
    docs.push_back({path, std::move(*doc)});
  }
  Result<Comparison> comparison = CompareRuns(docs);
  if (!comparison) return Usage(comparison.error().Message());
  if (files.json.empty() && files.markdown.empty() && files.html.empty() && files.out_dir.empty())
    return Usage("--compare writes nothing without --markdown, --html, --json or --out");
  if (Status s = files.Prepare({"compare.json", "compare.md", "compare.html", nullptr}); !s)
    return Usage(s.error().Message());
  std::pair<const std::string*, std::function<std::string()>> outputs[] = {
      {&files.json, [&] { return JsonText(ComparisonToJson(*comparison)); }},
      {&files.markdown, [&] { return RenderCompareMarkdown(*comparison); }},
      {&files.html, [&] { return RenderCompareHtml(*comparison); }},
  };
  if (Status s = files.MakeOutDir(); !s) return Usage(s.error().Message());
  for (const auto& [path, render] : outputs) {
    if (path->empty()) continue;
    if (Status s = WriteFileAtomically(*path, render()); !s) return Usage(s.error().Message());
  }
  files.PrintWritten();
  printf("compare: %s (%zu runs)\n", CompareVerdict(*comparison).c_str(), docs.size());
  return kExitOk;
}

}  // namespace

CommandFn AddReportCommand(CLI::App& app) {
  CLI::App* sub =
      app.add_subcommand("report", "Render Markdown, HTML and JUnit from a saved matrix.json");
  sub->footer(
      "Examples:\n  nsmatrix report matrix.json --html matrix.html --junit junit.xml\n"
      "  nsmatrix report --compare debian-6.1.json host.json --out compare/\n"
      "--compare puts two or more matrices side by side (one column each, e.g. one per kernel)\n"
      "and lists only the kernel checks, kernel settings and cells that differ.\n"
      "Exit: 0 written, 2 unreadable input or unwritable output.");
  auto input = std::make_shared<std::string>();
  auto baseline = std::make_shared<std::string>();
  auto compare = std::make_shared<std::vector<std::string>>();
  auto files = std::make_shared<ReportFiles>();
  sub->add_option("IN", *input, "A JSON document written by nsmatrix run");
  sub->add_option("--baseline", *baseline,
                  "Show the gate's differences against this earlier matrix in the HTML");
  sub->add_option("--compare", *compare,
                  "Compare these matrices (two or more) instead of rendering IN");
  sub->add_option("--json", files->json,
                  "Write the JSON here: the document, or with --compare the comparison");
  files->AddOptions(sub, /*with_json=*/false,
                    "Write matrix.json, matrix.md, matrix.html and junit.xml (with --compare: "
                    "compare.json, compare.md and compare.html) into this directory (created)");
  return [input, baseline, compare, files]() {
    bool comparing = !compare->empty();
    if (!comparing) {
      if (input->empty()) return Usage("give IN.json, or --compare A.json B.json ...");
      return RenderOne(*input, *baseline, *files);
    }
    if (!input->empty())
      return Usage("give either IN.json or --compare A.json B.json ..., not both (" + *input +
                   " was given as IN)");
    if (!baseline->empty())
      return Usage("--baseline renders one matrix; it does not go with --compare");
    if (!files->junit.empty())
      return Usage("--junit renders one matrix; it does not go with --compare");
    return RenderComparison(*compare, *files);
  };
}

}  // namespace nsm
