#include "reports/compare_markdown.h"

#include <vector>

#include "harness/common/strings.h"
#include "reports/markdown_text.h"
#include "reports/markdown_writer.h"
#include "reports/step_summary.h"

namespace nsm {
namespace {

// A detail in a table cell is cut to this many bytes (the JSON form has all of it).
constexpr size_t kDetailLimit = 300;

std::string Delimiter(size_t fixed, size_t runs) {
  return MdRow(std::vector<std::string>(fixed + runs, "---"));
}

std::string Count(size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string Cut(const std::string& text) {
  return text.size() <= kDetailLimit ? text : TruncateUtf8(text, kDetailLimit) + "...";
}

std::string Header(const char* first, const char* second, const Comparison& c) {
  std::vector<std::string> cells = {first};
  if (second) cells.push_back(second);
  for (const CompareRun& run : c.runs) cells.push_back(EscapeTableCell(run.label));
  return MdRow(cells) + Delimiter(second ? 2 : 1, c.runs.size());
}

void RenderRuns(const Comparison& c, std::string& out) {
  out += "## Runs\n\n";
  out += MdRow(
      {"run", "file", "kernel", "mode", "options", "generated", "cells", "pass", "fail", "skip"});
  out += MdRow({"---", "---", "---", "---", "---", "---", "---:", "---:", "---:", "---:"});
  for (const CompareRun& r : c.runs) {
    std::string kernel = r.kernel_release + "\n" + r.kernel_version;
    if (!r.vm_kernel_path.empty() || !r.vm_kernel_release.empty())
      kernel += "\nVM kernel: " + r.vm_kernel_path +
                (r.vm_kernel_release.empty() ? "" : " (" + r.vm_kernel_release + ")");
    out += MdRow({"**" + EscapeTableCell(r.label) + "**", EscapeTableCell(r.file),
                  EscapeTableCell(kernel), EscapeTableCell(r.mode), EscapeTableCell(r.options),
                  EscapeTableCell(r.generated_at), std::to_string(r.totals.cells),
                  std::to_string(r.totals.pass), std::to_string(r.totals.fail),
                  std::to_string(r.totals.skip)});
  }
  out += "\n";
}

void RenderKernelChecks(const Comparison& c, std::string& out) {
  out += "## Kernel checks that differ\n\n";
  if (c.kernel_checks.empty()) {
    out += "None.\n\n";
    return;
  }
  out += Header("namespace", "as", c);
  for (const KernelCheckRow& row : c.kernel_checks) {
    std::vector<std::string> cells = {row.type, row.as};
    for (const auto& value : row.runs) {
      std::string text = KernelCheckSummary(value);
      if (value && !value->cause.empty()) {
        text += ": " + Cut(value->cause);
      } else if (value && value->status != "usable" && !value->detail.empty()) {
        text += ": " + Cut(value->detail);
      }
      cells.push_back(EscapeTableCell(text));
    }
    out += MdRow(cells);
  }
  out += "\n";
}

void RenderKernelSettings(const Comparison& c, std::string& out) {
  out += "## Kernel settings that differ\n\n";
  if (c.kernel_settings.empty()) {
    out += "None.\n\n";
    return;
  }
  out += Header("setting", nullptr, c);
  for (const KernelSettingRow& row : c.kernel_settings) {
    std::vector<std::string> cells = {"`" + EscapeTableCell(row.name) + "`"};
    for (const auto& value : row.values) {
      cells.push_back(value ? EscapeTableCell(*value) : "(not known)");
    }
    out += MdRow(cells);
  }
  out += "\n";
}

void RenderCells(const Comparison& c, std::string& out) {
  out += "## Cells that differ\n\n";
  if (c.cells.empty()) {
    out += "None.\n\n";
    return;
  }
  out += "Outcome and verdict in each run, then the evidence.\n\n";
  out += Header("combination", "probe", c);
  for (const CompareCellRow& row : c.cells) {
    std::vector<std::string> cells = {EscapeTableCell(row.combination),
                                      "`" + EscapeTableCell(row.probe) + "`"};
    for (const auto& value : row.runs) {
      if (!value) {
        cells.push_back("*absent*");
        continue;
      }
      std::string verdict = value->verdict == "fail" ? "**fail**" : value->verdict;
      std::string text = EscapeTableCell(value->outcome) + ", " + EscapeTableCell(verdict);
      if (!value->detail.empty()) text += ": " + EscapeTableCell(Cut(value->detail));
      cells.push_back(text);
    }
    out += MdRow(cells);
  }
  out += "\n";
}

}  // namespace

std::string CompareVerdict(const Comparison& c) {
  if (c.Identical()) return "nothing differs";
  std::vector<std::string> parts;
  if (!c.cells.empty()) parts.push_back(Count(c.cells.size(), "cell", "cells"));
  if (!c.kernel_checks.empty())
    parts.push_back(Count(c.kernel_checks.size(), "kernel check", "kernel checks"));
  if (!c.kernel_settings.empty())
    parts.push_back(Count(c.kernel_settings.size(), "kernel setting", "kernel settings"));
  std::string text = parts[0];
  for (size_t i = 1; i < parts.size(); ++i) {
    text += (i + 1 == parts.size() ? " and " : ", ") + parts[i];
  }
  bool one = parts.size() == 1 && text.starts_with("1 ");
  return text + (one ? " differs" : " differ");
}

std::string RenderCompareMarkdown(const Comparison& c) {
  std::string out = "# nsmatrix comparison\n\n";
  std::string runs = Count(c.runs.size(), "run", "runs");
  if (c.Identical()) {
    out += "**No differences**: every cell, kernel check and kernel setting is the same in the " +
           runs + ".\n\n";
  } else {
    out += "**" + CompareVerdict(c) + "** between the " + runs +
           " (listed first; what is the same everywhere is only counted).\n\n";
  }
  for (const std::string& note : c.notes) out += "Note: " + EscapeTableCell(note) + "\n\n";
  RenderRuns(c, out);
  RenderKernelChecks(c, out);
  RenderKernelSettings(c, out);
  RenderCells(c, out);
  out += "## Identical in all runs\n\n";
  out += "- " + Count(c.same_cells, "cell", "cells") + " (same outcome and verdict)\n";
  out += "- " + Count(c.same_kernel_checks, "kernel check", "kernel checks") +
         " (namespace type as root or unprivileged: same status and gate)\n";
  out += "- " + Count(c.same_kernel_settings, "kernel setting", "kernel settings") +
         " (config options, sysctls, security modules)\n";
  return out;
}

}  // namespace nsm
