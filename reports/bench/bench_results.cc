#include "reports/bench/bench_results.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "harness/common/io.h"
#include "harness/common/strings.h"

namespace nsm {
namespace {

using nlohmann::json;

// Name parts the library appends that are not the benchmark's argument.
bool IsLibrarySuffix(std::string_view part) {
  return part == "real_time" || part == "manual_time" || part == "process_time" ||
         part.starts_with("threads:") || part.starts_with("repeats:") ||
         part.starts_with("min_time:") || part.starts_with("iterations:");
}

// Members of a run object that are not user counters.
const std::set<std::string, std::less<>>& StandardKeys() {
  static const std::set<std::string, std::less<>> kKeys = {"name",
                                                           "family_index",
                                                           "per_family_instance_index",
                                                           "run_name",
                                                           "run_type",
                                                           "repetitions",
                                                           "repetition_index",
                                                           "threads",
                                                           "iterations",
                                                           "real_time",
                                                           "cpu_time",
                                                           "time_unit",
                                                           "aggregate_name",
                                                           "aggregate_unit",
                                                           "error_occurred",
                                                           "error_message",
                                                           "label",
                                                           "big_o",
                                                           "rms",
                                                           "complexity"};
  return kKeys;
}

std::optional<double> SecondsPerUnit(std::string_view unit) {
  if (unit == "ns") return 1e-9;
  if (unit == "us") return 1e-6;
  if (unit == "ms") return 1e-3;
  if (unit == "s") return 1.0;
  return std::nullopt;
}

std::string StringOr(const json& obj, const char* key, std::string fallback = {}) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : fallback;
}

BenchContext ReadContext(const json& doc) {
  BenchContext context;
  auto it = doc.find("context");
  if (it == doc.end() || !it->is_object()) return context;
  const json& ctx = *it;
  context.date = StringOr(ctx, "date");
  context.host = StringOr(ctx, "host_name");
  context.kernel = StringOr(ctx, "kernel");
  context.executable = StringOr(ctx, "executable");
  if (auto cpus = ctx.find("num_cpus"); cpus != ctx.end() && cpus->is_number_integer())
    context.cpus = cpus->get<int>();
  for (const auto& [key, value] : ctx.items()) {
    if (value.is_string() && key != "date" && key != "host_name" && key != "kernel" &&
        key != "executable") {
      context.extra[key] = value.get<std::string>();
    }
  }
  return context;
}

Result<RunRecord> ReadRun(const json& run, size_t index) {
  const std::string where = "benchmarks[" + std::to_string(index) + "]";
  auto bad = [&](const std::string& what) {
    return Fail(EINVAL, where + ": " + what, "read benchmark JSON");
  };
  if (!run.is_object()) return bad("not an object");
  RunRecord record;
  record.name = StringOr(run, "run_name", StringOr(run, "name"));
  if (record.name.empty()) return bad("no run_name or name");
  std::string type = StringOr(run, "run_type", "iteration");
  if (type != "iteration" && type != "aggregate") return bad("unknown run_type '" + type + "'");
  record.aggregate = type == "aggregate";
  record.aggregate_name = StringOr(run, "aggregate_name");
  if (record.aggregate && record.aggregate_name.empty()) return bad("aggregate without a name");
  record.label = StringOr(run, "label");
  if (auto threads = run.find("threads"); threads != run.end()) {
    if (!threads->is_number_integer() || threads->get<long long>() < 1 ||
        threads->get<long long>() > 4096) {
      return bad("threads is not a positive integer");
    }
    record.threads = threads->get<int>();
  }
  if (auto error = run.find("error_occurred");
      error != run.end() && error->is_boolean() && error->get<bool>()) {
    record.error = StringOr(run, "error_message", "failed without a message");
    if (record.error->empty()) record.error = "failed without a message";
    return record;
  }
  auto time = run.find("real_time");
  if (time == run.end() || !time->is_number() || !std::isfinite(time->get<double>()) ||
      time->get<double>() < 0) {
    return bad("real_time is not a finite non-negative number");
  }
  std::string unit = StringOr(run, "time_unit", "ns");
  std::optional<double> scale = SecondsPerUnit(unit);
  if (!scale) return bad("unknown time_unit '" + unit + "'");
  // Percentage aggregates (cv) carry a fraction, not a time.
  bool percentage = StringOr(run, "aggregate_unit") == "percentage";
  record.seconds = percentage ? time->get<double>() : time->get<double>() * *scale;
  for (const auto& [key, value] : run.items()) {
    if (StandardKeys().contains(key) || !value.is_number()) continue;
    double v = value.get<double>();
    if (!std::isfinite(v)) return bad("counter " + key + " is not finite");
    record.counters[key] = v;
  }
  return record;
}

}  // namespace

BenchName SplitBenchName(std::string_view run_name) {
  std::vector<std::string_view> parts = Split(run_name, '/');
  BenchName name;
  if (parts.empty()) return name;
  name.family = std::string(parts[0]);
  for (size_t i = 1; i < parts.size(); ++i) {
    if (!IsLibrarySuffix(parts[i])) {
      name.subject = std::string(parts[i]);
      break;
    }
  }
  return name;
}

const BenchEntry* BenchResults::Find(std::string_view name) const {
  for (const BenchEntry& entry : entries) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

const BenchEntry* BenchResults::Find(std::string_view family, std::string_view subject,
                                     int threads) const {
  for (const BenchEntry& entry : entries) {
    if (entry.family == family && entry.subject == subject && entry.threads == threads)
      return &entry;
  }
  return nullptr;
}

bool BenchResults::AnyFailed() const {
  for (const BenchEntry& entry : entries) {
    if (entry.Failed()) return true;
  }
  return false;
}

void BenchResultsBuilder::Add(const RunRecord& record) {
  auto it = index_.find(record.name);
  if (it == index_.end()) {
    BenchName split = SplitBenchName(record.name);
    BenchEntry entry;
    entry.name = record.name;
    entry.family = split.family;
    entry.subject = split.subject;
    entry.threads = record.threads;
    it = index_.emplace(record.name, entries_.size()).first;
    entries_.push_back(std::move(entry));
  }
  BenchEntry& entry = entries_[it->second];
  if (entry.label.empty()) entry.label = record.label;
  if (record.error) {
    if (entry.error.empty()) entry.error = *record.error;
    return;
  }
  if (!record.aggregate) {
    entry.seconds.push_back(record.seconds);
    for (const auto& [key, value] : record.counters) entry.counters[key].push_back(value);
  } else if (record.aggregate_name == "median") {
    entry.aggregate_median = record.seconds;
    entry.aggregate_counter_medians = record.counters;
  } else if (record.aggregate_name == "mean") {
    entry.aggregate_mean = record.seconds;
  } else if (record.aggregate_name == "stddev") {
    entry.aggregate_stddev = record.seconds;
  }
}

BenchResults BenchResultsBuilder::Take(BenchContext context) {
  BenchResults results{std::move(context), std::move(entries_)};
  entries_.clear();
  index_.clear();
  return results;
}

Result<BenchResults> ParseBenchJson(std::string_view text) {
  // Google Benchmark's output is a few levels deep; anything deeper is not it.
  constexpr int kMaxDepth = 16;
  bool too_deep = false;
  json::parser_callback_t limit = [&](int depth, json::parse_event_t, json&) {
    if (depth > kMaxDepth) too_deep = true;
    return !too_deep;
  };
  json doc = json::parse(text, limit, /*allow_exceptions=*/false);
  if (too_deep) {
    return Fail(EINVAL, "nested deeper than " + std::to_string(kMaxDepth) + " levels",
                "read benchmark JSON");
  }
  if (doc.is_discarded()) return Fail(EINVAL, "not valid JSON", "read benchmark JSON");
  if (!doc.is_object()) return Fail(EINVAL, "not a JSON object", "read benchmark JSON");
  auto benchmarks = doc.find("benchmarks");
  if (benchmarks == doc.end() || !benchmarks->is_array()) {
    return Fail(EINVAL, "no \"benchmarks\" array", "read benchmark JSON",
                "was it written with --benchmark_out_format=json?");
  }
  if (benchmarks->empty()) return Fail(EINVAL, "no benchmark ran", "read benchmark JSON");
  BenchResultsBuilder builder;
  for (size_t i = 0; i < benchmarks->size(); ++i) {
    Result<RunRecord> record = ReadRun((*benchmarks)[i], i);
    if (!record) return std::unexpected(record.error());
    builder.Add(*record);
  }
  return builder.Take(ReadContext(doc));
}

Result<BenchResults> LoadBenchJson(const std::string& path) {
  Result<std::string> text = ReadFile(path);
  if (!text) {
    Error error = text.error();
    error.hint.clear();  // the namespace hints are no help for a file
    return std::unexpected(std::move(error));
  }
  Result<BenchResults> results = ParseBenchJson(*text);
  if (!results) return std::unexpected(std::move(results.error()).Wrap(path));
  return results;
}

}  // namespace nsm
