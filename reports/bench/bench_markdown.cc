#include "reports/bench/bench_markdown.h"

#include "reports/bench/bench_tables.h"
#include "reports/markdown_writer.h"

namespace nsm {
namespace {

std::string Cell(const TableCell& cell) {
  if (cell.text.empty()) return "";
  std::string text = EscapeTableCell(cell.text);
  return cell.alert ? "**" + text + "**" : text;
}

void AppendTable(std::string& out, const TextTable& table) {
  out += "|";
  for (const std::string& h : table.head) out += h.empty() ? " |" : " " + EscapeTableCell(h) + " |";
  out += "\n|";
  for (size_t i = 0; i < table.head.size(); ++i)
    out += i < table.numeric.size() && table.numeric[i] ? " ---: |" : " --- |";
  out += "\n";
  for (const std::vector<TableCell>& row : table.rows) {
    out += "|";
    for (const TableCell& cell : row) {
      out += cell.text.empty() ? " |" : " " + Cell(cell) + " |";
      for (int i = 1; i < cell.span; ++i) out += " |";
    }
    out += "\n";
  }
}

void AppendParagraph(std::string& out, const std::string& text) {
  if (!text.empty()) out += "\n" + text + "\n";
}

void AppendList(std::string& out, const std::string& title, const std::vector<std::string>& items) {
  if (items.empty()) return;
  out += "\n## " + title + "\n\n";
  for (const std::string& item : items) out += "- " + EscapeTableCell(item) + "\n";
}

}  // namespace

std::string RenderBenchMarkdown(const BenchReport& report, const BenchComparison* comparison) {
  std::string out = "# nsmatrix benchmarks\n\n" + RunSummary(report) + "\n";
  if (!report.launch.empty() || !report.matrix.empty() || report.peak_rss_mib) {
    out += "\n## Harness overhead\n";
  }
  if (!report.launch.empty()) {
    AppendParagraph(out, LaunchIntro());
    out += "\n";
    AppendTable(out, LaunchTable(report));
    AppendParagraph(out, WorstLaunchSentence(report));
  }
  if (!report.matrix.empty()) {
    AppendParagraph(out, MatrixIntro());
    out += "\n";
    AppendTable(out, MatrixTable(report));
  }
  AppendParagraph(out, PeakRssSentence(report));
  if (!report.runtime_launch.empty()) {
    out += "\n## Container runtimes\n";
    AppendParagraph(out, RuntimeIntro());
    out += "\n";
    AppendTable(out, RuntimeTable(report));
  }
  for (const BenchSection& section : report.sections) {
    out += "\n## " + section.title + "\n\n" + section.description + "\n\n";
    AppendTable(out, SectionTable(section));
  }
  AppendList(out, "Skipped: refused by this kernel", report.skipped);
  AppendList(out, "Failed", report.failed);
  if (comparison) out += "\n" + RenderComparisonMarkdown(*comparison);
  return out;
}

std::string RenderComparisonMarkdown(const BenchComparison& comparison) {
  std::string out = "## Comparison\n\n" + ComparisonSummary(comparison) + "\n\n";
  AppendTable(out, ComparisonTable(comparison));
  AppendList(out, "Lost (measured before, missing, skipped or failed now: a regression)",
             comparison.lost);
  AppendList(out, "Not compared", comparison.not_compared);
  AppendList(out, "Only in the old run", comparison.only_old);
  AppendList(out, "Only in the new run", comparison.only_new);
  return out;
}

std::string RenderOverheadSummary(const BenchReport& report) {
  std::string out;
  if (!report.launch.empty()) {
    out += "harness launch / floor (median):";
    for (const OverheadRow& row : report.launch)
      out += " " + row.what + " " + (row.ratio ? FormatRatio(*row.ratio) : "-");
    if (std::string worst = WorstLaunchSentence(report); !worst.empty()) out += ". " + worst;
    out += "\n";
  }
  for (const OverheadRow& row : report.matrix) {
    if (!row.ratio) continue;
    out += "nsmatrix run / floor (" + row.what + "): " + FormatRatio(*row.ratio) + " (" +
           FormatSeconds(*row.harness_seconds) + " / " + FormatSeconds(*row.floor_seconds) +
           "), target ≤ " + FormatRatio(row.target) + ": " + TargetVerdict(row.Met()) + "\n";
  }
  if (std::string rss = PeakRssSentence(report); !rss.empty()) out += rss + "\n";
  if (!report.runtime_launch.empty()) {
    out += "runtime launch / floor (median):";
    for (const OverheadRow& row : report.runtime_launch)
      out += " " + row.what + " " + (row.ratio ? FormatRatio(*row.ratio) : "-");
    out += "\n";
  }
  return out;
}

}  // namespace nsm
