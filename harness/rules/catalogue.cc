#include "harness/rules/catalogue.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "harness/common/strings.h"

extern const char kNsmCatalogueJson[];  // generated from catalogue.json

namespace nsm {

Result<Catalogue> Catalogue::FromJson(std::string_view text) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.contains("probes") || !doc["probes"].is_array()) {
    return Fail(EINVAL, "load probe catalogue", "not a JSON object with a 'probes' array");
  }
  for (const auto& [key, value] : doc.items()) {
    if (key != "comment" && key != "probes")
      return Fail(EINVAL, "load probe catalogue", "unknown key '" + key + "'");
  }
  Catalogue catalogue;
  for (const nlohmann::json& entry : doc["probes"]) {
    if (!entry.is_object())
      return Fail(EINVAL, "load probe catalogue", "a probe entry that is not an object");
    // A misspelt key would be dropped without a word: "host_need" would run
    // a probe against the machine's own namespaces.
    for (const auto& [key, value] : entry.items()) {
      if (key != "id" && key != "description" && key != "isolated_when" && key != "why" &&
          key != "host_needs")
        return Fail(EINVAL, "load probe catalogue", "probe entry with unknown key '" + key + "'");
    }
    for (const char* key : {"id", "description", "isolated_when", "why"}) {
      if (!entry.contains(key) || !entry[key].is_string()) {
        return Fail(EINVAL, "load probe catalogue",
                    std::string("probe entry without string '") + key + "'");
      }
    }
    Result<RuleExpression> rule = RuleExpression::Parse(entry["isolated_when"].get<std::string>());
    if (!rule)
      return std::unexpected(
          std::move(rule.error()).Wrap("probe " + entry["id"].get<std::string>()));
    ProbeSpec spec{entry["id"], entry["description"], entry["why"], std::move(*rule), {}};
    if (entry.contains("host_needs")) {
      if (!entry["host_needs"].is_string())
        return Fail(EINVAL, "load probe catalogue", "'host_needs' is not a string");
      Result<NsSet> needs = NsSet::Parse(entry["host_needs"].get<std::string>());
      if (!needs) return std::unexpected(std::move(needs.error()).Wrap("probe " + spec.id));
      spec.host_needs = *needs;
    }
    if (catalogue.Find(spec.id))
      return Fail(EINVAL, "load probe catalogue", "duplicate probe " + spec.id);
    catalogue.probes_.push_back(std::move(spec));
  }
  return catalogue;
}

const Catalogue& Catalogue::Builtin() {
  static const Catalogue catalogue = [] {
    Result<Catalogue> loaded = FromJson(kNsmCatalogueJson);
    if (!loaded) {
      // The file is compiled in and covered by tests: reaching this is a build defect.
      fprintf(stderr, "nsmatrix: built-in catalogue is broken: %s\n",
              loaded.error().Message().c_str());
      abort();
    }
    return std::move(*loaded);
  }();
  return catalogue;
}

const ProbeSpec* Catalogue::Find(std::string_view id) const {
  for (const ProbeSpec& spec : probes_) {
    if (spec.id == id) return &spec;
  }
  return nullptr;
}

Result<std::vector<const ProbeSpec*>> Catalogue::Select(std::string_view list) const {
  std::vector<bool> chosen(probes_.size(), false);
  for (std::string_view raw : Split(list, ',')) {
    std::string_view item = Trim(raw);
    if (item == "all") {
      std::fill(chosen.begin(), chosen.end(), true);
      continue;
    }
    std::string prefix(item);
    if (!prefix.empty() && prefix.back() != '.') prefix += '.';
    bool matched = false;
    for (size_t i = 0; i < probes_.size(); ++i) {
      const std::string& id = probes_[i].id;
      if (id == item || (!item.empty() && id.starts_with(prefix))) {
        chosen[i] = true;
        matched = true;
      }
    }
    if (!matched) {
      std::vector<std::string_view> ids;
      for (const ProbeSpec& spec : probes_) ids.push_back(spec.id);
      return Fail(EINVAL, "select probes",
                  "no probe matches '" + std::string(item) + "'; known probes: " + Join(ids, ", "));
    }
  }
  std::vector<const ProbeSpec*> selected;
  for (size_t i = 0; i < probes_.size(); ++i) {
    if (chosen[i]) selected.push_back(&probes_[i]);
  }
  if (selected.empty()) return Fail(EINVAL, "select probes", "the list of probes is empty");
  return selected;
}

}  // namespace nsm
