#include "scenarios/scenario.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <utility>

#include "harness/common/io.h"
#include "harness/common/strings.h"
#include "scenarios/toml_reader.h"

namespace nsm {
namespace {

namespace fs = std::filesystem;
using toml_reader::Names;
using toml_reader::Quote;
using toml_reader::QuotedAlternatives;
using toml_reader::Reader;

constexpr std::string_view kTopKeys[] = {"name",   "description", "combinations",
                                         "probes", "options",     "expect"};
constexpr std::string_view kOptionKeys[] = {"userns_map", "rootfs",     "propagation",
                                            "jobs",       "timeout_ms", "runtime"};
constexpr std::string_view kExpectKeys[] = {"probe", "combination", "outcome", "reason"};

Result<std::vector<NsSet>> ReadCombinations(const Reader& r, const toml::node& node) {
  constexpr std::string_view kWhat = "combination names (\"none\", \"mnt+pid\", ...) or [\"all\"]";
  Result<std::vector<const toml::node*>> items = r.StringArray(node, "combinations", kWhat);
  if (!items) return std::unexpected(items.error());
  std::vector<NsSet> sets;
  for (size_t i = 0; i < items->size(); ++i) {
    const toml::node& item = *(*items)[i];
    const std::string& text = item.ref<std::string>();
    std::string key = Reader::Index("combinations", i);
    if (text == "all") {
      if (items->size() != 1) {
        return r.Bad(item.source(), key, "\"all\" must be the only entry of combinations");
      }
      Result<std::vector<NsSet>> all = ParseCombinationList("all");
      if (!all) return std::unexpected(all.error());
      return all;
    }
    Result<NsSet> set = NsSet::Parse(text);
    if (!set) return r.Bad(item.source(), key, set.error().context);
    if (std::find(sets.begin(), sets.end(), *set) != sets.end()) {
      return r.Bad(item.source(), key,
                   "combination " + set->ToString() + " is listed twice (got " + Quote(text) + ")");
    }
    sets.push_back(*set);
  }
  return sets;
}

Result<std::vector<std::string>> ReadProbes(const Reader& r, const toml::node& node,
                                            const Catalogue& catalogue) {
  constexpr std::string_view kWhat =
      "probe ids or prefixes (\"ns.\", \"pid.kill_host\") or \"all\"";
  Result<std::vector<const toml::node*>> items = r.StringArray(node, "probes", kWhat);
  if (!items) return std::unexpected(items.error());
  std::vector<std::string> selectors;
  for (size_t i = 0; i < items->size(); ++i) {
    const toml::node& item = *(*items)[i];
    const std::string& text = item.ref<std::string>();
    std::string key = Reader::Index("probes", i);
    if (text.find(',') != std::string::npos) {
      return r.Expected(item, key, "one probe id or prefix per string");
    }
    if (Trim(text).empty()) return r.Expected(item, key, std::string(kWhat));
    Result<std::vector<const ProbeSpec*>> selected = catalogue.Select(text);
    if (!selected) return r.Bad(item.source(), key, selected.error().context);
    selectors.push_back(text);
  }
  return selectors;
}

Status ReadOptions(const Reader& r, const toml::node& node, Scenario& scenario) {
  const toml::table* options = node.as_table();
  if (!options) return r.Expected(node, "options", "a table ([options])");
  if (Status ok = r.OnlyKeys(*options, "options.", kOptionKeys); !ok) return ok;

  if (const toml::node* map = options->get("userns_map")) {
    constexpr std::string_view kWhat = "\"unprivileged\" or \"root\"";
    Result<std::string> text = r.String(*map, "options.userns_map", kWhat);
    if (!text) return std::unexpected(text.error());
    Result<UsernsMap> parsed = ParseUsernsMap(*text);
    if (!parsed) return r.Expected(*map, "options.userns_map", kWhat);
    scenario.userns_map = *parsed;
  }
  if (const toml::node* rootfs = options->get("rootfs")) {
    constexpr std::string_view kWhat = "\"host\" or a directory path";
    Result<std::string> text = r.NonEmptyString(*rootfs, "options.rootfs", kWhat);
    if (!text) return std::unexpected(text.error());
    if (*text == "host") {
      scenario.rootfs = "host";
    } else {
      fs::path path(*text);
      if (path.is_relative()) path = fs::absolute(fs::path(r.path())).parent_path() / path;
      scenario.rootfs = path.lexically_normal().string();
    }
  }
  if (const toml::node* propagation = options->get("propagation")) {
    std::string what = QuotedAlternatives(Names(kPropagations));
    Result<std::string> text = r.String(*propagation, "options.propagation", what);
    if (!text) return std::unexpected(text.error());
    Result<Propagation> parsed = ParsePropagation(*text);
    if (!parsed) return r.Expected(*propagation, "options.propagation", what);
    scenario.propagation = *parsed;
  }
  if (const toml::node* runtime = options->get("runtime")) {
    std::string what = QuotedAlternatives(Names(kRuntimeKinds));
    Result<std::string> text = r.String(*runtime, "options.runtime", what);
    if (!text) return std::unexpected(text.error());
    Result<RuntimeKind> parsed = ParseRuntime(*text);
    if (!parsed) return r.Expected(*runtime, "options.runtime", what);
    scenario.runtime = *parsed;
  }
  if (const toml::node* jobs = options->get("jobs")) {
    Result<int64_t> n = r.Integer(*jobs, "options.jobs", 1, kMaxJobs,
                                  "an integer from 1 to " + std::to_string(kMaxJobs));
    if (!n) return std::unexpected(n.error());
    scenario.jobs = static_cast<int>(*n);
  }
  if (const toml::node* timeout = options->get("timeout_ms")) {
    Result<int64_t> n = r.Integer(*timeout, "options.timeout_ms", kMinTimeoutMs, kMaxTimeoutMs,
                                  "an integer from " + std::to_string(kMinTimeoutMs) + " to " +
                                      std::to_string(kMaxTimeoutMs) + " (milliseconds)");
    if (!n) return std::unexpected(n.error());
    scenario.timeout_ms = static_cast<long>(*n);
  }
  return {};
}

Result<ExpectationOverride> ReadOverride(const Reader& r, const toml::table& entry,
                                         const std::string& prefix, const Catalogue& catalogue) {
  if (Status ok = r.OnlyKeys(entry, prefix + ".", kExpectKeys); !ok) {
    return std::unexpected(ok.error());
  }
  ExpectationOverride o;
  o.source = r.Line(entry.source());

  // probe: an exact id, or a prefix ending in '.' that names at least one probe.
  Result<const toml::node*> probe = r.Required(entry, prefix + ".", "probe");
  if (!probe) return std::unexpected(probe.error());
  std::string probe_key = prefix + ".probe";
  constexpr std::string_view kProbeWhat = "a probe id, or a prefix ending in '.' (\"ns.\")";
  Result<std::string> probe_text = r.NonEmptyString(**probe, probe_key, kProbeWhat);
  if (!probe_text) return std::unexpected(probe_text.error());
  bool known = false;
  for (const ProbeSpec& spec : catalogue.Probes()) {
    if (probe_text->back() == '.' ? spec.id.starts_with(*probe_text) : spec.id == *probe_text) {
      known = true;
      break;
    }
  }
  if (!known) {
    std::vector<std::string_view> ids;
    for (const ProbeSpec& spec : catalogue.Probes()) ids.push_back(spec.id);
    return r.Bad((*probe)->source(), probe_key,
                 "no probe matches " + Quote(*probe_text) +
                     " (expected a probe id, or a prefix "
                     "ending in '.'; known probes: " +
                     Join(ids, ", ") + ")");
  }
  o.probe = *probe_text;

  // combination: optional, "*" (the default) or one combination.
  if (const toml::node* combination = entry.get("combination")) {
    std::string key = prefix + ".combination";
    Result<std::string> text =
        r.String(*combination, key, "\"*\" or a combination (\"none\", \"mnt+pid\")");
    if (!text) return std::unexpected(text.error());
    if (*text != "*") {
      Result<NsSet> set = NsSet::Parse(*text);
      if (!set) return r.Bad(combination->source(), key, set.error().context);
      o.combination = *set;
    }
  }

  Result<const toml::node*> outcome = r.Required(entry, prefix + ".", "outcome");
  if (!outcome) return std::unexpected(outcome.error());
  {
    std::string key = prefix + ".outcome";
    constexpr std::string_view kWhat = "\"isolated\" or \"leaked\"";
    Result<std::string> text = r.String(**outcome, key, kWhat);
    if (!text) return std::unexpected(text.error());
    std::optional<Outcome> parsed = OutcomeFromName(*text);
    if (!parsed || (*parsed != Outcome::isolated && *parsed != Outcome::leaked)) {
      return r.Expected(**outcome, key, kWhat);
    }
    o.outcome = *parsed;
  }

  Result<const toml::node*> reason = r.Required(entry, prefix + ".", "reason");
  if (!reason) return std::unexpected(reason.error());
  Result<std::string> reason_text = r.NonEmptyString(
      **reason, prefix + ".reason", "a non-empty string saying why this override holds");
  if (!reason_text) return std::unexpected(reason_text.error());
  o.reason = *reason_text;
  return o;
}

Result<Scenario> Build(const Reader& r, const toml::table& doc, const Catalogue& catalogue) {
  if (Status ok = r.OnlyKeys(doc, "", kTopKeys); !ok) return std::unexpected(ok.error());
  Scenario scenario;
  scenario.path = r.path();

  Result<const toml::node*> name = r.Required(doc, "", "name");
  if (!name) return std::unexpected(name.error());
  Result<std::string> name_text = r.NonEmptyString(**name, "name", "a non-empty string");
  if (!name_text) return std::unexpected(name_text.error());
  scenario.name = *name_text;

  Result<const toml::node*> description = r.Required(doc, "", "description");
  if (!description) return std::unexpected(description.error());
  Result<std::string> description_text =
      r.NonEmptyString(**description, "description", "a non-empty one-line string");
  if (!description_text) return std::unexpected(description_text.error());
  if (description_text->find('\n') != std::string::npos) {
    return r.Expected(**description, "description", "a non-empty one-line string");
  }
  scenario.description = *description_text;

  Result<const toml::node*> combinations = r.Required(doc, "", "combinations");
  if (!combinations) return std::unexpected(combinations.error());
  Result<std::vector<NsSet>> sets = ReadCombinations(r, **combinations);
  if (!sets) return std::unexpected(sets.error());
  scenario.combinations = std::move(*sets);

  if (const toml::node* probes = doc.get("probes")) {
    Result<std::vector<std::string>> selectors = ReadProbes(r, *probes, catalogue);
    if (!selectors) return std::unexpected(selectors.error());
    scenario.probe_selectors = std::move(*selectors);
  } else {
    scenario.probe_selectors = {"all"};
  }

  if (const toml::node* options = doc.get("options")) {
    if (Status ok = ReadOptions(r, *options, scenario); !ok) return std::unexpected(ok.error());
  }

  if (const toml::node* expect = doc.get("expect")) {
    const toml::array* entries = expect->as_array();
    if (!entries || !entries->is_array_of_tables()) {
      return r.Expected(*expect, "expect", "an array of tables ([[expect]])");
    }
    for (size_t i = 0; i < entries->size(); ++i) {
      Result<ExpectationOverride> o =
          ReadOverride(r, *entries->get(i)->as_table(), Reader::Index("expect", i), catalogue);
      if (!o) return std::unexpected(o.error());
      scenario.overrides.push_back(std::move(*o));
    }
  }
  return scenario;
}

Result<Scenario> Load(const std::string& path, const Catalogue& catalogue,
                      std::optional<std::string_view> expected_name) {
  Result<std::string> text = ReadFile(path, kMaxInputFileBytes);
  if (!text) return std::unexpected(std::move(text.error()).Wrap("load scenario " + path));
  Reader reader(path);
  toml::table doc;
  try {
    doc = toml::parse(*text, path);
  } catch (const toml::parse_error& e) {
    return reader.Bad(e.source(), "", "TOML syntax error: " + std::string(e.description()));
  }
  Result<Scenario> scenario = Build(reader, doc, catalogue);
  if (scenario) scenario->text = std::move(*text);
  if (scenario && expected_name && scenario->name != *expected_name) {
    return reader.Expected(*doc.get("name"), "name",
                           Quote(*expected_name) + " (a shipped scenario's name is its file stem)");
  }
  return scenario;
}

}  // namespace

const ExpectationOverride* Scenario::OverrideFor(std::string_view probe, NsSet combination) const {
  return FindOverride(overrides, probe, combination);
}

Result<Scenario> LoadScenarioFile(const std::string& path, const Catalogue& catalogue) {
  return Load(path, catalogue, std::nullopt);
}

Result<Scenario> LoadScenario(const std::string& name_or_path, const std::string& shipped_dir,
                              const Catalogue& catalogue) {
  if (name_or_path.find('/') != std::string::npos || name_or_path.ends_with(".toml")) {
    return LoadScenarioFile(name_or_path, catalogue);
  }
  std::vector<std::string> shipped = ListShippedScenarios(shipped_dir);
  if (name_or_path.empty() ||
      std::find(shipped.begin(), shipped.end(), name_or_path) == shipped.end()) {
    return Fail(0,
                "no shipped scenario named " + Quote(name_or_path) + " in " + shipped_dir +
                    "; shipped scenarios: " + (shipped.empty() ? "(none)" : Join(shipped, ", ")),
                "load scenario",
                "give one of the shipped names, or a path to a .toml file (containing '/' or "
                "ending in .toml)");
  }
  return Load((fs::path(shipped_dir) / (name_or_path + ".toml")).string(), catalogue, name_or_path);
}

std::vector<std::string> ListShippedScenarios(const std::string& shipped_dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(shipped_dir, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& path = it->path();
    std::error_code type_ec;
    if (path.extension() == ".toml" && it->is_regular_file(type_ec)) {
      names.push_back(path.stem().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace nsm
