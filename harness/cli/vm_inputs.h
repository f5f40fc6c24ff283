// What `nsmatrix vm` is given and checks before anything boots: its options,
// the programs it needs, the kernel's config and modules beside it (Debian's
// layout), and the `nsmatrix run` options the guest is told to use.
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "harness/cli/report_files.h"

namespace nsm {

struct VmArgs {
  std::string kernel, config, modules_dir;
  std::vector<std::string> modules = {"veth"};
  bool no_modules = false;
  int memory_mib = 1024;
  int cpus = 2;
  std::string accel = "auto";
  std::string qemu = "qemu-system-x86_64";
  std::string busybox;
  std::string append;
  int boot_timeout_s = 120;
  int timeout_s = 3600;
  bool no_progress = false;
  // `nsmatrix run` options, passed on.
  std::string combos, probes, userns_map, propagation, time_ns_via, scenario;
  int jobs = 0;
  long timeout_ms = 0;
  ReportFiles files;
};

// A program name is looked up in PATH (FindOnPath); a path is taken as it is.
std::optional<std::string> FindProgram(const std::string& name);
// Linked statically (ldd lists no library)?
bool IsStatic(const std::string& program);
// `relative` to the kernel image's directory when it exists there, else "".
// Debian's layout: /boot/vmlinuz-R beside /boot/config-R, and /lib/modules/R
// beside /boot (also inside a package unpacked with dpkg -x).
std::string Beside(const std::string& kernel, const std::string& relative);
// OPTION's value in a kernel config file ("y", "m", ...), or "".
std::string ConfigValue(const std::string& config_path, const std::string& option);

// The `nsmatrix run` arguments for the guest, checked here as nsmatrix run
// would check them (BuildPlan), so that a typo costs no boot; the error is the
// sentence to print. `scenario_text` is set to the scenario file's bytes to take along, as they
// were read for the checks (the file is not read again).
std::expected<std::vector<std::string>, std::string> RunArguments(const VmArgs& args,
                                                                  std::string* scenario_text);

}  // namespace nsm
