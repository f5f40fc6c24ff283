#include "harness/rules/catalogue.h"

#include <gtest/gtest.h>

#include "harness/rules/verdict.h"

namespace nsm {
namespace {

Outcome Expect(const char* probe, const char* combo, bool map_root = false) {
  const ProbeSpec* spec = Catalogue::Builtin().Find(probe);
  EXPECT_NE(spec, nullptr) << probe;
  return spec->Expected({*NsSet::Parse(combo), map_root});
}

TEST(Catalogue, BuiltinHasTheStoryProbesInRunOrder) {
  const auto& probes = Catalogue::Builtin().Probes();
  std::vector<std::string> ids;
  for (const ProbeSpec& p : probes) ids.push_back(p.id);
  for (const char* id : {"ns.cgroup", "ns.ipc", "ns.mnt", "ns.net", "ns.pid", "ns.time", "ns.user",
                         "ns.uts", "pid.see_host", "pid.kill_host", "uts.hostname"}) {
    EXPECT_NE(Catalogue::Builtin().Find(id), nullptr) << id;
  }
  // The look must run before the kill that would remove what it looks for.
  auto pos = [&](const char* id) { return std::find(ids.begin(), ids.end(), id) - ids.begin(); };
  EXPECT_LT(pos("pid.see_host"), pos("pid.kill_host"));
  EXPECT_LT(pos("pid.proc_under"), pos("pid.kill_host"));
  EXPECT_LT(pos("escape.setns_net"), pos("pid.kill_host"));
  EXPECT_LT(pos("escape.proc_root"), pos("pid.kill_host"));
}

TEST(Catalogue, TheSubtleRules) {
  // A PID namespace alone still shows the host's procfs.
  EXPECT_EQ(Expect("pid.see_host", "pid"), Outcome::leaked);
  EXPECT_EQ(Expect("pid.see_host", "mnt"), Outcome::leaked);
  EXPECT_EQ(Expect("pid.see_host", "mnt+pid"), Outcome::isolated);
  // Under the container's /proc: the host's, where a user namespace locks it.
  EXPECT_EQ(Expect("pid.proc_under", "mnt+pid"), Outcome::isolated);
  EXPECT_EQ(Expect("pid.proc_under", "mnt+pid+user"), Outcome::leaked);
  // A user namespace alone keeps the host's name safe.
  EXPECT_EQ(Expect("uts.hostname", "user"), Outcome::isolated);
  EXPECT_EQ(Expect("uts.hostname", "user", true), Outcome::isolated);
  EXPECT_EQ(Expect("uts.hostname", "none"), Outcome::leaked);
  // Killing depends on the id map.
  EXPECT_EQ(Expect("pid.kill_host", "user"), Outcome::isolated);
  EXPECT_EQ(Expect("pid.kill_host", "user", true), Outcome::leaked);
  EXPECT_EQ(Expect("pid.kill_host", "pid", true), Outcome::isolated);
  // Acting through a host process takes more than a matching uid.
  EXPECT_EQ(Expect("escape.proc_root", "user", true), Outcome::isolated);
  EXPECT_EQ(Expect("escape.setns_net", "net"), Outcome::leaked);
  for (const NsInfo& info : kNamespaces) {
    std::string id = "ns." + std::string(info.name);
    EXPECT_EQ(Expect(id.c_str(), std::string(info.name).c_str()), Outcome::isolated);
    EXPECT_EQ(Expect(id.c_str(), "none"), Outcome::leaked);
  }
}

TEST(Catalogue, SelectByIdPrefixAndAll) {
  const Catalogue& c = Catalogue::Builtin();
  auto ns = c.Select("ns.");
  ASSERT_TRUE(ns);
  EXPECT_EQ(ns->size(), 8u);
  auto ns_bare = c.Select("ns");
  ASSERT_TRUE(ns_bare);
  EXPECT_EQ(ns_bare->size(), 8u);
  auto mixed = c.Select("uts.hostname,pid.see_host");
  ASSERT_TRUE(mixed);
  ASSERT_EQ(mixed->size(), 2u);
  EXPECT_EQ((*mixed)[0]->id, "pid.see_host");  // catalogue order, not argument order
  EXPECT_EQ(c.Select("all")->size(), c.Probes().size());
  Result<std::vector<const ProbeSpec*>> bad = c.Select("pid.nope");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().context.find("known probes"), std::string::npos);
  EXPECT_FALSE(c.Select("n"));  // a prefix must end at a dot
}

TEST(Catalogue, RejectsBrokenData) {
  EXPECT_FALSE(Catalogue::FromJson("not json"));
  EXPECT_FALSE(Catalogue::FromJson(R"({"probes": [{"id": "x"}]})"));
  EXPECT_FALSE(Catalogue::FromJson(
      R"({"probes": [{"id": "x", "description": "d", "why": "w", "isolated_when": "pid &"}]})"));
  EXPECT_FALSE(Catalogue::FromJson(R"({"probes": [
      {"id": "x", "description": "d", "why": "w", "isolated_when": "pid"},
      {"id": "x", "description": "d", "why": "w", "isolated_when": "pid"}]})"));
  // A misspelt key is no silent default: "host_need" would run the probe
  // against the machine's own namespaces.
  const char* kGood = R"({"comment": "c", "probes": [
      {"id": "x", "description": "d", "why": "w", "isolated_when": "pid", "host_needs": "net"}]})";
  EXPECT_TRUE(Catalogue::FromJson(kGood));
  Result<Catalogue> misspelt = Catalogue::FromJson(R"({"probes": [
      {"id": "x", "description": "d", "why": "w", "isolated_when": "pid", "host_need": "net"}]})");
  ASSERT_FALSE(misspelt);
  EXPECT_EQ(misspelt.error().context, "probe entry with unknown key 'host_need'");
  EXPECT_FALSE(Catalogue::FromJson(R"({"probe": [], "probes": []})"));
  EXPECT_FALSE(Catalogue::FromJson(R"({"probes": [7]})"));
}

TEST(Verdict, ErrorIsNeverAPass) {
  EXPECT_EQ(Decide(Outcome::isolated, Outcome::isolated), Verdict::pass);
  EXPECT_EQ(Decide(Outcome::leaked, Outcome::isolated), Verdict::fail);
  EXPECT_EQ(Decide(Outcome::error, Outcome::leaked), Verdict::fail);
  EXPECT_EQ(Decide(Outcome::unsupported, Outcome::isolated), Verdict::skip);
  EXPECT_EQ(Decide(Outcome::refused, Outcome::leaked), Verdict::skip);
  EXPECT_EQ(OutcomeFromName("refused"), Outcome::refused);
}

}  // namespace
}  // namespace nsm
