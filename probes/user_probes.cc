// user.*: what container root can do to the host: read host root's 0600 file,
// create a device node, and which capabilities it holds (libcap) in which user
// namespace; who a host file owned by an unmapped id seems to belong to; and
// whether it can setns into a user namespace the host holds open.
#include <fcntl.h>
#include <sched.h>
#include <sys/capability.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>

#include "harness/common/fixtures.h"
#include "probes/probe.h"

namespace nsm::probes {
namespace {

protocol::Record HostRootFile(const ProbeContext&, std::string_view id) {
  protocol::Record record = NewRecord(id);
  return AddReadAttempt(record, fixtures::kSecretFile);
}

protocol::Record Mknod(const ProbeContext& ctx, std::string_view id) {
  std::string name = ctx.Get("mknod-name");
  if (name.empty()) return ErrorRecord(id, "no mknod-name given", EINVAL);
  std::string path = std::string(fixtures::kMknodDir) + "/" + name;
  // /dev/null's numbers; errno read before anything allocates.
  int rc = mknod(path.c_str(), S_IFCHR | 0600, makedev(1, 3));
  int err = errno;
  protocol::Record record = NewRecord(id);
  return AddResult(record, rc, err).Add("path", path);
}

protocol::Record Caps(const ProbeContext&, std::string_view id) {
  cap_t caps = cap_get_proc();
  if (!caps) return ErrorRecord(id, "cap_get_proc", errno);
  char* text = cap_to_text(caps, nullptr);
  // Effective capabilities are what the process can use right now.
  int effective = 0;
  for (int cap = 0; cap <= CAP_LAST_CAP; ++cap) {
    cap_flag_value_t value = CAP_CLEAR;
    if (cap_get_flag(caps, static_cast<cap_value_t>(cap), CAP_EFFECTIVE, &value) == 0 &&
        value == CAP_SET) {
      ++effective;
    }
  }
  protocol::Record record = NewRecord(id);
  record.Add("effective", effective).Add("caps", text ? text : "?");
  cap_free(text);
  cap_free(caps);
  struct stat st {};
  if (stat("/proc/self/ns/user", &st) != 0)
    return ErrorRecord(id, "stat /proc/self/ns/user", errno);
  return record.Add("userns_dev", static_cast<long long>(st.st_dev))
      .Add("userns_ino", static_cast<long long>(st.st_ino));
}

protocol::Record OverflowId(const ProbeContext&, std::string_view id) {
  struct stat st {};
  if (stat(fixtures::kForeignFile, &st) != 0)
    return ErrorRecord(id, std::string("stat ") + fixtures::kForeignFile, errno);
  return NewRecord(id)
      .Add("uid", static_cast<long long>(st.st_uid))
      .Add("gid", static_cast<long long>(st.st_gid));
}

// setns(CLONE_NEWUSER) changes the caller's user namespace for good (and
// refuses threads): the probe runs after all others and makes the attempt
// itself. (A CLONE_VM | CLONE_VFORK child for it cost 0.28 ms a cell on a VM.)
protocol::Record SetnsSibling(const ProbeContext& ctx, std::string_view id) {
  if (!ctx.last) return ErrorRecord(id, "run before another probe; it must run last", EINVAL);
  protocol::Record record = NewRecord(id);
  int fd = open(fixtures::kSiblingUserns, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;  // before the Add calls, which allocate
    return record.Add("opened", 0).Add("errno", err);
  }
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    return ErrorRecord(id, "fstat", err);
  }
  int rc = setns(fd, CLONE_NEWUSER);
  int err = rc == 0 ? 0 : errno;
  close(fd);
  return record.Add("opened", 1)
      .Add("dev", static_cast<long long>(st.st_dev))
      .Add("ino", static_cast<long long>(st.st_ino))
      .Add("rc", rc)
      .Add("errno", err);
}

}  // namespace

std::vector<ProbeEntry> UserProbes() {
  return {{"user.host_root_file", HostRootFile},
          {"user.mknod", Mknod},
          {"user.caps", Caps},
          {"user.overflow_id", OverflowId},
          {"user.setns_sibling", SetnsSibling, /*after_others=*/true}};
}

}  // namespace nsm::probes
