#include "harness/gate/kernel_compare.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace nsm {
namespace {

using json = nlohmann::json;

json Kernel(const std::string& net_root, const std::string& net_unpriv,
            const std::string& time_config = "y") {
  auto ns = [](const char* type, const char* option, const std::string& config,
               const std::string& root, const std::string& unpriv) {
    return json{{"type", type},
                {"config_option", option},
                {"config", config},
                {"max_sysctl", std::string("user.max_") + type + "_namespaces"},
                {"max", 1000},
                {"root",
                 {{"status", root},
                  {"detail", "unshare failed"},
                  {"gate", "limit"},
                  {"cause", "user.max_net_namespaces is 0"}}},
                {"unprivileged", {{"status", unpriv}, {"skipped", true}}}};
  };
  return {{"namespaces",
           {ns("net", "CONFIG_NET_NS", "y", net_root, net_unpriv),
            ns("time", "CONFIG_TIME_NS", time_config, "usable", "usable")}}};
}

TEST(KernelCompareTest, SameKernelHasNoDifferences) {
  GateResult result;
  ASSERT_TRUE(
      CompareKernelSections(Kernel("usable", "usable"), Kernel("usable", "usable"), {}, result));
  EXPECT_TRUE(result.regressions.empty());
  EXPECT_TRUE(result.improvements.empty());
  EXPECT_FALSE(result.Failed());
}

TEST(KernelCompareTest, LostAndRestrictedNamespacesAreRegressions) {
  GateResult result;
  ASSERT_TRUE(CompareKernelSections(Kernel("usable", "usable"), Kernel("unavailable", "restricted"),
                                    {}, result));
  ASSERT_EQ(result.regressions.size(), 2u);
  EXPECT_EQ(result.regressions[0].combination, "kernel");
  EXPECT_EQ(result.regressions[0].probe, "kernel.net.root");
  EXPECT_EQ(result.regressions[0].kind, "namespace-lost");
  EXPECT_THAT(result.regressions[0].detail, ::testing::HasSubstr("user.max_net_namespaces is 0"));
  EXPECT_EQ(result.regressions[1].probe, "kernel.net.unprivileged");
  EXPECT_EQ(result.regressions[1].kind, "namespace-restricted");
  EXPECT_TRUE(result.Failed());
}

TEST(KernelCompareTest, TheReverseIsAnImprovement) {
  GateResult result;
  ASSERT_TRUE(CompareKernelSections(Kernel("unavailable", "usable"), Kernel("usable", "usable"), {},
                                    result));
  EXPECT_TRUE(result.regressions.empty());
  ASSERT_EQ(result.improvements.size(), 1u);
  EXPECT_EQ(result.improvements[0].kind, "namespace-gained");
}

TEST(KernelCompareTest, ConfigOptionLostIsARegression) {
  GateResult result;
  ASSERT_TRUE(CompareKernelSections(Kernel("usable", "usable", "y"),
                                    Kernel("usable", "usable", "n"), {}, result));
  ASSERT_EQ(result.regressions.size(), 1u);
  EXPECT_EQ(result.regressions[0].probe, "kernel.config.CONFIG_TIME_NS");
  EXPECT_EQ(result.regressions[0].kind, "config-lost");
}

TEST(KernelCompareTest, NotCheckedIsContextNotRegression) {
  GateResult result;
  ASSERT_TRUE(CompareKernelSections(Kernel("usable", "usable"), Kernel("usable", "not-checked"), {},
                                    result));
  EXPECT_TRUE(result.regressions.empty());
  EXPECT_THAT(result.context_differences,
              ::testing::ElementsAre("kernel.net.unprivileged: usable -> not-checked"));
}

TEST(KernelCompareTest, AllowListMatchesKernelProbes) {
  Result<AllowList> allow = ParseAllowList(
      "[[allow]]\ncombination = \"*\"\nprobe = \"kernel.net.\"\nreason = \"no netns in CI\"\n",
      "allow.toml");
  ASSERT_TRUE(allow) << allow.error().Message();
  GateResult result;
  ASSERT_TRUE(CompareKernelSections(Kernel("usable", "usable"), Kernel("unavailable", "usable"),
                                    *allow, result));
  EXPECT_TRUE(result.regressions.empty());
  ASSERT_EQ(result.allowed.size(), 1u);
  EXPECT_EQ(result.allowed[0].reason, "no netns in CI");
}

TEST(KernelCompareTest, MalformedSectionsAreErrors) {
  GateResult result;
  EXPECT_FALSE(CompareKernelSections(json::object(), Kernel("usable", "usable"), {}, result));
  EXPECT_FALSE(CompareKernelSections(Kernel("usable", "usable"),
                                     json{{"namespaces", {{{"type", 3}}}}}, {}, result));
  EXPECT_FALSE(
      CompareKernelSections(Kernel("usable", "usable"), json{{"namespaces", "x"}}, {}, result));
}

}  // namespace
}  // namespace nsm

namespace nsm {
namespace {

TEST(KernelCompareHolesTest, MissingTypeIsARegression) {
  nlohmann::json current = Kernel("usable", "usable");
  current["namespaces"].erase(0);  // net gone
  GateResult result;
  ASSERT_TRUE(CompareKernelSections(Kernel("usable", "usable"), current, {}, result));
  ASSERT_EQ(result.regressions.size(), 1u);
  EXPECT_EQ(result.regressions[0].kind, "namespace-missing");
  EXPECT_EQ(result.regressions[0].probe, "kernel.net.root");
}

TEST(KernelCompareHolesTest, ABrokenCheckIsARegressionASkippedOneIsNot) {
  nlohmann::json current = Kernel("usable", "usable");
  current["namespaces"][0]["root"] = {{"status", "not-checked"},
                                      {"detail", "the check process was killed by signal 31"},
                                      {"skipped", false}};
  GateResult result;
  ASSERT_TRUE(CompareKernelSections(Kernel("usable", "usable"), current, {}, result));
  ASSERT_EQ(result.regressions.size(), 1u);
  EXPECT_EQ(result.regressions[0].kind, "check-failed");
  // A status nsmatrix does not know is no better.
  current["namespaces"][0]["root"] = {{"status", "fine"}};
  result = {};
  ASSERT_TRUE(CompareKernelSections(Kernel("usable", "usable"), current, {}, result));
  EXPECT_EQ(result.regressions.size(), 1u);
}

// A baseline whose check broke (killed at its deadline on a loaded runner)
// cannot vouch for the type: lost afterwards, that is a regression, not the
// context line it would be as a difference between checked and not.
TEST(KernelCompareHolesTest, ABrokenCheckInTheBaselineVouchesForNothing) {
  nlohmann::json baseline = Kernel("usable", "not-checked");
  baseline["namespaces"][0]["unprivileged"] = {
      {"status", "not-checked"}, {"detail", "the check process was killed by signal 9"}};
  for (const char* now : {"unavailable", "restricted"}) {
    GateResult result;
    ASSERT_TRUE(CompareKernelSections(baseline, Kernel("usable", now), {}, result));
    ASSERT_EQ(result.regressions.size(), 1u) << now;
    EXPECT_EQ(result.regressions[0].kind, "baseline-check-failed");
    EXPECT_EQ(result.regressions[0].probe, "kernel.net.unprivileged");
    EXPECT_NE(result.regressions[0].detail.find("killed by signal 9"), std::string::npos)
        << result.regressions[0].detail;
  }
  GateResult fine;
  ASSERT_TRUE(CompareKernelSections(baseline, Kernel("usable", "usable"), {}, fine));
  EXPECT_TRUE(fine.regressions.empty());
}

// A baseline made as root with --no-unprivileged against a report made by
// another user: each side skipped on one of them, so nothing was compared.
TEST(KernelCompareHolesTest, ATypeComparedOnNeitherSideIsARegression) {
  nlohmann::json baseline = Kernel("usable", "not-checked");
  nlohmann::json current = Kernel("not-checked", "usable");
  current["namespaces"][0]["root"]["skipped"] = true;
  GateResult result;
  ASSERT_TRUE(CompareKernelSections(baseline, current, {}, result));
  ASSERT_EQ(result.regressions.size(), 1u);
  EXPECT_EQ(result.regressions[0].kind, "not-compared");
  EXPECT_EQ(result.regressions[0].probe, "kernel.net");
  EXPECT_TRUE(result.Failed());
  // Compared on one side: that side decides, the other is context.
  result = {};
  ASSERT_TRUE(CompareKernelSections(Kernel("usable", "usable"), current, {}, result));
  EXPECT_TRUE(result.regressions.empty());
}

TEST(KernelCompareHolesTest, DuplicateTypesAreAnError) {
  nlohmann::json current = Kernel("usable", "usable");
  current["namespaces"].push_back(current["namespaces"][0]);
  GateResult result;
  EXPECT_FALSE(CompareKernelSections(Kernel("usable", "usable"), current, {}, result));
}

TEST(KernelCompareHolesTest, AMissingKernelSectionIsARegression) {
  GateResult result;
  ASSERT_TRUE(CompareKernelSections(Kernel("usable", "usable"), nullptr, {}, result));
  ASSERT_EQ(result.regressions.size(), 1u);
  EXPECT_EQ(result.regressions[0].kind, "kernel-missing");
}

TEST(KernelCompareHolesTest, AConfigFoundOnOneSideOnlyIsContext) {
  nlohmann::json current = Kernel("usable", "usable");
  current["namespaces"][1]["config"] = nullptr;
  current["config"] = {{"source", nullptr}, {"error", "no config found"}};
  GateResult result;
  ASSERT_TRUE(CompareKernelSections(Kernel("usable", "usable"), current, {}, result));
  EXPECT_TRUE(result.regressions.empty());
  EXPECT_THAT(result.context_differences,
              ::testing::ElementsAre("kernel.config.CONFIG_TIME_NS: known -> no config"));
}

// An option a config that was read does not list is not set (Kconfig leaves
// out CONFIG_TIME_NS where its dependencies are off): it was lost.
TEST(KernelCompareHolesTest, AnOptionAbsentFromAConfigReadIsLost) {
  nlohmann::json current = Kernel("usable", "usable");
  current["namespaces"][1]["config"] = nullptr;
  current["config"] = {{"source", "/boot/config-6.1.0"}, {"options", json::array()}};
  GateResult result;
  ASSERT_TRUE(CompareKernelSections(Kernel("usable", "usable"), current, {}, result));
  ASSERT_EQ(result.regressions.size(), 1u);
  EXPECT_EQ(result.regressions[0].probe, "kernel.config.CONFIG_TIME_NS");
  EXPECT_EQ(result.regressions[0].kind, "config-lost");
  EXPECT_EQ(result.regressions[0].before, "y");
  EXPECT_EQ(result.regressions[0].after, "absent");
  EXPECT_TRUE(result.context_differences.empty());
}

}  // namespace
}  // namespace nsm

namespace nsm {
namespace {

// Two kernels differ in more than the per-type checks: every difference is named.
TEST(KernelCompareContextTest, EveryOtherKernelDifferenceIsContext) {
  auto with_rest = [](const char* release, const char* veth, int max_net, const char* lsm) {
    nlohmann::json kernel = Kernel("usable", "usable");
    kernel["kernel_release"] = release;
    kernel["mode"] = "root";
    kernel["config"] = {{"source", "/proc/config.gz"},
                        {"options",
                         {{{"option", "CONFIG_NET_NS"}, {"value", "y"}, {"why", "net"}},
                          {{"option", "CONFIG_VETH"}, {"value", veth}, {"why", "veth"}}}}};
    kernel["sysctls"] = {{"user.max_net_namespaces", max_net}};
    kernel["security_modules"] = {{"active", {"lockdown", lsm}}, {"source", "/sys"}};
    kernel["seccomp_mode"] = 0;
    kernel["apparmor_enabled"] = nullptr;
    return kernel;
  };
  nlohmann::json before = with_rest("6.18.44", "y", 1000, "landlock");
  nlohmann::json after = with_rest("6.1.0-28-amd64", "m", 0, "apparmor");
  after["config"]["options"].push_back({{"option", "CONFIG_BRIDGE"}, {"value", "y"}, {"why", ""}});
  after["apparmor_enabled"] = true;
  GateResult result;
  ASSERT_TRUE(CompareKernelSections(before, after, {}, result));
  EXPECT_TRUE(result.regressions.empty());
  EXPECT_THAT(result.context_differences,
              ::testing::ElementsAre("kernel.kernel_release: 6.18.44 -> 6.1.0-28-amd64",
                                     "kernel.apparmor_enabled: null -> true",
                                     "kernel.security_modules: [\"lockdown\",\"landlock\"] -> "
                                     "[\"lockdown\",\"apparmor\"]",
                                     "kernel.config.CONFIG_BRIDGE: (absent) -> y",
                                     "kernel.config.CONFIG_VETH: y -> m",
                                     "kernel.sysctl.user.max_net_namespaces: 1000 -> 0"));
  // The same section twice: nothing.
  result = {};
  ASSERT_TRUE(CompareKernelSections(before, before, {}, result));
  EXPECT_TRUE(result.context_differences.empty());
}

}  // namespace
}  // namespace nsm
