#include "reports/compare.h"

#include <algorithm>
#include <cerrno>
#include <map>
#include <set>
#include <utility>

#include "harness/common/strings.h"
#include "reports/json_access.h"
#include "reports/matrix_cells.h"

namespace nsm {
namespace {

using nlohmann::json;
namespace ja = json_access;

constexpr const char* kCanonicalTypes[] = {"mnt", "uts",  "ipc",    "net",
                                           "pid", "user", "cgroup", "time"};
constexpr const char* kAbsent = "absent";

std::string BaseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string OptionsText(const json& options) {
  std::vector<std::string> parts;
  for (const auto& [key, value] : options.items()) {
    if (key == "probes") continue;
    if (value.is_structured() || value.is_null()) continue;
    parts.push_back(key + "=" + (value.is_string() ? value.get<std::string>() : value.dump()));
  }
  if (const json* probes = ja::Find(options, "probes"); probes && probes->is_array()) {
    parts.push_back("probes=" + std::to_string(probes->size()));
  }
  return Join(parts, ", ");
}

CompareRun DescribeRun(const CompareInput& input) {
  const json& doc = input.doc;
  const json& host = ja::Object(doc, "host");
  CompareRun run;
  run.file = input.file;
  run.kernel_release = ja::String(host, "kernel_release");
  if (run.kernel_release.empty()) {
    run.kernel_release = ja::String(ja::Object(doc, "kernel"), "kernel_release", "?");
  }
  run.kernel_version = ja::String(host, "kernel_version", "?");
  run.mode = ja::String(host, "mode", "?");
  run.generated_at = ja::String(doc, "generated_at", "?");
  run.options = OptionsText(ja::Object(doc, "options"));
  const json& vm_kernel = ja::Object(ja::Object(doc, "vm"), "kernel");
  run.vm_kernel_path = ja::String(vm_kernel, "path");
  run.vm_kernel_release = ja::String(vm_kernel, "release");
  run.has_kernel_section = ja::Find(doc, "kernel") && doc["kernel"].is_object();
  run.totals = CountTotals(doc).counted;  // the cells compared, not a summary
  run.label = run.kernel_release;
  if (!run.vm_kernel_path.empty()) run.label += " (" + BaseName(run.vm_kernel_path) + ")";
  const json& runtime = ja::Object(doc, "runtime");
  run.runtime = MatrixRuntimeName(doc).value_or("?");
  if (run.runtime != "native") {
    std::string version = ja::String(runtime, "version");
    run.options = "runtime=" + run.runtime + (version.empty() ? "" : " (" + version + ")") +
                  ", accepted=" + ja::Text(runtime, "accepted_combinations") + ", " + run.options;
  }
  return run;
}

// Runs made by different runtimes are told apart by it first.
void NameRuntimes(std::vector<CompareRun>& runs) {
  bool mixed = std::any_of(runs.begin(), runs.end(),
                           [&](const CompareRun& r) { return r.runtime != runs[0].runtime; });
  if (!mixed) return;
  for (CompareRun& run : runs) run.label = run.runtime + " on " + run.label;
}

// Equal labels get the file name, then (same file name in two directories) the column number.
void Disambiguate(std::vector<CompareRun>& runs) {
  auto count = [&](const std::string& label) {
    return std::count_if(runs.begin(), runs.end(),
                         [&](const CompareRun& r) { return r.label == label; });
  };
  std::vector<bool> repeated(runs.size());
  for (size_t i = 0; i < runs.size(); ++i) repeated[i] = count(runs[i].label) > 1;
  for (size_t i = 0; i < runs.size(); ++i) {
    if (repeated[i]) runs[i].label += " [" + BaseName(runs[i].file) + "]";
  }
  for (size_t i = 0; i < runs.size(); ++i) repeated[i] = count(runs[i].label) > 1;
  for (size_t i = 0; i < runs.size(); ++i) {
    if (repeated[i]) runs[i].label += " #" + std::to_string(i + 1);
  }
}

// A cell's key: its combination (as an index, so spellings of one set agree)
// and its probe.
using CellKey = std::pair<unsigned, std::string>;

struct CellIndex {
  std::map<CellKey, CompareCellValue> cells;
  std::vector<CellKey> order;
};

// The cells through the document's one cell codec (matrix_cells.h): an
// unreadable cell is the input's error, named by its file.
Result<CellIndex> IndexCells(const CompareInput& input) {
  Result<std::vector<MatrixCell>> cells = ReadMatrixCells(input.doc);
  if (!cells) return Fail(EINVAL, input.file, cells.error().context);
  CellIndex index;
  for (MatrixCell& cell : *cells) {
    CellKey key{cell.combination.Index(), std::move(cell.probe)};
    CompareCellValue value{std::string(Name(cell.outcome)), std::string(Name(cell.verdict)),
                           std::string(ExpectedName(cell)), std::move(cell.detail)};
    index.cells.emplace(key, std::move(value));
    index.order.push_back(std::move(key));
  }
  return index;
}

bool SameCell(const std::optional<CompareCellValue>& a, const std::optional<CompareCellValue>& b) {
  if (!a || !b) return !a && !b;
  return a->outcome == b->outcome && a->verdict == b->verdict;
}

void CompareCells(const std::vector<CellIndex>& indexes, Comparison& out) {
  std::set<CellKey> seen;
  for (const CellIndex& index : indexes) {
    for (const CellKey& key : index.order) {
      if (!seen.insert(key).second) continue;
      CompareCellRow row{NsSet::FromIndex(key.first).ToString(), key.second, {}};
      for (const CellIndex& other : indexes) {
        auto found = other.cells.find(key);
        row.runs.push_back(found == other.cells.end()
                               ? std::nullopt
                               : std::optional<CompareCellValue>(found->second));
      }
      bool same = std::all_of(row.runs.begin(), row.runs.end(),
                              [&](const auto& value) { return SameCell(value, row.runs[0]); });
      if (same) {
        ++out.same_cells;
      } else {
        out.cells.push_back(std::move(row));
      }
    }
  }
}

// kernel.namespaces by type; entries without a type are skipped, the first of a type wins.
std::map<std::string, const json*> NamespacesByType(const json& kernel) {
  std::map<std::string, const json*> out;
  for (const json& ns : ja::Array(kernel, "namespaces")) {
    std::string type = ja::String(ns, "type");
    if (!type.empty()) out.emplace(type, &ns);
  }
  return out;
}

std::vector<std::string> TypeOrder(const std::vector<std::map<std::string, const json*>>& all) {
  std::vector<std::string> types(std::begin(kCanonicalTypes), std::end(kCanonicalTypes));
  std::set<std::string> others;
  for (const auto& by_type : all) {
    for (const auto& [type, ns] : by_type) {
      if (std::find(types.begin(), types.end(), type) == types.end()) others.insert(type);
    }
  }
  types.insert(types.end(), others.begin(), others.end());
  return types;
}

// Rows whose known values (not nullopt) are not all equal.
template <typename T, typename Same>
bool KnownValuesDiffer(const std::vector<std::optional<T>>& values, Same same) {
  const T* first = nullptr;
  for (const auto& value : values) {
    if (!value) continue;
    if (!first) {
      first = &*value;
    } else if (!same(*first, *value)) {
      return true;
    }
  }
  return false;
}

void CompareKernelChecks(const std::vector<CompareInput>& inputs, Comparison& out) {
  std::vector<std::map<std::string, const json*>> by_type;
  for (const CompareInput& input : inputs) {
    by_type.push_back(NamespacesByType(ja::Object(input.doc, "kernel")));
  }
  for (const std::string& type : TypeOrder(by_type)) {
    bool anywhere = std::any_of(by_type.begin(), by_type.end(),
                                [&](const auto& m) { return m.contains(type); });
    if (!anywhere) continue;
    for (const char* as : {"root", "unprivileged"}) {
      KernelCheckRow row{type, as, {}};
      for (size_t i = 0; i < inputs.size(); ++i) {
        if (!out.runs[i].has_kernel_section) {
          row.runs.push_back(std::nullopt);
          continue;
        }
        auto found = by_type[i].find(type);
        if (found == by_type[i].end()) {
          row.runs.push_back(KernelCheckValue{kAbsent, "", "", ""});
          continue;
        }
        const json& check = ja::Object(*found->second, as);
        row.runs.push_back(KernelCheckValue{ja::String(check, "status", "?"),
                                            ja::String(check, "gate"), ja::String(check, "cause"),
                                            ja::String(check, "detail")});
      }
      auto same = [](const KernelCheckValue& a, const KernelCheckValue& b) {
        return a.status == b.status && a.gate == b.gate;
      };
      if (KnownValuesDiffer(row.runs, same)) {
        out.kernel_checks.push_back(std::move(row));
      } else {
        ++out.same_kernel_checks;
      }
    }
  }
}

std::string ValueText(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_array()) {
    std::vector<std::string> parts;
    for (const json& item : value) parts.push_back(ValueText(item));
    return Join(parts, ",");
  }
  return value.dump();
}

// One run's kernel settings by name: config options, sysctls, the rest; nullopt when
// the run cannot say (config not found).
struct Settings {
  std::map<std::string, std::optional<std::string>> values;
  std::vector<std::string> config_order, sysctl_order, other_order;
};

Settings ReadSettings(const json& kernel) {
  Settings s;
  const json& config = ja::Object(kernel, "config");
  const json* source = ja::Find(config, "source");
  bool config_known = source && source->is_string();
  auto add_config = [&](const std::string& option, const json* value) {
    if (option.empty() || s.values.contains(option)) return;
    s.config_order.push_back(option);
    if (!config_known) {
      s.values[option] = std::nullopt;
    } else {
      s.values[option] = value && value->is_string() ? value->get<std::string>() : "not in config";
    }
  };
  for (const json& entry : ja::Array(config, "options")) {
    add_config(ja::String(entry, "option"), ja::Find(entry, "value"));
  }
  for (const json& ns : ja::Array(kernel, "namespaces")) {
    add_config(ja::String(ns, "config_option"), ja::Find(ns, "config"));
  }
  for (const auto& [name, value] : ja::Object(kernel, "sysctls").items()) {
    if (s.values.contains(name)) continue;
    s.sysctl_order.push_back(name);
    s.values[name] = value.is_null() ? std::string("not present") : ValueText(value);
  }
  auto add_other = [&](const std::string& name, const json* value) {
    s.other_order.push_back(name);
    s.values[name] =
        value ? (value->is_null() ? std::string("unknown") : ValueText(*value)) : kAbsent;
  };
  add_other("security modules", ja::Find(ja::Object(kernel, "security_modules"), "active"));
  add_other("seccomp mode", ja::Find(kernel, "seccomp_mode"));
  add_other("apparmor enabled", ja::Find(kernel, "apparmor_enabled"));
  return s;
}

void CompareKernelSettings(const std::vector<CompareInput>& inputs, Comparison& out) {
  std::vector<Settings> all;
  std::vector<std::string> names[3];
  std::set<std::string> seen;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!out.runs[i].has_kernel_section) {
      all.emplace_back();
      continue;
    }
    all.push_back(ReadSettings(inputs[i].doc["kernel"]));
    const Settings& s = all.back();
    for (auto [from, to] : {std::pair{&s.config_order, &names[0]},
                            {&s.sysctl_order, &names[1]},
                            {&s.other_order, &names[2]}}) {
      for (const std::string& name : *from) {
        if (seen.insert(name).second) to->push_back(name);
      }
    }
  }
  for (const auto& group : names) {
    for (const std::string& name : group) {
      KernelSettingRow row{name, {}};
      for (size_t i = 0; i < inputs.size(); ++i) {
        if (!out.runs[i].has_kernel_section) {
          row.values.push_back(std::nullopt);
          continue;
        }
        auto found = all[i].values.find(name);
        row.values.push_back(found == all[i].values.end() ? std::optional<std::string>(kAbsent)
                                                          : found->second);
      }
      if (KnownValuesDiffer(row.values, std::equal_to<std::string>())) {
        out.kernel_settings.push_back(std::move(row));
      } else {
        ++out.same_kernel_settings;
      }
    }
  }
}

}  // namespace

Result<Comparison> CompareRuns(const std::vector<CompareInput>& inputs) {
  if (inputs.size() < 2)
    return Fail(EINVAL, "compare",
                "needs at least two matrices, got " + std::to_string(inputs.size()));
  Comparison out;
  std::vector<CellIndex> indexes;
  for (const CompareInput& input : inputs) {
    Result<CellIndex> index = IndexCells(input);
    if (!index) return std::unexpected(std::move(index.error()));
    indexes.push_back(std::move(*index));
    out.runs.push_back(DescribeRun(input));
  }
  NameRuntimes(out.runs);
  Disambiguate(out.runs);
  CompareCells(indexes, out);

  size_t with_kernel = std::count_if(out.runs.begin(), out.runs.end(),
                                     [](const CompareRun& r) { return r.has_kernel_section; });
  if (with_kernel < 2) {
    out.notes.push_back(with_kernel == 0
                            ? "No run has a kernel section: kernel checks were not compared."
                            : "Only one run has a kernel section: kernel checks were not "
                              "compared.");
    return out;
  }
  for (const CompareRun& run : out.runs) {
    if (!run.has_kernel_section)
      out.notes.push_back(run.label + " (" + run.file +
                          ") has no kernel section: its kernel checks are not compared.");
  }
  CompareKernelChecks(inputs, out);
  CompareKernelSettings(inputs, out);
  return out;
}

std::string CellSummary(const std::optional<CompareCellValue>& value) {
  return value ? value->outcome + ", " + value->verdict : kAbsent;
}

std::string KernelCheckSummary(const std::optional<KernelCheckValue>& value) {
  if (!value) return "no kernel section";
  return value->gate.empty() ? value->status : value->status + " (" + value->gate + ")";
}

json ComparisonToJson(const Comparison& c) {
  json runs = json::array();
  for (const CompareRun& r : c.runs) {
    json vm = nullptr;
    if (!r.vm_kernel_path.empty() || !r.vm_kernel_release.empty())
      vm = {{"kernel_path", r.vm_kernel_path}, {"kernel_release", r.vm_kernel_release}};
    runs.push_back({{"label", r.label},
                    {"file", r.file},
                    {"kernel_release", r.kernel_release},
                    {"kernel_version", r.kernel_version},
                    {"mode", r.mode},
                    {"generated_at", r.generated_at},
                    {"options", r.options},
                    {"vm", vm},
                    {"totals",
                     {{"cells", r.totals.cells},
                      {"pass", r.totals.pass},
                      {"fail", r.totals.fail},
                      {"skip", r.totals.skip}}}});
  }
  json checks = json::array();
  for (const KernelCheckRow& row : c.kernel_checks) {
    json values = json::array();
    for (const auto& v : row.runs) {
      values.push_back(v ? json{{"status", v->status},
                                {"gate", v->gate},
                                {"cause", v->cause},
                                {"detail", v->detail}}
                         : json(nullptr));
    }
    checks.push_back({{"type", row.type}, {"as", row.as}, {"runs", values}});
  }
  json settings = json::array();
  for (const KernelSettingRow& row : c.kernel_settings) {
    json values = json::array();
    for (const auto& v : row.values) values.push_back(v ? json(*v) : json(nullptr));
    settings.push_back({{"name", row.name}, {"values", values}});
  }
  json cells = json::array();
  for (const CompareCellRow& row : c.cells) {
    json values = json::array();
    for (const auto& v : row.runs) {
      values.push_back(v ? json{{"outcome", v->outcome},
                                {"verdict", v->verdict},
                                {"expected", v->expected},
                                {"detail", v->detail}}
                         : json(nullptr));
    }
    cells.push_back(
        {{"combination", row.combination}, {"probe", row.probe}, {"runs", std::move(values)}});
  }
  return {{"schema", kCompareSchemaId},
          {"identical", c.Identical()},
          {"runs", std::move(runs)},
          {"kernel_checks", std::move(checks)},
          {"kernel_settings", std::move(settings)},
          {"cells", std::move(cells)},
          {"same",
           {{"cells", c.same_cells},
            {"kernel_checks", c.same_kernel_checks},
            {"kernel_settings", c.same_kernel_settings}}},
          {"notes", c.notes}};
}

}  // namespace nsm
