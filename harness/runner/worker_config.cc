#include "harness/runner/worker_config.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <optional>
#include <set>

#include "harness/common/strings.h"

namespace nsm {
namespace {

constexpr std::string_view kIndex = "index", kProbeExe = "probe-exe", kProbes = "probes",
                           kUsernsMap = "userns-map", kTimeoutMs = "timeout-ms",
                           kTimeViaUnshare = "time-via-unshare", kPropagation = "propagation",
                           kRootfs = "rootfs", kCgroupCell = "cgroup-cell",
                           kCgroupUnavailable = "cgroup-unavailable",
                           kSandboxWithout = "sandbox-without", kRuntime = "runtime",
                           kRuntimePath = "runtime-path", kContainerPrefix = "container-prefix";
constexpr std::string_view kKeys[] = {kIndex,       kProbeExe,          kProbes,         kUsernsMap,
                                      kTimeoutMs,   kTimeViaUnshare,    kPropagation,    kRootfs,
                                      kCgroupCell,  kCgroupUnavailable, kSandboxWithout, kRuntime,
                                      kRuntimePath, kContainerPrefix};

Status Bad(std::string_view key, const std::string& why) {
  return Fail(EPROTO, "worker config", std::string(key) + ": " + why);
}

// Reads the record's fields, each at most once, and knows which were there.
class Fields {
 public:
  explicit Fields(const protocol::Record& record) : record_(record) {}

  Status CheckKeys() const {
    std::set<std::string_view> seen;
    for (const auto& [key, value] : record_.fields) {
      if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys))
        return Bad(key, "unknown key");
      if (!seen.insert(key).second) return Bad(key, "given twice");
    }
    return {};
  }

  Result<std::string> Required(std::string_view key) const {
    std::optional<std::string_view> value = record_.Get(key);
    if (!value) return std::unexpected(Bad(key, "missing").error());
    return std::string(*value);
  }
  std::string Optional(std::string_view key) const {
    return std::string(record_.Get(key).value_or(""));
  }

  Result<long long> Integer(std::string_view key, long long min, long long max) const {
    Result<std::string> text = Required(key);
    if (!text) return std::unexpected(text.error());
    long long value = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc() || end != text->data() + text->size() || value < min || value > max) {
      return std::unexpected(Bad(key, "'" + *text + "' is not an integer from " +
                                          std::to_string(min) + " to " + std::to_string(max))
                                 .error());
    }
    return value;
  }

  // An enum from its one spelling (Parse* says what it takes).
  template <typename Parse>
  auto Enum(std::string_view key, Parse parse) const -> decltype(parse(std::string_view())) {
    Result<std::string> text = Required(key);
    if (!text) return std::unexpected(text.error());
    auto value = parse(*text);
    if (!value) return std::unexpected(Bad(key, value.error().context).error());
    return value;
  }

 private:
  const protocol::Record& record_;
};

}  // namespace

protocol::Record EncodeWorkerConfig(const WorkerConfig& config) {
  protocol::Record record{std::string(kWorkerConfigKind), "", {}};
  record.Add(std::string(kIndex), config.index)
      .Add(std::string(kProbeExe), config.probe_path)
      .Add(std::string(kProbes), Join(config.probes, ","))
      .Add(std::string(kUsernsMap), std::string(Name(config.userns_map)))
      .Add(std::string(kTimeoutMs), static_cast<long long>(config.timeout.count()))
      .Add(std::string(kTimeViaUnshare), config.time_via_unshare ? 1 : 0)
      .Add(std::string(kPropagation), std::string(Name(config.propagation)))
      .Add(std::string(kSandboxWithout), config.sandbox_without.ToString())
      .Add(std::string(kRuntime), std::string(Name(config.runtime)));
  if (!config.rootfs.empty()) record.Add(std::string(kRootfs), config.rootfs);
  if (!config.cgroup_cell.empty()) record.Add(std::string(kCgroupCell), config.cgroup_cell);
  if (!config.cgroup_unavailable.empty())
    record.Add(std::string(kCgroupUnavailable), config.cgroup_unavailable);
  if (!config.runtime_path.empty()) record.Add(std::string(kRuntimePath), config.runtime_path);
  if (!config.container_prefix.empty())
    record.Add(std::string(kContainerPrefix), config.container_prefix);
  return record;
}

Result<WorkerConfig> DecodeWorkerConfig(const protocol::Record& record) {
  if (record.kind != kWorkerConfigKind || !record.id.empty()) {
    return Fail(EPROTO, "worker config",
                "expected a '" + std::string(kWorkerConfigKind) + "' record first, got '" +
                    record.kind + "'");
  }
  Fields fields(record);
  if (Status s = fields.CheckKeys(); !s) return std::unexpected(s.error());
  WorkerConfig config;

  Result<long long> index = fields.Integer(kIndex, 0, 1 << 20);
  if (!index) return std::unexpected(index.error());
  config.index = static_cast<int>(*index);

  Result<std::string> probe_path = fields.Required(kProbeExe);
  if (!probe_path) return std::unexpected(probe_path.error());
  if (probe_path->empty()) return std::unexpected(Bad(kProbeExe, "empty").error());
  config.probe_path = *probe_path;

  Result<std::string> probes = fields.Required(kProbes);
  if (!probes) return std::unexpected(probes.error());
  for (std::string_view id : Split(*probes, ',')) {
    if (id.empty()) return std::unexpected(Bad(kProbes, "an empty probe id").error());
    config.probes.emplace_back(id);
  }
  if (config.probes.empty()) return std::unexpected(Bad(kProbes, "no probes").error());

  Result<UsernsMap> map = fields.Enum(kUsernsMap, ParseUsernsMap);
  if (!map) return std::unexpected(map.error());
  config.userns_map = *map;

  Result<long long> timeout = fields.Integer(kTimeoutMs, 1, 24LL * 3600 * 1000);
  if (!timeout) return std::unexpected(timeout.error());
  config.timeout = std::chrono::milliseconds(*timeout);

  Result<long long> via_unshare = fields.Integer(kTimeViaUnshare, 0, 1);
  if (!via_unshare) return std::unexpected(via_unshare.error());
  config.time_via_unshare = *via_unshare == 1;

  Result<Propagation> propagation = fields.Enum(kPropagation, ParsePropagation);
  if (!propagation) return std::unexpected(propagation.error());
  config.propagation = *propagation;

  Result<NsSet> without = fields.Enum(kSandboxWithout, NsSet::Parse);
  if (!without) return std::unexpected(without.error());
  config.sandbox_without = *without;

  Result<RuntimeKind> runtime = fields.Enum(kRuntime, ParseRuntime);
  if (!runtime) return std::unexpected(runtime.error());
  config.runtime = *runtime;
  config.runtime_path = fields.Optional(kRuntimePath);
  if (config.runtime != RuntimeKind::native &&
      (config.runtime_path.empty() || config.runtime_path[0] != '/')) {
    return std::unexpected(Bad(kRuntimePath, "runtime " + std::string(Name(config.runtime)) +
                                                 " needs an absolute path")
                               .error());
  }

  config.container_prefix = fields.Optional(kContainerPrefix);
  if (!config.container_prefix.empty() &&
      (!config.container_prefix.starts_with("nsm-") || !config.container_prefix.ends_with("-"))) {
    return std::unexpected(
        Bad(kContainerPrefix, "'" + config.container_prefix + "' is not nsm-...-").error());
  }
  config.rootfs = fields.Optional(kRootfs);
  config.cgroup_cell = fields.Optional(kCgroupCell);
  config.cgroup_unavailable = fields.Optional(kCgroupUnavailable);
  if (!config.cgroup_cell.empty() && !config.cgroup_unavailable.empty()) {
    return std::unexpected(
        Bad(kCgroupUnavailable, "given with a cgroup-cell; it says why there is none").error());
  }
  return config;
}

}  // namespace nsm
