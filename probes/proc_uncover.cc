#include "probes/proc_uncover.h"

#include <fcntl.h>
#include <linux/stat.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace nsm::probes {
namespace {

// The work is done by a child that shares this process's memory and
// descriptors (CLONE_VM, as for pid.orphan: no page tables to copy) but not
// its filesystem context, so the mount namespace it unshares is its own and
// dies with it. The descriptors it opens stay in the shared table. It makes
// only system calls (errno is the parent's, which waits), on static buffers.
UncoveredProc g_uncovered;
bool g_done = false;
alignas(16) char g_stack[32 * 1024];
char g_mountinfo[1024 * 1024];  // some 7 000 mounts; only what is read is touched

// One line of /proc/PID/mountinfo, as far as the uncovering needs it.
struct MountLine {
  long long id = -1;
  long long parent = -1;
  const char* point = nullptr;  // the mount point, relative to the root
  size_t point_len = 0;
};

bool IsProc(const MountLine& line) {
  return line.point_len == 5 && memcmp(line.point, "/proc", 5) == 0;
}

bool SamePoint(const MountLine& a, const MountLine& b) {
  return a.point_len == b.point_len && memcmp(a.point, b.point, a.point_len) == 0;
}

// Finds the line for mount `id` in text[0, len).
//   ID PARENT MAJ:MIN ROOT POINT OPTIONS ...
bool FindMount(const char* text, size_t len, long long id, MountLine* out) {
  const char* end = text + len;
  for (const char* line = text; line < end;) {
    const char* eol = static_cast<const char*>(memchr(line, '\n', static_cast<size_t>(end - line)));
    if (!eol) eol = end;
    const char* field[5] = {};
    size_t field_len[5] = {};
    int n = 0;
    for (const char* p = line; p < eol && n < 5; ++n) {
      const char* start = p;
      while (p < eol && *p != ' ') ++p;
      field[n] = start;
      field_len[n] = static_cast<size_t>(p - start);
      if (p < eol) ++p;
    }
    auto number = [](const char* s, size_t l) {
      long long v = 0;
      for (size_t i = 0; i < l; ++i) {
        if (s[i] < '0' || s[i] > '9') return -1LL;
        v = v * 10 + (s[i] - '0');
      }
      return l == 0 ? -1LL : v;
    };
    if (n == 5 && number(field[0], field_len[0]) == id) {
      out->id = id;
      out->parent = number(field[1], field_len[1]);
      out->point = field[4];
      out->point_len = field_len[4];
      return true;
    }
    line = eol + 1;
  }
  return false;
}

// The mount /proc shows now, and the one it is mounted on (parent.id -1: not
// in this root's view, so not on /proc). 0 or an errno.
int TopOfProc(int mountinfo_fd, MountLine* top, MountLine* parent) {
  struct statx stx {};
  if (syscall(SYS_statx, AT_FDCWD, "/proc", AT_NO_AUTOMOUNT, STATX_MNT_ID, &stx) != 0) return errno;
  if (!(stx.stx_mask & STATX_MNT_ID)) return ENOSYS;
  size_t len = 0;
  for (;;) {
    long n = syscall(SYS_pread64, mountinfo_fd, g_mountinfo + len, sizeof(g_mountinfo) - len,
                     static_cast<off_t>(len));
    if (n < 0) return errno;
    if (n == 0) break;
    len += static_cast<size_t>(n);
    if (len == sizeof(g_mountinfo)) return E2BIG;
  }
  if (!FindMount(g_mountinfo, len, static_cast<long long>(stx.stx_mnt_id), top)) return ENOENT;
  if (!FindMount(g_mountinfo, len, top->parent, parent)) *parent = MountLine{};
  return 0;
}

// Makes every mount of this (new) namespace private: 0, or the errno that
// stopped it (nothing is unmounted then: an unmount propagates through the
// parent of every mount it takes, the ones mounted on /proc's subdirectories
// too), or -errno when this process no longer has the container's root. In a chroot "/" is no mount
// (EINVAL): the namespace's root is reached as root in a chroot reaches it,
// through a second chroot that leaves the working directory outside, then the
// container's root is entered again. (Nothing else sees this process's root.)
// A directory above the chroot that container root may not search (EACCES:
// a 0700 one, from a user namespace) stops the climb, and the look with it.
int MakeAllPrivate() {
  if (syscall(SYS_mount, nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0) return 0;
  if (errno != EINVAL) return errno;
  long root = syscall(SYS_openat, AT_FDCWD, "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) return errno;
  int fd = static_cast<int>(root);
  bool ok = syscall(SYS_chdir, "/") == 0 && syscall(SYS_chroot, "/proc") == 0;
  int err = ok ? 0 : errno;
  for (int i = 0; ok && i < 256; ++i) ok = syscall(SYS_chdir, "..") == 0;
  ok = ok && syscall(SYS_chroot, ".") == 0 &&
       syscall(SYS_mount, nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0;
  if (!ok && err == 0) err = errno;
  // Back into the container's root whatever happened: /proc below must mean
  // what it means to the container.
  bool back =
      syscall(SYS_fchdir, fd) == 0 && syscall(SYS_chroot, ".") == 0 && syscall(SYS_chdir, "/") == 0;
  int back_err = errno;
  syscall(SYS_close, fd);
  if (!back) return -back_err;
  return err;
}

int UncoverMain(void*) {
  UncoveredProc& u = g_uncovered;
  auto stop = [&u](const char* stage, int err) {
    u.stage = stage;
    u.err = err;
    return 0;
  };
  if (syscall(SYS_unshare, CLONE_NEWNS) != 0) return stop("unshare", errno);
  // Nothing unmounted here may propagate to the namespaces this one copied.
  if (int err = MakeAllPrivate()) return stop("private", err < 0 ? -err : err);
  // Opened now, in this namespace: it goes on listing this namespace's mounts
  // whatever /proc shows later.
  long mountinfo =
      syscall(SYS_openat, AT_FDCWD, "/proc/thread-self/mountinfo", O_RDONLY | O_CLOEXEC);
  if (mountinfo < 0) return stop("mountinfo", errno);
  int fd = static_cast<int>(mountinfo);
  for (;;) {
    MountLine top, parent;
    if (int err = TopOfProc(fd, &top, &parent)) {
      syscall(SYS_close, fd);
      return stop("mountinfo", err);
    }
    // What /proc shows is no mount on /proc (a symbolic link, a directory
    // whose mount point was deleted): what is under it cannot be told.
    if (!IsProc(top)) {
      syscall(SYS_close, fd);
      return stop("mountinfo", ENOTDIR);
    }
    // The mount /proc shows sits on a directory: nothing under it is a
    // filesystem of its own (unmounting it would only show that directory).
    if (parent.id < 0 || !SamePoint(top, parent)) break;
    if (u.count == UncoveredProc::kMaxLayers) {
      syscall(SYS_close, fd);
      return stop("limit", 0);
    }
    if (syscall(SYS_umount2, "/proc", MNT_DETACH) != 0) {
      int err = errno;
      syscall(SYS_close, fd);
      return stop("umount", err);
    }
    long dir = syscall(SYS_openat, AT_FDCWD, "/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) {
      int err = errno;
      syscall(SYS_close, fd);
      return stop("open", err);
    }
    u.fds[u.count++] = static_cast<int>(dir);
  }
  syscall(SYS_close, fd);
  return stop("bottom", 0);
}

}  // namespace

const UncoveredProc& UncoverProc() {
  UncoveredProc& u = g_uncovered;
  if (g_done) return u;
  g_done = true;
  pid_t pid =
      clone(UncoverMain, g_stack + sizeof(g_stack), CLONE_VM | CLONE_FILES | SIGCHLD, nullptr);
  if (pid < 0) {
    u.stage = "clone";
    u.err = errno;
    return u;
  }
  int status = 0;
  pid_t got;
  do {
    got = waitpid(pid, &status, 0);
  } while (got < 0 && errno == EINTR);
  if (got != pid || !WIFEXITED(status)) {
    u.stage = "wait";
    u.err = got < 0 ? errno : ECHILD;
  }
  return u;
}

}  // namespace nsm::probes
