#include "reports/visible_text.h"

namespace nsm {
namespace {

constexpr std::string_view kReplacement = "\xef\xbf\xbd";  // U+FFFD

void AppendThreeByteUtf8(unsigned int code_point, std::string& out) {
  out += static_cast<char>(0xe0 | (code_point >> 12));
  out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3f));
  out += static_cast<char>(0x80 | (code_point & 0x3f));
}

}  // namespace

size_t AppendStandIn(std::string_view text, size_t i, std::string& out) {
  auto byte = [&](size_t at) { return static_cast<unsigned char>(text[at]); };
  unsigned char c = byte(i);
  if (c == '\t' || c == '\n' || c == '\r') return 0;
  if (c < 0x20 || c == 0x7f) {
    AppendThreeByteUtf8(c == 0x7f ? 0x2421 : 0x2400 + c, out);
    return 1;
  }
  if (c == 0xc2 && i + 1 < text.size() && byte(i + 1) >= 0x80 && byte(i + 1) <= 0x9f) {
    out += kReplacement;
    return 2;
  }
  if (c == 0xd8 && i + 1 < text.size() && byte(i + 1) == 0x9c) {  // U+061C ARABIC LETTER MARK
    out += kReplacement;
    return 2;
  }
  if (c == 0xe2 && i + 2 < text.size()) {
    unsigned char b1 = byte(i + 1);
    unsigned char b2 = byte(i + 2);
    bool marks = b1 == 0x80 && (b2 == 0x8e || b2 == 0x8f);       // U+200E, U+200F
    bool separators = b1 == 0x80 && (b2 == 0xa8 || b2 == 0xa9);  // U+2028, U+2029
    bool embeddings = b1 == 0x80 && b2 >= 0xaa && b2 <= 0xae;    // U+202A..U+202E
    bool isolates = b1 == 0x81 && b2 >= 0xa6 && b2 <= 0xa9;      // U+2066..U+2069
    if (marks || separators || embeddings || isolates) {
      out += kReplacement;
      return 3;
    }
  }
  return 0;
}

}  // namespace nsm
