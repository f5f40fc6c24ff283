// user.*: what container root can do to the host: read host root's 0600 file,
// create a device node, and which capabilities it holds (libcap) in which user
// namespace; who a host file owned by an unmapped id seems to belong to; and
// whether it can setns into a user namespace the host holds open.
#include <fcntl.h>
#include <sched.h>
#include <sys/capability.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "probes/fixtures.h"
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
  int rc = mknod(path.c_str(), S_IFCHR | 0600, makedev(1, 3));  // /dev/null's numbers
  protocol::Record record = NewRecord(id);
  return AddResult(record, rc, errno).Add("path", path);
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

// setns(CLONE_NEWUSER) changes the caller's user namespace for good and
// refuses threads: a child that shares the probe's memory (CLONE_VM, no page
// tables to copy) and stops it until it exits (CLONE_VFORK) makes the attempt
// and leaves its findings here.
struct SiblingAttempt {
  int open_errno = 0;
  bool opened = false;
  long long dev = 0, ino = 0;
  int rc = -1, err = 0;
};
SiblingAttempt g_sibling;
alignas(16) char g_sibling_stack[64 * 1024];

int EnterSibling(void*) {
  int fd = open(fixtures::kSiblingUserns, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    g_sibling.open_errno = errno;
    return 0;
  }
  g_sibling.opened = true;
  struct stat st {};
  if (fstat(fd, &st) == 0) {
    g_sibling.dev = static_cast<long long>(st.st_dev);
    g_sibling.ino = static_cast<long long>(st.st_ino);
  }
  g_sibling.rc = setns(fd, CLONE_NEWUSER);
  g_sibling.err = g_sibling.rc == 0 ? 0 : errno;
  close(fd);
  return 0;
}

protocol::Record SetnsSibling(const ProbeContext&, std::string_view id) {
  g_sibling = SiblingAttempt{};
  pid_t pid = clone(EnterSibling, g_sibling_stack + sizeof(g_sibling_stack),
                    CLONE_VM | CLONE_VFORK | SIGCHLD, nullptr);
  if (pid < 0) return ErrorRecord(id, "clone(CLONE_VM | CLONE_VFORK)", errno);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  protocol::Record record = NewRecord(id);
  if (!g_sibling.opened) return record.Add("opened", 0).Add("errno", g_sibling.open_errno);
  return record.Add("opened", 1)
      .Add("dev", g_sibling.dev)
      .Add("ino", g_sibling.ino)
      .Add("rc", g_sibling.rc)
      .Add("errno", g_sibling.err);
}

}  // namespace

std::vector<ProbeEntry> UserProbes() {
  return {{"user.host_root_file", HostRootFile},
          {"user.mknod", Mknod},
          {"user.caps", Caps},
          {"user.overflow_id", OverflowId},
          {"user.setns_sibling", SetnsSibling}};
}

}  // namespace nsm::probes
