#include "harness/runner/worker_config.h"

#include <gtest/gtest.h>

namespace nsm {
namespace {

WorkerConfig Everything() {
  WorkerConfig config;
  config.index = 7;
  config.probe_path = "/opt/ns matrix/libexec/nsprobe";
  config.probes = {"ns.mnt", "pid.kill_host", "user.setns_sibling"};
  config.userns_map = UsernsMap::root;
  config.timeout = std::chrono::milliseconds(2500);
  config.time_via_unshare = false;
  config.propagation = Propagation::kShared;
  config.rootfs = "/srv/root fs/with=equals%and\nnewline";
  config.cgroup_cell = "/sys/fs/cgroup/unified/nsmatrix-1/worker-7/cell";
  config.sandbox_without = *NsSet::Parse("net+user");
  config.runtime = RuntimeKind::crun;
  config.runtime_path = "/usr/bin/crun";
  config.container_prefix = "nsm-4242-";
  return config;
}

// Through the wire: one line, as the runner writes it and the worker reads it.
Result<WorkerConfig> OverTheWire(const WorkerConfig& config) {
  std::string line = protocol::Format(EncodeWorkerConfig(config));
  EXPECT_EQ(line.find('\n'), std::string::npos) << line;
  Result<protocol::Record> record = protocol::Parse(line);
  if (!record) return std::unexpected(record.error());
  return DecodeWorkerConfig(*record);
}

TEST(WorkerConfig, EveryFieldSurvivesTheWire) {
  Result<WorkerConfig> back = OverTheWire(Everything());
  ASSERT_TRUE(back) << back.error().Message();
  EXPECT_EQ(*back, Everything());
}

TEST(WorkerConfig, TheDefaultsSurviveTheWire) {
  WorkerConfig config;
  config.probe_path = "nsprobe";  // as --probe-binary gave it, relative
  config.probes = {"ns.mnt"};
  config.cgroup_unavailable = "cgroup v2 is not mounted";
  Result<WorkerConfig> back = OverTheWire(config);
  ASSERT_TRUE(back) << back.error().Message();
  EXPECT_EQ(*back, config);
  EXPECT_EQ(back->propagation, Propagation::kPrivate);
  EXPECT_EQ(back->runtime, RuntimeKind::native);
}

// A record as the encoder makes it, with one field replaced, removed or added.
protocol::Record With(std::string_view key, std::optional<std::string> value) {
  protocol::Record record = EncodeWorkerConfig(Everything());
  auto& fields = record.fields;
  auto it = std::find_if(fields.begin(), fields.end(), [&](auto& f) { return f.first == key; });
  if (it != fields.end()) {
    if (value) {
      it->second = *value;
    } else {
      fields.erase(it);
    }
  } else if (value) {
    fields.emplace_back(std::string(key), *value);
  }
  return record;
}

void ExpectRefused(const protocol::Record& record, std::string_view says) {
  Result<WorkerConfig> config = DecodeWorkerConfig(record);
  ASSERT_FALSE(config) << protocol::Format(record);
  EXPECT_EQ(config.error().err, EPROTO);
  EXPECT_NE(config.error().Message().find(says), std::string::npos) << config.error().Message();
}

TEST(WorkerConfig, AnUnknownIdMapIsRefusedNotTheDefault) {
  ExpectRefused(With("userns-map", "rooot"), "userns-map: 'rooot'");
}

TEST(WorkerConfig, BadEnumsAndNumbersAreRefusedByKey) {
  ExpectRefused(With("propagation", "rshared"), "propagation: 'rshared'");
  ExpectRefused(With("runtime", "docker"), "runtime: 'docker'");
  ExpectRefused(With("sandbox-without", "mnt+bogus"), "sandbox-without:");
  ExpectRefused(With("timeout-ms", "10s"), "timeout-ms: '10s' is not an integer");
  ExpectRefused(With("timeout-ms", "0"), "timeout-ms: '0'");
  ExpectRefused(With("time-via-unshare", "2"), "time-via-unshare: '2'");
  ExpectRefused(With("index", "-1"), "index: '-1'");
  ExpectRefused(With("probes", ""), "probes: no probes");
  ExpectRefused(With("probes", "ns.mnt,,ns.uts"), "probes: an empty probe id");
  ExpectRefused(With("probe-exe", ""), "probe-exe: empty");
}

TEST(WorkerConfig, EveryRequiredKeyIsNeeded) {
  for (std::string_view key : {"index", "probe-exe", "probes", "userns-map", "timeout-ms",
                               "time-via-unshare", "propagation", "sandbox-without", "runtime"}) {
    ExpectRefused(With(key, std::nullopt), std::string(key) + ": missing");
  }
}

TEST(WorkerConfig, UnknownAndRepeatedKeysAreRefused) {
  ExpectRefused(With("userns_map", "root"), "userns_map: unknown key");
  protocol::Record twice = EncodeWorkerConfig(Everything());
  twice.Add("propagation", "private");
  ExpectRefused(twice, "propagation: given twice");
}

TEST(WorkerConfig, ARuntimeNeedsItsAbsolutePath) {
  ExpectRefused(With("runtime-path", std::nullopt), "runtime-path: runtime crun needs");
  ExpectRefused(With("runtime-path", "crun"), "runtime-path:");
}

// The prefix a killed run's leftovers are found by: nsm-<pid>- and nothing else.
TEST(WorkerConfig, AContainerPrefixIsNsmSomethingDash) {
  ExpectRefused(With("container-prefix", "runc-"), "container-prefix: 'runc-' is not nsm-...-");
  ExpectRefused(With("container-prefix", "nsm-12"), "container-prefix:");
}

TEST(WorkerConfig, ACgroupAndAReasonForNoneContradict) {
  ExpectRefused(With("cgroup-unavailable", "no cgroup"), "cgroup-unavailable:");
}

TEST(WorkerConfig, OnlyAConfigRecordIsAConfig) {
  protocol::Record request{"run", "", {}};
  request.Add("combination", 3);
  ExpectRefused(request, "expected a 'config' record first, got 'run'");
}

}  // namespace
}  // namespace nsm
