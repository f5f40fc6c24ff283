// Small I/O helpers over raw descriptors.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "harness/common/result.h"
#include "harness/common/unique_fd.h"

namespace nsm {

Status WriteAll(int fd, std::string_view data);
// WriteAll for a socket, without SIGPIPE when the other end is gone (EPIPE
// instead), whatever this process does with the signal.
Status SendAll(int socket_fd, std::string_view data);

// Splits a byte stream into lines.
class LineBuffer {
 public:
  void Append(std::string_view data) { buffer_.append(data); }
  std::optional<std::string> PopLine();
  bool Empty() const { return buffer_.empty(); }
  size_t Size() const { return buffer_.size(); }  // bytes held, the unfinished line's among them

 private:
  std::string buffer_;
};

// Blocking: the next line from fd; nullopt at EOF.
Result<std::optional<std::string>> ReadLine(int fd, LineBuffer& buffer);

// Reads until EOF or the deadline. `timed_out` tells which; at most `limit` bytes are kept.
// At the deadline, output already written is still read; nothing more is waited for.
struct ReadToEndResult {
  std::string data;
  bool timed_out = false;
  bool truncated = false;
};
Result<ReadToEndResult> ReadToEnd(int fd, std::chrono::steady_clock::time_point deadline,
                                  size_t limit);

Result<std::string> ReadFile(const std::string& path);
// For a file the user named: more than `max_bytes` is an error (EFBIG), so a
// device or pipe that never ends (/dev/zero given by mistake) cannot fill memory.
Result<std::string> ReadFile(const std::string& path, size_t max_bytes);
// What a user-named input may hold: ten times the largest report (3.6 MB for
// 256 combinations of 40 probes) and a kernel image many times over.
inline constexpr size_t kMaxInputFileBytes = 256u << 20;

// Descriptors at 10 or above, close-on-exec, so that a child's dup2() onto the
// low numbers it hands to exec (3, 4) can never clobber one of them.
Status HighPipe(UniqueFd* read_end, UniqueFd* write_end);
Result<UniqueFd> HighDup(int fd);

// Removes every entry of the directory open as `dir` (files, links, and
// directories that are empty) by name, never following a link: safe on a
// tree a container could write. The first failure, naming `path`/entry.
Status EmptyDirectory(int dir, const std::string& path);

// The first executable regular file `program` in the directories of $PATH
// (absolute ones only: never the current directory), or ENOENT naming the
// Debian package that has it.
Result<std::string> FindOnPath(std::string_view program, std::string_view package);

}  // namespace nsm
