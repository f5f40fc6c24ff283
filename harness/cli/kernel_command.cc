// `nsmatrix kernel`: what this kernel and its configuration allow, per
// namespace type, as root and unprivileged, with the gate behind every failure.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "harness/cli/commands.h"
#include "harness/cli/report_files.h"
#include "harness/document/document.h"
#include "harness/kernel/kernel_config.h"
#include "harness/kernel/kernel_report.h"
#include "reports/atomic_file.h"
#include "reports/json_text.h"
#include "reports/kernel_section.h"

namespace nsm {
namespace {

struct KernelArgs {
  std::string config;
  std::string json;
  std::string color = "auto";
  bool no_unprivileged = false;
};

bool UseColor(const std::string& mode) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  const char* no_color = getenv("NO_COLOR");
  return isatty(STDOUT_FILENO) && !(no_color && no_color[0] != '\0');
}

int RunKernel(const KernelArgs& args) {
  // As root, what root can do decides; otherwise what this user can.
  const char* as = geteuid() == 0 ? "root" : "unprivileged";
  if (args.no_unprivileged && geteuid() != 0) {
    fprintf(stderr,
            "nsmatrix kernel: --no-unprivileged: as an ordinary user the unprivileged checks are "
            "the only ones that can run, so nothing would be checked; run it as root, or "
            "without --no-unprivileged\n");
    return kExitUsage;
  }
  KernelReportOptions options;
  if (!args.config.empty()) options.config_path = args.config;
  options.unprivileged = !args.no_unprivileged;
  options.nesting = true;
  // Bad input is refused before the live checks and the nesting measure run.
  if (options.config_path) {
    Result<KernelConfig> config = ReadKernelConfig(*options.config_path);
    if (!config) {
      fprintf(stderr, "nsmatrix kernel: --config: %s\n", config.error().Message().c_str());
      return kExitUsage;
    }
    options.config = std::move(*config);
  }
  if (Status s = CheckOutputPaths({&args.json}, ""); !s) {
    fprintf(stderr, "nsmatrix kernel: --json: %s\n", s.error().Message().c_str());
    return kExitUsage;
  }
  KernelReport report = CollectKernelReport(options);
  nlohmann::json doc = KernelDocument(report, UtcTimestamp());
  if (!args.json.empty()) {
    if (Status s = WriteFileAtomically(args.json, JsonText(doc)); !s) {
      fprintf(stderr, "nsmatrix kernel: --json: %s\n", s.error().Message().c_str());
      return kExitUsage;
    }
  }
  fputs(RenderKernelText(doc["kernel"], UseColor(args.color)).c_str(), stdout);
  if (!args.json.empty()) printf("JSON report: %s\n", args.json.c_str());
  return TypesNotUsable(doc["kernel"], as).empty() ? kExitOk : kExitFailed;
}

}  // namespace

CommandFn AddKernelCommand(CLI::App& app) {
  CLI::App* sub = app.add_subcommand(
      "kernel", "Check what this kernel allows: config, sysctls, security modules, live checks");
  sub->footer(
      "Reads the kernel config (--config, else /proc/config.gz, /boot/config-$(uname -r),\n"
      "/lib/modules/$(uname -r)/build/.config), the user.max_*_namespaces limits,\n"
      "kernel.unprivileged_userns_clone and AppArmor's userns restriction where present, the\n"
      "active security modules and this process's seccomp mode. Then, per namespace type, it\n"
      "creates one and uses it (id maps, a tmpfs mount, /proc in a PID namespace, a hostname,\n"
      "lo up, a SysV segment, the cgroup root, clock offsets) as root and as uid 65534, each in\n"
      "a throwaway child. Every failure names its gate (config, limit, userns-sysctl, apparmor,\n"
      "seccomp, privilege) and a remedy. Last, how deep user and PID namespaces nest here\n"
      "(created one inside the other until the kernel refuses), against its limits.\n\n"
      "Examples:\n"
      "  nsmatrix kernel\n"
      "  nsmatrix kernel --json kernel.json && nsmatrix gate --baseline old-kernel.json "
      "kernel.json\n\n"
      "Colour only on a terminal; NO_COLOR or --color never turns it off.\n"
      "Exit: 0 every type usable as root (when not root: as this user), 1 some type is not,\n"
      "2 usage error (--no-unprivileged when not root: it would leave nothing to check).");
  auto args = std::make_shared<KernelArgs>();
  sub->add_option("--config", args->config, "The kernel config file to read (may be .gz)");
  sub->add_option("--json", args->json, "Write the report as JSON (nsmatrix-kernel/1) here");
  sub->add_option("--color", args->color, "auto, always or never")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "always", "never"}));
  sub->add_flag("--no-unprivileged", args->no_unprivileged,
                "Skip the checks as an unprivileged user (uid 65534)");
  return [args]() { return RunKernel(*args); };
}

}  // namespace nsm
