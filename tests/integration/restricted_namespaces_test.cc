// A kernel that lost a namespace, with real kernel behaviour: nsmatrix runs as
// root inside a user namespace whose user.max_<type>_namespaces is 0, so the
// kernel refuses that type (ENOSPC) there and below, and nowhere else.
//
// Negative control for every assertion: the same run without the limit, in the
// same kind of user namespace, supports and passes everything.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/integration/cli_process.h"

namespace nsm::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kCombos = "none,net,user,uts,net+user,mnt+pid,mnt+uts+ipc+net+pid";
constexpr const char* kProbes =
    "ns.net,ns.user,net.loopback_tcp,net.iface,uts.hostname,ipc.sysv_shm";

std::string Limit(const char* type) {
  return std::string("echo 0 > /proc/sys/user/max_") + type + "_namespaces && ";
}

std::string RunCommand(const char* json) {
  return std::string("\"$NSM\" run --no-progress --combos ") + kCombos + " --probes " + kProbes +
         " --json \"$DIR/" + json + "\"";
}

bool Has(const std::string& combination, const char* ns) {
  return ("+" + combination + "+").find(std::string("+") + ns + "+") != std::string::npos;
}

nlohmann::json KernelEntry(const nlohmann::json& doc, const char* type) {
  for (const nlohmann::json& ns : doc["kernel"]["namespaces"]) {
    if (ns["type"] == type) return ns;
  }
  return nullptr;
}

TEST(RestrictedNamespaces, UnlimitedUsernsRootPassesEverything) {
  CliRun run = RunAsUsernsRoot(RunCommand("m.json"));
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  nlohmann::json doc = ReadJson(run.dir->path() + "/m.json");
  ASSERT_TRUE(doc.is_object());
  ASSERT_EQ(doc["cells"].size(), 7u * 6u);
  EXPECT_EQ(doc["host"]["mode"], "userns-root");
  EXPECT_EQ(doc["options"]["userns_map"], "root");  // only root is mapped here
  EXPECT_THAT(run.err, HasSubstr("using --userns-map root"));
  for (const nlohmann::json& cell : doc["cells"]) {
    EXPECT_NE(cell["outcome"], "unsupported") << cell.dump();
    EXPECT_EQ(cell["verdict"], "pass") << cell.dump();
  }
  EXPECT_EQ(KernelEntry(doc, "net")["root"]["status"], "usable");
}

// Only root is mapped here, so the unprivileged map a scenario's overrides were
// written for cannot be given: no silent switch to the root map under them.
TEST(RestrictedNamespaces, AScenarioWithOverridesIsNotRunUnderAnotherMap) {
  CliRun run = RunAsUsernsRoot(
      "\"$NSM\" run --no-progress --scenario shared-propagation --json \"$DIR/o.json\"");
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_THAT(run.err, HasSubstr("expectation overrides were written for --userns-map "
                                 "unprivileged, which this user namespace cannot give"));
  EXPECT_NE(access((run.dir->path() + "/o.json").c_str(), F_OK), 0) << "a report was written";
}

// Root in a user namespace is not the machine's root: runc (cgroups at the top
// of the machine's hierarchies) and nspawn are refused before anything runs,
// while crun, which the same run can use, makes its container.
TEST(RestrictedNamespaces, UsernsRootRefusesRuncAndNspawnButRunsCrun) {
  CliRun run = RunAsUsernsRoot(
      "for r in runc nspawn crun; do \"$NSM\" run --no-progress --runtime $r --combos mnt "
      "--probes ns.mnt --json \"$DIR/$r.json\"; echo \"$r=$?\"; done");
  EXPECT_THAT(run.out, HasSubstr("runc=2"));
  EXPECT_THAT(run.out, HasSubstr("nspawn=2"));
  EXPECT_THAT(run.err, HasSubstr("--runtime runc is not supported inside a user namespace (mode "
                                 "userns-root)"));
  EXPECT_THAT(run.err, HasSubstr("--runtime nspawn is not supported inside a user namespace"));
  EXPECT_FALSE(ReadJson(run.dir->path() + "/runc.json").is_object());  // no report
  if (access("/usr/bin/crun", X_OK) == 0) {
    EXPECT_THAT(run.out, HasSubstr("crun=0"));
    EXPECT_EQ(ReadJson(run.dir->path() + "/crun.json")["host"]["mode"], "userns-root");
  }
}

TEST(RestrictedNamespaces, NetLimitZeroMakesNetUnsupportedAndTheGateFails) {
  CliRun run = RunAsUsernsRoot(RunCommand("base.json") + " >/dev/null && " + Limit("net") +
                               RunCommand("net0.json") + " && \"$NSM\" gate --baseline " +
                               "\"$DIR/base.json\" \"$DIR/net0.json\"; echo gate=$?");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("gate=1"));
  EXPECT_THAT(run.out, HasSubstr("REGRESSION kernel kernel.net.root: usable -> unavailable"));
  EXPECT_THAT(run.err, HasSubstr("net namespaces cannot be created here"));
  nlohmann::json doc = ReadJson(run.dir->path() + "/net0.json");
  ASSERT_TRUE(doc.is_object());
  ASSERT_EQ(doc["cells"].size(), 7u * 6u);
  for (const nlohmann::json& cell : doc["cells"]) {
    std::string combination = cell["combination"], probe = cell["probe"];
    std::string detail = cell["detail"];
    if (Has(combination, "net")) {
      // The kernel refused the combination; the detail names the limit.
      EXPECT_EQ(cell["outcome"], "unsupported") << cell.dump();
      EXPECT_THAT(detail, HasSubstr("ENOSPC"));
      EXPECT_THAT(detail, HasSubstr("user.max_net_namespaces is 0"));
    } else if (probe.starts_with("net.")) {
      // Without a network namespace of its own the sandbox has no fixtures to
      // offer, and a probe run anyway would act on the machine's network.
      EXPECT_EQ(cell["outcome"], "unsupported") << cell.dump();
      EXPECT_THAT(detail, HasSubstr("host sandbox has no net namespace"));
    } else {
      EXPECT_NE(cell["outcome"], "unsupported") << cell.dump();
      EXPECT_EQ(cell["verdict"], "pass") << cell.dump();
    }
  }
  nlohmann::json net = KernelEntry(doc, "net");
  EXPECT_EQ(net["root"]["status"], "unavailable");
  EXPECT_EQ(net["root"]["gate"], "limit");
  EXPECT_EQ(net["max"], 0);
}

TEST(RestrictedNamespaces, UserLimitZeroMakesUserCombinationsUnsupported) {
  CliRun run = RunAsUsernsRoot(Limit("user") + RunCommand("user0.json"));
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  nlohmann::json doc = ReadJson(run.dir->path() + "/user0.json");
  ASSERT_TRUE(doc.is_object());
  ASSERT_EQ(doc["cells"].size(), 7u * 6u);
  int unsupported = 0;
  for (const nlohmann::json& cell : doc["cells"]) {
    std::string combination = cell["combination"];
    if (Has(combination, "user")) {
      ++unsupported;
      EXPECT_EQ(cell["outcome"], "unsupported") << cell.dump();
      EXPECT_THAT(std::string(cell["detail"]), HasSubstr("user.max_user_namespaces is 0"));
    } else {
      EXPECT_NE(cell["outcome"], "unsupported") << cell.dump();
    }
  }
  EXPECT_EQ(unsupported, 2 * 6);  // user and net+user, six probes each
  EXPECT_EQ(KernelEntry(doc, "user")["root"]["status"], "unavailable");
}

// A run whose every combination the kernel refuses tested nothing: all skips,
// but no pass (exit 1). The same run one combination wider tests that one.
TEST(RestrictedNamespaces, ARunThatTestedNothingFails) {
  CliRun run = RunAsUsernsRoot(Limit("user") +
                               "\"$NSM\" run --no-progress --combos user,net+user --probes " +
                               kProbes + " --json \"$DIR/nothing.json\"");
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_THAT(run.err, HasSubstr("every cell is a skip"));
  EXPECT_THAT(run.out, HasSubstr("0 pass, 0 fail, 12 skip -> NOTHING TESTED\n"));
  EXPECT_THAT(run.out, Not(HasSubstr("PASSED")));
  nlohmann::json doc = ReadJson(run.dir->path() + "/nothing.json");
  ASSERT_TRUE(doc.is_object());  // the report says what happened
  EXPECT_EQ(doc["cells"].size(), 2u * 6u);

  CliRun wider =
      RunAsUsernsRoot(Limit("user") + "\"$NSM\" run --no-progress --combos none,user --probes " +
                      kProbes + " --json \"$DIR/one.json\"");
  EXPECT_EQ(wider.exit_code, 0) << wider.out << wider.err;
}

// For each type the host sandbox can do without: the combinations with it are
// refused, and the probes that need the sandbox's own (host_needs) never run.
TEST(RestrictedNamespaces, SandboxOptionalTypesUnderZeroLimits) {
  const std::vector<std::pair<const char*, const char*>> kTypes = {
      {"uts", "uts.hostname"}, {"ipc", "ipc.sysv_shm"}, {"cgroup", "cgroup.path"}};
  for (const auto& [type, needing] : kTypes) {
    SCOPED_TRACE(type);
    CliRun run = RunAsUsernsRoot(
        Limit(type) + "\"$NSM\" run --no-progress --combos none,mnt+pid," + type +
        " --probes ns.uts,uts.hostname,ipc.sysv_shm,cgroup.path --json \"$DIR/m.json\"");
    ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
    nlohmann::json doc = ReadJson(run.dir->path() + "/m.json");
    ASSERT_EQ(doc["cells"].size(), 3u * 4u);
    for (const nlohmann::json& cell : doc["cells"]) {
      std::string detail = cell["detail"];
      if (cell["combination"] == type) {
        EXPECT_EQ(cell["outcome"], "unsupported") << cell.dump();
        EXPECT_THAT(detail, HasSubstr(std::string("user.max_") + type + "_namespaces is 0"));
      } else if (cell["probe"] == needing) {
        EXPECT_EQ(cell["outcome"], "unsupported") << cell.dump();
        EXPECT_THAT(detail, HasSubstr(std::string("host sandbox has no ") + type + " namespace"));
      } else {
        EXPECT_EQ(cell["verdict"], "pass") << cell.dump();
        EXPECT_NE(cell["outcome"], "unsupported") << cell.dump();
      }
    }
  }
}

// Time namespaces made the default way (unshare, offsets, fork) are refused by
// the unshare in the child: unsupported as well, never an error.
TEST(RestrictedNamespaces, TimeLimitZeroMakesTimeCombinationsUnsupported) {
  for (const char* via : {"unshare", "clone3"}) {
    SCOPED_TRACE(via);
    CliRun run = RunAsUsernsRoot(Limit("time") +
                                 "\"$NSM\" run --no-progress --combos none,time,mnt+pid+time "
                                 "--probes ns.time,time.boottime,ns.pid --time-ns-via " +
                                 via + " --json \"$DIR/m.json\"");
    ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
    nlohmann::json doc = ReadJson(run.dir->path() + "/m.json");
    ASSERT_EQ(doc["cells"].size(), 3u * 3u);
    for (const nlohmann::json& cell : doc["cells"]) {
      if (cell["combination"] == "none") {
        EXPECT_EQ(cell["verdict"], "pass") << cell.dump();
        continue;
      }
      EXPECT_EQ(cell["outcome"], "unsupported") << cell.dump();
      EXPECT_THAT(std::string(cell["detail"]), HasSubstr("user.max_time_namespaces is 0"));
    }
  }
}

TEST(RestrictedNamespaces, WithoutMountNamespacesThereIsNoSandboxAndExit2) {
  CliRun run = RunAsUsernsRoot(Limit("mnt") + RunCommand("mnt0.json"));
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_THAT(run.err, HasSubstr("user.max_mnt_namespaces is 0"));
  EXPECT_THAT(run.err, HasSubstr("cannot build a host sandbox"));
  EXPECT_NE(access((run.dir->path() + "/mnt0.json").c_str(), F_OK), 0);
}

TEST(RestrictedNamespaces, KernelCommandAndKernelGate) {
  CliRun run = RunAsUsernsRoot(
      "\"$NSM\" kernel --json \"$DIR/k.json\" > /dev/null; echo normal=$?; " + Limit("net") +
      Limit("ipc") + "\"$NSM\" kernel --json \"$DIR/k0.json\"; echo limited=$?; " +
      "\"$NSM\" gate --baseline \"$DIR/k.json\" \"$DIR/k0.json\"; echo gate=$?");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("normal=0"));
  EXPECT_THAT(run.out, HasSubstr("limited=1"));
  EXPECT_THAT(run.out, HasSubstr("net as root: UNAVAILABLE: unshare(CLONE_NEWNET) failed with "
                                 "ENOSPC"));
  EXPECT_THAT(run.out, HasSubstr("gate:   limit: user.max_ipc_namespaces is 0"));
  EXPECT_THAT(run.out, HasSubstr("REGRESSION kernel kernel.net.root: usable -> unavailable "
                                 "(namespace-lost)"));
  EXPECT_THAT(run.out, HasSubstr("REGRESSION kernel kernel.ipc.root"));
  EXPECT_THAT(run.out, HasSubstr("gate=1"));
  nlohmann::json doc = ReadJson(run.dir->path() + "/k0.json");
  EXPECT_EQ(doc["schema"], "nsmatrix-kernel/1");
}

}  // namespace
}  // namespace nsm::testing
