#include "scenarios/toml_reader.h"

#include <cstdio>

namespace nsm::toml_reader {

std::string Quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string Describe(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return Quote(node.ref<std::string>());
    case toml::node_type::integer:
      return "integer " + std::to_string(node.ref<int64_t>());
    case toml::node_type::floating_point: {
      char buf[64];
      snprintf(buf, sizeof buf, "%g", node.ref<double>());
      return std::string("float ") + buf;
    }
    case toml::node_type::boolean:
      return node.ref<bool>() ? "boolean true" : "boolean false";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::array:
      return node.is_array_of_tables() ? "an array of tables" : "an array";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

std::string Reader::Where(const toml::source_region& region) const {
  if (region.begin.line == 0) return path_;
  return path_ + ":" + std::to_string(region.begin.line) + ":" +
         std::to_string(region.begin.column);
}

std::string Reader::Line(const toml::source_region& region) const {
  if (region.begin.line == 0) return path_;
  return path_ + ":" + std::to_string(region.begin.line);
}

std::unexpected<Error> Reader::Bad(const toml::source_region& region, std::string_view key,
                                   std::string_view what) const {
  std::string op = key.empty() ? std::string(what) : std::string(key) + ": " + std::string(what);
  return Fail(0, std::move(op), Where(region));
}

std::unexpected<Error> Reader::Expected(const toml::node& node, std::string_view key,
                                        std::string_view expected) const {
  return Bad(node.source(), key, "expected " + std::string(expected) + ", got " + Describe(node));
}

Result<const toml::node*> Reader::Required(const toml::table& table, std::string_view prefix,
                                           std::string_view key) const {
  if (const toml::node* node = table.get(key)) return node;
  std::string owner(prefix);
  if (!owner.empty() && owner.back() == '.') owner.pop_back();
  std::string where = table.source().begin.line == 0 ? path_ + ":1:1" : Where(table.source());
  return Fail(0, (owner.empty() ? "" : owner + ": ") + "missing required key " + Quote(key),
              std::move(where));
}

Result<std::string> Reader::String(const toml::node& node, std::string_view key,
                                   std::string_view expected) const {
  if (const toml::value<std::string>* value = node.as_string()) return value->get();
  return Expected(node, key, expected);
}

Result<std::string> Reader::NonEmptyString(const toml::node& node, std::string_view key,
                                           std::string_view expected) const {
  Result<std::string> text = String(node, key, expected);
  if (!text) return text;
  if (Trim(*text).empty()) return Expected(node, key, expected);
  return text;
}

Result<int64_t> Reader::Integer(const toml::node& node, std::string_view key, int64_t min,
                                int64_t max, std::string_view expected) const {
  const toml::value<int64_t>* value = node.as_integer();
  if (!value || value->get() < min || value->get() > max) return Expected(node, key, expected);
  return value->get();
}

Result<std::vector<const toml::node*>> Reader::StringArray(const toml::node& node,
                                                           std::string_view key,
                                                           std::string_view what) const {
  const toml::array* array = node.as_array();
  if (!array) return Expected(node, key, "an array of " + std::string(what));
  if (array->empty()) return Expected(node, key, "a non-empty array of " + std::string(what));
  std::vector<const toml::node*> items;
  for (size_t i = 0; i < array->size(); ++i) {
    const toml::node& item = *array->get(i);
    if (!item.is_string()) return Expected(item, Index(key, i), std::string(what));
    items.push_back(&item);
  }
  return items;
}

std::string Reader::Index(std::string_view key, size_t i) {
  return std::string(key) + "[" + std::to_string(i) + "]";
}

}  // namespace nsm::toml_reader
