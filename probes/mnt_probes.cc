// mnt.mount_leak: mount a tmpfs with a unique source name; the harness looks
// for that name in the host sandbox's mount table.
// mnt.propagation_in: look in this container's mount table for the tmpfs the
// host mounted once the container's mounts were set up.
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>

#include "harness/common/fixtures.h"
#include "probes/probe.h"

namespace nsm::probes {
namespace {

protocol::Record MountLeak(const ProbeContext& ctx, std::string_view id) {
  std::string source = ctx.Get("leak-source");
  if (source.empty()) return ErrorRecord(id, "no leak-source given", EINVAL);
  int rc = mount(source.c_str(), fixtures::kLeakDir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                 "size=16k");
  int err = errno;  // before anything that allocates
  protocol::Record record = NewRecord(id);
  // What it mounted goes back with the attempt: the host checks it.
  return AddResult(record, rc, err).Add("target", fixtures::kLeakDir).Add("source", source);
}

protocol::Record PropagationIn(const ProbeContext& ctx, std::string_view id) {
  std::string source = ctx.Get("propagation-source");
  if (source.empty()) return ErrorRecord(id, "no propagation-source given", EINVAL);
  std::string text;
  if (int err = ReadWholeFile("/proc/self/mountinfo", &text))
    return ErrorRecord(id, "read /proc/self/mountinfo", err);
  // "... - tmpfs SOURCE OPTIONS": the source follows the filesystem type.
  bool found = text.find(" - tmpfs " + source + " ") != std::string::npos;
  long mounts = 0;
  for (char c : text) mounts += c == '\n';
  // What it looked for goes back with what it found: the host checks it.
  return NewRecord(id).Add("source", source).Add("found", found ? 1 : 0).Add("mounts", mounts);
}

}  // namespace

std::vector<ProbeEntry> MntProbes() {
  return {{"mnt.mount_leak", MountLeak}, {"mnt.propagation_in", PropagationIn}};
}

}  // namespace nsm::probes
