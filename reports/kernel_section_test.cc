#include "reports/kernel_section.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace nsm {
namespace {

using json = nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

json Kernel() {
  return json::parse(R"({
    "kernel_release": "6.1.0", "mode": "userns-root",
    "config": {"source": "/proc/config.gz",
               "options": [{"option": "CONFIG_NET_NS", "value": "y", "why": "network namespaces"}]},
    "sysctls": {"user.max_net_namespaces": 0, "kernel.unprivileged_userns_clone": null},
    "security_modules": {"active": ["lockdown", "apparmor"], "source": "/sys/kernel/security/lsm"},
    "seccomp_mode": 0,
    "namespaces": [
      {"type": "uts", "config_option": "CONFIG_UTS_NS", "config": "y", "max": 10,
       "root": {"status": "usable"}, "unprivileged": {"status": "usable"}},
      {"type": "net", "config_option": "CONFIG_NET_NS", "config": "y", "max": 0,
       "root": {"status": "unavailable", "detail": "unshare(CLONE_NEWNET) failed with ENOSPC",
                "gate": "limit", "cause": "user.max_net_namespaces is 0", "remedy": "raise it"},
       "unprivileged": {"status": "not-checked", "detail": "could not become uid 65534"}}]})");
}

TEST(KernelSectionTest, TextNamesEveryFindingWithGateAndRemedy) {
  std::string text = RenderKernelText(Kernel(), false);
  EXPECT_THAT(text, HasSubstr("Config (/proc/config.gz)"));
  EXPECT_THAT(text, HasSubstr("kernel.unprivileged_userns_clone"));
  EXPECT_THAT(text, HasSubstr("lockdown,apparmor"));
  EXPECT_THAT(text,
              HasSubstr("net as root: UNAVAILABLE: unshare(CLONE_NEWNET) failed with ENOSPC"));
  EXPECT_THAT(text, HasSubstr("gate:   limit: user.max_net_namespaces is 0"));
  EXPECT_THAT(text, HasSubstr("remedy: raise it"));
  EXPECT_THAT(text, HasSubstr("net as unprivileged: NOT-CHECKED"));
  EXPECT_THAT(text, HasSubstr("1 namespace type(s) not usable as root: net"));
  EXPECT_THAT(text, HasSubstr("1 namespace type(s) not usable as unprivileged: net"));
  EXPECT_THAT(text, Not(HasSubstr("\033[")));
  EXPECT_THAT(RenderKernelText(Kernel(), true), HasSubstr("\033[31mUNAVAILABLE\033[0m"));
}

TEST(KernelSectionTest, MarkdownTableAndFindings) {
  std::string md = RenderKernelMarkdown(Kernel());
  EXPECT_THAT(md, HasSubstr("## Kernel"));
  EXPECT_THAT(md, HasSubstr("| net | `CONFIG_NET_NS=y` | 0 | unavailable | not-checked |"));
  EXPECT_THAT(md, HasSubstr("Gate `limit`: user.max_net_namespaces is 0. Remedy: raise it"));
}

TEST(KernelSectionTest, TypesNotUsableAndSkipped) {
  EXPECT_EQ(TypesNotUsable(Kernel(), "root"), std::vector<std::string>{"net"});
  // net's unprivileged check broke (no "skipped"): that counts.
  EXPECT_EQ(TypesNotUsable(Kernel(), "unprivileged"), std::vector<std::string>{"net"});
  json kernel = Kernel();
  kernel["namespaces"][1]["unprivileged"]["skipped"] = true;
  EXPECT_TRUE(TypesNotUsable(kernel, "unprivileged").empty());
  EXPECT_EQ(TypesSkipped(kernel, "unprivileged"), std::vector<std::string>{"net"});
  EXPECT_TRUE(TypesNotUsable(json::object(), "root").empty());
}

TEST(KernelSectionTest, MistypedInputRendersWithoutThrowing) {
  json bad = {{"namespaces", {1, "x", {{"type", 5}}}}, {"config", 3}, {"sysctls", "x"}};
  EXPECT_NO_THROW(RenderKernelText(bad, true));
  EXPECT_NO_THROW(RenderKernelMarkdown(bad));
  EXPECT_NO_THROW(RenderKernelText(json("str"), false));
}

}  // namespace
}  // namespace nsm
