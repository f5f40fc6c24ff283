// Every isolation check against its negative control: with the namespace off,
// the same probe must report a leak. Outcomes are asserted directly here, not
// through the catalogue's rules, so a wrong rule cannot make a test pass.
#include <gtest/gtest.h>

#include "tests/integration/cli_process.h"

namespace nsm::testing {
namespace {

struct Control {
  std::string probe;
  std::string combination;
  std::string outcome;
};

void ExpectOutcomes(const std::vector<Control>& controls, const std::string& map) {
  std::string combos, probes;
  for (const Control& c : controls) {
    combos += (combos.empty() ? "" : ",") + c.combination;
    probes += (probes.empty() ? "" : ",") + c.probe;
  }
  CliRun run = RunNsmatrix({"run", "--combos", combos, "--probes", probes, "--userns-map", map});
  ASSERT_TRUE(run.doc.is_object()) << run.err;
  for (const Control& c : controls) {
    nlohmann::json cell = Cell(run.doc, c.combination, c.probe);
    ASSERT_TRUE(cell.is_object()) << c.probe << " " << c.combination;
    EXPECT_EQ(cell["outcome"], c.outcome)
        << c.probe << " with " << c.combination << ": " << cell["detail"];
  }
}

TEST(NegativeControls, NsLinksDifferOnlyWithTheirNamespace) {
  std::vector<Control> controls;
  for (const char* ns : {"mnt", "uts", "ipc", "net", "pid", "user", "cgroup", "time"}) {
    std::string probe = std::string("ns.") + ns;
    controls.push_back({probe, ns, "isolated"});
    controls.push_back({probe, "none", "leaked"});
    // Every other namespace at once must not isolate this one.
    std::string others;
    for (const char* o : {"mnt", "uts", "ipc", "net", "pid", "user", "cgroup", "time"}) {
      if (std::string(o) != ns) others += (others.empty() ? "" : "+") + std::string(o);
    }
    controls.push_back({probe, others, "leaked"});
  }
  ExpectOutcomes(controls, "unprivileged");
}

TEST(NegativeControls, SeeHostNeedsBothPidAndMount) {
  ExpectOutcomes({{"pid.see_host", "none", "leaked"},
                  {"pid.see_host", "pid", "leaked"},
                  {"pid.see_host", "mnt", "leaked"},
                  {"pid.see_host", "mnt+pid", "isolated"},
                  {"pid.see_host", "uts+ipc+net+user+cgroup+time", "leaked"}},
                 "unprivileged");
}

TEST(NegativeControls, KillHostDependsOnPidAndTheIdMap) {
  ExpectOutcomes({{"pid.kill_host", "none", "leaked"},
                  {"pid.kill_host", "pid", "isolated"},
                  {"pid.kill_host", "user", "isolated"},
                  {"pid.kill_host", "mnt+uts+ipc+net+cgroup+time", "leaked"}},
                 "unprivileged");
  ExpectOutcomes({{"pid.kill_host", "user", "leaked"},
                  {"pid.kill_host", "mnt+uts+ipc+net+user+cgroup+time", "leaked"},
                  {"pid.kill_host", "pid+user", "isolated"}},
                 "root");
}

TEST(NegativeControls, HostnameNeedsUtsOrUser) {
  ExpectOutcomes({{"uts.hostname", "none", "leaked"},
                  {"uts.hostname", "uts", "isolated"},
                  {"uts.hostname", "user", "isolated"},
                  {"uts.hostname", "mnt+ipc+net+pid+cgroup+time", "leaked"}},
                 "unprivileged");
  ExpectOutcomes({{"uts.hostname", "user", "isolated"}, {"uts.hostname", "none", "leaked"}},
                 "root");
}

// The story's demo 2 (without the chroot, which the rootfs issue adds):
// unshare --mount --uts --ipc --net --pid --user --fork --map-root-user.
TEST(Story, UnshareClassicIsolatesAllButCgroupAndTime) {
  const std::string combo = "mnt+uts+ipc+net+pid+user";
  CliRun run = RunNsmatrix({"run", "--combos", combo, "--userns-map", "root"});
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  for (const char* ns : {"mnt", "uts", "ipc", "net", "pid", "user"}) {
    EXPECT_EQ(Cell(run.doc, combo, std::string("ns.") + ns)["outcome"], "isolated") << ns;
  }
  EXPECT_EQ(Cell(run.doc, combo, "ns.cgroup")["outcome"], "leaked");
  EXPECT_EQ(Cell(run.doc, combo, "ns.time")["outcome"], "leaked");
  EXPECT_EQ(Cell(run.doc, combo, "pid.see_host")["outcome"], "isolated");
  EXPECT_EQ(Cell(run.doc, combo, "uts.hostname")["outcome"], "isolated");
}

// Demo 1 without the chroot: no namespaces at all.
TEST(Story, NoNamespaceLeaksEverything) {
  CliRun run = RunNsmatrix({"run", "--combos", "none"});
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  for (const nlohmann::json& cell : run.doc["cells"]) {
    EXPECT_EQ(cell["outcome"], "leaked") << cell["probe"] << ": " << cell["detail"];
  }
}

TEST(TimeNamespace, UnshareFallbackStillIsolates) {
  CliRun run = RunNsmatrix(
      {"run", "--time-ns-via", "unshare", "--combos", "time,time+pid,time+user+pid+mnt,none"});
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  EXPECT_EQ(run.doc["host"]["time_namespace_via"], "unshare+fork");
  EXPECT_EQ(Cell(run.doc, "time", "ns.time")["outcome"], "isolated");
  EXPECT_EQ(Cell(run.doc, "mnt+pid+user+time", "ns.time")["outcome"], "isolated");
  EXPECT_EQ(Cell(run.doc, "mnt+pid+user+time", "pid.see_host")["outcome"], "isolated");
  EXPECT_EQ(Cell(run.doc, "none", "ns.time")["outcome"], "leaked");
}

}  // namespace
}  // namespace nsm::testing
