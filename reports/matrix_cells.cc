#include "reports/matrix_cells.h"

#include <cerrno>
#include <map>
#include <utility>

#include "reports/json_access.h"

namespace nsm {

using nlohmann::json;
namespace ja = json_access;

namespace {

std::unexpected<Error> Invalid(const std::string& what) {
  return Fail(EINVAL, "read matrix cells", what);
}

}  // namespace

std::string_view ExpectedName(const MatrixCell& cell) {
  return cell.expected ? Name(*cell.expected) : "?";
}

std::optional<std::string> MatrixRuntimeName(const json& doc) {
  const json* runtime = ja::Find(doc, "runtime");
  if (!runtime) return "native";
  const json* name = ja::Find(*runtime, "name");
  if (!name || !name->is_string()) return std::nullopt;
  return name->get<std::string>();
}

json CellToJson(MatrixCell cell) {
  std::vector<std::string_view> names = cell.combination.Names();
  json names_json = json::array();
  names_json.get_ref<json::array_t&>().reserve(names.size());
  for (std::string_view name : names) names_json.push_back(name);
  // Built member by member and moved in (nlohmann's initializer lists copy
  // every value), in key order, each placed at the end: no search per member.
  json::object_t out;
  auto add = [&out](const char* key, json value) {
    out.emplace_hint(out.end(), key, std::move(value));
  };
  add("combination", cell.combination.ToString());
  add("detail", std::move(cell.detail));
  add("expected", cell.expected ? Name(*cell.expected) : "?");
  if (!cell.expectation_override.empty())
    add("expectation_override", std::move(cell.expectation_override));
  add("namespaces", std::move(names_json));
  add("outcome", Name(cell.outcome));
  add("probe", std::move(cell.probe));
  add("verdict", Name(cell.verdict));
  return out;
}

std::optional<NsSet> NamespacesNamed(const json& names) {
  if (!names.is_array()) return std::nullopt;
  NsSet set;
  for (const json& name : names) {
    if (!name.is_string()) return std::nullopt;
    std::optional<Ns> ns = NsFromName(name.get_ref<const std::string&>());
    if (!ns || set.Has(*ns)) return std::nullopt;
    set = set.With(*ns);
  }
  return set;
}

Result<std::vector<MatrixCell>> ReadMatrixCells(const json& doc) {
  if (!doc.is_object()) return Invalid("not a JSON object");
  std::string schema = ja::String(doc, "schema");
  if (schema != "nsmatrix/1") {
    return Invalid(schema.empty() ? "not an nsmatrix/1 document (no \"schema\")"
                                  : "not an nsmatrix/1 document (schema \"" + schema + "\")");
  }
  const json* cells = ja::Find(doc, "cells");
  if (cells == nullptr || !cells->is_array()) return Invalid("no \"cells\" array");
  std::vector<MatrixCell> out;
  out.reserve(cells->size());
  std::map<std::pair<unsigned, std::string>, size_t> seen;
  for (size_t i = 0; i < cells->size(); ++i) {
    const json& value = (*cells)[i];
    std::string where = "cell " + std::to_string(i);
    if (!value.is_object()) return Invalid(where + " is not an object");
    std::string text[4];
    const char* keys[4] = {"combination", "probe", "outcome", "verdict"};
    for (size_t k = 0; k < 4; ++k) {
      const json* member = ja::Find(value, keys[k]);
      if (member == nullptr || !member->is_string() || member->get<std::string>().empty())
        return Invalid(where + " has no \"" + keys[k] + "\" string");
      text[k] = member->get<std::string>();
    }
    where += " (" + text[0] + " " + text[1] + ")";
    MatrixCell cell;
    Result<NsSet> combination = NsSet::Parse(text[0]);
    if (!combination) {
      return Invalid(where + ": combination \"" + text[0] + "\": " + combination.error().context);
    }
    cell.combination = *combination;
    // The reports key a cell on its "namespaces" where it has them: the gate
    // must compare the same cell they show.
    if (const json* names = ja::Find(value, "namespaces")) {
      if (NamespacesNamed(*names) != cell.combination) {
        return Invalid(where + ": \"namespaces\" " + names->dump() +
                       " does not name the combination's namespaces, each once");
      }
    }
    cell.probe = std::move(text[1]);
    std::optional<Outcome> outcome = OutcomeFromName(text[2]);
    if (!outcome) {
      return Invalid(where + ": outcome \"" + text[2] +
                     "\" is not isolated, leaked, unsupported, refused or error");
    }
    cell.outcome = *outcome;
    std::optional<Verdict> verdict = VerdictFromName(text[3]);
    if (!verdict) return Invalid(where + ": verdict \"" + text[3] + "\" is not pass, fail or skip");
    cell.verdict = *verdict;
    cell.expected = OutcomeFromName(ja::String(value, "expected"));
    cell.detail = ja::String(value, "detail");
    cell.expectation_override = ja::String(value, "expectation_override");
    auto [it, inserted] = seen.emplace(std::pair{cell.combination.Index(), cell.probe}, i);
    if (!inserted) {
      return Invalid(where + " repeats cell " + std::to_string(it->second) +
                     ": each combination and probe must occur once");
    }
    out.push_back(std::move(cell));
  }
  return out;
}

}  // namespace nsm
