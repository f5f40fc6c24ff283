// cgroup.path: what /proc/self/cgroup says about where the container sits in
// the host's cgroup v2 hierarchy.
// cgroup.host_mount: whether the host's cgroup2 mount, made before the
// container, still shows the host's hierarchy: the container's own cgroup
// directory at the path the host knows it by.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "probes/probe.h"

namespace nsm::probes {
namespace {

protocol::Record CgroupPath(const ProbeContext&, std::string_view id) {
  std::string text;
  if (int err = ReadWholeFile("/proc/self/cgroup", &text))
    return ErrorRecord(id, "read /proc/self/cgroup", err);
  size_t pos = text.find("0::");
  if (pos != 0 && pos != std::string::npos && text[pos - 1] != '\n') pos = std::string::npos;
  if (pos == std::string::npos)
    return ErrorRecord(id, "no cgroup v2 line in /proc/self/cgroup", ENOENT);
  size_t end = text.find('\n', pos);
  return NewRecord(id).Add(
      "path", text.substr(pos + 3, end == std::string::npos ? std::string::npos : end - pos - 3));
}

protocol::Record HostMount(const ProbeContext& ctx, std::string_view id) {
  std::string cell = ctx.Get("cgroup-cell");
  protocol::Record record = NewRecord(id);
  if (cell.empty()) return record.Add("given", 0);  // no cell cgroup: nothing to look for
  record.Add("given", 1).Add("path", cell);
  struct stat st {};
  if (stat(cell.c_str(), &st) != 0) return record.Add("found", 0).Add("errno", errno);
  return record.Add("found", 1)
      .Add("dev", static_cast<long long>(st.st_dev))
      .Add("ino", static_cast<long long>(st.st_ino));
}

}  // namespace

std::vector<ProbeEntry> CgroupProbes() {
  return {{"cgroup.path", CgroupPath}, {"cgroup.host_mount", HostMount}};
}

}  // namespace nsm::probes
