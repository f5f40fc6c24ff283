#include "bench/ns_holder.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <string>

#include "harness/launcher/clone3.h"

namespace nsm {
namespace {

// Raw clone3 child: plain system calls only. Keeps none of the owner's
// descriptors but the keep-alive pipe, so it holds nothing else open.
[[noreturn]] void Hold(int keepalive) {
  if (keepalive > 0) syscall(SYS_close_range, 0, keepalive - 1, 0);
  syscall(SYS_close_range, keepalive + 1, ~0U, 0);
  char byte;
  while (read(keepalive, &byte, 1) < 0 && errno == EINTR) {
  }
  _exit(0);
}

}  // namespace

Result<NsHolder> NsHolder::Start(Ns ns) {
  const NsInfo& info = InfoOf(ns);
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return FailErrno("pipe2", "namespace holder");
  UniqueFd read_end(fds[0]), write_end(fds[1]);
  Result<Cloned> cloned = Clone3(info.clone_flag);
  if (!cloned) return std::unexpected(std::move(cloned.error()).Wrap("namespace holder"));
  if (cloned->pid == 0) Hold(read_end.Get());
  ChildProcess process(cloned->pid, std::move(cloned->pidfd));
  read_end.Reset();
  std::string path = "/proc/" + std::to_string(process.Pid()) + "/ns/" + std::string(info.name);
  UniqueFd ns_fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!ns_fd.Valid()) return FailErrno("open " + path, "namespace holder");
  return NsHolder(std::move(process), std::move(write_end), std::move(ns_fd));
}

}  // namespace nsm
