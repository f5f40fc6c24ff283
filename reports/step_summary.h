// The Markdown for a GitHub Actions job summary ($GITHUB_STEP_SUMMARY), kept under
// GitHub's size limit (1 MiB per step: larger summaries are dropped with an error).
#pragma once

#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "harness/common/result.h"

namespace nsm {

inline constexpr size_t kStepSummaryLimit = 1000 * 1024;

// At most `limit` bytes of Markdown for `doc`: RenderMarkdown(doc) when it fits;
// otherwise a shortened report (host, totals, per-probe summary, the failing cells with
// "... and N more failures" when they do not all fit, and a note that the full matrix
// is in the artifact). With a tiny `limit` the text is cut at a UTF-8 boundary.
std::string RenderStepSummary(const nlohmann::json& doc, size_t limit = kStepSummaryLimit);

// When the environment variable GITHUB_STEP_SUMMARY is set and non-empty, appends
// `render(budget)` to that file (O_APPEND, creating it: GitHub's protocol). `budget` is
// kStepSummaryLimit minus what the file already holds, so that the step's whole
// summary stays under the limit. Does nothing otherwise. Errors carry errno and the path.
Status AppendToStepSummaryIfRequested(const std::function<std::string(size_t budget)>& render);

// AppendToStepSummaryIfRequested with RenderStepSummary(doc, budget).
Status AppendStepSummaryIfRequested(const nlohmann::json& doc);

// The longest prefix of `text` of at most `limit` bytes that does not split a UTF-8
// sequence.
std::string TruncateUtf8(std::string_view text, size_t limit);

}  // namespace nsm
