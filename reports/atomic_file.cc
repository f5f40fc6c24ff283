#include "reports/atomic_file.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace nsm {
namespace {

// Closes the descriptor and removes the temporary file unless Release()d.
class TempFile {
 public:
  TempFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (fd_ >= 0) close(fd_);
    if (!path_.empty()) unlink(path_.c_str());
  }

  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  // close(2) once, reporting its error (for NFS and friends it is where write errors show).
  int Close() {
    int rc = close(fd_);
    fd_ = -1;
    return rc;
  }
  void Release() { path_.clear(); }

 private:
  int fd_;
  std::string path_;
};

Status WriteAll(int fd, std::string_view content) {
  while (!content.empty()) {
    ssize_t n = write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Fail(errno, "write");
    }
    content.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

// Best effort: makes the rename itself durable. The new file is in place either way.
void SyncDirectory(const std::string& dir) {
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  fsync(fd);
  close(fd);
}

// A device, pipe or socket (`--json /dev/stdout`, `--markdown /dev/null`) is
// a stream, not a file to replace: renaming over it would put a regular file
// where the machine's device node was. Appended to, so that two reports sent
// to one stream follow each other.
Status WriteToStream(const std::string& path, std::string_view content,
                     const std::string& context) {
  int fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return Fail(errno, "open", context);
  Status written = WriteAll(fd, content);
  if (close(fd) != 0 && written) return Fail(errno, "close", context);
  if (!written) return std::unexpected(std::move(written.error()).Wrap(context));
  return {};
}

// Does `path`, or a symbolic link on the way to what it names, go through a
// process's descriptors (/dev/stdout -> /proc/self/fd/1)? Such a path names
// a descriptor the caller holds, whatever file is behind it.
bool ThroughDescriptor(std::string path) {
  for (int hop = 0; hop < 40; ++hop) {
    if (path.starts_with("/proc/") || path.starts_with("/dev/fd/")) return true;
    struct stat link;
    if (lstat(path.c_str(), &link) != 0 || !S_ISLNK(link.st_mode)) return false;
    char target[4096];
    ssize_t n = readlink(path.c_str(), target, sizeof(target) - 1);
    if (n <= 0) return false;
    std::string next(target, static_cast<size_t>(n));
    if (next[0] != '/') next = path.substr(0, path.rfind('/') + 1) + next;
    path = std::move(next);
  }
  return false;
}

// Where WriteFileAtomically puts what it writes to a path.
struct Placement {
  bool in_place = false;  // a stream, written to where it is
  std::string file;       // what is written to or replaced (a link's file, not the link)
  std::string dir;        // where the temporary file goes
  std::string temp_path;  // its mkstemp template, then its name
};

Result<Placement> Place(const std::string& path, const std::string& context) {
  struct stat target;
  if (stat(path.c_str(), &target) == 0) {
    if (S_ISDIR(target.st_mode))
      return Fail(EISDIR, "write file atomically", context, "give a file name, not a directory");
    if (!S_ISREG(target.st_mode) || ThroughDescriptor(path))
      return Placement{.in_place = true, .file = path, .dir = {}, .temp_path = {}};
    // A symbolic link to a regular file: the file is replaced, the link kept.
    if (struct stat link; lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
      char* resolved = realpath(path.c_str(), nullptr);
      if (resolved == nullptr) return Fail(errno, "realpath", context);
      std::string file(resolved);
      free(resolved);
      return Place(file, context);
    }
  }
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (name.empty() || name == "." || name == "..") {
    return Fail(EISDIR, "write file atomically", context, "give a file name, not a directory");
  }
  std::string temp_path = (dir == "/" ? "" : dir) + "/." + name + ".XXXXXX";
  return Placement{.in_place = false, .file = path, .dir = dir, .temp_path = temp_path};
}

// Makes the temporary file (placement.temp_path becomes its name): its descriptor.
Result<int> MakeTemp(Placement& placement, const std::string& context) {
  std::string pattern = placement.temp_path;
  int fd = mkostemp(placement.temp_path.data(), O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    return Fail(err, "mkstemp(" + pattern + ")", context,
                err == ENOENT && access(placement.dir.c_str(), F_OK) != 0
                    ? "the directory " + placement.dir + " does not exist"
                    : "");
  }
  return fd;
}

}  // namespace

Status CheckWritableAtomically(const std::string& path) {
  const std::string context = "writing " + path;
  Result<Placement> place = Place(path, context);
  if (!place) return std::unexpected(std::move(place.error()));
  if (place->in_place) {
    // access(), not open(): opening a FIFO to write waits for a reader.
    if (access(place->file.c_str(), W_OK) != 0) return Fail(errno, "access(W_OK)", context);
    return {};
  }
  Result<int> fd = MakeTemp(*place, context);
  if (!fd) return std::unexpected(std::move(fd.error()));
  TempFile made(*fd, place->temp_path);  // removed at once
  return {};
}

Status WriteFileAtomically(const std::string& path, std::string_view content) {
  const std::string context = "writing " + path;
  Result<Placement> place = Place(path, context);
  if (!place) return std::unexpected(std::move(place.error()));
  if (place->in_place) return WriteToStream(place->file, content, context);
  Result<int> fd = MakeTemp(*place, context);
  if (!fd) return std::unexpected(std::move(fd.error()));
  const std::string& dir = place->dir;
  const std::string& target = place->file;
  TempFile temp(*fd, place->temp_path);

  if (Status written = WriteAll(temp.fd(), content); !written) {
    return std::unexpected(std::move(written.error()).Wrap(context));
  }
  if (fchmod(temp.fd(), 0644) != 0) return Fail(errno, "fchmod(0644)", context);
  if (fsync(temp.fd()) != 0) return Fail(errno, "fsync", context);
  if (temp.Close() != 0) return Fail(errno, "close", context);
  if (rename(temp.path().c_str(), target.c_str()) != 0) {
    return Fail(errno, "rename(" + temp.path() + ")", context);
  }
  temp.Release();
  SyncDirectory(dir);
  return {};
}

}  // namespace nsm
