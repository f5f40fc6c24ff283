#include "harness/launcher/rootless.h"

#include "harness/common/fixtures.h"
#include "harness/common/strings.h"
#include "harness/launcher/id_map.h"

namespace nsm {
namespace {

bool ParseNumber(std::string_view text, unsigned long* out) {
  if (text.empty() || text.size() > 10) return false;
  unsigned long value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned long>(c - '0');
  }
  if (value > 0xFFFFFFFFul) return false;  // ids are 32 bits
  *out = value;
  return true;
}

}  // namespace

std::vector<SubordinateRange> SubordinateRanges(std::string_view text, std::string_view name,
                                                unsigned long id) {
  std::vector<SubordinateRange> ranges;
  std::string id_text = std::to_string(id);
  for (std::string_view line : Split(text, '\n')) {
    // As shadow reads them: fields split on ':', nothing trimmed.
    std::vector<std::string_view> f = Split(line, ':');
    if (f.size() != 3) continue;
    if (!((!name.empty() && f[0] == name) || f[0] == id_text)) continue;
    SubordinateRange range;
    if (!ParseNumber(f[1], &range.start) || !ParseNumber(f[2], &range.count)) continue;
    if (range.count == 0) continue;
    ranges.push_back(range);
  }
  return ranges;
}

std::optional<SubordinateRange> ChooseSubordinateRange(
    const std::vector<SubordinateRange>& ranges) {
  for (const SubordinateRange& range : ranges) {
    if (range.count >= kSubordinateCount) return range;
  }
  if (ranges.empty()) return std::nullopt;
  return ranges.front();
}

std::vector<unsigned long> RootlessMap(unsigned long own_id,
                                       const std::optional<SubordinateRange>& range) {
  std::vector<unsigned long> triples{0, own_id, 1};
  if (!range) return triples;
  if (range->count < kSubordinateCount) {
    triples.insert(triples.end(), {1, range->start, range->count});
    return triples;
  }
  triples.insert(triples.end(), {kSubordinateBase, range->start, kSubordinateCount});
  if (range->count > kSubordinateCount) {
    triples.insert(triples.end(), {fixtures::kForeignId, range->start + kSubordinateCount, 1});
  }
  return triples;
}

std::string MapText(const std::vector<unsigned long>& triples, char separator) {
  std::string text;
  for (size_t i = 0; i < triples.size(); ++i) {
    if (i) text += (i % 3 == 0) ? separator : ' ';
    text += std::to_string(triples[i]);
  }
  return text;
}

}  // namespace nsm
