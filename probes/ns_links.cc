// ns.<type>: the /proc/self/ns/<type> link as the container sees it. The harness
// compares device and inode with the host sandbox's own link.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "probes/probe.h"

namespace nsm::probes {
namespace {

protocol::Record ReadNsLink(const ProbeContext&, std::string_view id) {
  std::string type(id.substr(id.find('.') + 1));
  std::string path = "/proc/self/ns/" + type;
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return ErrorRecord(id, "stat " + path, errno);
  char link[64] = {};
  ssize_t n = readlink(path.c_str(), link, sizeof(link) - 1);
  protocol::Record record{"probe", std::string(id), {}};
  record.Add("dev", static_cast<long long>(st.st_dev))
      .Add("ino", static_cast<long long>(st.st_ino));
  if (n > 0) record.Add("link", std::string(link, static_cast<size_t>(n)));
  return record;
}

}  // namespace

std::vector<ProbeEntry> NsLinkProbes() {
  return {{"ns.cgroup", ReadNsLink}, {"ns.ipc", ReadNsLink}, {"ns.mnt", ReadNsLink},
          {"ns.net", ReadNsLink},    {"ns.pid", ReadNsLink}, {"ns.time", ReadNsLink},
          {"ns.user", ReadNsLink},   {"ns.uts", ReadNsLink}};
}

}  // namespace nsm::probes
