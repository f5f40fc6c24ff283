// Errors as values: what failed (operation), errno, context, and a hint a user can act on.
#pragma once

#include <cerrno>
#include <expected>
#include <string>
#include <utility>

namespace nsm {

// What kind of failure it is, where a caller must tell them apart: the
// kernel refusing to make the namespaces asked for (clone3 or unshare with
// CLONE_NEW* flags) is a result about the kernel, not the tool's error.
enum class ErrorKind { kOther, kNamespaceRefused };

struct Error {
  int err = 0;          // errno, or 0 when the failure is not a system call's
  std::string op;       // "clone3(CLONE_NEWNET)", "parse combination"
  std::string context;  // what we were doing, outermost first after Wrap()
  std::string hint;     // what the user can do; empty when nothing specific is known
  ErrorKind kind = ErrorKind::kOther;

  // "context: op: ENOSPC (No space left on device) (hint: ...)"
  std::string Message() const;
  Error&& Wrap(std::string outer) &&;
};

template <typename T>
using Result = std::expected<T, Error>;
using Status = Result<void>;

inline std::unexpected<Error> Fail(int err, std::string op, std::string context = {},
                                   std::string hint = {}) {
  return std::unexpected(
      Error{err, std::move(op), std::move(context), std::move(hint), ErrorKind::kOther});
}

// The kernel would not make the namespaces `op` asked for (ErrorKind::kNamespaceRefused).
inline std::unexpected<Error> FailNamespace(int err, std::string op, std::string context = {},
                                            std::string hint = {}) {
  return std::unexpected(
      Error{err, std::move(op), std::move(context), std::move(hint), ErrorKind::kNamespaceRefused});
}

// Is `err`, from a call that creates namespaces, the kernel refusing them?
// EINVAL (the type is not built in, or the flag combination is rejected),
// EPERM and EACCES (privilege, a sysctl, a security module), ENOSPC (a
// user.max_*_namespaces limit) and EUSERS (nesting too deep) are; EAGAIN and
// ENOMEM (process or memory limits) and CLONE_INTO_CGROUP's EBADF, EBUSY, ENODEV,
// ENOENT and EOPNOTSUPP are not: they say nothing about namespace support. (Its
// EACCES for a cgroup the caller may not enter is told apart by Clone3.)
bool RefusesNamespaces(int err);

// FailNamespace when RefusesNamespaces(err), else Fail: for the errno of a call
// that creates namespaces, so only a refusal makes a combination unsupported.
inline std::unexpected<Error> FailCreatingNamespaces(int err, std::string op,
                                                     std::string context = {},
                                                     std::string hint = {}) {
  if (RefusesNamespaces(err))
    return FailNamespace(err, std::move(op), std::move(context), std::move(hint));
  return Fail(err, std::move(op), std::move(context), std::move(hint));
}

// Fail with the current errno and a hint derived from it for namespace operations.
std::unexpected<Error> FailErrno(std::string op, std::string context = {});

// "ENOSPC"; "errno 4242" for unknown values.
std::string ErrnoName(int err);
// A hint for errno values whose cause is known when creating or entering namespaces.
std::string NamespaceHint(int err);

}  // namespace nsm
