// `nsmatrix vm --kernel VMLINUZ ...`: the matrix inside another kernel. Builds
// an initramfs with nsmatrix in it, boots the kernel under QEMU, runs
// `nsmatrix kernel` and `nsmatrix run` there, and writes the reports from the
// JSON the guest sends back, with a "vm" section saying what ran it.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/filesystem.hpp>
#include <cctype>
#include <cstdio>
#include <utility>

#include "harness/cli/commands.h"
#include "harness/cli/interrupt.h"
#include "harness/cli/report_files.h"
#include "harness/cli/vm_inputs.h"
#include "harness/cli/vm_progress.h"
#include "harness/common/install_paths.h"
#include "harness/common/io.h"
#include "harness/common/run_options.h"
#include "harness/common/unique_fd.h"
#include "harness/plan/plan.h"
#include "harness/vm/bzimage.h"
#include "harness/vm/guest_channel.h"
#include "harness/vm/initramfs.h"
#include "harness/vm/qemu.h"
#include "harness/vm/sha256.h"
#include "harness/vm/temp_dir.h"
#include "reports/atomic_file.h"
#include "reports/json_text.h"

namespace nsm {
namespace {

namespace fs = boost::filesystem;

int Usage(const std::string& message) {
  fprintf(stderr, "nsmatrix vm: %s\n", message.c_str());
  return kExitUsage;
}

// Did QEMU say, in the lines it left, that KVM failed it?
bool KvmFailed(const std::deque<std::string>& tail) {
  for (const std::string& line : tail) {
    std::string lower = line;
    for (char& c : lower) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
    if (lower.find("qemu-system") != std::string::npos && lower.find("kvm") != std::string::npos)
      return true;
    if (lower.find("failed to set msr") != std::string::npos) return true;
  }
  return false;
}

std::string TailText(const std::deque<std::string>& tail) {
  std::string out;
  for (const std::string& line : tail) out += "  | " + line + "\n";
  return out.empty() ? "  (the console printed nothing)\n" : out;
}

int Vm(VmArgs args) {
  // Everything that can be wrong with the command line or this machine is
  // found before anything boots.
  Result<BzImageInfo> image = ReadBzImage(args.kernel);
  if (!image) return Usage("--kernel: " + image.error().Message());
  std::string scenario_text;
  std::expected<std::vector<std::string>, std::string> run_args =
      RunArguments(args, &scenario_text);
  if (!run_args) return Usage(run_args.error());
  std::optional<std::string> qemu = FindProgram(args.qemu);
  if (!qemu) {
    return Usage(args.qemu +
                 " not found: install Debian's qemu-system-x86 package (apt-get install "
                 "qemu-system-x86), or name the program with --qemu");
  }
  if (args.busybox.empty()) {
    for (const char* candidate : {"/bin/busybox", "/usr/bin/busybox"}) {
      if (access(candidate, X_OK) == 0) {
        args.busybox = candidate;
        break;
      }
    }
  }
  if (args.busybox.empty() || access(args.busybox.c_str(), X_OK) != 0) {
    return Usage("no busybox found: install Debian's busybox-static package, or give --busybox");
  }
  if (!IsStatic(args.busybox)) {
    return Usage(args.busybox +
                 " is dynamically linked: install Debian's busybox-static package (its "
                 "/bin/busybox is static), or give a static one with --busybox");
  }
  std::vector<std::string> programs = {ProgramDir() + "/nsmatrix", HelperProgram("nsprobe"),
                                       HelperProgram("nsm-sandbox")};
  for (const std::string& program : programs) {
    if (access(program.c_str(), X_OK) != 0) {
      return Usage(program +
                   " is missing: nsmatrix, nsprobe and nsm-sandbox are installed together");
    }
  }
  if (args.config.empty()) args.config = Beside(args.kernel, "config-" + image->release);
  if (!args.config.empty() && access(args.config.c_str(), R_OK) != 0) {
    return Usage("--config " + args.config + ": " + strerror(errno));
  }
  if (args.modules_dir.empty())
    args.modules_dir = Beside(args.kernel, "../lib/modules/" + image->release);
  std::vector<std::string> modules;
  if (!args.no_modules) {
    if (args.modules_dir.empty()) {
      // Without its modules directory, a module this kernel needs is missing
      // unless it is built in: the config says which.
      for (const std::string& name : args.modules) {
        std::string option = name == "veth" ? "CONFIG_VETH" : "";
        if (!args.config.empty() && !option.empty() && ConfigValue(args.config, option) == "m") {
          return Usage("this kernel has " + name + " as a module (" + option +
                       "=m in its config) and no modules directory was found beside it: give "
                       "--modules DIR (lib/modules/" +
                       image->release + " of the same package)");
        }
      }
    } else {
      Result<std::vector<std::string>> found = ResolveModules(args.modules_dir, args.modules);
      if (!found) return Usage("--modules: " + found.error().Message());
      modules = std::move(*found);
    }
  }
  bool kvm = args.accel == "kvm" || (args.accel == "auto" && access("/dev/kvm", R_OK | W_OK) == 0);
  if (args.accel == "kvm" && access("/dev/kvm", R_OK | W_OK) != 0) {
    return Usage("--accel kvm: /dev/kvm is not usable here (" + std::string(strerror(errno)) +
                 "); use --accel tcg (software emulation)");
  }
  if (Status s = args.files.Prepare(); !s) return Usage(s.error().Message());
  Result<std::string> qemu_version = QemuVersion(*qemu);
  if (!qemu_version) return Usage(*qemu + ": " + qemu_version.error().Message());

  Result<UniqueFd> interrupt = InterruptFd();
  if (!interrupt) return Usage(interrupt.error().Message());
  Result<TempDir> temp = TempDir::Create("nsmatrix-vm");
  if (!temp) return Usage(temp.error().Message());
  // QEMU boots a private copy: the file hashed and read is the file booted,
  // even if the original is rebuilt meanwhile.
  std::string kernel_copy = temp->Path() + "/vmlinuz";
  Result<std::string> kernel_bytes = ReadFile(args.kernel, kMaxInputFileBytes);
  if (!kernel_bytes) return Usage("--kernel: " + kernel_bytes.error().Message());
  if (Status s = WriteFileAtomically(kernel_copy, *kernel_bytes); !s) {
    return Usage("--kernel: " + s.error().Message());
  }
  std::string kernel_sha = Sha256Hex(*kernel_bytes);
  image = ParseBzImage(*kernel_bytes);
  kernel_bytes->clear();
  if (!image) return Usage("--kernel: " + image.error().Message());
  VmProgress progress(!args.no_progress);
  InitramfsSpec spec;
  spec.busybox = args.busybox;
  spec.programs = programs;
  spec.modules = modules;
  spec.kernel_config = args.config;
  spec.release = image->release;
  spec.run_args = *run_args;
  spec.scenario_toml = scenario_text;
  // Debug information is most of a RelWithDebInfo build: strip it where we can.
  spec.objcopy = FindProgram("objcopy").value_or("");
  spec.scratch_dir = temp->Path();
  progress.Say(
      "building the initramfs (busybox, nsmatrix and its libraries" +
      std::string(modules.empty() ? "" : ", " + std::to_string(modules.size()) + " module(s)") +
      ")");
  Result<std::string> initramfs = BuildInitramfs(spec);
  if (pollfd pending{interrupt->Get(), POLLIN, 0}; poll(&pending, 1, 0) == 1) {
    fprintf(stderr, "nsmatrix vm: interrupted; no report written\n");
    return kExitInterrupted;
  }
  if (!initramfs) return Usage("initramfs: " + initramfs.error().Message());
  QemuConfig qemu_config{*qemu,
                         kernel_copy,
                         temp->Path() + "/initramfs.cpio.gz",
                         temp->Path() + "/channel",
                         args.memory_mib,
                         args.cpus,
                         kvm,
                         args.append};
  if (Status s = WriteFileAtomically(qemu_config.initrd, *initramfs); !s) {
    return Usage("initramfs: " + s.error().Message());
  }
  auto boot = [&] {
    progress.Say("booting " + image->release + " under " + *qemu_version + " (" +
                 (qemu_config.kvm ? "KVM" : "software emulation, TCG") + ", " +
                 std::to_string(args.cpus) + " CPUs, " + std::to_string(args.memory_mib) + " MiB)");
    return RunVm(qemu_config,
                 {std::chrono::seconds(args.boot_timeout_s), std::chrono::seconds(args.timeout_s)},
                 interrupt->Get(), [&](const ConsoleEvent& e) { progress.Event(e); });
  };
  Result<VmRun> vm = boot();
  // A /dev/kvm that opens is not always a KVM that runs a guest (nested
  // virtualisation that rejects a CPU model's MSRs, say): QEMU then dies at
  // once, in its own words about KVM. --accel auto then boots again without it.
  if (vm && args.accel == "auto" && qemu_config.kvm && vm->end == VmRun::exited_early &&
      vm->release.empty() && KvmFailed(vm->tail)) {
    progress.Clear();
    fprintf(stderr,
            "nsmatrix vm: KVM could not run the guest (%s); booting again under software "
            "emulation\n",
            vm->tail.empty() ? "" : vm->tail.back().c_str());
    qemu_config.kvm = kvm = false;
    vm = boot();
  }
  progress.Clear();
  if (!vm) return Usage("qemu: " + vm.error().Message());
  switch (vm->end) {
    case VmRun::interrupted:
      fprintf(stderr, "nsmatrix vm: interrupted; QEMU stopped, no report written\n");
      return kExitInterrupted;
    case VmRun::boot_timeout:
      return Usage("the kernel did not start nsmatrix within --boot-timeout " +
                   std::to_string(args.boot_timeout_s) + " s; QEMU stopped. Last console lines:\n" +
                   TailText(vm->tail));
    case VmRun::run_timeout:
      return Usage("the run inside the VM did not end within --timeout " +
                   std::to_string(args.timeout_s) + " s; QEMU stopped. Last console lines:\n" +
                   TailText(vm->tail));
    case VmRun::panicked:
      return Usage("the kernel panicked" +
                   std::string(vm->release.empty() ? " before nsmatrix started" : "") +
                   ". Last console lines:\n" + TailText(vm->tail));
    case VmRun::exited_early:
      return Usage("QEMU ended (" + vm->qemu_status.Describe() +
                   ") before the run finished. Last "
                   "console lines:\n" +
                   TailText(vm->tail));
    case VmRun::powered_off:
      break;
  }
  Result<std::string> channel = ReadFile(qemu_config.channel_file);
  if (!channel) return Usage("results: " + channel.error().Message());
  Result<GuestResults> results = ParseGuestChannel(*channel, 256 << 20);
  if (!results) return Usage(results.error().Message());
  if (!results->run_exit)
    return Usage("the guest sent no exit codes. Last console lines:\n" + TailText(vm->tail));
  auto matrix_text = results->files.find("matrix.json");
  if (*results->run_exit == kExitUsage || matrix_text == results->files.end()) {
    return Usage("nsmatrix run inside the VM failed (exit " + std::to_string(*results->run_exit) +
                 "). Last console lines:\n" + TailText(vm->tail));
  }
  nlohmann::json doc = nlohmann::json::parse(matrix_text->second, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || doc.value("schema", "") != "nsmatrix/1" ||
      !doc.contains("cells") || !doc["cells"].is_array() || !doc.contains("summary") ||
      !doc["summary"].is_object()) {
    return Usage("the guest's matrix.json is not an nsmatrix/1 document");
  }
  auto kernel_json = results->files.find("kernel.json");
  if (kernel_json == results->files.end()) {
    // Its kernel section is in the matrix too, but an old kernel.json in --out
    // must not stand beside a new matrix: no half report.
    return Usage("the guest's nsmatrix kernel sent no report (exit " +
                 std::to_string(results->kernel_exit.value_or(-1)) + "). Last console lines:\n" +
                 TailText(vm->tail));
  }
  doc["vm"] = {
      {"kernel",
       {{"path", fs::absolute(args.kernel).lexically_normal().string()},
        {"sha256", kernel_sha},
        {"release", vm->release.empty() ? image->release : vm->release},
        {"image_version", image->version},
        {"config", args.config.empty() ? nlohmann::json(nullptr) : nlohmann::json(args.config)},
        {"modules",
         [&] {
           nlohmann::json names = nlohmann::json::array();
           for (const std::string& ko : modules) names.push_back(fs::path(ko).filename().string());
           return names;
         }()}}},
      {"qemu",
       {{"path", *qemu},
        {"version", *qemu_version},
        {"accelerator", kvm ? "kvm" : "tcg"},
        {"cpus", args.cpus},
        {"memory_mib", args.memory_mib},
        {"append", args.append}}},
      {"boot_seconds", vm->boot_seconds},
      {"total_seconds", vm->total_seconds},
      {"guest_exit", {{"kernel", *results->kernel_exit}, {"run", *results->run_exit}}}};
  if (!args.files.out_dir.empty()) {
    if (Status s = args.files.MakeOutDir(); !s) return Usage(s.error().Message());
    if (Status s = WriteFileAtomically((fs::path(args.files.out_dir) / "kernel.json").string(),
                                       kernel_json->second);
        !s) {
      return Usage(s.error().Message());
    }
  }
  if (Status s = args.files.Write(doc); !s) return Usage(s.error().Message());
  const nlohmann::json& summary = std::as_const(doc).at("summary");
  printf(
      "%s under QEMU (%s): %s cells: %s pass, %s fail, %s skip -> %s (boot %.1f s, total %.1f s)\n",
      vm->release.c_str(), kvm ? "kvm" : "tcg",
      summary.value("cells", nlohmann::json(0)).dump().c_str(),
      summary.value("pass", nlohmann::json(0)).dump().c_str(),
      summary.value("fail", nlohmann::json(0)).dump().c_str(),
      summary.value("skip", nlohmann::json(0)).dump().c_str(),
      *results->run_exit == 0 ? "PASSED"
      : summary.value("pass", nlohmann::json(0)) == 0 &&
              summary.value("fail", nlohmann::json(0)) == 0
          ? "NOTHING TESTED"
          : "FAILED",
      vm->boot_seconds, vm->total_seconds);
  args.files.PrintWritten();
  // The guest's run fails with no failed verdict only when it tested nothing.
  if (*results->run_exit != 0 && summary.value("fail", nlohmann::json(0)) == 0) {
    fprintf(stderr,
            "nsmatrix vm: FAILED: every cell is a skip in the guest (its kernel refused every "
            "combination): nothing was tested\n");
  }
  return *results->run_exit == 0 ? kExitOk : kExitFailed;
}

}  // namespace

CommandFn AddVmCommand(CLI::App& app) {
  CLI::App* sub = app.add_subcommand(
      "vm", "Run the matrix inside another kernel, booted under QEMU, and report it here");
  sub->footer(
      "Examples:\n"
      "  nsmatrix vm --kernel boot/vmlinuz-6.1.0-57-cloud-amd64 --out vm-report\n"
      "  nsmatrix vm --kernel bzImage --config .config --combos none,all --out vm-report\n\n"
      "The kernel boots with an initramfs nsmatrix builds (busybox, nsmatrix, nsprobe,\n"
      "nsm-sandbox and their libraries). For a Debian kernel unpacked with dpkg -x, its config\n"
      "(boot/config-R) and modules (lib/modules/R: veth) are found beside it. KVM is used when\n"
      "/dev/kvm is usable (and, should QEMU die at once over KVM, the guest boots again\n"
      "without it), software emulation otherwise. Run options are passed on.\n"
      "Exit: 0 all pass/skip, 1 a verdict failed or nothing was tested, 2 bad input, a kernel\n"
      "that panics or does not boot, a time-out or results that did not arrive intact (no\n"
      "report written), 130 interrupted. Nothing is left behind: QEMU is stopped and the\n"
      "temporary directory removed on every path.");
  auto args = std::make_shared<VmArgs>();
  sub->add_option("--kernel", args->kernel, "The kernel image (bzImage) to boot")->required();
  sub->add_option("--config", args->config,
                  "Its config (default: config-RELEASE beside the kernel), for the kernel section");
  sub->add_option("--modules", args->modules_dir,
                  "Its modules directory (default: ../lib/modules/RELEASE from the kernel)");
  sub->add_option("--module", args->modules, "Modules to load before the run")
      ->capture_default_str();
  sub->add_flag("--no-modules", args->no_modules, "Load no module (everything is built in)");
  sub->add_option("--memory", args->memory_mib, "Guest memory, MiB")
      ->capture_default_str()
      ->check(CLI::Range(128, 65536));
  sub->add_option("--cpus", args->cpus, "Guest CPUs")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  sub->add_option("--accel", args->accel, "auto (KVM when /dev/kvm is usable), kvm or tcg")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "kvm", "tcg"}));
  sub->add_option("--qemu", args->qemu, "The QEMU program")->capture_default_str();
  sub->add_option("--busybox", args->busybox, "A static busybox (default: /bin/busybox)");
  sub->add_option("--append", args->append, "Added to the kernel command line");
  sub->add_option("--boot-timeout", args->boot_timeout_s,
                  "Seconds from QEMU's start to nsmatrix running in the guest")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  sub->add_option("--timeout", args->timeout_s, "Seconds for the run inside the guest")
      ->capture_default_str()
      ->check(CLI::Range(1, 86400));
  sub->add_flag("--no-progress", args->no_progress, "Print nothing while it boots and runs");
  sub->add_option(plan_option::kCombos, args->combos, "As nsmatrix run (default all)");
  sub->add_option(plan_option::kProbes, args->probes, "As nsmatrix run (default all)");
  sub->add_option(plan_option::kUsernsMap, args->userns_map, "As nsmatrix run");
  sub->add_option(plan_option::kPropagation, args->propagation, "As nsmatrix run");
  sub->add_option(plan_option::kTimeNsVia, args->time_ns_via, "As nsmatrix run")
      ->check(CLI::IsMember({"clone3", "unshare"}));
  sub->add_option(std::string(plan_option::kJobs) + ",-j", args->jobs,
                  "As nsmatrix run (default: the guest's CPUs, at most 64)")
      ->check(CLI::Range(1, kMaxJobs));
  sub->add_option(plan_option::kTimeoutMs, args->timeout_ms, "As nsmatrix run")
      ->check(CLI::Range(kMinTimeoutMs, kMaxTimeoutMs));
  sub->add_option(plan_option::kScenario, args->scenario,
                  "As nsmatrix run (a file or a shipped name)");
  args->files.AddOptions(sub, /*with_json=*/true);
  return [args]() { return Vm(*args); };
}

}  // namespace nsm
