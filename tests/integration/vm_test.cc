// nsmatrix vm against a real kernel under QEMU (software emulation here): the
// happy path, and every way it must end with exit 2, no report and nothing left
// behind. The kernel comes from NSM_TEST_KERNEL (ci/fetch-kernel.sh unpacks
// Debian's cloud kernel and ci/test.sh sets it).
#include <dirent.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <tuple>

#include "tests/integration/cli_process.h"

namespace nsm::testing {
namespace {

std::string TestKernel() {
  const char* kernel = getenv("NSM_TEST_KERNEL");
  return kernel ? kernel : "";
}

#define REQUIRE_KERNEL()                                                                 \
  do {                                                                                   \
    if (TestKernel().empty()) {                                                          \
      if (getenv("CI")) FAIL() << "CI must set NSM_TEST_KERNEL (ci/fetch-kernel.sh)";    \
      GTEST_SKIP() << "NSM_TEST_KERNEL is not set (bash ci/fetch-kernel.sh prints one)"; \
    }                                                                                    \
  } while (0)

std::vector<std::string> Entries(const std::string& dir) {
  std::vector<std::string> out;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") out.push_back(e->d_name);
    }
    closedir(d);
  }
  return out;
}

// Any process whose command line mentions `text` (QEMU's names the temporary directory).
bool ProcessMentions(const std::string& text) {
  for (const std::string& pid : Entries("/proc")) {
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline = Slurp("/proc/" + pid + "/cmdline");
    if (cmdline.find(text) != std::string::npos && std::to_string(getpid()) != pid) return true;
  }
  return false;
}

// Runs nsmatrix vm with its temporary directory under the test's own, and
// checks afterwards that it and QEMU are gone.
struct VmRun {
  CliRun run;
  std::string out_dir;
};
VmRun RunVm(std::vector<std::string> args) {
  ScopedTempDir scratch;
  std::string tmp = scratch.path() + "/tmp";
  mkdir(tmp.c_str(), 0700);
  setenv("TMPDIR", tmp.c_str(), 1);
  VmRun vm;
  vm.out_dir = scratch.path() + "/out";
  args.insert(args.begin(), "vm");
  args.insert(args.end(), {"--out", vm.out_dir});
  vm.run = RunNsmatrix(args, /*with_json=*/false);
  unsetenv("TMPDIR");
  EXPECT_TRUE(Entries(tmp).empty()) << "left behind in TMPDIR: " << Entries(tmp).size();
  EXPECT_FALSE(ProcessMentions(tmp)) << "a process of the run is still there";
  // The report directory moves into the run's own, which lives on with it.
  std::string kept = vm.run.dir->path() + "/out";
  rename(vm.out_dir.c_str(), kept.c_str());
  vm.out_dir = kept;
  return vm;
}

void ExpectNoReport(const VmRun& vm) {
  EXPECT_TRUE(Entries(vm.out_dir).empty() || Entries(vm.out_dir) == std::vector<std::string>{})
      << "a report was written";
  EXPECT_EQ(access((vm.out_dir + "/matrix.json").c_str(), F_OK), -1);
}

TEST(VmCommand, HappyPathBringsTheMatrixBackFromTheGuestKernel) {
  REQUIRE_KERNEL();
  VmRun vm = RunVm({"--kernel", TestKernel(), "--combos",
                    "none,mnt+uts+ipc+net+pid+user+cgroup+time,pid+mnt", "--probes",
                    "ns.,pid.,uts.hostname,net.iface,time.boottime"});
  ASSERT_EQ(vm.run.exit_code, 0) << vm.run.err << vm.run.out;
  nlohmann::json doc = ReadJson(vm.out_dir + "/matrix.json");
  ASSERT_TRUE(doc.is_object());
  // The guest's kernel, not this machine's, ran the matrix.
  std::string release = doc["vm"]["kernel"]["release"];
  EXPECT_EQ(doc["host"]["kernel_release"], release);
  EXPECT_NE(TestKernel().find(release), std::string::npos);
  EXPECT_EQ(doc["vm"]["kernel"]["sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(doc["vm"]["kernel"]["path"].get<std::string>().front(), '/');
  EXPECT_NE(doc["vm"]["qemu"]["version"].get<std::string>().find("QEMU"), std::string::npos);
  EXPECT_EQ(doc["kernel"]["namespaces"].size(), 8u);
  // Real outcomes in both directions: a namespace's link leaks without it.
  EXPECT_EQ(Cell(doc, "none", "ns.mnt")["outcome"], "leaked");
  EXPECT_EQ(Cell(doc, "mnt+uts+ipc+net+pid+user+cgroup+time", "ns.mnt")["outcome"], "isolated");
  EXPECT_EQ(Cell(doc, "none", "pid.see_host")["outcome"], "leaked");
  EXPECT_EQ(Cell(doc, "mnt+pid", "pid.see_host")["outcome"], "isolated");
  EXPECT_EQ(Cell(doc, "none", "net.iface")["outcome"], "leaked");
  EXPECT_EQ(Cell(doc, "mnt+uts+ipc+net+pid+user+cgroup+time", "net.iface")["outcome"], "isolated");
  EXPECT_EQ(doc["summary"]["fail"], 0);
  for (const char* file : {"matrix.md", "matrix.html", "junit.xml", "kernel.json"}) {
    EXPECT_EQ(access((vm.out_dir + "/" + file).c_str(), R_OK), 0) << file;
  }
  EXPECT_EQ(ReadJson(vm.out_dir + "/kernel.json")["schema"], "nsmatrix-kernel/1");
  EXPECT_NE(Slurp(vm.out_dir + "/matrix.md").find(release), std::string::npos);
  // The document, vm section and all, is what the schema says.
  std::string validate =
      "/usr/bin/python3 -c 'import json, sys, jsonschema; "
      "jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))).validate("
      "json.load(open(sys.argv[2])))' " NSM_SOURCE_DIR "/reports/nsmatrix.schema.json " +
      vm.out_dir + "/matrix.json";
  EXPECT_EQ(system(validate.c_str()), 0) << validate;
}

TEST(VmCommand, NotABzImageIsExit2BeforeAnythingBoots) {
  VmRun vm = RunVm({"--kernel", "/etc/hostname"});
  EXPECT_EQ(vm.run.exit_code, 2);
  EXPECT_NE(vm.run.err.find("not a Linux x86 bzImage"), std::string::npos) << vm.run.err;
  ExpectNoReport(vm);
  vm = RunVm({"--kernel", "/nonexistent/vmlinuz"});
  EXPECT_EQ(vm.run.exit_code, 2);
  EXPECT_NE(vm.run.err.find("/nonexistent/vmlinuz"), std::string::npos) << vm.run.err;
}

TEST(VmCommand, MissingQemuNamesItsPackage) {
  REQUIRE_KERNEL();
  VmRun vm = RunVm({"--kernel", TestKernel(), "--qemu", "/nonexistent/qemu-system-x86_64"});
  EXPECT_EQ(vm.run.exit_code, 2);
  EXPECT_NE(vm.run.err.find("qemu-system-x86"), std::string::npos) << vm.run.err;
  ExpectNoReport(vm);
}

TEST(VmCommand, BadRunOptionsAreRefusedBeforeBooting) {
  REQUIRE_KERNEL();
  VmRun vm = RunVm({"--kernel", TestKernel(), "--combos", "mnt+bogus"});
  EXPECT_EQ(vm.run.exit_code, 2);
  EXPECT_NE(vm.run.err.find("--combos"), std::string::npos) << vm.run.err;
  EXPECT_EQ(vm.run.err.find("booting"), std::string::npos) << vm.run.err;
  ExpectNoReport(
      vm);  // Checked as nsmatrix run checks them, and what the guest cannot have is said.
  for (const auto& [option, value, says] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"--probes", "nope.", "--probes: "},
           {"--propagation", "rshared", "--propagation: 'rshared' is not one of"},
           {"--scenario", "runtime-crun", "sets --runtime crun, which nsmatrix vm cannot take"}}) {
    VmRun bad = RunVm({"--kernel", TestKernel(), option, value});
    EXPECT_EQ(bad.run.exit_code, 2) << option;
    EXPECT_NE(bad.run.err.find(says), std::string::npos) << bad.run.err;
    EXPECT_EQ(bad.run.err.find("booting"), std::string::npos) << bad.run.err;
    ExpectNoReport(bad);
  }
}

TEST(VmCommand, AKernelThatPanicsIsExit2WithItsLastLines) {
  REQUIRE_KERNEL();
  // No init where the kernel is told to look: it panics (no root to mount).
  VmRun vm = RunVm({"--kernel", TestKernel(), "--append", "rdinit=/nonexistent"});
  EXPECT_EQ(vm.run.exit_code, 2);
  EXPECT_NE(vm.run.err.find("the kernel panicked"), std::string::npos) << vm.run.err;
  EXPECT_NE(vm.run.err.find("Kernel panic"), std::string::npos) << vm.run.err;
  ExpectNoReport(vm);
}

TEST(VmCommand, TimeOutsStopQemu) {
  REQUIRE_KERNEL();
  VmRun boot = RunVm({"--kernel", TestKernel(), "--boot-timeout", "1"});
  EXPECT_EQ(boot.run.exit_code, 2);
  EXPECT_NE(boot.run.err.find("--boot-timeout 1 s"), std::string::npos) << boot.run.err;
  ExpectNoReport(boot);
  // Booted, then the whole matrix cannot finish in a second.
  VmRun run = RunVm({"--kernel", TestKernel(), "--timeout", "1", "--accel", "tcg"});
  EXPECT_EQ(run.run.exit_code, 2);
  EXPECT_NE(run.run.err.find("--timeout 1 s"), std::string::npos) << run.run.err;
  ExpectNoReport(run);
}

}  // namespace
}  // namespace nsm::testing
