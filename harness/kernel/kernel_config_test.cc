#include "harness/kernel/kernel_config.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <fstream>

namespace nsm {
namespace {

constexpr const char* kConfig =
    "#\n# Automatically generated file; DO NOT EDIT.\n#\n"
    "CONFIG_NAMESPACES=y\n"
    "CONFIG_UTS_NS=y\n"
    "# CONFIG_TIME_NS is not set\n"
    "CONFIG_VETH=m\n"
    "CONFIG_LSM=\"landlock,lockdown,yama,apparmor\"\n"
    "  CONFIG_NR_CPUS=64  \n"
    "garbage line\n";

TEST(KernelConfigTest, ParsesValuesNotSetAndStrings) {
  KernelConfig config = ParseKernelConfig(kConfig, "test");
  EXPECT_EQ(config.Value("CONFIG_NAMESPACES"), "y");
  EXPECT_EQ(config.Value("CONFIG_TIME_NS"), "n");
  EXPECT_EQ(config.Value("CONFIG_VETH"), "m");
  EXPECT_EQ(config.Value("CONFIG_LSM"), "landlock,lockdown,yama,apparmor");
  EXPECT_EQ(config.Value("CONFIG_NR_CPUS"), "64");
  EXPECT_EQ(config.Value("CONFIG_NET_NS"), std::nullopt);
  EXPECT_TRUE(config.Enabled("CONFIG_UTS_NS"));
  EXPECT_TRUE(config.Enabled("CONFIG_VETH"));
  EXPECT_FALSE(config.Enabled("CONFIG_TIME_NS"));
  EXPECT_FALSE(config.Enabled("CONFIG_NET_NS"));
}

class KernelConfigFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/nsm-config-test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    for (const char* name : {"/config", "/config.gz", "/empty"}) unlink((dir_ + name).c_str());
    rmdir(dir_.c_str());
  }
  std::string dir_;
};

TEST_F(KernelConfigFileTest, ReadsPlainAndGzip) {
  std::ofstream(dir_ + "/config") << kConfig;
  gzFile gz = gzopen((dir_ + "/config.gz").c_str(), "wb");
  ASSERT_NE(gz, nullptr);
  gzputs(gz, kConfig);
  gzclose(gz);
  for (const char* name : {"/config", "/config.gz"}) {
    Result<KernelConfig> config = ReadKernelConfig(dir_ + name);
    ASSERT_TRUE(config) << config.error().Message();
    EXPECT_EQ(config->source, dir_ + name);
    EXPECT_EQ(config->Value("CONFIG_TIME_NS"), "n");
  }
}

// A config.gz copied in part would read as a config without the options
// after the cut: every one of them lost.
TEST_F(KernelConfigFileTest, RejectsATruncatedGzip) {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "CONFIG_OPTION_" + std::to_string(i) + "=y\n";
  text += kConfig;
  gzFile gz = gzopen((dir_ + "/config.gz").c_str(), "wb");
  ASSERT_NE(gz, nullptr);
  gzwrite(gz, text.data(), static_cast<unsigned>(text.size()));
  gzclose(gz);
  ASSERT_TRUE(ReadKernelConfig(dir_ + "/config.gz"));
  struct stat st {};
  ASSERT_EQ(stat((dir_ + "/config.gz").c_str(), &st), 0);
  ASSERT_EQ(truncate((dir_ + "/config.gz").c_str(), st.st_size / 2), 0);
  Result<KernelConfig> cut = ReadKernelConfig(dir_ + "/config.gz");
  ASSERT_FALSE(cut) << "read " << cut->values.size() << " options from half a file";
  EXPECT_EQ(cut.error().err, EIO);
  EXPECT_NE(cut.error().Message().find("decompress"), std::string::npos) << cut.error().Message();
}

TEST_F(KernelConfigFileTest, RejectsMissingAndNonConfigFiles) {
  std::ofstream(dir_ + "/empty") << "hello\n";
  EXPECT_FALSE(ReadKernelConfig(dir_ + "/empty"));
  Result<KernelConfig> missing = ReadKernelConfig(dir_ + "/nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().err, ENOENT);
  // An explicit path that does not read is an error, never a fallback.
  EXPECT_FALSE(FindKernelConfig(dir_ + "/nope", "6.1.0"));
}

TEST(KernelConfigPathsTest, LooksWhereDistributionsPutIt) {
  EXPECT_EQ(DefaultConfigPaths("6.1.0-13-amd64"),
            (std::vector<std::string>{"/proc/config.gz", "/boot/config-6.1.0-13-amd64",
                                      "/lib/modules/6.1.0-13-amd64/build/.config"}));
}

}  // namespace
}  // namespace nsm
