#include "harness/judge/probe_output.h"

#include <algorithm>

#include "harness/common/strings.h"

namespace nsm {

namespace {

// A stream that breaks the protocol cannot be trusted at all: no record of it
// is judged. (A stream that merely stops, as a crash does, keeps its complete lines.)
ProbeOutput Broken(std::string why) {
  ProbeOutput out;
  out.stream_error = std::move(why);
  return out;
}

}  // namespace

ProbeOutput ParseProbeOutput(std::string_view text, const std::vector<std::string>& requested) {
  ProbeOutput out;
  if (text.empty()) {
    out.stream_error = "the probe wrote nothing";
    return out;
  }
  // A line without its newline was cut off (crash, truncation): never parse it.
  bool ended_with_newline = text.back() == '\n';
  std::vector<std::string_view> lines = Split(text, '\n');
  lines.pop_back();
  bool hello = false;
  bool end = false;
  for (std::string_view line : lines) {
    if (end) {
      return Broken("output after the end record");
    }
    Result<protocol::Record> record = protocol::Parse(line);
    if (!record) {
      return Broken("garbled output: " + record.error().context);
    }
    if (!hello) {
      if (record->kind != protocol::kHello) {
        return Broken("output does not start with " + std::string(protocol::kHello));
      }
      hello = true;
    } else if (record->kind == "probe") {
      if (std::find(requested.begin(), requested.end(), record->id) == requested.end()) {
        return Broken("record for a probe that was not requested: " + record->id);
      }
      if (out.records.contains(record->id)) {
        return Broken("two records for " + record->id);
      }
      std::string id = record->id;
      out.records.emplace(std::move(id), std::move(*record));
    } else if (record->kind == "end") {
      if (record->GetInt("probes") != static_cast<long long>(out.records.size())) {
        return Broken("end record counts a different number of probes");
      }
      end = true;
    } else {
      return Broken("unknown record kind '" + record->kind + "'");
    }
  }
  if (!ended_with_newline) {
    out.stream_error = "output ends in the middle of a line";
  } else if (!end) {
    out.stream_error = "no end record: the probe stopped before it finished";
  }
  return out;
}

}  // namespace nsm
