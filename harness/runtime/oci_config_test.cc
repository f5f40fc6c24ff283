// The OCI bundles and command lines runc and crun are given, what nsmatrix
// refuses to run under them, and how their error logs are read (no root).
#include "harness/runtime/oci_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <linux/capability.h>
#include <sys/prctl.h>

#include <nlohmann/json.hpp>

#include "harness/runtime/runtime_test_cell.h"

namespace nsm {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

json Config(const RuntimeCell& cell, OciOptions options = {}) {
  return json::parse(OciConfigJson(cell, options));
}

std::vector<std::string> NamespaceTypes(const json& config) {
  std::vector<std::string> types;
  for (const json& ns : config["linux"]["namespaces"]) types.push_back(ns["type"]);
  return types;
}

// The command, or a failed expectation.
RuntimeCommand CommandOf(RuntimeKind kind, const RuntimeCell& cell) {
  auto command = MakeRuntimeAdapter(kind)->Command(cell, "/usr/bin/rt");
  EXPECT_TRUE(std::holds_alternative<RuntimeCommand>(command));
  if (auto* run = std::get_if<RuntimeCommand>(&command)) return *run;
  return {};
}

std::string RefusalOf(RuntimeKind kind, const RuntimeCell& cell) {
  auto command = MakeRuntimeAdapter(kind)->Command(cell, "/usr/bin/rt");
  if (auto* refusal = std::get_if<Refusal>(&command)) return refusal->why;
  return "";
}

TEST(OciConfig, EachTypeHasItsOciName) {
  EXPECT_THAT(NamespaceTypes(Config(TestCell("mnt"))), ElementsAre("mount"));
  EXPECT_THAT(NamespaceTypes(Config(TestCell("mnt+uts+ipc+net+pid+user+cgroup+time"))),
              ElementsAre("mount", "uts", "ipc", "network", "pid", "user", "cgroup", "time"));
}

TEST(OciConfig, TheProbeIsTheProcessWithRootsCapabilities) {
  json config = Config(TestCell("mnt"));
  EXPECT_EQ(config["process"]["args"], json({"/proc/self/fd/4", "--hostname=h", "ns.uts"}));
  EXPECT_EQ(config["process"]["user"]["uid"], 0);
  EXPECT_EQ(config["process"]["noNewPrivileges"], false);
  for (const char* set : {"bounding", "effective", "permitted"})
    EXPECT_EQ(config["process"]["capabilities"][set], json({"CAP_CHOWN", "CAP_SYS_ADMIN"}));
  EXPECT_EQ(config["root"]["path"], "/tmp/.nsm-runtime/rootfs");
  // None of a runtime's usual hardening: the bare flags are compared.
  EXPECT_FALSE(config["linux"].contains("maskedPaths"));
  EXPECT_FALSE(config["linux"].contains("readonlyPaths"));
  EXPECT_FALSE(config["linux"].contains("seccomp"));
}

TEST(OciConfig, IdMapsFollowTheRunsMapAndOnlyWithAUserNamespace) {
  EXPECT_FALSE(Config(TestCell("mnt"))["linux"].contains("uidMappings"));
  json root = Config(TestCell("mnt+user", UsernsMap::root))["linux"];
  EXPECT_EQ(root["uidMappings"], json::parse(R"([{"containerID":0,"hostID":0,"size":1}])"));
  EXPECT_EQ(root["gidMappings"], root["uidMappings"]);
  json unprivileged = Config(TestCell("mnt+user", UsernsMap::unprivileged))["linux"];
  EXPECT_EQ(unprivileged["uidMappings"],
            json::parse(R"([{"containerID":0,"hostID":100000,"size":65536}])"));
}

TEST(OciConfig, TimeOffsetsAsTheSpecAndAsCrunsAnnotation) {
  RuntimeCell cell = TestCell("mnt+time");
  EXPECT_FALSE(Config(cell)["linux"].contains("timeOffsets"));  // no offset asked
  EXPECT_FALSE(Config(cell).contains("annotations"));
  cell.time_offset_seconds = 86400;
  json config = Config(cell);
  EXPECT_EQ(config["linux"]["timeOffsets"]["boottime"],
            json::parse(R"({"secs":86400,"nanosecs":0})"));
  EXPECT_EQ(config["linux"]["timeOffsets"]["monotonic"],
            config["linux"]["timeOffsets"]["boottime"]);
  EXPECT_EQ(config["annotations"][std::string(kCrunTimensAnnotation)],
            "monotonic 86400 0\nboottime 86400 0");
  cell.namespaces = *NsSet::Parse("mnt");  // offsets mean nothing without the namespace
  EXPECT_FALSE(Config(cell)["linux"].contains("timeOffsets"));
}

TEST(OciConfig, PropagationIsRecursiveAndUnchangedLeavesTheKeyOut) {
  RuntimeCell cell = TestCell("mnt");
  cell.propagation = Propagation::kShared;
  EXPECT_EQ(Config(cell)["linux"]["rootfsPropagation"], "rshared");
  cell.propagation = Propagation::kSlave;
  EXPECT_EQ(Config(cell)["linux"]["rootfsPropagation"], "rslave");
  cell.propagation = Propagation::kPrivate;
  EXPECT_EQ(Config(cell)["linux"]["rootfsPropagation"], "rprivate");
  cell.propagation = Propagation::kUnchanged;
  EXPECT_FALSE(Config(cell)["linux"].contains("rootfsPropagation"));
}

TEST(OciConfig, ADevOfItsOwnAlwaysAndProcOnlyWithMountAndPid) {
  auto destinations = [](const json& config) {
    std::vector<std::string> out;
    for (const json& m : config["mounts"]) out.push_back(m["destination"]);
    return out;
  };
  EXPECT_THAT(destinations(Config(TestCell("mnt"))), ElementsAre("/dev"));
  EXPECT_THAT(destinations(Config(TestCell("mnt+user"))), ElementsAre("/dev"));
  EXPECT_THAT(destinations(Config(TestCell("mnt+pid"))), ElementsAre("/dev", "/proc"));
  EXPECT_EQ(Config(TestCell("mnt"))["mounts"][0]["type"], "tmpfs");
}

TEST(OciConfig, RuncsOptionsAllowEveryDeviceAndPlaceTheCgroupUnderTheCaller) {
  json plain = Config(TestCell("mnt"))["linux"];
  EXPECT_FALSE(plain.contains("resources"));
  EXPECT_FALSE(plain.contains("cgroupsPath"));
  json runc = Config(TestCell("mnt"), {.allow_all_devices = true, .cgroup_named_by_id = true});
  EXPECT_EQ(runc["linux"]["resources"]["devices"],
            json::parse(R"([{"allow":true,"access":"rwm"}])"));
  // Relative, and the container's id: the clean-up looks for it by that name.
  EXPECT_EQ(runc["linux"]["cgroupsPath"], "nsm-abc-7");
}

TEST(RuncAdapter, RunsTheBundleWithItsOwnStateAndDeletesIt) {
  RuntimeCommand command = CommandOf(RuntimeKind::runc, TestCell("mnt+pid"));
  EXPECT_THAT(command.argv,
              ElementsAre("/usr/bin/rt", "--root", "/tmp/.nsm-runtime/state", "--log-format=json",
                          "run", "--bundle", "/tmp/.nsm-runtime/bundles/nsm-abc-7",
                          "--preserve-fds", "2", "--no-new-keyring", "nsm-abc-7"));
  EXPECT_THAT(command.delete_argv,
              ElementsAre("/usr/bin/rt", "--root", "/tmp/.nsm-runtime/state", "--log-format=json",
                          "delete", "--force", "nsm-abc-7"));
  ASSERT_EQ(command.files.size(), 1u);
  EXPECT_EQ(command.files[0].name, "config.json");
  json config = json::parse(command.files[0].content);
  EXPECT_EQ(config["linux"]["cgroupsPath"], "nsm-abc-7");
  EXPECT_EQ(command.cgroup_name, "nsm-abc-7");
  EXPECT_TRUE(MakeRuntimeAdapter(RuntimeKind::runc)->Needs().bundle_workspace);
  EXPECT_FALSE(MakeRuntimeAdapter(RuntimeKind::runc)->Needs().empty_cgroup2_controllers);
}

TEST(CrunAdapter, LeavesCgroupsAloneBeforeTheCommand) {
  RuntimeCommand command = CommandOf(RuntimeKind::crun, TestCell("mnt+user"));
  EXPECT_THAT(command.argv, ElementsAre("/usr/bin/rt", "--root", "/tmp/.nsm-runtime/state",
                                        "--log-format=json", "--cgroup-manager=disabled", "run",
                                        "--bundle", "/tmp/.nsm-runtime/bundles/nsm-abc-7",
                                        "--preserve-fds", "2", "--no-new-keyring", "nsm-abc-7"));
  EXPECT_THAT(command.delete_argv, Contains("--cgroup-manager=disabled"));
  json config = json::parse(command.files.at(0).content);
  EXPECT_FALSE(config["linux"].contains("cgroupsPath"));
  EXPECT_FALSE(config["linux"].contains("resources"));
  EXPECT_EQ(command.cgroup_name, "");
  SandboxNeeds needs = MakeRuntimeAdapter(RuntimeKind::crun)->Needs();
  EXPECT_TRUE(needs.bundle_workspace);
  EXPECT_TRUE(needs.empty_cgroup2_controllers);
}

TEST(OciAdapters, NothingIsRunWithoutAMountNamespace) {
  for (RuntimeKind kind : {RuntimeKind::runc, RuntimeKind::crun}) {
    for (const char* combination : {"none", "pid", "user+pid+net+uts+ipc+cgroup+time"}) {
      EXPECT_THAT(RefusalOf(kind, TestCell(combination)), HasSubstr("not run by nsmatrix"))
          << combination;
    }
    EXPECT_EQ(RefusalOf(kind, TestCell("mnt")), "");
  }
}

TEST(CrunAdapter, PidAndTimeWithoutUserIsNotRun) {
  EXPECT_THAT(RefusalOf(RuntimeKind::crun, TestCell("mnt+pid+time")), HasSubstr("PID 2"));
  EXPECT_EQ(RefusalOf(RuntimeKind::crun, TestCell("mnt+pid+time+user")), "");
  EXPECT_EQ(RefusalOf(RuntimeKind::crun, TestCell("mnt+time")), "");
  // runc says itself what it thinks of a time namespace.
  EXPECT_EQ(RefusalOf(RuntimeKind::runc, TestCell("mnt+pid+time")), "");
}

TEST(OciAdapters, PropagationsTheyCannotGive) {
  auto runc = MakeRuntimeAdapter(RuntimeKind::runc);
  auto crun = MakeRuntimeAdapter(RuntimeKind::crun);
  for (Propagation p : {Propagation::kPrivate, Propagation::kSlave}) {
    EXPECT_EQ(runc->CannotGive(p), std::nullopt);
    EXPECT_EQ(crun->CannotGive(p), std::nullopt);
  }
  EXPECT_EQ(runc->CannotGive(Propagation::kShared), std::nullopt);
  EXPECT_THAT(crun->CannotGive(Propagation::kShared).value_or(""), HasSubstr("peer group"));
  EXPECT_THAT(runc->CannotGive(Propagation::kUnchanged).value_or(""), HasSubstr("rslave"));
  EXPECT_THAT(crun->CannotGive(Propagation::kUnchanged).value_or(""), HasSubstr("rslave"));
  EXPECT_EQ(MakeRuntimeAdapter(RuntimeKind::unshare)->CannotGive(Propagation::kUnchanged),
            std::nullopt);
}

// A refusal is a skip: only what runc and crun say when they cannot make
// such a container counts, never a fault of the bundle nsmatrix wrote.
TEST(OciIsRefusal, OnlyTheRefusalsSeenFromTheRuntimes) {
  EXPECT_TRUE(OciIsRefusal("runc run failed: namespace {\"time\" \"\"} does not exist"));
  EXPECT_TRUE(
      OciIsRefusal("opening file `/proc/self/timens_offsets` for writing: Permission denied"));
  EXPECT_TRUE(OciIsRefusal("unshare: Operation not permitted"));
  EXPECT_TRUE(OciIsRefusal("nsexec: failed to unshare namespaces: No space left on device"));
  EXPECT_FALSE(OciIsRefusal("runc run failed: invalid rootfs: stat /x: no such file or directory"));
  EXPECT_FALSE(OciIsRefusal("invalid config file: expected string"));
  EXPECT_FALSE(OciIsRefusal("error creating device nodes: open /dev/tty: no such device"));
  EXPECT_FALSE(OciIsRefusal(""));
  EXPECT_FALSE(
      MakeRuntimeAdapter(RuntimeKind::runc)->IsRefusal("invalid config file", NsSet::All()));
}

TEST(OciErrorMessage, TheFirstErrorLinesMessage) {
  EXPECT_EQ(OciErrorMessage(
                "{\"level\":\"warning\",\"msg\":\"w\"}\n"
                "{\"level\":\"error\",\"msg\":\"runc run failed: namespace {\\\"time\\\" \\\"\\\"} "
                "does not exist\",\"time\":\"t\"}\n{\"level\":\"error\",\"msg\":\"second\"}\n"),
            "runc run failed: namespace {\"time\" \"\"} does not exist");
  EXPECT_EQ(OciErrorMessage("{\"msg\":\"no level\"}\n"), std::nullopt);
  EXPECT_EQ(OciErrorMessage("crun: not json at all\n"), std::nullopt);
  EXPECT_EQ(OciErrorMessage(""), std::nullopt);
  EXPECT_EQ(OciErrorMessage("{\"level\":\"error\",\"msg\":7}"), std::nullopt);
  // The adapters read their runtime's voice this way, not bwrap's.
  EXPECT_EQ(
      MakeRuntimeAdapter(RuntimeKind::crun)->OwnMessage("{\"level\":\"error\",\"msg\":\"m\"}"),
      "m");
  EXPECT_EQ(MakeRuntimeAdapter(RuntimeKind::runc)->OwnMessage("runc: m\n"), std::nullopt);
}

TEST(OciCapabilities, TheBoundingSetByName) {
  std::vector<std::string> names = BoundingCapabilityNames();
  if (prctl(PR_CAPBSET_READ, CAP_SYS_ADMIN) == 1) {
    EXPECT_THAT(names, Contains("CAP_SYS_ADMIN"));
  } else {
    EXPECT_THAT(names, Not(Contains("CAP_SYS_ADMIN")));
  }
  for (const std::string& name : names) EXPECT_TRUE(name.starts_with("CAP_")) << name;
}

}  // namespace
}  // namespace nsm
