#include "harness/sandbox/fs_fixture.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdlib>

#include "harness/common/child_process.h"
#include "harness/common/fixtures.h"
#include "harness/common/io.h"
#include "harness/common/unique_fd.h"

namespace nsm {
std::string FsFixture::HostPath(const std::string& container_path) const {
  return root_ == "/" ? container_path : root_ + container_path;
}

Result<FsFixture> FsFixture::Create(const std::string& root, const std::string& nonce) {
  FsFixture fixture;
  fixture.root_ = root;
  fixture.secret_ = "nsm-secret " + nonce + "\n";
  std::string tmp = fixture.HostPath("/tmp");
  if (mount("nsm-fixtures", tmp.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=1m") != 0) {
    return FailErrno("mount tmpfs on " + tmp, "host filesystem fixture");
  }
  std::string secret = fixture.HostPath(fixtures::kSecretFile);
  UniqueFd fd(open(secret.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd.Valid()) return FailErrno("create " + secret, "host filesystem fixture");
  if (Status s = WriteAll(fd.Get(), fixture.secret_); !s) return std::unexpected(s.error());
  if (mkdir(fixture.HostPath(fixtures::kLeakDir).c_str(), 0755) != 0)
    return FailErrno("mkdir leak dir");
  if (mkdir(fixture.HostPath(fixtures::kPropInDir).c_str(), 0755) != 0)
    return FailErrno("mkdir propagation dir");
  std::string mknod_dir = fixture.HostPath(fixtures::kMknodDir);
  if (mkdir(mknod_dir.c_str(), 0777) != 0 || chmod(mknod_dir.c_str(), 0777) != 0)
    return FailErrno("mkdir mknod dir");
  if (Status s = fixture.CreateForeignFile(); !s)
    return std::unexpected(std::move(s.error()).Wrap("host filesystem fixture"));
  if (Status s = fixture.HoldSiblingUserns(); !s)
    return std::unexpected(std::move(s.error()).Wrap("host filesystem fixture"));
  Result<MountTable> mounts = MountTable::Open();
  if (!mounts) return std::unexpected(std::move(mounts.error()).Wrap("host filesystem fixture"));
  fixture.mount_count_ = mounts->Current()->size();
  fixture.mounts_ = std::move(*mounts);
  return fixture;
}

Status FsFixture::CreateForeignFile() {
  std::string path = HostPath(fixtures::kForeignFile);
  UniqueFd fd(open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (!fd.Valid()) return FailErrno("create " + path);
  // A kernel without sysctl files does not say what it shows: no verdict then.
  Result<std::string> overflow = ReadFile("/proc/sys/kernel/overflowuid");
  if (!overflow) {
    foreign_.unavailable =
        "/proc/sys/kernel/overflowuid is unreadable: " + overflow.error().Message();
    return {};
  }
  foreign_.overflow_uid = atoll(overflow->c_str());
  if (fchown(fd.Get(), fixtures::kForeignId, fixtures::kForeignId) == 0) {
    foreign_.host_uid = fixtures::kForeignId;
    return {};
  }
  // EINVAL: nsmatrix runs in a user namespace that does not map this id
  // either; the file stays root's and user.overflow_id has nothing to show.
  if (errno != EINVAL) return FailErrno("chown " + path);
  foreign_.unavailable = "uid " + std::to_string(fixtures::kForeignId) +
                         " is not mapped in the user namespace nsmatrix runs in";
  return {};
}

Status FsFixture::HoldSiblingUserns() {
  // A child makes the namespace; its nsfs file, bind-mounted, keeps it alive
  // after the child is gone. The worker is single-threaded: fork is safe.
  UniqueFd ready_r, ready_w;
  if (Status s = HighPipe(&ready_r, &ready_w); !s) return s;
  pid_t pid = fork();
  if (pid < 0) return FailErrno("fork", "hold a user namespace");
  if (pid == 0) {
    int err = unshare(CLONE_NEWUSER) == 0 ? 0 : errno;
    (void)!write(ready_w.Get(), &err, sizeof(err));
    for (;;) pause();
  }
  ready_w.Reset();
  ChildProcess child(pid, UniqueFd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0))));
  int err = -1;
  if (read(ready_r.Get(), &err, sizeof(err)) != sizeof(err))
    return Fail(EPIPE, "hold a user namespace", "the child died");
  if (err != 0) {
    // A kernel or sysctl without user namespaces: user.setns_sibling is unsupported.
    sibling_.unavailable = "unshare(CLONE_NEWUSER) failed with " + ErrnoName(err);
    sibling_.refused = RefusesNamespaces(err);
    return {};
  }
  std::string path = HostPath(fixtures::kSiblingUserns);
  UniqueFd file(open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444));
  if (!file.Valid()) return FailErrno("create " + path);
  std::string link = "/proc/" + std::to_string(pid) + "/ns/user";
  if (mount(link.c_str(), path.c_str(), nullptr, MS_BIND, nullptr) != 0)
    return FailErrno("bind-mount " + link + " on " + path);
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return FailErrno("stat " + path);
  sibling_.id = {static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
  return {};  // the child is killed and reaped on the way out
}

std::optional<bool> FsFixture::MountWithSource(const std::string& source) const {
  const std::vector<MountEntry>* mounts = mounts_->Current();
  if (!mounts) return std::nullopt;
  for (const MountEntry& mount : *mounts) {
    if (mount.source == source) return true;
  }
  return false;
}

bool FsFixture::DeviceNodeAt(const std::string& container_path) const {
  struct stat st {};
  return lstat(HostPath(container_path).c_str(), &st) == 0 &&
         (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode));
}

Status FsFixture::RecountMounts() {
  const std::vector<MountEntry>* mounts = mounts_->Current();
  if (!mounts) return Fail(0, "host filesystem fixture", "cannot read the sandbox's mount table");
  mount_count_ = mounts->size();
  return {};
}

Status FsFixture::Check() const {
  std::string secret = HostPath(fixtures::kSecretFile);
  struct stat st {};
  if (lstat(secret.c_str(), &st) != 0)
    return FailErrno("stat " + secret, "check filesystem fixture");
  if (!S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 07777) != 0600) {
    return Fail(0, "check filesystem fixture", secret + " is no longer root's 0600 file");
  }
  Result<std::string> content = ReadFile(secret);
  if (!content || *content != secret_)
    return Fail(0, "check filesystem fixture", secret + " changed");
  if (foreign_.unavailable.empty()) {
    std::string foreign = HostPath(fixtures::kForeignFile);
    if (lstat(foreign.c_str(), &st) != 0)
      return FailErrno("stat " + foreign, "check filesystem fixture");
    if (!S_ISREG(st.st_mode) || st.st_uid != fixtures::kForeignId)
      return Fail(0, "check filesystem fixture",
                  foreign + " no longer belongs to uid " + std::to_string(fixtures::kForeignId));
  }
  if (sibling_.unavailable.empty()) {
    std::string held = HostPath(fixtures::kSiblingUserns);
    if (stat(held.c_str(), &st) != 0 || static_cast<uint64_t>(st.st_ino) != sibling_.id.ino ||
        static_cast<uint64_t>(st.st_dev) != sibling_.id.dev)
      return Fail(0, "check filesystem fixture", held + " no longer holds the user namespace");
  }
  std::string leak_dir = HostPath(fixtures::kLeakDir);
  const std::vector<MountEntry>* mounts = mounts_->Current();
  if (!mounts) return Fail(0, "check filesystem fixture", "cannot read the sandbox's mount table");
  if (mounts->size() != mount_count_) {
    return Fail(0, "check filesystem fixture",
                "the sandbox's mount table changed from " + std::to_string(mount_count_) + " to " +
                    std::to_string(mounts->size()) + " mounts");
  }
  std::string prop_dir = HostPath(fixtures::kPropInDir);
  for (const MountEntry& mount : *mounts) {
    if (mount.point == leak_dir || mount.point == prop_dir)
      return Fail(0, "check filesystem fixture", "something is mounted on " + mount.point);
  }
  return {};
}

Status FsFixture::MountForPropagation(const std::string& source) {
  std::string dir = HostPath(fixtures::kPropInDir);
  if (mount(source.c_str(), dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=16k") !=
      0)
    return FailErrno("mount tmpfs on " + dir);
  return {};
}

void FsFixture::UnmountForPropagation() {
  (void)umount2(HostPath(fixtures::kPropInDir).c_str(), MNT_DETACH);
}

Status FsFixture::Restore() {
  std::string leak_dir = HostPath(fixtures::kLeakDir);
  // Stacked mounts come off one at a time.
  for (const std::string& dir : {leak_dir, HostPath(fixtures::kPropInDir)}) {
    for (int i = 0; i < 64 && umount2(dir.c_str(), MNT_DETACH) == 0; ++i) {
    }
  }
  return RemoveCreatedNodes();
}

Status FsFixture::RemoveCreatedNodes() {
  std::string mknod_dir = HostPath(fixtures::kMknodDir);
  UniqueFd dir(open(mknod_dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!dir.Valid()) return FailErrno("open " + mknod_dir, "restore filesystem fixture");
  // Names only, never following links: a container may have written here.
  if (Status s = EmptyDirectory(dir.Get(), mknod_dir); !s)
    return Fail(s.error().err, s.error().op, "restore filesystem fixture");
  return {};
}

}  // namespace nsm
