// Horizontal bar charts as inline SVG for the benchmark page: no script, no external
// resources, every label escaped.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace nsm {

struct ChartBar {
  std::string label;
  double value = 0;                 // bar length; negative values are drawn as zero
  std::optional<double> low, high;  // a whisker from low to high, when known
  int series = 0;                   // colour: index into Chart::series
  std::string value_text;           // printed after the bar
};

struct Chart {
  std::string title;                // the SVG's accessible name
  std::vector<std::string> series;  // legend, one entry per colour (at most 4)
  std::vector<ChartBar> bars;
};

// An <svg> element, scaled to the largest value or whisker end.
std::string RenderSvgBarChart(const Chart& chart);

}  // namespace nsm
