#include "probes/protocol.h"

#include <charconv>

namespace nsm::protocol {
namespace {

bool NeedsEscape(unsigned char c) { return c <= ' ' || c == '%' || c == '=' || c >= 0x7f; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Record& Record::Add(std::string key, std::string value) {
  fields.emplace_back(std::move(key), std::move(value));
  return *this;
}

std::optional<std::string_view> Record::Get(std::string_view key) const {
  for (const auto& [k, v] : fields) {
    if (k == key) return v;
  }
  return std::nullopt;
}

std::optional<long long> Record::GetInt(std::string_view key) const {
  std::optional<std::string_view> text = Get(key);
  if (!text) return std::nullopt;
  long long value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size()) return std::nullopt;
  return value;
}

std::string Escape(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (unsigned char c : value) {
    if (NeedsEscape(c)) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

Result<std::string> Unescape(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '%') {
      out += value[i];
      continue;
    }
    if (i + 2 >= value.size()) {
      return Fail(EPROTO, "decode probe record", "truncated escape in '" + std::string(value) + "'");
    }
    int hi = HexValue(value[i + 1]);
    int lo = HexValue(value[i + 2]);
    if (hi < 0 || lo < 0) {
      return Fail(EPROTO, "decode probe record", "bad escape in '" + std::string(value) + "'");
    }
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

std::string Format(const Record& record) {
  std::string line = record.kind;
  if (!record.id.empty()) line += ' ' + Escape(record.id);
  for (const auto& [key, value] : record.fields) line += ' ' + key + '=' + Escape(value);
  return line;
}

Result<Record> Parse(std::string_view line) {
  Record record;
  size_t pos = 0;
  bool first = true;
  while (pos <= line.size()) {
    size_t end = line.find(' ', pos);
    if (end == std::string_view::npos) end = line.size();
    std::string_view token = line.substr(pos, end - pos);
    pos = end + 1;
    if (token.empty()) {
      return Fail(EPROTO, "parse probe record", "empty field in '" + std::string(line) + "'");
    }
    if (first) {
      record.kind = std::string(token);
      first = false;
      if (record.kind == "probe") {
        size_t id_end = line.find(' ', pos);
        if (id_end == std::string_view::npos) id_end = line.size();
        std::string_view id = line.substr(pos, id_end - pos);
        if (id.empty() || id.find('=') != std::string_view::npos) {
          return Fail(EPROTO, "parse probe record", "probe record without id: '" + std::string(line) + "'");
        }
        record.id = std::string(id);
        pos = id_end + 1;
      }
      continue;
    }
    size_t eq = token.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return Fail(EPROTO, "parse probe record", "field without key=value: '" + std::string(token) + "'");
    }
    Result<std::string> value = Unescape(token.substr(eq + 1));
    if (!value) return std::unexpected(value.error());
    record.fields.emplace_back(std::string(token.substr(0, eq)), std::move(*value));
  }
  if (record.kind.empty()) return Fail(EPROTO, "parse probe record", "empty line");
  return record;
}

}  // namespace nsm::protocol
