// cgroup.path: what /proc/self/cgroup says about where the container sits in
// the host's cgroup v2 hierarchy.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "probes/probe.h"

namespace nsm::probes {
namespace {

protocol::Record CgroupPath(const ProbeContext&, std::string_view id) {
  int fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrorRecord(id, "open /proc/self/cgroup", errno);
  std::string text;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) text.append(buf, static_cast<size_t>(n));
  close(fd);
  size_t pos = text.find("0::");
  if (pos != 0 && pos != std::string::npos && text[pos - 1] != '\n') pos = std::string::npos;
  if (pos == std::string::npos)
    return ErrorRecord(id, "no cgroup v2 line in /proc/self/cgroup", ENOENT);
  size_t end = text.find('\n', pos);
  return NewRecord(id).Add(
      "path", text.substr(pos + 3, end == std::string::npos ? std::string::npos : end - pos - 3));
}

}  // namespace

std::vector<ProbeEntry> CgroupProbes() {
  return {{"cgroup.path", CgroupPath}};
}

}  // namespace nsm::probes
