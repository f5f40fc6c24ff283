#include "bench/ns_op_helper.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness/common/namespaces.h"
#include "harness/launcher/clone3.h"

namespace nsm {
namespace {

enum Stage : int32_t { kCall = 1, kRestore = 2, kFork = 3 };

struct Reply {
  uint64_t nanoseconds = 0;
  int32_t err = 0;
  int32_t stage = 0;
};

// Everything the helper uses, prepared before clone3: it may not allocate.
struct HelperContext {
  NsOpSpec spec;
  int requests = -1;  // read end
  int replies = -1;   // write end
  int parent_ends[2] = {-1, -1};
};

// The vfork-style child's stack; in the helper's own copy of memory.
alignas(64) char g_child_stack[64 * 1024];

uint64_t Now() {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<uint64_t>(t.tv_sec) * 1000000000u + static_cast<uint64_t>(t.tv_nsec);
}

int Call(const NsOpSpec& spec) {
  int flag = static_cast<int>(spec.flag);
  return spec.call == NsCall::kUnshare ? unshare(flag) : setns(spec.target_fd, flag);
}

// The fresh child shares the helper's memory (CLONE_VM) and the helper waits
// (CLONE_VFORK), so the result is written straight into `Timed`.
struct Timed {
  const NsOpSpec* spec;
  uint64_t nanoseconds;
  int err;
};

int TimedCallInChild(void* arg) {
  Timed* timed = static_cast<Timed*>(arg);
  uint64_t start = Now();
  int rc = Call(*timed->spec);
  timed->nanoseconds = Now() - start;
  timed->err = rc == 0 ? 0 : errno;
  return 0;
}

// One call; adds its time to reply->nanoseconds or records what failed.
void OneCall(const NsOpSpec& spec, Reply* reply) {
  if (spec.fresh_process) {
    Timed timed{&spec, 0, 0};
    int pid = clone(TimedCallInChild, g_child_stack + sizeof(g_child_stack),
                    CLONE_VM | CLONE_VFORK | SIGCHLD, &timed);
    if (pid < 0) {
      *reply = {reply->nanoseconds, errno, kFork};
      return;
    }
    int status = 0;
    while (syscall(SYS_wait4, pid, &status, 0, nullptr) < 0 && errno == EINTR) {
    }
    // A child killed before it recorded its result measured nothing.
    if (!WIFEXITED(status)) {
      *reply = {reply->nanoseconds, ECHILD, kFork};
      return;
    }
    if (timed.err != 0) {
      *reply = {reply->nanoseconds, timed.err, kCall};
      return;
    }
    reply->nanoseconds += timed.nanoseconds;
    return;
  }
  uint64_t start = Now();
  int rc = Call(spec);
  uint64_t end = Now();
  if (rc != 0) {
    *reply = {reply->nanoseconds, errno, kCall};
    return;
  }
  reply->nanoseconds += end - start;
  if (spec.restore_fd >= 0 && setns(spec.restore_fd, static_cast<int>(spec.flag)) != 0)
    *reply = {reply->nanoseconds, errno, kRestore};
}

// Raw clone3 child: plain system calls only, until the owner closes the request
// pipe (or dies).
[[noreturn]] void HelperMain(const HelperContext& ctx) {
  close(ctx.parent_ends[0]);
  close(ctx.parent_ends[1]);
  while (true) {
    uint32_t count = 0;
    ssize_t n;
    do {
      n = read(ctx.requests, &count, sizeof(count));
    } while (n < 0 && errno == EINTR);
    if (n != sizeof(count)) _exit(0);
    Reply reply;
    for (uint32_t i = 0; i < count && reply.err == 0; ++i) OneCall(ctx.spec, &reply);
    if (write(ctx.replies, &reply, sizeof(reply)) != sizeof(reply)) _exit(1);
  }
}

std::string CallName(const NsOpSpec& spec) {
  std::string flag = spec.flag == 0 ? "0" : CloneFlagNames(spec.flag);
  return (spec.call == NsCall::kUnshare ? "unshare(" : "setns(") + flag + ")";
}

std::string StageName(const NsOpSpec& spec, int32_t stage) {
  switch (stage) {
    case kCall:
      return CallName(spec);
    case kRestore:
      return "setns back to the original namespace after " + CallName(spec);
    case kFork:
      return "clone(CLONE_VM|CLONE_VFORK) for " + CallName(spec);
    default:
      return "helper for " + CallName(spec);
  }
}

}  // namespace

Result<NsOpHelper> NsOpHelper::Start(const NsOpSpec& spec) {
  int requests[2], replies[2];
  if (pipe2(requests, O_CLOEXEC) != 0) return FailErrno("pipe2", "unshare/setns helper");
  UniqueFd request_r(requests[0]), request_w(requests[1]);
  if (pipe2(replies, O_CLOEXEC) != 0) return FailErrno("pipe2", "unshare/setns helper");
  UniqueFd reply_r(replies[0]), reply_w(replies[1]);
  HelperContext ctx{spec, request_r.Get(), reply_w.Get(), {request_w.Get(), reply_r.Get()}};
  Result<Cloned> cloned = Clone3(0);
  if (!cloned) return std::unexpected(std::move(cloned.error()).Wrap("unshare/setns helper"));
  if (cloned->pid == 0) HelperMain(ctx);
  return NsOpHelper(spec, ChildProcess(cloned->pid, std::move(cloned->pidfd)), std::move(request_w),
                    std::move(reply_r));
}

Result<double> NsOpHelper::Run(uint32_t count) {
  ssize_t n;
  do {
    n = write(requests_.Get(), &count, sizeof(count));
  } while (n < 0 && errno == EINTR);
  if (n != sizeof(count)) return FailErrno("write request", "unshare/setns helper");
  Reply reply;
  do {
    n = read(replies_.Get(), &reply, sizeof(reply));
  } while (n < 0 && errno == EINTR);
  if (n < 0) return FailErrno("read reply", "unshare/setns helper");
  if (n != sizeof(reply)) {
    return Fail(EPIPE, "read reply", "unshare/setns helper", "the helper process died");
  }
  if (reply.err != 0 && reply.stage == kCall && spec_.call == NsCall::kUnshare &&
      (spec_.flag & NsSet::All().CloneFlags()))
    return FailNamespace(reply.err, StageName(spec_, reply.stage), {}, NamespaceHint(reply.err));
  if (reply.err != 0)
    return Fail(reply.err, StageName(spec_, reply.stage), {}, NamespaceHint(reply.err));
  return static_cast<double>(reply.nanoseconds) * 1e-9;
}

}  // namespace nsm
