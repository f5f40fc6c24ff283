#include "harness/common/io.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

#include "harness/common/strings.h"
#include "harness/common/unique_fd.h"

namespace nsm {

Status WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return FailErrno("write");
    data.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

Status SendAll(int socket_fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = send(socket_fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return FailErrno("send");
    data.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

std::optional<std::string> LineBuffer::PopLine() {
  size_t pos = buffer_.find('\n');
  if (pos == std::string::npos) return std::nullopt;
  std::string line = buffer_.substr(0, pos);
  buffer_.erase(0, pos + 1);
  return line;
}

Result<std::optional<std::string>> ReadLine(int fd, LineBuffer& buffer) {
  while (true) {
    if (std::optional<std::string> line = buffer.PopLine()) return line;
    char chunk[4096];
    ssize_t n = read(fd, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return FailErrno("read");
    if (n == 0) return std::optional<std::string>();
    buffer.Append(std::string_view(chunk, static_cast<size_t>(n)));
  }
}

Result<ReadToEndResult> ReadToEnd(int fd, std::chrono::steady_clock::time_point deadline,
                                  size_t limit) {
  ReadToEndResult out;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    bool late = left.count() <= 0;
    pollfd pfd{fd, POLLIN, 0};
    // Past the deadline, what is already there is still read (a hung writer's
    // earlier output is kept), but nothing is waited for.
    int ready = poll(&pfd, 1, late ? 0 : static_cast<int>(left.count()) + 1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return FailErrno("poll");
    if (ready == 0 && late) {
      out.timed_out = true;
      return out;
    }
    if (ready == 0) continue;  // the loop head decides whether the deadline passed
    if (late && out.data.size() >= limit) {
      out.timed_out = true;  // a writer that never stops: the limit ends the drain
      return out;
    }
    char chunk[4096];
    ssize_t n = read(fd, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return FailErrno("read");
    if (n == 0) return out;
    size_t keep = std::min(static_cast<size_t>(n), limit - std::min(limit, out.data.size()));
    out.data.append(chunk, keep);
    if (keep < static_cast<size_t>(n)) out.truncated = true;
  }
}

Result<std::string> ReadFile(const std::string& path) {
  return ReadFile(path, std::string().max_size());
}

Result<std::string> ReadFile(const std::string& path, size_t max_bytes) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.Valid()) return FailErrno("open " + path);
  std::string data;
  char chunk[65536];
  while (true) {
    ssize_t n = read(fd.Get(), chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return FailErrno("read " + path);
    if (n == 0) return data;
    if (static_cast<size_t>(n) > max_bytes - data.size()) {
      return Fail(EFBIG, "read " + path, {},
                  "it holds more than " + std::to_string(max_bytes >> 20) +
                      " MiB, which no input of nsmatrix does (a device or an endless pipe?)");
    }
    data.append(chunk, static_cast<size_t>(n));
  }
}

}  // namespace nsm

namespace nsm {

Result<UniqueFd> HighDup(int fd) {
  UniqueFd copy(fcntl(fd, F_DUPFD_CLOEXEC, 10));
  if (!copy.Valid()) return FailErrno("fcntl(F_DUPFD_CLOEXEC)");
  return copy;
}

Status HighPipe(UniqueFd* read_end, UniqueFd* write_end) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return FailErrno("pipe2");
  UniqueFd r(fds[0]), w(fds[1]);
  Result<UniqueFd> high_r = HighDup(r.Get());
  if (!high_r) return std::unexpected(high_r.error());
  Result<UniqueFd> high_w = HighDup(w.Get());
  if (!high_w) return std::unexpected(high_w.error());
  *read_end = std::move(*high_r);
  *write_end = std::move(*high_w);
  return {};
}

Status EmptyDirectory(int dir, const std::string& path) {
  std::vector<std::string> names;
  UniqueFd listing(dup(dir));
  if (!listing.Valid()) return FailErrno("dup", "list " + path);
  DIR* d = fdopendir(listing.Get());
  if (d == nullptr) return FailErrno("fdopendir", "list " + path);
  listing.Release();  // closedir closes it
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  closedir(d);
  for (const std::string& name : names) {
    if (unlinkat(dir, name.c_str(), 0) != 0 && unlinkat(dir, name.c_str(), AT_REMOVEDIR) != 0)
      return FailErrno("remove " + path + "/" + name);
  }
  return {};
}

Result<std::string> FindOnPath(std::string_view program, std::string_view package) {
  const char* path_env = getenv("PATH");
  std::string search = path_env && *path_env ? path_env : "/usr/local/bin:/usr/bin:/bin";
  for (std::string_view dir : Split(search, ':')) {
    if (dir.empty() || dir[0] != '/') continue;  // never the current directory
    std::string candidate = std::string(dir) + "/" + std::string(program);
    struct stat st;
    if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return Fail(ENOENT, "find " + std::string(program), "not on PATH (" + search + ")",
              "install it: apt-get install " + std::string(package));
}

}  // namespace nsm
