// The benchmark report's tables and sentences, built once and rendered by both the
// Markdown and the HTML writer, so the two always say the same.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reports/bench/bench_compare.h"
#include "reports/bench/bench_report.h"

namespace nsm {

struct TableCell {
  std::string text;
  bool alert = false;  // a failure or an unmet target: emphasised
  int span = 1;        // columns covered (HTML colspan; Markdown pads with empty cells)
};

struct TextTable {
  std::vector<std::string> head;
  std::vector<bool> numeric;  // per column: right-aligned
  std::vector<std::vector<TableCell>> rows;
};

TextTable SectionTable(const BenchSection& section);
TextTable LaunchTable(const BenchReport& report);
TextTable MatrixTable(const BenchReport& report);
TextTable RuntimeTable(const BenchReport& report);
TextTable ComparisonTable(const BenchComparison& comparison);

// "met" or "not met".
std::string TargetVerdict(bool met);

// Sentences. Each is empty when there is nothing to say.
std::string RunSummary(const BenchReport& report);  // machine, version, what the numbers are
std::string LaunchIntro();
std::string WorstLaunchSentence(const BenchReport& report);
std::string MatrixIntro();
std::string RuntimeIntro();
std::string PeakRssSentence(const BenchReport& report);
std::string ComparisonSummary(const BenchComparison& comparison);

}  // namespace nsm
