#include "reports/bench/bench_chart.h"

#include <algorithm>
#include <cstdio>

#include "reports/html/html_writer.h"

namespace nsm {
namespace {

constexpr int kWidth = 760;
constexpr int kLabelWidth = 190;
constexpr int kBarArea = 430;
constexpr int kRow = 20;
constexpr int kBar = 14;
constexpr int kLegendRow = 22;
constexpr int kSeriesCount = 4;

std::string Num(double v) {
  char text[32];
  snprintf(text, sizeof(text), "%.1f", v);
  return text;
}

double Extent(const ChartBar& bar) {
  return std::max(bar.value, bar.high.value_or(0));
}

}  // namespace

std::string RenderSvgBarChart(const Chart& chart) {
  double max = 0;
  for (const ChartBar& bar : chart.bars) max = std::max(max, Extent(bar));
  const double scale = max > 0 ? kBarArea / max : 0;
  const int legend = chart.series.size() > 1 ? kLegendRow : 0;
  const int height = legend + static_cast<int>(chart.bars.size()) * kRow + 6;
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 " +
                    std::to_string(kWidth) + " " + std::to_string(height) + "\" width=\"" +
                    std::to_string(kWidth) + "\" height=\"" + std::to_string(height) +
                    "\" role=\"img\" aria-label=\"" + EscapeHtml(chart.title, true) + "\">";
  out += "<title>" + EscapeHtml(chart.title) + "</title>";
  if (legend) {
    int x = kLabelWidth;
    for (size_t i = 0; i < chart.series.size() && i < kSeriesCount; ++i) {
      out += "<rect class=\"s" + std::to_string(i) + "\" x=\"" + std::to_string(x) +
             "\" y=\"4\" width=\"12\" height=\"12\"/><text x=\"" + std::to_string(x + 16) +
             "\" y=\"14\">" + EscapeHtml(chart.series[i]) + "</text>";
      x += 24 + 8 * static_cast<int>(chart.series[i].size());
    }
  }
  for (size_t i = 0; i < chart.bars.size(); ++i) {
    const ChartBar& bar = chart.bars[i];
    const int y = legend + static_cast<int>(i) * kRow + 3;
    const int series = std::clamp(bar.series, 0, kSeriesCount - 1);
    const double width = std::max(bar.value, 0.0) * scale;
    out += "<text class=\"label\" x=\"" + std::to_string(kLabelWidth - 6) + "\" y=\"" +
           std::to_string(y + 11) + "\">" + EscapeHtml(bar.label) + "</text>";
    out += "<rect class=\"s" + std::to_string(series) + "\" x=\"" + std::to_string(kLabelWidth) +
           "\" y=\"" + std::to_string(y) + "\" width=\"" + Num(width) + "\" height=\"" +
           std::to_string(kBar) + "\"><title>" + EscapeHtml(bar.label + ": " + bar.value_text) +
           "</title></rect>";
    if (bar.low && bar.high) {
      const std::string mid = std::to_string(y + kBar / 2);
      const std::string x1 = Num(kLabelWidth + std::max(*bar.low, 0.0) * scale);
      const std::string x2 = Num(kLabelWidth + std::max(*bar.high, 0.0) * scale);
      out += "<path class=\"whisker\" d=\"M" + x1 + " " + mid + "H" + x2 + "M" + x1 + " " +
             std::to_string(y + 3) + "V" + std::to_string(y + kBar - 3) + "M" + x2 + " " +
             std::to_string(y + 3) + "V" + std::to_string(y + kBar - 3) + "\"/>";
    }
    const double text_x = kLabelWidth + std::max(width, Extent(bar) * scale) + 6;
    out += "<text x=\"" + Num(text_x) + "\" y=\"" + std::to_string(y + 11) + "\">" +
           EscapeHtml(bar.value_text) + "</text>";
  }
  return out + "</svg>";
}

}  // namespace nsm
