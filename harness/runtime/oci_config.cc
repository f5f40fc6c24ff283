#include "harness/runtime/oci_config.h"

#include <sys/capability.h>
#include <sys/prctl.h>

#include <cctype>
#include <nlohmann/json.hpp>

namespace nsm {
namespace {

using nlohmann::json;

const char* OciNamespaceType(Ns ns) {
  switch (ns) {
    case Ns::mnt:
      return "mount";
    case Ns::uts:
      return "uts";
    case Ns::ipc:
      return "ipc";
    case Ns::net:
      return "network";
    case Ns::pid:
      return "pid";
    case Ns::user:
      return "user";
    case Ns::cgroup:
      return "cgroup";
    case Ns::time:
      return "time";
  }
  return "?";
}

json IdMapping(UsernsMap map) {
  // As the launcher maps: container root to the caller (root) alone, else
  // ids 100000-165535.
  if (map == UsernsMap::root)
    return json::array({{{"containerID", 0}, {"hostID", 0}, {"size", 1}}});
  return json::array({{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}});
}

}  // namespace

std::string OciConfigJson(const RuntimeCell& cell, const OciOptions& options) {
  json args = json::array({cell.probe_program});
  for (const std::string& arg : cell.probe_args) args.push_back(arg);
  json caps = cell.capabilities;
  json process = {
      {"terminal", false},
      {"user", {{"uid", 0}, {"gid", 0}}},
      {"args", args},
      {"env", {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}},
      {"cwd", "/"},
      {"capabilities", {{"bounding", caps}, {"effective", caps}, {"permitted", caps}}},
      {"noNewPrivileges", false},
  };
  json namespaces = json::array();
  for (const NsInfo& info : kNamespaces) {
    if (cell.namespaces.Has(info.ns)) namespaces.push_back({{"type", OciNamespaceType(info.ns)}});
  }
  json linux_section = {{"namespaces", namespaces}};
  if (cell.namespaces.Has(Ns::user)) {
    linux_section["uidMappings"] = IdMapping(cell.userns_map);
    linux_section["gidMappings"] = IdMapping(cell.userns_map);
  }
  json annotations = json::object();
  if (cell.namespaces.Has(Ns::time) && cell.time_offset_seconds != 0) {
    json offset = {{"secs", cell.time_offset_seconds}, {"nanosecs", 0}};
    linux_section["timeOffsets"] = {{"monotonic", offset}, {"boottime", offset}};
    // crun 1.8 ignores linux.timeOffsets (the container gets a time namespace
    // with zero offsets) and writes this annotation to timens_offsets instead.
    std::string seconds = std::to_string(cell.time_offset_seconds);
    annotations[std::string(kCrunTimensAnnotation)] =
        "monotonic " + seconds + " 0\nboottime " + seconds + " 0";
  }
  if (cell.propagation != Propagation::kUnchanged)
    linux_section["rootfsPropagation"] = "r" + std::string(Name(cell.propagation));
  if (options.allow_all_devices)
    linux_section["resources"] = {{"devices", {{{"allow", true}, {"access", "rwm"}}}}};
  if (options.cgroup_named_by_id) linux_section["cgroupsPath"] = cell.container_id;
  // A /dev of the container's own, as in runc's and crun's default spec: the
  // device nodes a runtime makes there (mknod, or binds of the host's nodes
  // in a user namespace) go with the container. Made in the workspace's
  // shared /dev they would outlast it, and the next container's runtime would
  // open an earlier one's /dev/tty as a device (ENXIO) instead of a file.
  json mounts = json::array({{{"destination", "/dev"},
                              {"type", "tmpfs"},
                              {"source", "tmpfs"},
                              {"options", {"nosuid", "strictatime", "mode=755", "size=64k"}}}});
  // As the launcher does with a new mount and PID namespace.
  if (cell.namespaces.Has(Ns::mnt) && cell.namespaces.Has(Ns::pid))
    mounts.push_back({{"destination", "/proc"}, {"type", "proc"}, {"source", "proc"}});
  json config = {
      {"ociVersion", "1.0.2"},
      {"process", process},
      {"root", {{"path", cell.rootfs}, {"readonly", false}}},
      {"mounts", mounts},
      {"linux", linux_section},
  };
  if (!annotations.empty()) config["annotations"] = annotations;
  return config.dump(1) + "\n";
}

std::optional<Refusal> RefuseWithoutMountNamespace(const RuntimeCell& cell,
                                                   std::string_view runtime) {
  if (cell.namespaces.Has(Ns::mnt)) return std::nullopt;
  return Refusal{"not run by nsmatrix: without a mount namespace " + std::string(runtime) +
                 " sets up its root in the host's own (it makes / a slave mount and binds the "
                 "root filesystem onto itself there), which would change the host for every "
                 "later container"};
}

RuntimeCommand OciCommand(const RuntimeCell& cell, const std::string& runtime_path,
                          const std::vector<std::string>& global_options,
                          const OciOptions& options) {
  RuntimeCommand command;
  command.argv = {runtime_path, "--root", cell.state_dir, "--log-format=json"};
  command.argv.insert(command.argv.end(), global_options.begin(), global_options.end());
  // Descriptors 3 (results) and 4 (the probe program) pass into the container.
  command.argv.insert(command.argv.end(), {"run", "--bundle", cell.bundle_dir, "--preserve-fds",
                                           "2", "--no-new-keyring", cell.container_id});
  command.files.push_back({"config.json", OciConfigJson(cell, options)});
  if (options.cgroup_named_by_id) command.cgroup_name = cell.container_id;
  command.delete_argv = {runtime_path, "--root", cell.state_dir, "--log-format=json"};
  command.delete_argv.insert(command.delete_argv.end(), global_options.begin(),
                             global_options.end());
  command.delete_argv.insert(command.delete_argv.end(), {"delete", "--force", cell.container_id});
  return command;
}

std::optional<std::string> OciCannotGive(Propagation propagation) {
  if (propagation != Propagation::kUnchanged) return std::nullopt;
  return "an OCI bundle cannot leave the root's propagation unchanged: without "
         "rootfsPropagation the runtime makes it rslave (use --propagation slave)";
}

bool OciIsRefusal(std::string_view message) {
  auto has = [&](std::string_view part) { return message.find(part) != std::string_view::npos; };
  if (has("namespace {\"") && has("does not exist")) return true;
  if ((has("unshare") || has("clone")) &&
      (has("not permitted") || has("No space left on device") || has("Invalid argument")))
    return true;
  return has("timens_offsets") && has("Permission denied");
}

std::optional<std::string> OciErrorMessage(std::string_view stderr_text) {
  size_t start = 0;
  while (start < stderr_text.size()) {
    size_t end = stderr_text.find('\n', start);
    if (end == std::string_view::npos) end = stderr_text.size();
    json line = json::parse(stderr_text.substr(start, end - start), nullptr, false);
    if (line.is_object() && line.value("level", "") == "error" && line.contains("msg") &&
        line["msg"].is_string()) {
      return line["msg"].get<std::string>();
    }
    start = end + 1;
  }
  return std::nullopt;
}

std::vector<std::string> BoundingCapabilityNames() {
  std::vector<std::string> names;
  for (int cap = 0; cap <= 63; ++cap) {
    int in_bounding = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
    if (in_bounding < 0) break;  // EINVAL: past the kernel's last capability
    if (in_bounding == 0) continue;
    char* name = cap_to_name(static_cast<cap_value_t>(cap));
    if (!name) continue;
    std::string text = name;
    cap_free(name);
    if (text.empty() || std::isdigit(static_cast<unsigned char>(text[0]))) continue;
    for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    names.push_back(text);
  }
  return names;
}

}  // namespace nsm
