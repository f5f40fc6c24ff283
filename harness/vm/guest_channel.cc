#include "harness/vm/guest_channel.h"

#include <array>
#include <charconv>

#include "harness/common/strings.h"
#include "harness/vm/cpio.h"
#include "harness/vm/sha256.h"

namespace nsm {
namespace {

// Decodes one line of base64 onto `out`; false on a character outside the alphabet.
bool AppendBase64(std::string_view line, std::string& out) {
  static const std::array<int8_t, 256> kValue = [] {
    std::array<int8_t, 256> v{};
    v.fill(-1);
    const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < 64; ++i)
      v[static_cast<unsigned char>(alphabet[i])] = static_cast<int8_t>(i);
    return v;
  }();
  if (line.size() % 4 != 0) return false;
  for (size_t i = 0; i < line.size(); i += 4) {
    int pad = 0;
    uint32_t group = 0;
    for (size_t j = 0; j < 4; ++j) {
      char c = line[i + j];
      int value = 0;
      if (c == '=' && i + 4 == line.size() && j >= 2) {
        ++pad;
      } else if (pad > 0 || (value = kValue[static_cast<unsigned char>(c)]) < 0) {
        return false;
      }
      group = group << 6 | static_cast<uint32_t>(value);
    }
    out += static_cast<char>(group >> 16);
    if (pad < 2) out += static_cast<char>(group >> 8 & 0xff);
    if (pad < 1) out += static_cast<char>(group & 0xff);
  }
  return true;
}

std::optional<long> ParseNumber(std::string_view text) {
  long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

Error ChannelError(size_t line_no, std::string what) {
  return Fail(0, "read the VM's result channel",
              "line " + std::to_string(line_no) + ": " + std::move(what),
              "the results did not arrive intact; run again, and report a bug if it repeats")
      .error();
}

struct OpenFile {
  std::string name;
  size_t bytes = 0;
  std::string sha256;
  std::string data;
};

}  // namespace

Result<GuestResults> ParseGuestChannel(std::string_view stream, size_t file_limit) {
  GuestResults results;
  std::optional<OpenFile> open;
  size_t line_no = 0;
  for (std::string_view raw : Split(stream, '\n')) {
    ++line_no;
    std::string_view line = raw;
    while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    std::vector<std::string_view> words = Split(line, ' ');
    if (open) {
      if (words[0] == "NSM-END") {
        if (words.size() != 2 || words[1] != open->name) {
          return std::unexpected(ChannelError(line_no, "end of " + open->name + " expected"));
        }
        if (open->data.size() != open->bytes) {
          return std::unexpected(
              ChannelError(line_no, open->name + ": " + std::to_string(open->data.size()) +
                                        " bytes of " + std::to_string(open->bytes) + " arrived"));
        }
        if (Sha256Hex(open->data) != open->sha256) {
          return std::unexpected(ChannelError(line_no, open->name + ": sha256 does not match"));
        }
        Result<std::string> text = Gunzip(open->data, file_limit);
        if (!text) {
          return std::unexpected(ChannelError(line_no, open->name + ": " + text.error().context));
        }
        results.files[open->name] = std::move(*text);
        open.reset();
      } else if (!AppendBase64(line, open->data) || open->data.size() > open->bytes) {
        return std::unexpected(ChannelError(line_no, open->name + ": not the base64 announced"));
      }
      continue;
    }
    if (results.run_exit) {
      return std::unexpected(ChannelError(line_no, "a line after NSM-EXIT, which must be last"));
    }
    if (words[0] == "NSM-FILE") {
      std::optional<long> bytes = words.size() == 4 ? ParseNumber(words[2]) : std::nullopt;
      if (!bytes || words[3].size() != 64 || words[1].empty()) {
        return std::unexpected(ChannelError(line_no, "malformed NSM-FILE line"));
      }
      if (results.files.contains(std::string(words[1]))) {
        return std::unexpected(ChannelError(line_no, std::string(words[1]) + " sent twice"));
      }
      open =
          OpenFile{std::string(words[1]), static_cast<size_t>(*bytes), std::string(words[3]), {}};
    } else if (words[0] == "NSM-EXIT" && words.size() == 3 && words[1].starts_with("kernel=") &&
               words[2].starts_with("run=")) {
      std::optional<long> kernel = ParseNumber(words[1].substr(7));
      std::optional<long> run = ParseNumber(words[2].substr(4));
      if (!kernel || !run) return std::unexpected(ChannelError(line_no, "malformed NSM-EXIT"));
      results.kernel_exit = static_cast<int>(*kernel);
      results.run_exit = static_cast<int>(*run);
    } else {
      return std::unexpected(ChannelError(line_no, "unexpected line outside a file"));
    }
  }
  if (open) {
    return std::unexpected(ChannelError(line_no, open->name + " was cut off (no NSM-END)"));
  }
  return results;
}

std::string GuestEmitFunction(std::string_view device) {
  std::string out =
      "# emit NAME PATH: PATH gzipped, in base64, between NSM-FILE and NSM-END.\n"
      "emit() {\n"
      "  [ -s \"$2\" ] || return 0\n"
      "  gzip -c \"$2\" > /tmp/emit.gz || return 0\n"
      "  {\n"
      "    echo \"NSM-FILE $1 $(wc -c < /tmp/emit.gz) $(sha256sum /tmp/emit.gz | cut -d' ' -f1)\"\n"
      "    base64 /tmp/emit.gz\n"
      "    echo \"NSM-END $1\"\n"
      "  } > @DEVICE@\n"
      "}\n";
  return std::string(out.replace(out.find("@DEVICE@"), 8, device));
}

}  // namespace nsm
