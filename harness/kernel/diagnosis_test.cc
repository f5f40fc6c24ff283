// Every gate Diagnose() can name, from the live check and facts that would
// produce it on a real kernel.
#include "harness/kernel/diagnosis.h"

#include <gtest/gtest.h>

namespace nsm {
namespace {

LiveCheck Unavailable(Ns ns, Privilege as, int err, Ns creating) {
  LiveCheck check;
  check.ns = ns;
  check.as = as;
  check.status = NsStatus::unavailable;
  check.err = err;
  check.creating = creating;
  check.creation_failed = true;
  check.step = "unshare";
  return check;
}

KernelEnvironment RootEnv() {
  KernelEnvironment env;
  env.cap_sys_admin = true;
  env.euid_root = true;
  env.initial_userns = true;
  for (auto& max : env.max_namespaces) max = 1000;
  return env;
}

TEST(DiagnosisTest, UsableAndNotCheckedNeedNoDiagnosis) {
  LiveCheck check;
  check.status = NsStatus::usable;
  EXPECT_FALSE(Diagnose(check, nullptr, RootEnv()));
  check.status = NsStatus::not_checked;
  EXPECT_FALSE(Diagnose(check, nullptr, RootEnv()));
}

TEST(DiagnosisTest, EinvalIsTheConfigWhenTheOptionIsOff) {
  KernelConfig config =
      ParseKernelConfig("CONFIG_NAMESPACES=y\n# CONFIG_TIME_NS is not set\n", "/boot/config-x");
  auto d = Diagnose(Unavailable(Ns::time, Privilege::root, EINVAL, Ns::time), &config, RootEnv());
  ASSERT_TRUE(d);
  EXPECT_EQ(d->gate, "config");
  EXPECT_NE(d->cause.find("CONFIG_TIME_NS"), std::string::npos) << d->cause;
  EXPECT_NE(d->cause.find("/boot/config-x"), std::string::npos) << d->cause;
  // With the option on, EINVAL is not the config's doing.
  config = ParseKernelConfig("CONFIG_NAMESPACES=y\nCONFIG_TIME_NS=y\n", "c");
  d = Diagnose(Unavailable(Ns::time, Privilege::root, EINVAL, Ns::time), &config, RootEnv());
  ASSERT_TRUE(d);
  EXPECT_EQ(d->gate, "unknown");
  // Without a config the gate is still the config, said with less certainty.
  d = Diagnose(Unavailable(Ns::net, Privilege::root, EINVAL, Ns::net), nullptr, RootEnv());
  ASSERT_TRUE(d);
  EXPECT_EQ(d->gate, "config");
  EXPECT_NE(d->cause.find("no kernel config"), std::string::npos);
}

TEST(DiagnosisTest, EnospcNamesTheLimitAndItsValue) {
  KernelEnvironment env = RootEnv();
  env.max_namespaces[static_cast<int>(Ns::net)] = 0;
  auto d = Diagnose(Unavailable(Ns::net, Privilege::root, ENOSPC, Ns::net), nullptr, env);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->gate, "limit");
  EXPECT_NE(d->cause.find("user.max_net_namespaces is 0"), std::string::npos) << d->cause;
  EXPECT_NE(d->remedy.find("sysctl -w user.max_net_namespaces"), std::string::npos);
  // A limit reached in an ancestor: the local value is not 0.
  d = Diagnose(Unavailable(Ns::user, Privilege::root, ENOSPC, Ns::user), nullptr, RootEnv());
  ASSERT_TRUE(d);
  EXPECT_EQ(d->gate, "limit");
  EXPECT_NE(d->cause.find("ancestor"), std::string::npos) << d->cause;
}

TEST(DiagnosisTest, UseStepCreatingAnotherTypeBlamesThatType) {
  // PID namespaces need a mount namespace to mount /proc in.
  LiveCheck check = Unavailable(Ns::pid, Privilege::root, ENOSPC, Ns::mnt);
  check.status = NsStatus::restricted;
  KernelEnvironment env = RootEnv();
  env.max_namespaces[static_cast<int>(Ns::mnt)] = 0;
  auto d = Diagnose(check, nullptr, env);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->gate, "limit");
  EXPECT_NE(d->cause.find("user.max_mnt_namespaces"), std::string::npos) << d->cause;
}

TEST(DiagnosisTest, DebianSysctlForbidsUnprivilegedUserNamespaces) {
  KernelEnvironment env = RootEnv();
  env.unprivileged_userns_clone = 0;
  auto d = Diagnose(Unavailable(Ns::net, Privilege::unprivileged, EPERM, Ns::user), nullptr, env);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->gate, "userns-sysctl");
  EXPECT_NE(d->remedy.find("kernel.unprivileged_userns_clone=1"), std::string::npos);
  // The same failure with the switch on is not the switch's.
  env.unprivileged_userns_clone = 1;
  d = Diagnose(Unavailable(Ns::net, Privilege::unprivileged, EPERM, Ns::user), nullptr, env);
  ASSERT_TRUE(d);
  EXPECT_NE(d->gate, "userns-sysctl");
}

TEST(DiagnosisTest, AppArmorRestrictionWhenCreatedButNotUsable) {
  KernelEnvironment env = RootEnv();
  env.apparmor_restrict_userns = 1;
  env.lsms = {"lockdown", "capability", "apparmor"};
  LiveCheck check;
  check.ns = Ns::user;
  check.as = Privilege::unprivileged;
  check.status = NsStatus::restricted;
  check.step = "unshare(CLONE_NEWUTS) inside it";
  check.err = EPERM;
  auto d = Diagnose(check, nullptr, env);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->gate, "apparmor");
  EXPECT_NE(d->remedy.find("apparmor_restrict_unprivileged_userns=0"), std::string::npos);
  // The sysctl without AppArmor active restricts nothing.
  env.lsms = {"lockdown", "capability"};
  d = Diagnose(check, nullptr, env);
  ASSERT_TRUE(d);
  EXPECT_NE(d->gate, "apparmor");
}

TEST(DiagnosisTest, SeccompFilterAndMissingPrivilege) {
  KernelEnvironment env = RootEnv();
  env.seccomp_mode = 2;
  auto d = Diagnose(Unavailable(Ns::net, Privilege::root, EPERM, Ns::net), nullptr, env);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->gate, "seccomp");
  env = RootEnv();
  env.cap_sys_admin = false;
  d = Diagnose(Unavailable(Ns::net, Privilege::root, EPERM, Ns::net), nullptr, env);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->gate, "privilege");
  // Root with every capability and no filter: nothing known explains EPERM.
  d = Diagnose(Unavailable(Ns::net, Privilege::root, EPERM, Ns::net), nullptr, RootEnv());
  ASSERT_TRUE(d);
  EXPECT_EQ(d->gate, "unknown");
}

TEST(DiagnosisTest, ConfigOptionPerType) {
  EXPECT_EQ(ConfigOption(Ns::net), "CONFIG_NET_NS");
  EXPECT_EQ(ConfigOption(Ns::time), "CONFIG_TIME_NS");
  EXPECT_EQ(ConfigOption(Ns::cgroup), "CONFIG_CGROUPS");
  EXPECT_EQ(ConfigOption(Ns::user), "CONFIG_USER_NS");
}

}  // namespace
}  // namespace nsm
