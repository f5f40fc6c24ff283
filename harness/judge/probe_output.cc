#include "harness/judge/probe_output.h"

#include <algorithm>

#include "harness/common/strings.h"

namespace nsm {

ProbeOutput ParseProbeOutput(std::string_view text, const std::vector<std::string>& requested) {
  ProbeOutput out;
  if (text.empty()) {
    out.stream_error = "the probe wrote nothing";
    return out;
  }
  bool ended_with_newline = text.back() == '\n';
  std::vector<std::string_view> lines = Split(text, '\n');
  if (ended_with_newline) lines.pop_back();
  bool hello = false;
  bool end = false;
  for (std::string_view line : lines) {
    if (end) {
      out.stream_error = "output after the end record";
      return out;
    }
    Result<protocol::Record> record = protocol::Parse(line);
    if (!record) {
      out.stream_error = "garbled output: " + record.error().context;
      return out;
    }
    if (!hello) {
      if (record->kind != protocol::kHello) {
        out.stream_error = "output does not start with " + std::string(protocol::kHello);
        return out;
      }
      hello = true;
    } else if (record->kind == "probe") {
      if (std::find(requested.begin(), requested.end(), record->id) == requested.end()) {
        out.stream_error = "record for a probe that was not requested: " + record->id;
        return out;
      }
      if (out.records.contains(record->id)) {
        out.stream_error = "two records for " + record->id;
        return out;
      }
      std::string id = record->id;
      out.records.emplace(std::move(id), std::move(*record));
    } else if (record->kind == "end") {
      if (record->GetInt("probes") != static_cast<long long>(out.records.size())) {
        out.stream_error = "end record counts a different number of probes";
        return out;
      }
      end = true;
    } else {
      out.stream_error = "unknown record kind '" + record->kind + "'";
      return out;
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
