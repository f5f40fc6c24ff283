// Lenient reads from a report document: renderers and analysis skip what is missing
// or mistyped instead of throwing (the schema is where documents are held strictly).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace nsm::json_access {

// The member `key` of `obj`, or nullptr when `obj` is not an object or lacks it.
inline const nlohmann::json* Find(const nlohmann::json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

// The array member `key`, or an empty array.
inline const nlohmann::json& Array(const nlohmann::json& obj, const char* key) {
  static const nlohmann::json kEmpty = nlohmann::json::array();
  const nlohmann::json* value = Find(obj, key);
  return value && value->is_array() ? *value : kEmpty;
}

// The object member `key`, or an empty object.
inline const nlohmann::json& Object(const nlohmann::json& obj, const char* key) {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  const nlohmann::json* value = Find(obj, key);
  return value && value->is_object() ? *value : kEmpty;
}

// The string member `key`, or `fallback`.
inline std::string String(const nlohmann::json& obj, const char* key, std::string fallback = {}) {
  const nlohmann::json* value = Find(obj, key);
  return value && value->is_string() ? value->get<std::string>() : fallback;
}

// A scalar member as text ("0.84", "2", "root"), or `fallback`.
inline std::string Text(const nlohmann::json& obj, const char* key, std::string fallback = "?") {
  const nlohmann::json* value = Find(obj, key);
  if (!value || value->is_null() || value->is_structured()) return fallback;
  return value->is_string() ? value->get<std::string>() : value->dump();
}

// The integer member `key`, or `fallback`.
inline long long Int(const nlohmann::json& obj, const char* key, long long fallback = 0) {
  const nlohmann::json* value = Find(obj, key);
  return value && value->is_number_integer() ? value->get<long long>() : fallback;
}

}  // namespace nsm::json_access
