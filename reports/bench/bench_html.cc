#include "reports/bench/bench_html.h"

#include <algorithm>
#include <cstdio>
#include <string_view>

#include "reports/bench/bench_chart.h"
#include "reports/bench/bench_tables.h"
#include "reports/html/html_writer.h"

namespace nsm {
namespace {

constexpr std::string_view kStyle = R"css(
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1f24;--muted:#555e68;--line:#c9d1d9;
--head:#f1f3f5;--s0:#3b6fb6;--s1:#d08a2c;--s2:#5a9e5a;--s3:#9a5ab0;--bad:#b0001a}
@media (prefers-color-scheme:dark){:root{--bg:#0e1115;--fg:#e6e8eb;--muted:#a2acb6;
--line:#3a414a;--head:#1a1f25;--s0:#6f9fe0;--s1:#e8a95a;--s2:#7cc47c;--s3:#c48ad8;
--bad:#ff6b7a}}
body{margin:0 auto;max-width:1100px;padding:1rem 1.5rem 3rem;background:var(--bg);
color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid var(--line)}
.meta,.desc{color:var(--muted)}
table{border-collapse:collapse;margin:.6rem 0}
th,td{border:1px solid var(--line);padding:.2rem .6rem;text-align:left}
th{background:var(--head)}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.alert{color:var(--bad);font-weight:700}
svg.chart{display:block;max-width:100%;height:auto;margin:.6rem 0;font:12px sans-serif}
svg.chart text{fill:var(--fg)}svg.chart text.label{text-anchor:end}
svg.chart .s0{fill:var(--s0)}svg.chart .s1{fill:var(--s1)}
svg.chart .s2{fill:var(--s2)}svg.chart .s3{fill:var(--s3)}
svg.chart .whisker{stroke:var(--fg);stroke-width:1.2;fill:none}
)css";

std::string E(std::string_view text) {
  return EscapeHtml(text);
}

std::string Paragraph(const std::string& text, const char* cls = nullptr) {
  if (text.empty()) return {};
  return std::string("<p") + (cls ? std::string(" class=\"") + cls + "\"" : "") + ">" + E(text) +
         "</p>\n";
}

std::string Table(const TextTable& table) {
  std::string out = "<table><thead><tr>";
  for (const std::string& h : table.head) out += "<th>" + E(h) + "</th>";
  out += "</tr></thead><tbody>\n";
  for (const std::vector<TableCell>& row : table.rows) {
    out += "<tr>";
    size_t column = 0;
    for (const TableCell& cell : row) {
      bool numeric = cell.span == 1 && column < table.numeric.size() && table.numeric[column];
      std::string attributes = numeric ? " class=\"n" : cell.alert ? " class=\"" : "";
      if (cell.alert) attributes += numeric ? " alert" : "alert";
      if (!attributes.empty()) attributes += "\"";
      if (cell.span > 1) attributes += " colspan=\"" + std::to_string(cell.span) + "\"";
      out += "<td" + attributes + ">" + E(cell.text) + "</td>";
      column += static_cast<size_t>(std::max(cell.span, 1));
    }
    out += "</tr>\n";
  }
  return out + "</tbody></table>\n";
}

std::string List(const std::string& title, const std::vector<std::string>& items) {
  if (items.empty()) return {};
  std::string out = "<h2>" + E(title) + "</h2>\n<ul>\n";
  for (const std::string& item : items) out += "<li>" + E(item) + "</li>\n";
  return out + "</ul>\n";
}

Chart LaunchChart(const BenchReport& report) {
  Chart chart{"Harness launch and kernel floor per namespace set", {"harness", "floor"}, {}};
  for (const OverheadRow& row : report.launch) {
    if (!row.harness_seconds || !row.floor_seconds) continue;
    std::string ratio = row.ratio ? " (" + FormatRatio(*row.ratio) + ")" : "";
    chart.bars.push_back({row.what, *row.harness_seconds, std::nullopt, std::nullopt, 0,
                          FormatSeconds(*row.harness_seconds) + ratio});
    chart.bars.push_back({row.what + " floor", *row.floor_seconds, std::nullopt, std::nullopt, 1,
                          FormatSeconds(*row.floor_seconds)});
  }
  return chart;
}

Chart SectionChart(const BenchSection& section) {
  Chart chart{section.title, {}, {}};
  if (section.MultipleThreadCounts()) chart.series = {"1 thread", "2 threads"};
  for (const BenchRow& row : section.rows) {
    if (!row.stats) continue;
    std::string label = row.subject.empty() ? row.name : row.subject;
    if (section.MultipleThreadCounts()) label += " ×" + std::to_string(row.threads);
    int series = row.threads > 1 ? 1 : 0;
    if (section.rates) {
      auto rate = row.counters.find("items_per_second");
      if (rate == row.counters.end()) continue;
      char text[32];
      snprintf(text, sizeof(text), "%.0f/s", rate->second);
      chart.bars.push_back({label, rate->second, std::nullopt, std::nullopt, series, text});
    } else {
      chart.bars.push_back({label, row.stats->median, row.stats->min, row.stats->max, series,
                            FormatSeconds(row.stats->median)});
    }
  }
  return chart;
}

std::string ChartOrNothing(const Chart& chart) {
  return chart.bars.empty() ? "" : RenderSvgBarChart(chart) + "\n";
}

}  // namespace

std::string RenderBenchHtml(const BenchReport& report, const BenchComparison* comparison) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
      "<title>nsmatrix benchmarks</title><style>";
  out += kStyle;
  out += "</style></head><body>\n<h1>nsmatrix benchmarks</h1>\n" +
         Paragraph(RunSummary(report), "meta");
  if (!report.launch.empty() || !report.matrix.empty() || report.peak_rss_mib) {
    out += "<h2>Harness overhead</h2>\n";
  }
  if (!report.launch.empty()) {
    out += Paragraph(LaunchIntro(), "desc") + ChartOrNothing(LaunchChart(report)) +
           Table(LaunchTable(report)) + Paragraph(WorstLaunchSentence(report));
  }
  if (!report.matrix.empty()) out += Paragraph(MatrixIntro(), "desc") + Table(MatrixTable(report));
  out += Paragraph(PeakRssSentence(report));
  if (!report.runtime_launch.empty()) {
    out += "<h2 id=\"runtimes\">Container runtimes</h2>\n" + Paragraph(RuntimeIntro(), "desc") +
           Table(RuntimeTable(report));
  }
  for (const BenchSection& section : report.sections) {
    out += "<h2 id=\"" + EscapeHtml(section.id, true) + "\">" + E(section.title) + "</h2>\n" +
           Paragraph(section.description, "desc") + ChartOrNothing(SectionChart(section)) +
           Table(SectionTable(section));
  }
  out += List("Skipped: refused by this kernel", report.skipped);
  out += List("Failed", report.failed);
  if (comparison) {
    out += "<h2 id=\"comparison\">Comparison</h2>\n" + Paragraph(ComparisonSummary(*comparison)) +
           Table(ComparisonTable(*comparison)) +
           List("Lost (measured before, missing, skipped or failed now: a regression)",
                comparison->lost) +
           List("Not compared", comparison->not_compared) +
           List("Only in the old run", comparison->only_old) +
           List("Only in the new run", comparison->only_new);
  }
  return out + "</body></html>\n";
}

}  // namespace nsm
