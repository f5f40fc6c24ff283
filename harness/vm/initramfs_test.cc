#include "harness/vm/initramfs.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace nsm {
namespace {

class TempTree {
 public:
  TempTree() {
    char dir[] = "/tmp/nsm-initramfs-test.XXXXXX";
    path_ = mkdtemp(dir);
  }
  ~TempTree() { system(("rm -rf " + path_).c_str()); }
  const std::string& Path() const { return path_; }
  // A fake module: a .modinfo-like string table with depends=.
  void Module(const std::string& relative, const std::string& depends) {
    system(("mkdir -p $(dirname " + path_ + "/" + relative + ")").c_str());
    std::ofstream out(path_ + "/" + relative, std::ios::binary);
    std::string body = std::string("\0license=GPL\0", 13) + "depends=" + depends +
                       std::string(1, '\0') + "vermagic=6.1" + std::string(1, '\0');
    out << "\x7f"
           "ELF"
        << body;
  }

 private:
  std::string path_;
};

TEST(ResolveModulesTest, DependenciesComeFirstOnce) {
  TempTree tree;
  tree.Module("kernel/drivers/net/veth.ko", "");
  tree.Module("kernel/net/bridge/bridge.ko", "stp,llc");
  tree.Module("kernel/net/802/stp.ko", "llc");
  tree.Module("kernel/net/llc/llc.ko", "");
  Result<std::vector<std::string>> order = ResolveModules(tree.Path(), {"bridge", "veth", "llc"});
  ASSERT_TRUE(order) << order.error().Message();
  ASSERT_EQ(order->size(), 4u);
  EXPECT_NE((*order)[0].find("llc.ko"), std::string::npos);
  EXPECT_NE((*order)[1].find("stp.ko"), std::string::npos);
  EXPECT_NE((*order)[2].find("bridge.ko"), std::string::npos);
  EXPECT_NE((*order)[3].find("veth.ko"), std::string::npos);
}

TEST(ResolveModulesTest, AMissingModuleOrDependencyIsNamed) {
  TempTree tree;
  tree.Module("kernel/a.ko", "b");
  Result<std::vector<std::string>> order = ResolveModules(tree.Path(), {"a"});
  ASSERT_FALSE(order);
  EXPECT_NE(order.error().Message().find("b.ko"), std::string::npos);
  EXPECT_FALSE(ResolveModules(tree.Path(), {"veth"}));
  EXPECT_FALSE(ResolveModules("/nonexistent", {"veth"}));
}

TEST(SharedLibrariesTest, ADynamicProgramNeedsItsLoaderAndLibc) {
  Result<std::vector<std::string>> libs = SharedLibraries("/bin/ls");
  ASSERT_TRUE(libs) << libs.error().Message();
  bool loader = false, libc = false;
  for (const std::string& lib : *libs) {
    EXPECT_EQ(lib[0], '/') << lib;
    loader |= lib.find("ld-linux") != std::string::npos;
    libc |= lib.find("libc.so") != std::string::npos;
  }
  EXPECT_TRUE(loader);
  EXPECT_TRUE(libc);
}

TEST(SharedLibrariesTest, AStaticProgramNeedsNone) {
  if (access("/bin/busybox", X_OK) != 0) GTEST_SKIP() << "no /bin/busybox (busybox-static)";
  Result<std::vector<std::string>> libs = SharedLibraries("/bin/busybox");
  ASSERT_TRUE(libs) << libs.error().Message();
  EXPECT_TRUE(libs->empty());
}

// Arguments reach the guest's shell as they were, quotes and all.
// The scenario goes into the guest as the bytes the host checked, not as a
// path read again while the image is built.
TEST(BuildInitramfsTest, TheScenarioIsTheTextGiven) {
  if (access("/bin/busybox", X_OK) != 0) GTEST_SKIP() << "no /bin/busybox (busybox-static)";
  InitramfsSpec spec;
  spec.busybox = "/bin/busybox";
  spec.release = "6.1.0-test";
  spec.scenario_toml = "name = \"checked-on-the-host\"\n";
  Result<std::string> image = BuildInitramfs(spec);
  ASSERT_TRUE(image) << image.error().Message();
  TempTree tree;
  const std::string gz = tree.Path() + "/initrd.gz";
  std::ofstream(gz, std::ios::binary) << *image;
  FILE* cpio = popen(("gzip -dc " + gz).c_str(), "r");
  ASSERT_NE(cpio, nullptr);
  std::string archive;
  char buffer[65536];
  for (size_t n; (n = fread(buffer, 1, sizeof(buffer), cpio)) > 0;) archive.append(buffer, n);
  ASSERT_EQ(pclose(cpio), 0);
  size_t name = archive.find("nsm/scenario.toml");
  ASSERT_NE(name, std::string::npos);
  EXPECT_NE(archive.find("name = \"checked-on-the-host\"\n", name), std::string::npos);
}

TEST(GuestInitTest, ArgumentsAreQuotedForTheShell) {
  InitramfsSpec spec;
  spec.run_args = {"--combos", "none,mnt+pid", "--probes", "it's; rm -rf /"};
  spec.modules = {"/x/lib/modules/6.1/kernel/drivers/net/veth.ko"};
  std::string init = GuestInit(spec);
  EXPECT_EQ(init.rfind("#!/bin/busybox sh\n", 0), 0u);
  EXPECT_NE(init.find("insmod '/nsm/modules/veth.ko'"), std::string::npos);
  EXPECT_NE(init.find("'--combos' 'none,mnt+pid' '--probes' 'it'\\''s; rm -rf /'"),
            std::string::npos);
  if (access("/bin/busybox", X_OK) != 0) return;
  // The quoting survives a real shell: echo the words back.
  FILE* sh = popen(
      "/bin/busybox sh -c 'for a in \"$@\"; do echo \"[$a]\"; done' x 'it'\\''s; rm -rf /'", "r");
  char line[256] = {};
  ASSERT_NE(fgets(line, sizeof(line), sh), nullptr);
  pclose(sh);
  EXPECT_STREQ(line, "[it's; rm -rf /]\n");
}

}  // namespace
}  // namespace nsm
