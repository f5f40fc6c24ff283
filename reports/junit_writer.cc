#include "reports/junit_writer.h"

#include <cstdio>
#include <ctime>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "reports/document_view.h"
#include "reports/json_access.h"
#include "reports/visible_text.h"

namespace nsm {
namespace {

using nlohmann::json;
namespace ja = json_access;

// The length of the well-formed UTF-8 sequence at the start of `text` and its code
// point, or 0 when it is malformed (overlong, surrogate, truncated, out of range).
size_t DecodeUtf8(std::string_view text, char32_t* cp) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char b0 = byte(0);
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  size_t len;
  unsigned char lo = 0x80, hi = 0xbf;  // bounds of the second byte
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    len = 2;
    *cp = b0 & 0x1f;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    len = 3;
    *cp = b0 & 0x0f;
    if (b0 == 0xe0) lo = 0xa0;
    if (b0 == 0xed) hi = 0x9f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    len = 4;
    *cp = b0 & 0x07;
    if (b0 == 0xf0) lo = 0x90;
    if (b0 == 0xf4) hi = 0x8f;
  } else {
    return 0;
  }
  if (text.size() < len) return 0;
  for (size_t i = 1; i < len; ++i) {
    unsigned char b = byte(i);
    if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xbf)) return 0;
    *cp = (*cp << 6) | (b & 0x3f);
  }
  return len;
}

bool IsXmlChar(char32_t cp) {
  return cp == 0x9 || cp == 0xa || cp == 0xd || (cp >= 0x20 && cp <= 0xd7ff) ||
         (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

std::string Attr(std::string_view text) {
  return EscapeXml(text, /*attribute=*/true);
}

// generated_at ("2026-11-30T12:00:00Z", "...T14:00:00.5+02:00") as the Ant schema's
// timestamp: UTC, whole seconds, no zone. A time without a zone is kept as it is.
std::optional<std::string> AntTimestamp(const std::string& text) {
  int year, month, day, hour, minute, second, consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &month, &day, &hour, &minute,
                  &second, &consumed) != 6 ||
      consumed != 19) {
    return std::nullopt;
  }
  std::string_view rest = std::string_view(text).substr(19);
  if (!rest.empty() && rest[0] == '.') {
    size_t digits = rest.find_first_not_of("0123456789", 1);
    if (digits == 1) return std::nullopt;
    rest.remove_prefix(digits == std::string_view::npos ? rest.size() : digits);
  }
  long offset_seconds = 0;
  if (rest == "Z" || rest == "z") {
    // UTC already.
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    int off_hour, off_minute;
    std::string zone(rest.substr(1));
    if (std::sscanf(zone.c_str(), "%2d:%2d", &off_hour, &off_minute) != 2) return std::nullopt;
    offset_seconds = (off_hour * 60L + off_minute) * 60L * (rest[0] == '-' ? -1 : 1);
  } else if (!rest.empty()) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  time_t t = timegm(&tm) - offset_seconds;
  std::tm utc{};
  if (!gmtime_r(&t, &utc)) return std::nullopt;
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%S", &utc);
  return std::string(buffer);
}

std::string Seconds(const json& doc) {
  const json* value = ja::Find(doc, "duration_seconds");
  double seconds = value && value->is_number() ? value->get<double>() : 0.0;
  if (!(seconds >= 0.0)) seconds = 0.0;
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.3f", seconds);
  return buffer;
}

std::string Property(const std::string& name, const std::string& value) {
  return "      <property name=\"" + Attr(name) + "\" value=\"" + Attr(value) + "\"/>\n";
}

}  // namespace

std::string EscapeXml(std::string_view text, bool attribute) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    char32_t cp = 0;
    size_t len = DecodeUtf8(text, &cp);
    if (len == 0) {
      out += "\xef\xbf\xbd";  // U+FFFD REPLACEMENT CHARACTER
      text.remove_prefix(1);
      continue;
    }
    std::string_view sequence = text.substr(0, len);
    text.remove_prefix(len);
    if (!IsXmlChar(cp)) continue;
    if (AppendStandIn(sequence, 0, out) != 0) continue;  // DEL, C1, bidirectional controls
    switch (cp) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        break;
      case '\n':
        out += attribute ? "&#10;" : "\n";
        break;
      case '\r':
        out += "&#13;";  // a literal CR would be normalised away everywhere
        break;
      default:
        out += sequence;
    }
  }
  return out;
}

std::string RenderJUnit(const json& doc) {
  const json& cells = ja::Array(doc, "cells");
  long long failures = 0, errors = 0, skipped = 0;
  std::string cases;
  std::map<std::pair<std::string, std::string>, int> seen;
  for (const json& cell : cells) {
    std::string probe = ja::Text(cell, "probe");
    std::string name = ja::Text(cell, "combination");
    if (int n = ++seen[{probe, name}]; n > 1) name += " #" + std::to_string(n);
    std::string verdict = ja::String(cell, "verdict");
    std::string outcome = ja::Text(cell, "outcome");
    std::string detail = ja::String(cell, "detail");
    cases +=
        "    <testcase classname=\"" + Attr(probe) + "\" name=\"" + Attr(name) + "\" time=\"0\"";
    if (verdict == "fail") {
      ++failures;
      std::string message = "expected " + ja::Text(cell, "expected") + ", observed " + outcome +
                            (detail.empty() ? "" : ": " + detail);
      cases += ">\n      <failure message=\"" + Attr(message) + "\" type=\"" +
               (outcome == "error" ? "error" : "fail") + "\">" + EscapeXml(detail, false) +
               "</failure>\n    </testcase>\n";
    } else if (verdict == "skip") {
      ++skipped;
      std::string message = outcome + (detail.empty() ? "" : ": " + detail);
      cases += ">\n      <skipped message=\"" + Attr(message) + "\"/>\n    </testcase>\n";
    } else if (verdict == "pass") {
      cases += "/>\n";
    } else {
      ++errors;
      std::string message = "verdict " + ja::Text(cell, "verdict") +
                            " is not pass, fail or skip (outcome " + outcome + ")";
      cases += ">\n      <error message=\"" + Attr(message) + "\" type=\"unknown-verdict\"/>\n" +
               "    </testcase>\n";
    }
  }
  // The headline every report shows (document_view.h): a run that tested
  // nothing, or failed only by its summary's count, has no failing test case
  // of its own, so one more says so and JUnit is not green where it is not.
  long long tests = static_cast<long long>(cells.size());
  Headline headline = HeadlineOf(CountTotals(doc));
  if (headline.verdict != RunVerdict::kPassed && failures == 0 && errors == 0) {
    ++tests;
    ++failures;
    cases +=
        "    <testcase classname=\"nsmatrix\" name=\"run\" time=\"0\">\n"
        "      <failure message=\"" +
        Attr(headline.word + ": " + headline.text) + "\" type=\"" +
        (headline.verdict == RunVerdict::kNothingTested ? "nothing-tested" : "summary-fail") +
        "\"/>\n    </testcase>\n";
  }
  const json& host = ja::Object(doc, "host");
  const json& options = ja::Object(doc, "options");
  std::string counts = " tests=\"" + std::to_string(tests) + "\" failures=\"" +
                       std::to_string(failures) + "\" errors=\"" + std::to_string(errors) +
                       "\" skipped=\"" + std::to_string(skipped) + "\" time=\"" + Seconds(doc) +
                       "\"";
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites>\n";  // the Ant schema gives it no attributes
  out += "  <testsuite name=\"nsmatrix\" package=\"nsmatrix\" id=\"0\"" + counts;
  if (auto timestamp = AntTimestamp(ja::String(doc, "generated_at"))) {
    out += " timestamp=\"" + Attr(*timestamp) + "\"";
  }
  out += " hostname=\"" + Attr(ja::Text(host, "hostname")) + "\">\n";
  out += "    <properties>\n";
  out += Property("kernel_release", ja::Text(host, "kernel_release"));
  out += Property("architecture", ja::Text(host, "architecture"));
  out += Property("mode", ja::Text(host, "mode"));
  out += Property("userns_map", ja::Text(options, "userns_map"));
  out += Property("rootfs", ja::Text(options, "rootfs"));
  out += Property("nsmatrix_version", ja::Text(ja::Object(doc, "tool"), "version"));
  out += "    </properties>\n";
  out += cases;
  out += "    <system-out/>\n    <system-err/>\n";
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace nsm
