#include "scenarios/scenario.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>

namespace nsm {
namespace {

namespace fs = std::filesystem;

// A fresh directory per test, removed afterwards.
class ScenarioTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "nsm-scenario-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::string Write(const std::string& file, const std::string& text) {
    fs::path path = dir_ / file;
    std::ofstream(path) << text;
    return path.string();
  }

  Result<Scenario> LoadText(const std::string& text, const std::string& file = "s.toml") {
    return LoadScenarioFile(Write(file, text), Catalogue::Builtin());
  }

  // The error's message for `text`; fails the test if it loads.
  std::string ErrorFor(const std::string& text) {
    Result<Scenario> s = LoadText(text);
    EXPECT_FALSE(s) << "loaded:\n" << text;
    return s ? std::string() : s.error().Message();
  }

  std::string Where(int line, int column) const {
    return (dir_ / "s.toml").string() + ":" + std::to_string(line) + ":" + std::to_string(column) +
           ": ";
  }

  fs::path dir_;
};

constexpr const char* kHead =
    "name = \"s\"\n"
    "description = \"d\"\n"
    "combinations = [\"none\"]\n";

TEST_F(ScenarioTest, ValidFileRoundTrip) {
  fs::create_directory(dir_ / "roots");
  std::string path = Write("full.toml",
                           "# a comment\n"
                           "name = \"full\"\n"
                           "description = \"Everything set\"\n"
                           "combinations = [\"pid+mnt\", \"none\", \"user\"]\n"
                           "probes = [\"ns.\", \"pid.kill_host\"]\n"
                           "[options]\n"
                           "userns_map = \"root\"\n"
                           "rootfs = \"roots/../roots/debian\"\n"
                           "propagation = \"slave\"\n"
                           "jobs = 3\n"
                           "timeout_ms = 2500\n"
                           "runtime = \"bwrap\"\n"
                           "[[expect]]\n"
                           "probe = \"ns.cgroup\"\n"
                           "combination = \"*\"\n"
                           "outcome = \"leaked\"\n"
                           "reason = \"shared cgroup namespace is accepted\"\n"
                           "\n"
                           "[[expect]]\n"
                           "probe = \"pid.\"\n"
                           "combination = \"mnt+pid\"\n"
                           "outcome = \"isolated\"\n"
                           "reason = \"because\"\n");
  Result<Scenario> s = LoadScenarioFile(path, Catalogue::Builtin());
  ASSERT_TRUE(s) << s.error().Message();
  EXPECT_EQ(s->name, "full");
  EXPECT_EQ(s->description, "Everything set");
  EXPECT_EQ(s->path, path);
  ASSERT_EQ(s->combinations.size(), 3u);
  EXPECT_EQ(s->combinations[0].ToString(), "mnt+pid");
  EXPECT_EQ(s->combinations[1].ToString(), "none");
  EXPECT_EQ(s->combinations[2].ToString(), "user");
  EXPECT_EQ(s->probe_selectors, (std::vector<std::string>{"ns.", "pid.kill_host"}));
  EXPECT_EQ(s->userns_map, UsernsMap::root);
  EXPECT_EQ(s->rootfs, (fs::absolute(dir_) / "roots/debian").lexically_normal().string());
  EXPECT_EQ(s->propagation, Propagation::kSlave);
  EXPECT_EQ(s->jobs, 3);
  EXPECT_EQ(s->timeout_ms, 2500);
  EXPECT_EQ(s->runtime, RuntimeKind::bwrap);
  ASSERT_EQ(s->overrides.size(), 2u);
  EXPECT_EQ(s->overrides[0].probe, "ns.cgroup");
  EXPECT_FALSE(s->overrides[0].combination);
  EXPECT_EQ(s->overrides[0].outcome, Outcome::leaked);
  EXPECT_EQ(s->overrides[0].reason, "shared cgroup namespace is accepted");
  EXPECT_EQ(s->overrides[0].source, path + ":13");
  EXPECT_EQ(s->overrides[1].probe, "pid.");
  EXPECT_EQ(s->overrides[1].combination, NsSet::Parse("mnt+pid").value());
  EXPECT_EQ(s->overrides[1].outcome, Outcome::isolated);
  EXPECT_EQ(s->overrides[1].source, path + ":19");
}

TEST_F(ScenarioTest, DefaultsWhenOptionalPartsAreAbsent) {
  Result<Scenario> s = LoadText(kHead);
  ASSERT_TRUE(s) << s.error().Message();
  EXPECT_EQ(s->probe_selectors, std::vector<std::string>{"all"});
  EXPECT_FALSE(s->userns_map);
  EXPECT_FALSE(s->rootfs);
  EXPECT_FALSE(s->propagation);
  EXPECT_FALSE(s->jobs);
  EXPECT_FALSE(s->timeout_ms);
  EXPECT_TRUE(s->overrides.empty());
}

TEST_F(ScenarioTest, AllCombinationsAndHostRootfs) {
  Result<Scenario> s = LoadText(
      "name = \"s\"\ndescription = \"d\"\ncombinations = [\"all\"]\n"
      "[options]\nrootfs = \"host\"\nuserns_map = \"unprivileged\"\n");
  ASSERT_TRUE(s) << s.error().Message();
  EXPECT_EQ(s->combinations.size(), 256u);
  EXPECT_EQ(s->rootfs, "host");
  EXPECT_EQ(s->userns_map, UsernsMap::unprivileged);
}

struct BadCase {
  const char* what;
  std::string text;  // appended to kHead unless `whole`
  int line, column;
  const char* says;  // a substring of the message after "FILE:LINE:COLUMN: "
  bool whole = false;
};

TEST_F(ScenarioTest, EachErrorNamesFileLineAndColumn) {
  const BadCase cases[] = {
      {"syntax error", "probes = [\"all\"\nname = 1\n", 5, 1, "TOML syntax error"},
      {"unknown top-level key", "extra = 1\n", 4, 1, "extra: unknown key"},
      {"unknown option", "[options]\njobs = 2\nthreads = 2\n", 6, 1,
       "options.threads: unknown key"},
      {"unknown runtime", "[options]\nruntime = \"docker\"\n", 5, 11,
       "options.runtime: expected \"native\", \"unshare\", \"bwrap\", \"runc\", \"crun\", or "
       "\"nspawn\", "
       "got "
       "\"docker\""},
      {"unknown expect key",
       "[[expect]]\nprobe = \"ns.mnt\"\noutcome = \"leaked\"\nreason = \"r\"\nwhy = \"w\"\n", 8, 1,
       "expect[0].why: unknown key"},
      {"name not a string", "name = 3\ndescription = \"d\"\ncombinations = [\"none\"]\n", 1, 8,
       "name: expected a non-empty string, got integer 3", true},
      {"empty name", "name = \"\"\ndescription = \"d\"\ncombinations = [\"none\"]\n", 1, 8,
       "name: expected a non-empty string, got \"\"", true},
      {"missing name", "description = \"d\"\ncombinations = [\"none\"]\n", 1, 1,
       "missing required key \"name\"", true},
      {"missing description", "name = \"s\"\ncombinations = [\"none\"]\n", 1, 1,
       "missing required key \"description\"", true},
      {"two-line description",
       "name = \"s\"\ndescription = \"\"\"\none\ntwo\"\"\"\ncombinations = [\"none\"]\n", 2, 15,
       "description: expected a non-empty one-line string", true},
      {"missing combinations", "name = \"s\"\ndescription = \"d\"\n", 1, 1,
       "missing required key \"combinations\"", true},
      {"combinations not an array", "name = \"s\"\ndescription = \"d\"\ncombinations = \"all\"\n",
       3, 16, "combinations: expected an array of combination names", true},
      {"empty combinations", "name = \"s\"\ndescription = \"d\"\ncombinations = []\n", 3, 16,
       "combinations: expected a non-empty array", true},
      {"combination not a string",
       "name = \"s\"\ndescription = \"d\"\ncombinations = [\"none\", 7]\n", 3, 25,
       "combinations[1]: expected combination names", true},
      {"bad combination name",
       "name = \"s\"\ndescription = \"d\"\ncombinations = [\"none\", \"mnt+network\"]\n", 3, 25,
       "combinations[1]: unknown namespace 'network'", true},
      {"duplicate combination",
       "name = \"s\"\ndescription = \"d\"\ncombinations = [\"mnt+pid\", \"pid+mnt\"]\n", 3, 28,
       "combinations[1]: combination mnt+pid is listed twice", true},
      {"all with others", "name = \"s\"\ndescription = \"d\"\ncombinations = [\"none\", \"all\"]\n",
       3, 25, "\"all\" must be the only entry", true},
      {"unknown probe", "probes = [\"ns.\", \"bogus\"]\n", 4, 18,
       "probes[1]: no probe matches 'bogus'"},
      {"probe list in one string", "probes = [\"ns.,pid.\"]\n", 4, 11,
       "probes[0]: expected one probe id or prefix per string"},
      {"probes not an array", "probes = \"all\"\n", 4, 10, "probes: expected an array"},
      {"options not a table", "options = 3\n", 4, 11, "options: expected a table"},
      {"bad userns_map", "[options]\nuserns_map = \"admin\"\n", 5, 14,
       "options.userns_map: expected \"unprivileged\" or \"root\", got \"admin\""},
      {"userns_map wrong type", "[options]\nuserns_map = true\n", 5, 14,
       "options.userns_map: expected \"unprivileged\" or \"root\", got boolean true"},
      {"bad propagation", "[options]\npropagation = \"rshared\"\n", 5, 15,
       "options.propagation: expected \"private\", \"slave\", \"shared\", or \"unchanged\", got "
       "\"rshared\""},
      {"empty rootfs", "[options]\nrootfs = \"\"\n", 5, 10, "options.rootfs: expected \"host\""},
      {"jobs zero", "[options]\njobs = 0\n", 5, 8, "options.jobs: expected an integer from 1"},
      {"jobs too many", "[options]\njobs = 65\n", 5, 8, "got integer 65"},
      {"jobs as string", "[options]\njobs = \"2\"\n", 5, 8, "options.jobs: expected an integer"},
      {"timeout too short", "[options]\ntimeout_ms = 99\n", 5, 14,
       "options.timeout_ms: expected an integer from 100 to 600000"},
      {"timeout too long", "[options]\ntimeout_ms = 600001\n", 5, 14, "got integer 600001"},
      {"timeout as float", "[options]\ntimeout_ms = 2.5\n", 5, 14, "got float 2.5"},
      {"expect as a single table", "[expect]\nprobe = \"ns.mnt\"\n", 4, 1,
       "expect: expected an array of tables ([[expect]]), got a table"},
      {"missing reason", "[[expect]]\nprobe = \"ns.mnt\"\noutcome = \"leaked\"\n", 4, 1,
       "expect[0]: missing required key \"reason\""},
      {"empty reason", "[[expect]]\nprobe = \"ns.mnt\"\noutcome = \"leaked\"\nreason = \"\"\n", 7,
       10, "expect[0].reason: expected a non-empty string"},
      {"blank reason", "[[expect]]\nprobe = \"ns.mnt\"\noutcome = \"leaked\"\nreason = \"  \"\n", 7,
       10, "expect[0].reason: expected a non-empty string"},
      {"missing probe in second entry",
       "[[expect]]\nprobe = \"ns.mnt\"\noutcome = \"leaked\"\nreason = \"r\"\n"
       "[[expect]]\noutcome = \"leaked\"\nreason = \"r\"\n",
       8, 1, "expect[1]: missing required key \"probe\""},
      {"missing outcome", "[[expect]]\nprobe = \"ns.mnt\"\nreason = \"r\"\n", 4, 1,
       "expect[0]: missing required key \"outcome\""},
      {"unknown override probe",
       "[[expect]]\nprobe = \"ns.mount\"\noutcome = \"leaked\"\nreason = \"r\"\n", 5, 9,
       "expect[0].probe: no probe matches \"ns.mount\""},
      {"override prefix without '.'",
       "[[expect]]\nprobe = \"ns\"\noutcome = \"leaked\"\nreason = \"r\"\n", 5, 9,
       "expect[0].probe: no probe matches \"ns\""},
      {"override prefix matching nothing",
       "[[expect]]\nprobe = \"bogus.\"\noutcome = \"leaked\"\nreason = \"r\"\n", 5, 9,
       "expect[0].probe: no probe matches \"bogus.\""},
      {"bad override combination",
       "[[expect]]\nprobe = \"ns.\"\ncombination = \"any\"\noutcome = \"leaked\"\n"
       "reason = \"r\"\n",
       6, 15, "expect[0].combination: unknown namespace 'any'"},
      {"outcome not isolated or leaked",
       "[[expect]]\nprobe = \"ns.\"\noutcome = \"error\"\nreason = \"r\"\n", 6, 11,
       "expect[0].outcome: expected \"isolated\" or \"leaked\", got \"error\""},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.what);
    std::string message = ErrorFor(c.whole ? c.text : kHead + c.text);
    std::string where = Where(c.line, c.column);
    EXPECT_EQ(message.substr(0, where.size()), where) << message;
    EXPECT_NE(message.find(c.says), std::string::npos) << message;
  }
}

TEST_F(ScenarioTest, MissingFileIsAnError) {
  Result<Scenario> s = LoadScenarioFile((dir_ / "absent.toml").string(), Catalogue::Builtin());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().err, ENOENT);
  EXPECT_NE(s.error().Message().find("absent.toml"), std::string::npos);
}

TEST_F(ScenarioTest, OverrideMatching) {
  Result<Scenario> s = LoadText(std::string(kHead) +
                                "[[expect]]\n"  // 4: any combination, exact probe
                                "probe = \"ns.cgroup\"\n"
                                "outcome = \"leaked\"\n"
                                "reason = \"any\"\n"
                                "[[expect]]\n"  // 8: exact combination, prefix probe
                                "probe = \"ns.\"\n"
                                "combination = \"pid+mnt\"\n"
                                "outcome = \"isolated\"\n"
                                "reason = \"prefix\"\n"
                                "[[expect]]\n"  // 13: later, narrower: wins where it matches
                                "probe = \"ns.cgroup\"\n"
                                "combination = \"mnt+pid\"\n"
                                "outcome = \"leaked\"\n"
                                "reason = \"last\"\n");
  ASSERT_TRUE(s) << s.error().Message();
  NsSet mnt_pid = NsSet::Parse("mnt+pid").value();
  NsSet user = NsSet::Parse("user").value();

  const ExpectationOverride* o = s->OverrideFor("ns.cgroup", user);  // "*"
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->reason, "any");
  EXPECT_EQ(o->source, (dir_ / "s.toml").string() + ":4");

  o = s->OverrideFor("ns.mnt", mnt_pid);  // prefix and exact combination
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->reason, "prefix");
  EXPECT_EQ(o->outcome, Outcome::isolated);

  o = s->OverrideFor("ns.cgroup", mnt_pid);  // all three match: the last wins
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->reason, "last");

  EXPECT_EQ(s->OverrideFor("ns.mnt", user), nullptr);            // combination differs
  EXPECT_EQ(s->OverrideFor("pid.kill_host", mnt_pid), nullptr);  // probe differs
  EXPECT_EQ(s->OverrideFor("ns.cgroupx", user), nullptr);        // exact id, not a prefix
  EXPECT_EQ(s->OverrideFor("ns.time", NsSet::Parse("mnt").value()), nullptr);
}

TEST_F(ScenarioTest, NamesResolveInTheShippedDirectory) {
  fs::create_directory(dir_ / "shipped");
  Write("shipped/alpha.toml", "name = \"alpha\"\ndescription = \"A\"\ncombinations = [\"pid\"]\n");
  Write("shipped/beta.toml", "name = \"beta\"\ndescription = \"B\"\ncombinations = [\"uts\"]\n");
  Write("shipped/notes.txt", "not a scenario");
  std::string shipped = (dir_ / "shipped").string();
  EXPECT_EQ(ListShippedScenarios(shipped), (std::vector<std::string>{"alpha", "beta"}));

  Result<Scenario> s = LoadScenario("beta", shipped, Catalogue::Builtin());
  ASSERT_TRUE(s) << s.error().Message();
  EXPECT_EQ(s->name, "beta");
  EXPECT_EQ(s->path, shipped + "/beta.toml");
}

TEST_F(ScenarioTest, PathsAreLoadedAsPaths) {
  std::string other = (dir_ / "other").string();
  fs::create_directory(other);
  Write("other/gamma.toml",
        "name = \"not-gamma\"\ndescription = \"G\"\ncombinations = [\"net\"]\n");

  // Containing '/': a path, and its name need not match its stem.
  Result<Scenario> by_path =
      LoadScenario(other + "/gamma.toml", "/nonexistent", Catalogue::Builtin());
  ASSERT_TRUE(by_path) << by_path.error().Message();
  EXPECT_EQ(by_path->name, "not-gamma");

  // Ending in .toml, without '/': a path relative to the working directory.
  char* old = getcwd(nullptr, 0);
  ASSERT_EQ(chdir(other.c_str()), 0);
  Result<Scenario> relative = LoadScenario("gamma.toml", "/nonexistent", Catalogue::Builtin());
  Result<Scenario> as_name = LoadScenario("gamma", other, Catalogue::Builtin());
  ASSERT_EQ(chdir(old), 0);
  free(old);
  ASSERT_TRUE(relative) << relative.error().Message();
  EXPECT_EQ(relative->path, "gamma.toml");

  // As a shipped name, its name must equal its stem.
  ASSERT_FALSE(as_name);
  EXPECT_NE(as_name.error().Message().find(":1:8: name: expected \"gamma\""), std::string::npos)
      << as_name.error().Message();
}

TEST_F(ScenarioTest, RelativeRootfsIsRelativeToTheFile) {
  fs::create_directory(dir_ / "sub");
  Write("sub/r.toml", std::string(kHead) + "[options]\nrootfs = \"../rootfs\"\n");
  Result<Scenario> s = LoadScenarioFile((dir_ / "sub/r.toml").string(), Catalogue::Builtin());
  ASSERT_TRUE(s) << s.error().Message();
  EXPECT_EQ(s->rootfs, (fs::absolute(dir_) / "rootfs").lexically_normal().string());

  Write("abs.toml", std::string(kHead) + "[options]\nrootfs = \"/srv/rootfs/\"\n");
  s = LoadScenarioFile((dir_ / "abs.toml").string(), Catalogue::Builtin());
  ASSERT_TRUE(s) << s.error().Message();
  EXPECT_EQ(s->rootfs, "/srv/rootfs/");
}

TEST_F(ScenarioTest, UnknownShippedNameListsTheShippedNames) {
  fs::create_directory(dir_ / "shipped");
  Write("shipped/alpha.toml", "name = \"alpha\"\ndescription = \"A\"\ncombinations = [\"pid\"]\n");
  Write("shipped/beta.toml", "name = \"beta\"\ndescription = \"B\"\ncombinations = [\"uts\"]\n");
  Result<Scenario> s = LoadScenario("gamma", (dir_ / "shipped").string(), Catalogue::Builtin());
  ASSERT_FALSE(s);
  std::string message = s.error().Message();
  EXPECT_NE(message.find("\"gamma\""), std::string::npos) << message;
  EXPECT_NE(message.find("alpha, beta"), std::string::npos) << message;

  Result<Scenario> none = LoadScenario("gamma", (dir_ / "absent").string(), Catalogue::Builtin());
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().Message().find("(none)"), std::string::npos);
}

// The files in scenarios/ that `nsmatrix run --scenario NAME` offers.
TEST(ShippedScenarios, EveryOneLoadsAndIsNamedAfterItsFile) {
  std::vector<std::string> names = ListShippedScenarios(NSM_SCENARIO_DIR);
  for (const char* expected : {"every-combination", "chroot-only", "unshare-classic",
                               "docker-default", "podman-rootless", "shared-propagation"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
  }
  int count = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(NSM_SCENARIO_DIR)) {
    if (entry.path().extension() != ".toml") continue;
    ++count;
    std::string stem = entry.path().stem().string();
    SCOPED_TRACE(stem);
    Result<Scenario> s = LoadScenarioFile(entry.path().string(), Catalogue::Builtin());
    ASSERT_TRUE(s) << s.error().Message();
    EXPECT_EQ(s->name, stem);
    EXPECT_FALSE(s->description.empty());
    Result<Scenario> by_name = LoadScenario(stem, NSM_SCENARIO_DIR, Catalogue::Builtin());
    EXPECT_TRUE(by_name) << by_name.error().Message();
  }
  EXPECT_EQ(count, static_cast<int>(names.size()));
}

TEST(ShippedScenarios, ModelWhatTheySay) {
  auto load = [](const char* name) {
    Result<Scenario> s = LoadScenario(name, NSM_SCENARIO_DIR, Catalogue::Builtin());
    EXPECT_TRUE(s) << name;
    return s ? *s : Scenario{};
  };
  auto combos = [](const Scenario& s) {
    std::vector<std::string> out;
    for (NsSet set : s.combinations) out.push_back(set.ToString());
    return out;
  };
  EXPECT_EQ(load("every-combination").combinations.size(), 256u);
  EXPECT_EQ(combos(load("chroot-only")), std::vector<std::string>{"none"});
  Scenario unshare = load("unshare-classic");
  EXPECT_EQ(combos(unshare), std::vector<std::string>{"mnt+uts+ipc+net+pid+user"});
  EXPECT_EQ(unshare.userns_map, UsernsMap::root);
  EXPECT_EQ(combos(load("docker-default")), std::vector<std::string>{"mnt+uts+ipc+net+pid+cgroup"});
  EXPECT_EQ(combos(load("podman-rootless")),
            std::vector<std::string>{"mnt+uts+ipc+net+pid+user+cgroup"});
  EXPECT_EQ(load("runtime-unshare").runtime, RuntimeKind::unshare);
  EXPECT_EQ(load("runtime-bwrap").runtime, RuntimeKind::bwrap);
  EXPECT_EQ(load("runtime-runc").runtime, RuntimeKind::runc);
  EXPECT_EQ(load("runtime-runc").propagation, Propagation::kSlave);
  EXPECT_EQ(load("runtime-crun").runtime, RuntimeKind::crun);
  EXPECT_EQ(load("runtime-nspawn").runtime, RuntimeKind::nspawn);
  Scenario shared = load("shared-propagation");
  EXPECT_EQ(shared.propagation, Propagation::kShared);
  for (NsSet set : shared.combinations) EXPECT_TRUE(set.Has(Ns::mnt)) << set.ToString();
}

}  // namespace
}  // namespace nsm
