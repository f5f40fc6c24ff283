#include "harness/document/document.h"

#include <time.h>

#include <cmath>
#include <map>

#include "reports/analysis.h"
#include "reports/matrix_cells.h"

namespace nsm {

std::string UtcTimestamp() {
  time_t now = time(nullptr);
  tm utc{};
  gmtime_r(&now, &utc);
  char buf[32];
  strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

bool AnyFailed(const MatrixResult& result) {
  for (const CellResult& cell : result.cells) {
    if (cell.verdict == Verdict::fail) return true;
  }
  return false;
}

namespace {

using nlohmann::json;

json CellJson(const CellResult& cell) {
  MatrixCell out;
  out.combination = cell.namespaces;
  out.probe = cell.probe;
  out.outcome = cell.outcome;
  out.expected = cell.expected;
  out.verdict = cell.verdict;
  out.detail = cell.detail;
  if (cell.override_used)
    out.expectation_override = cell.override_used->source + ": " + cell.override_used->reason;
  return CellToJson(std::move(out));
}

json::array_t CellsJson(std::span<const CellResult> cells) {
  json::array_t out;
  out.reserve(cells.size());
  for (const CellResult& cell : cells) out.push_back(CellJson(cell));
  return out;
}

}  // namespace

DocumentBuilder::DocumentBuilder(const std::vector<NsSet>& combinations)
    : cells_(combinations.size()) {
  position_.fill(-1);
  for (size_t i = 0; i < combinations.size(); ++i)
    position_[combinations[i].Index()] = static_cast<int>(i);
}

void DocumentBuilder::AddCombination(NsSet combination, std::span<const CellResult> cells) {
  int position = position_[combination.Index()];
  if (position < 0) return;  // not in the plan: the document has no place for it
  cells_[static_cast<size_t>(position)] = CellsJson(cells);
}

json DocumentBuilder::Finish(const RunPlan& plan, const MatrixResult& result, const HostInfo& host,
                             const std::string& generated_at) {
  json doc;
  doc["schema"] = kSchemaId;
  doc["tool"] = {{"name", "nsmatrix"}, {"version", NSM_VERSION}};
  doc["generated_at"] = generated_at;
  doc["duration_seconds"] = std::round(result.seconds * 1000) / 1000;  // ms are enough
  doc["host"] = {
      {"kernel_release", host.kernel_release},
      {"kernel_version", host.kernel_version},
      {"architecture", host.architecture},
      {"hostname", host.hostname},
      {"cpus", host.cpus},
      {"mode", host.mode},
      {"sandbox", kSandboxNote},
      {"time_namespace_via", result.time_via_unshare ? "unshare" : "clone3"},
      {"ns_links_via", host.ns_links_via},
      {"cgroup", result.cgroup_unavailable.empty() ? "a cgroup v2 directory per container"
                                                   : "unavailable: " + result.cgroup_unavailable}};
  json probe_ids = json::array();
  json probes = json::array();
  for (const ProbeSpec* spec : plan.probes) {
    probe_ids.push_back(spec->id);
    probes.push_back({{"id", spec->id},
                      {"description", spec->description},
                      {"isolated_when", spec->isolated_when.Text()},
                      {"why", spec->why}});
  }
  doc["options"] = {{"combinations", plan.combinations.size()},
                    {"probes", probe_ids},
                    {"userns_map", Name(plan.userns_map)},
                    {"jobs", plan.jobs},
                    {"timeout_ms", plan.timeout.count()},
                    {"rootfs", plan.rootfs.empty() ? "host" : plan.rootfs},
                    {"propagation", Name(plan.propagation)},
                    {"time_offsets", result.time_via_unshare}};
  if (plan.runtime.kind != RuntimeKind::native) {
    json left_out = json::array();
    for (const auto& [probe, why] : plan.runtime_left_out)
      left_out.push_back({{"probe", probe}, {"why", why}});
    doc["runtime"] = {{"name", Name(plan.runtime.kind)},
                      {"version", plan.runtime.version},
                      {"path", plan.runtime.path},
                      {"accepted_combinations", result.accepted_combinations},
                      {"probes_not_run", left_out}};
  }
  if (!plan.scenario.name.empty()) {
    doc["options"]["scenario"] = {{"name", plan.scenario.name},
                                  {"description", plan.scenario.description},
                                  {"path", plan.scenario.path}};
  }
  doc["probes"] = std::move(probes);
  // result.cells holds the plan's combinations in order, one cell per probe
  // each: what was added while the run went on stands for a combination's
  // slice. A result of any other shape is written as it is.
  const size_t per_combination = plan.probes.size();
  json cells = json::array();
  json::array_t& all = cells.get_ref<json::array_t&>();
  if (result.cells.size() != cells_.size() * per_combination) {
    all = CellsJson(result.cells);
  } else {
    all.reserve(result.cells.size());
    for (size_t position = 0; position < cells_.size(); ++position) {
      json::array_t built = std::move(cells_[position]);
      if (built.size() != per_combination) {  // not added while the run went on
        built =
            CellsJson(std::span(result.cells).subspan(position * per_combination, per_combination));
      }
      std::move(built.begin(), built.end(), std::back_inserter(all));
    }
  }
  cells_.assign(cells_.size(), {});
  std::map<std::string, int> outcomes = {
      {"isolated", 0}, {"leaked", 0}, {"unsupported", 0}, {"error", 0}};
  std::map<std::string, int> verdicts = {{"pass", 0}, {"fail", 0}, {"skip", 0}};
  for (const CellResult& cell : result.cells) {
    ++outcomes[std::string(Name(cell.outcome))];
    ++verdicts[std::string(Name(cell.verdict))];
  }
  json summary = {{"cells", result.cells.size()}};
  for (const auto& [verdict, count] : verdicts) summary[verdict] = count;
  summary["outcomes"] = outcomes;
  doc["cells"] = std::move(cells);
  doc["summary"] = std::move(summary);
  AddAnalysis(doc);
  return doc;
}

}  // namespace nsm
