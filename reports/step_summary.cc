#include "reports/step_summary.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "harness/common/io.h"
#include "harness/common/strings.h"
#include "harness/common/unique_fd.h"
#include "reports/document_view.h"
#include "reports/json_access.h"
#include "reports/markdown_text.h"
#include "reports/markdown_writer.h"

namespace nsm {
namespace {

using nlohmann::json;
namespace ja = json_access;

// Room kept for the closing "... and N more" lines while rows are added.
constexpr size_t kTrailerReserve = 256;
// A failure's detail in the shortened report is cut to this many bytes.
constexpr size_t kDetailLimit = 400;

std::string Head(const json& doc) {
  const json& host = ja::Object(doc, "host");
  const json& options = ja::Object(doc, "options");
  Totals t = CountTotals(doc);
  // The verdict first: whatever the budget cuts, it is not that.
  std::string out = "# nsmatrix isolation matrix (summary)\n\n" + RenderMarkdownVerdict(doc);
  out += "Host: Linux " + ja::Text(host, "kernel_release") + " on " +
         ja::Text(host, "architecture") + "; mode " + MdCode(ja::Text(host, "mode")) +
         "; user namespace map " + MdCode(ja::Text(options, "userns_map")) + "; " +
         ja::Text(options, "combinations") + " combinations. Generated " +
         ja::Text(doc, "generated_at") + " in " + ja::Text(doc, "duration_seconds") + " s.\n\n";
  out += "> The full matrix (" + std::to_string(t.cells) +
         " cells) is too large for a job summary: it is in the run's artifact "
         "(`matrix.md`, `matrix.json`). This is a shortened report.\n\n";
  out += RenderMarkdownTotals(doc);
  return out;
}

// Appends rows while they fit in `limit` (keeping room for the closing line), then
// "... and N more <what>.".
void AppendRows(const std::vector<std::string>& rows, const std::string& what, size_t limit,
                std::string& out) {
  size_t added = 0;
  for (const std::string& row : rows) {
    if (out.size() + row.size() + kTrailerReserve > limit) break;
    out += row;
    ++added;
  }
  if (added < rows.size()) {
    out += "\n... and " + std::to_string(rows.size() - added) + " more " + what +
           " (all of them are in the artifact).\n";
  }
  out += "\n";
}

std::string Shortened(const json& doc, size_t limit) {
  std::string out = Head(doc);

  std::vector<std::string> failure_rows;
  for (const json& cell : ja::Array(doc, "cells")) {
    if (!IsFailingCell(cell)) continue;
    std::string detail = ja::String(cell, "detail");
    if (detail.size() > kDetailLimit) detail = TruncateUtf8(detail, kDetailLimit) + "...";
    failure_rows.push_back(
        MdRow({EscapeTableCell(ja::Text(cell, "combination")),
               MdCode(EscapeTableCell(ja::Text(cell, "probe"))),
               EscapeTableCell(ja::Text(cell, "expected")),
               EscapeTableCell(ja::Text(cell, "outcome")), EscapeTableCell(detail)}));
  }

  std::vector<std::string> probe_rows;
  for (const ProbeSummary& p : SummarizeProbes(doc, ProbeOrder(doc))) {
    probe_rows.push_back(
        MdRow({MdCode(EscapeTableCell(p.id)),
               EscapeTableCell(ScalarText(p.isolated_count) + " of " + ScalarText(p.cell_count)) +
                   " combinations",
               EscapeTableCell(RenderIsolatedBy(p.isolated_by)), std::to_string(p.failures)}));
  }

  out += "## Probes\n\n";
  out += MdRow({"probe", "isolated in", "isolated by", "failures"});
  out += MdRow({"---", "---:", "---", "---:"});
  AppendRows(probe_rows, "probes", limit, out);

  out += "## Failures\n\n";
  if (failure_rows.empty()) {
    out += "None.\n";
  } else {
    out += MdRow({"combination", "probe", "expected", "observed", "detail"});
    out += MdRow({"---", "---", "---", "---", "---"});
    AppendRows(failure_rows, "failures", limit, out);
  }
  return out;
}

}  // namespace

std::string TruncateUtf8(std::string_view text, size_t limit) {
  if (text.size() <= limit) return std::string(text);
  size_t end = limit;
  // Back up over continuation bytes to the start of the sequence that would be split.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xc0) == 0x80) --end;
  return std::string(text.substr(0, end));
}

std::string RenderStepSummary(const json& doc, size_t limit) {
  std::string full = RenderMarkdown(doc);
  if (full.size() <= limit) return full;
  std::string shortened = Shortened(doc, limit);
  if (shortened.size() <= limit) return shortened;
  return TruncateUtf8(shortened, limit);
}

Status AppendToStepSummaryIfRequested(const std::function<std::string(size_t budget)>& render) {
  const char* env = std::getenv("GITHUB_STEP_SUMMARY");
  if (env == nullptr || *env == '\0') return {};
  const std::string path = env;
  const std::string context = "append the job summary to $GITHUB_STEP_SUMMARY";
  UniqueFd fd(open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644));
  if (!fd.Valid()) return Fail(errno, "open " + path, context);
  struct stat st;
  if (fstat(fd.Get(), &st) != 0) return Fail(errno, "fstat " + path, context);
  size_t used = static_cast<size_t>(st.st_size);
  // What earlier steps' writers appended is separated from ours by a blank line.
  std::string separator = used > 0 ? "\n" : "";
  size_t taken = used + separator.size();
  std::string text = render(taken < kStepSummaryLimit ? kStepSummaryLimit - taken : 0);
  if (text.empty()) return {};
  if (Status written = WriteAll(fd.Get(), separator + text); !written) {
    return Fail(written.error().err, "write " + path, context);
  }
  // close(2) is where some file systems report write errors.
  if (close(fd.Release()) != 0) return Fail(errno, "close " + path, context);
  return {};
}

Status AppendStepSummaryIfRequested(const json& doc) {
  return AppendToStepSummaryIfRequested(
      [&doc](size_t budget) { return RenderStepSummary(doc, budget); });
}

}  // namespace nsm
