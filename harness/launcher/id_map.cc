#include "harness/launcher/id_map.h"

#include <fcntl.h>
#include <sys/capability.h>
#include <unistd.h>

#include <cstdio>

#include "harness/common/io.h"
#include "harness/common/strings.h"
#include "harness/common/unique_fd.h"

namespace nsm {
namespace {

// `dir`: /proc/PID, opened once for all the files (each full path would look
// the process up again).
Status WriteProcFile(int dir, const std::string& dir_path, const char* name,
                     const std::string& text) {
  std::string path = dir_path + "/" + name;
  UniqueFd fd(openat(dir, name, O_WRONLY | O_CLOEXEC));
  if (!fd.Valid()) return FailErrno("open " + path);
  ssize_t n = write(fd.Get(), text.data(), text.size());
  if (n != static_cast<ssize_t>(text.size())) {
    int err = n < 0 ? errno : EIO;
    return Fail(err, "write " + path, "'" + text.substr(0, text.size() - 1) + "'",
                err == EPERM ? "the writer may not map these ids (needs CAP_SETUID/CAP_SETGID, "
                               "or map only its own id with --userns-map root)"
                             : "");
  }
  return {};
}

}  // namespace

IdMapPlan PlanIdMaps(UsernsMap map, uid_t caller_uid, gid_t caller_gid, bool privileged) {
  IdMapPlan plan;
  if (map == UsernsMap::unprivileged && privileged) {
    std::string line =
        "0 " + std::to_string(kSubordinateBase) + " " + std::to_string(kSubordinateCount) + "\n";
    plan.uid_map = plan.gid_map = line;
    return plan;
  }
  // Map container root to the caller, one id. An unprivileged writer can do
  // only this, and then must deny setgroups before writing gid_map.
  plan.uid_map = "0 " + std::to_string(caller_uid) + " 1\n";
  plan.gid_map = "0 " + std::to_string(caller_gid) + " 1\n";
  plan.deny_setgroups = !privileged;
  return plan;
}

Status WriteIdMaps(pid_t pid, const IdMapPlan& plan) {
  std::string dir_path = "/proc/" + std::to_string(pid);
  UniqueFd dir(open(dir_path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dir.Valid()) return FailErrno("open " + dir_path);
  if (plan.deny_setgroups) {
    if (Status s = WriteProcFile(dir.Get(), dir_path, "setgroups", "deny\n"); !s) return s;
  }
  if (Status s = WriteProcFile(dir.Get(), dir_path, "gid_map", plan.gid_map); !s) return s;
  return WriteProcFile(dir.Get(), dir_path, "uid_map", plan.uid_map);
}

bool SetgroupsDenied() {
  Result<std::string> text = ReadFile("/proc/self/setgroups");
  return text && text->starts_with("deny");
}

namespace {

// Is [first, first + count) inside one "inside outside count" line of the map?
bool RangeMapped(const std::string& path, unsigned long first, unsigned long count) {
  Result<std::string> text = ReadFile(path);
  if (!text) return false;
  for (std::string_view line : Split(*text, '\n')) {
    unsigned long inside = 0, outside = 0, length = 0;
    if (sscanf(std::string(line).c_str(), "%lu %lu %lu", &inside, &outside, &length) != 3) continue;
    if (first >= inside && first + count <= inside + length) return true;
  }
  return false;
}

}  // namespace

bool SubordinateIdsMapped() {
  return RangeMapped("/proc/self/uid_map", kSubordinateBase, kSubordinateCount) &&
         RangeMapped("/proc/self/gid_map", kSubordinateBase, kSubordinateCount);
}

IdMapPlan PlanIdMapsForThisProcess(UsernsMap map) {
  IdMapPlan plan = PlanIdMaps(map, getuid(), getgid(), HoldsIdMappingCapabilities());
  if (SetgroupsDenied()) plan.deny_setgroups = true;
  return plan;
}

bool HoldsEffectiveCapabilities(std::initializer_list<int> caps) {
  cap_t state = cap_get_proc();
  if (!state) return false;
  bool all = true;
  for (int cap : caps) {
    cap_flag_value_t value = CAP_CLEAR;
    cap_get_flag(state, static_cast<cap_value_t>(cap), CAP_EFFECTIVE, &value);
    all = all && value == CAP_SET;
  }
  cap_free(state);
  return all;
}

bool HoldsIdMappingCapabilities() {
  return HoldsEffectiveCapabilities({CAP_SETUID, CAP_SETGID});
}

}  // namespace nsm
