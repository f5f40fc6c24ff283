#include "harness/kernel/environment.h"

#include <sched.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "harness/common/io.h"
#include "harness/common/strings.h"
#include "harness/common/unique_fd.h"
#include "harness/document/host_info.h"

namespace nsm {
namespace {

std::optional<long long> ReadNumber(const std::string& path) {
  Result<std::string> text = ReadFile(path);
  if (!text) return std::nullopt;
  std::string trimmed(Trim(*text));
  if (trimmed.empty()) return std::nullopt;
  char* end = nullptr;
  long long value = strtoll(trimmed.c_str(), &end, 10);
  if (*end != '\0') return std::nullopt;
  return value;
}

int SeccompMode(const std::string& proc) {
  Result<std::string> status = ReadFile(proc + "/self/status");
  if (!status) return 0;
  for (std::string_view line : Split(*status, '\n')) {
    if (line.starts_with("Seccomp:")) return atoi(std::string(Trim(line.substr(8))).c_str());
  }
  return 0;
}

bool HasCapSysAdmin() {
  cap_t caps = cap_get_proc();
  if (!caps) return false;
  cap_flag_value_t value = CAP_CLEAR;
  cap_get_flag(caps, CAP_SYS_ADMIN, CAP_EFFECTIVE, &value);
  cap_free(caps);
  return value == CAP_SET;
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  for (std::string_view item : Split(Trim(text), ',')) {
    if (!Trim(item).empty()) out.emplace_back(Trim(item));
  }
  return out;
}

}  // namespace

std::string MaxSysctlName(Ns ns) {
  return "user.max_" + std::string(InfoOf(ns).name) + "_namespaces";
}

std::optional<std::string> ReadActiveLsms(const std::string& sys) {
  std::string path = sys + "/kernel/security/lsm";
  if (Result<std::string> text = ReadFile(path)) return *text;
  if (sys != "/sys" || geteuid() != 0) return std::nullopt;
  // securityfs is not mounted here: mount it where nobody else sees it.
  UniqueFd read_end, write_end;
  if (!HighPipe(&read_end, &write_end)) return std::nullopt;
  pid_t child = fork();
  if (child < 0) return std::nullopt;
  if (child == 0) {
    read_end.Reset();
    if (unshare(CLONE_NEWNS) != 0 || mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) ||
        mount("securityfs", "/sys/kernel/security", "securityfs", 0, nullptr) != 0) {
      _exit(1);
    }
    Result<std::string> text = ReadFile(path);
    if (!text || !WriteAll(write_end.Get(), *text)) _exit(1);
    _exit(0);
  }
  write_end.Reset();
  std::string out;
  char chunk[512];
  ssize_t got = 0;
  while ((got = read(read_end.Get(), chunk, sizeof(chunk))) > 0)
    out.append(chunk, static_cast<size_t>(got));
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
  return out;
}

KernelEnvironment ReadKernelEnvironment(const std::string& proc, const std::string& sys,
                                        const std::optional<std::string>& config_lsm) {
  KernelEnvironment env;
  for (const NsInfo& info : kNamespaces) {
    env.max_namespaces[static_cast<int>(info.ns)] =
        ReadNumber(proc + "/sys/user/max_" + std::string(info.name) + "_namespaces");
  }
  env.unprivileged_userns_clone = ReadNumber(proc + "/sys/kernel/unprivileged_userns_clone");
  env.apparmor_restrict_userns =
      ReadNumber(proc + "/sys/kernel/apparmor_restrict_unprivileged_userns");
  env.apparmor_restrict_unconfined =
      ReadNumber(proc + "/sys/kernel/apparmor_restrict_unprivileged_unconfined");
  if (std::optional<std::string> lsm = ReadActiveLsms(sys)) {
    env.lsms = SplitList(*lsm);
    env.lsm_source = sys + "/kernel/security/lsm";
  } else if (config_lsm) {
    env.lsms = SplitList(*config_lsm);
    env.lsm_source =
        "CONFIG_LSM (the build's default order; lsm= on the kernel command line "
        "may change it)";
  } else {
    env.lsm_source = "unknown (securityfs unreadable, no kernel config)";
  }
  if (Result<std::string> enabled = ReadFile(sys + "/module/apparmor/parameters/enabled"))
    env.apparmor_enabled = Trim(*enabled) == "Y";
  env.seccomp_mode = SeccompMode(proc);
  env.initial_userns = DetectMode() == "root";
  env.cap_sys_admin = HasCapSysAdmin();
  env.euid_root = geteuid() == 0;
  return env;
}

}  // namespace nsm
