// mnt.mount_leak: mount a tmpfs with a unique source name; the harness looks
// for that name in the host sandbox's mount table.
#include <sys/mount.h>

#include <cerrno>

#include "probes/fixtures.h"
#include "probes/probe.h"

namespace nsm::probes {
namespace {

protocol::Record MountLeak(const ProbeContext& ctx, std::string_view id) {
  std::string source = ctx.Get("leak-source");
  if (source.empty()) return ErrorRecord(id, "no leak-source given", EINVAL);
  int rc = mount(source.c_str(), fixtures::kLeakDir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                 "size=16k");
  protocol::Record record = NewRecord(id);
  return AddResult(record, rc, errno).Add("target", fixtures::kLeakDir);
}

}  // namespace

std::vector<ProbeEntry> MntProbes() {
  return {{"mnt.mount_leak", MountLeak}};
}

}  // namespace nsm::probes
