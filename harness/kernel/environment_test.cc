#include "harness/kernel/environment.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace nsm {
namespace {

class EnvironmentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/nsm-env-test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    std::filesystem::create_directories(root_ + "/proc/sys/user");
    std::filesystem::create_directories(root_ + "/proc/sys/kernel");
    std::filesystem::create_directories(root_ + "/proc/self");
    std::filesystem::create_directories(root_ + "/sys/kernel/security");
    std::filesystem::create_directories(root_ + "/sys/module/apparmor/parameters");
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  void Write(const std::string& path, const std::string& text) {
    std::ofstream(root_ + path) << text;
  }
  std::string root_;
};

TEST_F(EnvironmentTest, ReadsLimitsSwitchesLsmsAndSeccomp) {
  Write("/proc/sys/user/max_net_namespaces", "0\n");
  Write("/proc/sys/user/max_user_namespaces", "63000\n");
  Write("/proc/sys/kernel/unprivileged_userns_clone", "0\n");
  Write("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "1\n");
  Write("/proc/self/status", "Name:\tx\nSeccomp:\t2\nSeccomp_filters:\t1\n");
  Write("/sys/kernel/security/lsm", "lockdown,capability,yama,apparmor");
  Write("/sys/module/apparmor/parameters/enabled", "Y\n");
  KernelEnvironment env = ReadKernelEnvironment(root_ + "/proc", root_ + "/sys");
  EXPECT_EQ(env.max_namespaces[static_cast<int>(Ns::net)], 0);
  EXPECT_EQ(env.max_namespaces[static_cast<int>(Ns::user)], 63000);
  EXPECT_EQ(env.max_namespaces[static_cast<int>(Ns::ipc)], std::nullopt);
  EXPECT_EQ(env.unprivileged_userns_clone, 0);
  EXPECT_EQ(env.apparmor_restrict_userns, 1);
  EXPECT_EQ(env.apparmor_restrict_unconfined, std::nullopt);
  EXPECT_EQ(env.lsms, (std::vector<std::string>{"lockdown", "capability", "yama", "apparmor"}));
  EXPECT_EQ(env.apparmor_enabled, true);
  EXPECT_EQ(env.seccomp_mode, 2);
}

TEST_F(EnvironmentTest, FallsBackToConfigLsmAndSaysSo) {
  KernelEnvironment env =
      ReadKernelEnvironment(root_ + "/proc", root_ + "/sys", std::string("landlock,bpf"));
  EXPECT_EQ(env.lsms, (std::vector<std::string>{"landlock", "bpf"}));
  EXPECT_NE(env.lsm_source.find("CONFIG_LSM"), std::string::npos);
  EXPECT_EQ(env.seccomp_mode, 0);
  EXPECT_EQ(env.unprivileged_userns_clone, std::nullopt);
}

TEST(EnvironmentNamesTest, SysctlNames) {
  EXPECT_EQ(MaxSysctlName(Ns::net), "user.max_net_namespaces");
  EXPECT_EQ(MaxSysctlName(Ns::cgroup), "user.max_cgroup_namespaces");
}

}  // namespace
}  // namespace nsm
