#include "harness/common/protocol.h"

#include <charconv>

namespace nsm::protocol {
namespace {

bool NeedsEscape(unsigned char c) {
  return c <= ' ' || c == '%' || c == '=' || c >= 0x7f;
}

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
      return Fail(EPROTO, "decode probe record",
                  "truncated escape in '" + std::string(value) + "'");
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
  // Tokens are separated by single spaces; an empty token means a malformed line.
  std::vector<std::string_view> tokens;
  size_t pos = 0;
  while (true) {
    size_t space = line.find(' ', pos);
    tokens.push_back(
        line.substr(pos, space == std::string_view::npos ? std::string_view::npos : space - pos));
    if (space == std::string_view::npos) break;
    pos = space + 1;
  }
  auto bad = [&](const std::string& what) {
    return Fail(EPROTO, "parse probe record",
                what + ": '" + std::string(line.substr(0, 200)) + "'");
  };
  for (std::string_view token : tokens) {
    if (token.empty()) return bad("empty field");
  }
  Record record;
  record.kind = std::string(tokens[0]);
  size_t first_field = 1;
  if (record.kind == "probe") {
    if (tokens.size() < 2 || tokens[1].find('=') != std::string_view::npos)
      return bad("probe record without id");
    record.id = std::string(tokens[1]);
    first_field = 2;
  }
  for (size_t i = first_field; i < tokens.size(); ++i) {
    size_t eq = tokens[i].find('=');
    if (eq == std::string_view::npos || eq == 0) return bad("field without key=value");
    Result<std::string> value = Unescape(tokens[i].substr(eq + 1));
    if (!value) return std::unexpected(value.error());
    record.fields.emplace_back(std::string(tokens[i].substr(0, eq)), std::move(*value));
  }
  return record;
}

}  // namespace nsm::protocol
