#include "harness/plan/plan.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

#include "scenarios/scenario.h"

namespace nsm {
namespace {

PlanSetting Shipped(bool rootless = false) {
  return {NSM_SCENARIO_DIR, rootless};
}

std::string ErrorOf(PlanRequest request, bool rootless = false) {
  auto built = BuildPlan(std::move(request), Shipped(rootless));
  return built ? "(built)" : built.error();
}

TEST(BuildPlan, TheDefaultsAreTheWholeMatrixOnTheNativeLauncher) {
  auto built = BuildPlan({}, Shipped());
  ASSERT_TRUE(built) << built.error();
  const RunPlan& plan = built->plan;
  EXPECT_EQ(plan.combinations.size(), 256u);
  EXPECT_EQ(plan.probes.size(), Catalogue::Builtin().Probes().size());
  EXPECT_EQ(plan.userns_map, UsernsMap::unprivileged);
  EXPECT_EQ(plan.propagation, Propagation::kPrivate);
  EXPECT_TRUE(plan.time_via_unshare);
  EXPECT_EQ(plan.timeout, std::chrono::milliseconds(10000));
  EXPECT_TRUE(plan.rootfs.empty());
  EXPECT_EQ(built->adapter, nullptr);
  EXPECT_FALSE(built->userns_map_chosen);
  EXPECT_TRUE(plan.scenario.name.empty());
  EXPECT_TRUE(plan.initial_userns);
  for (PlanSetting setting :
       {PlanSetting{NSM_SCENARIO_DIR, false, false}, PlanSetting{NSM_SCENARIO_DIR, true, true}}) {
    auto elsewhere = BuildPlan({}, setting);
    ASSERT_TRUE(elsewhere) << elsewhere.error();
    EXPECT_FALSE(elsewhere->plan.initial_userns);  // the rules' initial_userns
  }
}

TEST(BuildPlan, EachBadOptionIsASentenceNamingIt) {
  auto with = [](auto set) {
    PlanRequest request;
    set(request);
    return ErrorOf(request);
  };
  EXPECT_EQ(with([](PlanRequest& r) { r.combos = "mnt+foo"; }).rfind("--combos: ", 0), 0u);
  EXPECT_EQ(with([](PlanRequest& r) { r.probes = "nope."; }).rfind("--probes: ", 0), 0u);
  EXPECT_EQ(with([](PlanRequest& r) { r.userns_map = "rooot"; }),
            "--userns-map: 'rooot' is neither 'unprivileged' nor 'root'");
  EXPECT_EQ(with([](PlanRequest& r) { r.propagation = "rshared"; }),
            "--propagation: 'rshared' is not one of private, slave, shared, unchanged");
  EXPECT_EQ(with([](PlanRequest& r) { r.runtime = "docker"; }),
            "--runtime: 'docker' is not native, unshare, bwrap, runc, crun or nspawn");
  EXPECT_EQ(with([](PlanRequest& r) { r.time_ns_via = "setns"; }),
            "--time-ns-via: 'setns' is neither unshare nor clone3");
  EXPECT_EQ(with([](PlanRequest& r) { r.jobs = 0; }), "--jobs: 0 is not from 1 to 64");
  EXPECT_EQ(with([](PlanRequest& r) { r.timeout_ms = 99; }),
            "--timeout-ms: 99 is not from 100 to 600000");
  EXPECT_EQ(with([](PlanRequest& r) { r.rootfs = "/nonexistent/nsm"; }).rfind("--rootfs ", 0), 0u);
  EXPECT_EQ(with([](PlanRequest& r) { r.rootfs = "/"; }),
            "--rootfs /: is the host's root: use --rootfs host");
  EXPECT_EQ(with([](PlanRequest& r) { r.scenario = "no-such-scenario"; }).rfind("--scenario: ", 0),
            0u);
}

// A directory made for the test, removed with what is in it (files and empty
// directories only: nothing else writes there).
class TempTree {
 public:
  TempTree() {
    char dir[] = "/tmp/nsm-plan-test-XXXXXX";
    path_ = mkdtemp(dir);
  }
  ~TempTree() {
    for (auto it = made_.rbegin(); it != made_.rend(); ++it) remove(it->c_str());
    rmdir(path_.c_str());
  }
  std::string Dir(const std::string& name) {
    std::string p = path_ + "/" + name;
    mkdir(p.c_str(), 0755);
    made_.push_back(p);
    return p;
  }
  std::string File(const std::string& name, const std::string& content) {
    std::string p = path_ + "/" + name;
    std::ofstream(p) << content;
    made_.push_back(p);
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::vector<std::string> made_;
};

TEST(BuildPlan, ARootFilesystemNeedsProcAndTmp) {
  TempTree tree;
  tree.Dir("proc");
  PlanRequest request;
  request.rootfs = tree.path();
  EXPECT_EQ(ErrorOf(request),
            "--rootfs " + tree.path() + ": has no /tmp directory (mkdir it in the tree)");
  tree.Dir("tmp");
  auto built = BuildPlan(request, Shipped());
  ASSERT_TRUE(built) << built.error();
  EXPECT_EQ(built->plan.rootfs, tree.path());
}

TEST(BuildPlan, AScenarioFillsWhatTheCommandLineDidNotSay) {
  TempTree tree;
  std::string file = tree.File("mine.toml",
                               "name = \"mine\"\n"
                               "description = \"a test\"\n"
                               "combinations = [\"mnt+pid\", \"none\"]\n"
                               "probes = [\"pid.\"]\n"
                               "[options]\n"
                               "userns_map = \"root\"\n"
                               "propagation = \"slave\"\n"
                               "jobs = 3\n"
                               "timeout_ms = 2000\n");
  PlanRequest request;
  request.scenario = file;
  auto built = BuildPlan(request, Shipped());
  ASSERT_TRUE(built) << built.error();
  EXPECT_EQ(built->plan.combinations.size(), 2u);
  for (const ProbeSpec* probe : built->plan.probes) EXPECT_EQ(probe->id.rfind("pid.", 0), 0u);
  EXPECT_EQ(built->plan.userns_map, UsernsMap::root);
  EXPECT_TRUE(built->userns_map_chosen);
  EXPECT_EQ(built->plan.propagation, Propagation::kSlave);
  EXPECT_EQ(built->plan.jobs, 3);
  EXPECT_EQ(built->plan.timeout, std::chrono::milliseconds(2000));
  EXPECT_EQ(built->plan.scenario.name, "mine");

  // What the command line gave wins over the file.
  request.propagation = "shared";
  request.jobs = 1;
  request.combos = "all";
  request.given = {"--propagation", "--jobs", "--combos"};
  built = BuildPlan(request, Shipped());
  ASSERT_TRUE(built) << built.error();
  EXPECT_EQ(built->plan.propagation, Propagation::kShared);
  EXPECT_EQ(built->plan.jobs, 1);
  EXPECT_EQ(built->plan.combinations.size(), 256u);
  EXPECT_EQ(built->plan.userns_map, UsernsMap::root);  // still the file's
}

// An override written for the scenario's id map must not judge a run with
// another: accepting a kill of the host's sentinel under a root map would hide
// a real one under the unprivileged map.
TEST(BuildPlan, TheCommandLineCannotChangeWhatAScenariosOverridesMean) {
  TempTree tree;
  std::string file = tree.File("mine.toml",
                               "name = \"mine\"\n"
                               "description = \"a test\"\n"
                               "combinations = [\"user\"]\n"
                               "probes = [\"pid.\"]\n"
                               "[options]\n"
                               "userns_map = \"root\"\n"
                               "[[expect]]\n"
                               "probe = \"pid.kill_host\"\n"
                               "combination = \"user\"\n"
                               "outcome = \"leaked\"\n"
                               "reason = \"root in the container is root\"\n");
  PlanRequest request;
  request.scenario = file;
  ASSERT_TRUE(BuildPlan(request, Shipped()));
  request.userns_map = "unprivileged";
  request.given = {"--userns-map"};
  EXPECT_EQ(ErrorOf(request),
            "the scenario's expectation overrides ([[expect]], " + file +
                ":7) were written for its own --userns-map root, and this run's options make it "
                "unprivileged: run the scenario without options that change --userns-map, or "
                "write a scenario of its own");
  // The scenario's own value given again changes nothing.
  request.userns_map = "root";
  EXPECT_EQ(ErrorOf(request), "(built)");
  // Options the scenario leaves at their defaults count too.
  request.given = {"--propagation"};
  request.propagation = "shared";
  EXPECT_NE(ErrorOf(request).find("its own --propagation private, and this run's options make "
                                  "it shared"),
            std::string::npos)
      << ErrorOf(request);
  request.propagation = "private";
  // Narrowing the run is not changing what it means.
  request.given = {"--combos", "--probes", "--jobs"};
  request.combos = "user";
  request.probes = "pid.kill_host";
  request.jobs = 1;
  EXPECT_EQ(ErrorOf(request), "(built)");
}

// A scenario the caller has read (nsmatrix vm checks what it asks for first)
// makes the plan as it was read: the file is not read again, not even for the
// check of its overrides' meaning, so a file changed in between cannot make
// the plan differ from what was checked.
TEST(BuildPlan, AScenarioAlreadyReadIsNotReadAgain) {
  TempTree tree;
  std::string file = tree.File("mine.toml",
                               "name = \"mine\"\n"
                               "description = \"a test\"\n"
                               "combinations = [\"user\"]\n"
                               "[options]\n"
                               "userns_map = \"root\"\n"
                               "[[expect]]\n"
                               "probe = \"pid.kill_host\"\n"
                               "outcome = \"leaked\"\n"
                               "reason = \"root in the container is root\"\n");
  Result<Scenario> read = LoadScenario(file, Shipped().scenario_dir, Catalogue::Builtin());
  ASSERT_TRUE(read) << read.error().Message();
  std::ofstream(file) << "not = toml = at all\n";
  PlanRequest request;
  request.scenario = file;
  request.userns_map = "root";
  request.given = {"--userns-map"};        // the overrides' meaning is checked
  ASSERT_NE(ErrorOf(request), "(built)");  // read again, the file fails
  auto built = BuildPlan(request, Shipped(), &*read);
  ASSERT_TRUE(built) << built.error();
  EXPECT_EQ(built->plan.scenario.name, "mine");
  ASSERT_EQ(built->plan.combinations.size(), 1u);
  EXPECT_EQ(built->plan.combinations[0].ToString(), "user");
  EXPECT_EQ(built->plan.overrides.size(), 1u);
}

// A run narrowed past a scenario's override says so: the failure that
// override was written for cannot happen in it.
// What is compared is what the scenario alone would run with here: a
// runtime's root map and a root filesystem by its canonical path.
TEST(BuildPlan, AnOverridesOptionsAreTheScenariosEffectiveOnes) {
  TempTree tree;
  const std::string root = tree.Dir("r");
  tree.Dir("r/proc");
  tree.Dir("r/tmp");
  std::string expect = "[[expect]]\nprobe = \"ns.mnt\"\noutcome = \"isolated\"\nreason = \"r\"\n";
  std::string crun = tree.File("crun.toml",
                               "name = \"crun\"\ndescription = \"d\"\ncombinations = "
                               "[\"mnt\"]\n[options]\nruntime = \"crun\"\n" +
                                   expect);
  PlanRequest request;
  request.scenario = crun;
  request.userns_map = "root";  // what crun gets without a map chosen
  request.given = {"--userns-map"};
  EXPECT_EQ(ErrorOf(request), "(built)");
  request.userns_map = "unprivileged";
  EXPECT_NE(ErrorOf(request).find("its own --userns-map root"), std::string::npos)
      << ErrorOf(request);

  std::string rooted = tree.File("rooted.toml",
                                 "name = \"rooted\"\ndescription = \"d\"\ncombinations = "
                                 "[\"mnt\"]\n[options]\nrootfs = \"r\"\n" +
                                     expect);
  request = PlanRequest();
  request.scenario = rooted;
  request.rootfs = root + "/./";
  request.given = {"--rootfs"};
  EXPECT_EQ(ErrorOf(request), "(built)");
  request.rootfs = "host";
  EXPECT_NE(ErrorOf(request).find("its own --rootfs " + root +
                                  ", and this run's options make "
                                  "it host"),
            std::string::npos)
      << ErrorOf(request);
}

TEST(BuildPlan, AnOverrideThatMatchesNoCellIsAWarning) {
  PlanRequest request;
  request.scenario = "shared-propagation";
  auto built = BuildPlan(request, Shipped());
  ASSERT_TRUE(built) << built.error();
  EXPECT_TRUE(built->warnings.empty());
  request.probes = "ns.";
  request.given = {"--probes"};
  built = BuildPlan(request, Shipped());
  ASSERT_TRUE(built) << built.error();
  ASSERT_EQ(built->warnings.size(), 1u);
  EXPECT_NE(built->warnings[0].find("shared-propagation.toml:21: this [[expect]] "
                                    "(mnt.mount_leak) matches no cell of this run"),
            std::string::npos)
      << built->warnings[0];
}

TEST(BuildPlan, ARuntimeMapsRootToTheCallerUnlessAMapWasChosen) {
  PlanRequest request;
  request.runtime = "crun";
  auto built = BuildPlan(request, Shipped());
  ASSERT_TRUE(built) << built.error();
  ASSERT_NE(built->adapter, nullptr);
  EXPECT_EQ(built->adapter->Kind(), RuntimeKind::crun);
  EXPECT_EQ(built->plan.userns_map, UsernsMap::root);

  request.given = {"--userns-map"};
  built = BuildPlan(request, Shipped());
  ASSERT_TRUE(built) << built.error();
  EXPECT_EQ(built->plan.userns_map, UsernsMap::unprivileged);
}

// Only the ns.* probes show which namespaces a runtime made, so a runtime run
// has them whatever --probes says, and says so; the launcher's runs keep the
// selection as it is.
TEST(BuildPlan, ARuntimeRunAlwaysHasTheNsProbes) {
  auto ids = [](const BuiltPlan& built) {
    std::vector<std::string> out;
    for (const ProbeSpec* probe : built.plan.probes) out.push_back(probe->id);
    return out;
  };
  PlanRequest request;
  request.probes = "escape.setns_net";
  request.given = {"--probes"};
  auto native = BuildPlan(request, Shipped());
  ASSERT_TRUE(native) << native.error();
  EXPECT_EQ(ids(*native), std::vector<std::string>{"escape.setns_net"});
  EXPECT_TRUE(native->warnings.empty());

  request.runtime = "unshare";
  request.userns_map = "root";
  request.given.insert("--userns-map");
  auto built = BuildPlan(request, Shipped());
  ASSERT_TRUE(built) << built.error();
  std::vector<std::string> got = ids(*built);
  EXPECT_EQ(std::count(got.begin(), got.end(), "escape.setns_net"), 1);
  for (const char* ns :
       {"ns.mnt", "ns.uts", "ns.ipc", "ns.net", "ns.pid", "ns.user", "ns.cgroup", "ns.time"}) {
    EXPECT_EQ(std::count(got.begin(), got.end(), ns), 1) << ns;
  }
  EXPECT_EQ(got.size(), 9u);
  ASSERT_EQ(built->warnings.size(), 1u);
  EXPECT_NE(built->warnings[0].find("the ns.* probes run too"), std::string::npos);

  request.probes = "ns.";  // already there: nothing to say
  built = BuildPlan(request, Shipped());
  ASSERT_TRUE(built) << built.error();
  EXPECT_EQ(ids(*built).size(), 8u);
  EXPECT_TRUE(built->warnings.empty());
}

TEST(BuildPlan, ARuntimesFixedPropagationReplacesTheDefaultButNotAChoice) {
  PlanRequest request;
  request.runtime = "bwrap";
  auto built = BuildPlan(request, Shipped());
  ASSERT_TRUE(built) << built.error();
  EXPECT_EQ(built->plan.propagation, Propagation::kSlave);

  request.given = {"--propagation"};
  EXPECT_EQ(ErrorOf(request),
            "--runtime bwrap always gives containers slave propagation; --propagation private "
            "cannot apply");

  request.runtime = "crun";
  request.propagation = "shared";
  EXPECT_EQ(ErrorOf(request).rfind("--runtime crun --propagation shared: ", 0), 0u);

  TempTree tree;
  tree.Dir("proc");
  tree.Dir("tmp");
  PlanRequest rootfs;
  rootfs.runtime = "bwrap";
  rootfs.rootfs = tree.path();
  EXPECT_EQ(ErrorOf(rootfs),
            "--runtime bwrap runs containers in the host's root filesystem; --rootfs is for the "
            "native launcher only");
}

// bwrap maps one id: asked for a range, it would refuse every user
// combination and pass a run that tested nothing of the map asked for.
TEST(BuildPlan, AMapARuntimeCannotMakeIsRefusedWhereAUserCombinationRuns) {
  PlanRequest request;
  request.runtime = "bwrap";
  request.given = {plan_option::kUsernsMap};  // unprivileged, chosen
  EXPECT_EQ(ErrorOf(request),
            "--runtime bwrap --userns-map unprivileged: bwrap maps a single id into a user "
            "namespace (--uid/--gid), not the range of --userns-map unprivileged (use "
            "--userns-map root, or --runtime unshare, runc or crun)");
  // Without a user namespace in any combination the map means nothing.
  request.combos = "mnt,mnt+pid";
  request.given.insert(plan_option::kCombos);
  EXPECT_EQ(ErrorOf(request), "(built)");
  request.combos = "mnt,mnt+user";
  EXPECT_NE(ErrorOf(request), "(built)");
  request.userns_map = "root";
  EXPECT_EQ(ErrorOf(request), "(built)");
  // The others can map the range.
  for (const char* runtime : {"runc", "crun", "nspawn"}) {
    PlanRequest other;
    other.runtime = runtime;
    other.given = {plan_option::kUsernsMap};
    EXPECT_EQ(ErrorOf(other), "(built)") << runtime;
  }
}

TEST(BuildPlan, OutsideTheInitialUserNamespaceRuncAndNspawnAreRefused) {
  for (const char* runtime : {"runc", "nspawn"}) {
    PlanRequest request;
    request.runtime = runtime;
    EXPECT_NE(ErrorOf(request, /*rootless=*/true).find("is not supported in a rootless run"),
              std::string::npos)
        << runtime;
    // As root they are planned (the runtime is looked for later).
    EXPECT_EQ(ErrorOf(request, /*rootless=*/false), "(built)") << runtime;
    // Root inside a user namespace is no more the machine's root.
    auto in_userns = BuildPlan(
        request, {.scenario_dir = NSM_SCENARIO_DIR, .rootless = false, .initial_userns = false});
    ASSERT_FALSE(in_userns) << runtime;
    EXPECT_EQ(in_userns.error().rfind("--runtime " + std::string(runtime) +
                                          " is not supported inside a user namespace (mode "
                                          "userns-root) (",
                                      0),
              0u)
        << in_userns.error();
  }
  for (const char* runtime : {"crun", "bwrap"}) {
    PlanRequest request;
    request.runtime = runtime;
    EXPECT_EQ(ErrorOf(request, /*rootless=*/true), "(built)") << runtime;
  }
  PlanRequest unshare;
  unshare.runtime = "unshare";
  unshare.given = {"--userns-map"};  // unprivileged, chosen
  EXPECT_NE(ErrorOf(unshare, /*rootless=*/true).find("cannot work inside a rootless run"),
            std::string::npos);
  unshare.userns_map = "root";
  EXPECT_EQ(ErrorOf(unshare, /*rootless=*/true), "(built)");
}

TEST(BuildPlan, AScenariosRuntimeAndRootfsApplyAndItsPropagationCountsAsChosen) {
  TempTree tree;
  std::string bwrap = tree.File("bwrap.toml",
                                "name = \"bwrap\"\ndescription = \"x\"\ncombinations = [\"mnt\"]\n"
                                "[options]\nruntime = \"bwrap\"\npropagation = \"private\"\n");
  PlanRequest request;
  request.scenario = bwrap;
  // As if --propagation private had been given: bwrap cannot.
  EXPECT_EQ(ErrorOf(request),
            "--runtime bwrap always gives containers slave propagation; --propagation private "
            "cannot apply");
  // The command line's runtime wins, and the file's propagation applies to it.
  request.runtime = "native";
  request.given = {plan_option::kRuntime};
  auto built = BuildPlan(request, Shipped());
  ASSERT_TRUE(built) << built.error();
  EXPECT_EQ(built->adapter, nullptr);
  EXPECT_EQ(built->plan.propagation, Propagation::kPrivate);

  tree.Dir("root");
  tree.Dir("root/proc");
  tree.Dir("root/tmp");
  std::string rooted =
      tree.File("rooted.toml",
                "name = \"rooted\"\ndescription = \"x\"\ncombinations = [\"mnt\"]\n"
                "[options]\nrootfs = \"root\"\n");
  PlanRequest in_tree;
  in_tree.scenario = rooted;
  built = BuildPlan(in_tree, Shipped());
  ASSERT_TRUE(built) << built.error();
  EXPECT_EQ(built->plan.rootfs, tree.path() + "/root");  // relative to the file
  in_tree.given = {plan_option::kRootfs};                // --rootfs host given
  built = BuildPlan(in_tree, Shipped());
  ASSERT_TRUE(built) << built.error();
  EXPECT_TRUE(built->plan.rootfs.empty());
}

TEST(LeaveOutLauncherProbes, TakesOutWhatOnlyTheLauncherCanRunAndSaysWhy) {
  PlanRequest request;
  request.runtime = "bwrap";
  auto built = BuildPlan(request, Shipped());
  ASSERT_TRUE(built) << built.error();
  built->plan.runtime.kind = RuntimeKind::bwrap;
  size_t before = built->plan.probes.size();
  ASSERT_TRUE(LeaveOutLauncherProbes(built->plan));
  EXPECT_EQ(built->plan.probes.size() + built->plan.runtime_left_out.size(), before);
  EXPECT_EQ(built->plan.runtime_left_out.size(), ProbesNeedingTheLauncher().size());
  for (const auto& [id, why] : built->plan.runtime_left_out) EXPECT_FALSE(why.empty()) << id;

  // Said before the ns.* probes a runtime run always has are added.
  request.probes = "pid.signal_sender,mnt.propagation_in";
  request.given = {"--probes"};
  EXPECT_EQ(ErrorOf(request), "none of the selected probes can run under --runtime bwrap");
  RunPlan only_launcher;
  only_launcher.runtime.kind = RuntimeKind::bwrap;
  only_launcher.probes = *Catalogue::Builtin().Select(request.probes);
  auto left = LeaveOutLauncherProbes(only_launcher);
  ASSERT_FALSE(left);
  EXPECT_EQ(left.error(), "none of the selected probes can run under --runtime bwrap");
}

}  // namespace
}  // namespace nsm
