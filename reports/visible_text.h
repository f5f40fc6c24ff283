// Text a container may have written (a probe's detail, a path it reported),
// shown to people: in a browser, a Markdown viewer or a terminal, an
// invisible character must not change what the rest of the text says.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace nsm {

// If text[i] starts a character that must not reach a reader as it is, appends
// its stand-in to `out` and returns how many bytes of `text` it replaces, else
// returns 0 and appends nothing:
// - a C0 control other than tab, CR and LF (which callers treat), or DEL: its
//   visible control picture (U+2400 + c, U+2421 for DEL);
// - a C1 control (U+0080..U+009F, which a terminal may obey as CSI and the
//   like), a bidirectional mark, embedding, override or isolate (U+061C,
//   U+200E, U+200F, U+202A..U+202E, U+2066..U+2069, which reorder the text
//   around them, so a hostile detail could make "leaked" read as something
//   else) and a line or paragraph separator (U+2028, U+2029): U+FFFD.
size_t AppendStandIn(std::string_view text, size_t i, std::string& out);

}  // namespace nsm
