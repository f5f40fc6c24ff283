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
  GateResult result;
  ASSERT_TRUE(CompareKernelSections(Kernel("usable", "usable"), current, {}, result));
  EXPECT_TRUE(result.regressions.empty());
  EXPECT_THAT(result.context_differences,
              ::testing::ElementsAre("kernel.config.CONFIG_TIME_NS: known -> no config"));
}

}  // namespace
}  // namespace nsm
