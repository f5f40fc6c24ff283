#include "harness/common/result.h"

#include <string.h>

namespace nsm {

std::string ErrnoName(int err) {
  if (const char* name = strerrorname_np(err)) return name;
  return "errno " + std::to_string(err);
}

std::string NamespaceHint(int err) {
  switch (err) {
    case EPERM:
      return "no privilege: run as root, or check that user namespaces are allowed "
             "(kernel.unprivileged_userns_clone, AppArmor, seccomp)";
    case ENOSPC:
      return "a namespace limit was hit: see /proc/sys/user/max_*_namespaces";
    case EINVAL:
      return "the kernel may lack this namespace type (CONFIG_*_NS) or reject this flag "
             "combination";
    case EUSERS:
      return "too many nested user or PID namespaces";
    case ENOMEM:
      return "out of memory, or the PID namespace's init has exited";
    default:
      return {};
  }
}

bool RefusesNamespaces(int err) {
  return err == EINVAL || err == EPERM || err == EACCES || err == ENOSPC || err == EUSERS;
}

std::string Error::Message() const {
  std::string out;
  if (!context.empty()) out += context + ": ";
  out += op;
  if (err != 0) out += ": " + ErrnoName(err) + " (" + strerrordesc_np(err) + ")";
  if (!hint.empty()) out += " (hint: " + hint + ")";
  return out;
}

Error&& Error::Wrap(std::string outer) && {
  context = context.empty() ? std::move(outer) : outer + ": " + context;
  return std::move(*this);
}

std::unexpected<Error> FailErrno(std::string op, std::string context) {
  int err = errno;
  return Fail(err, std::move(op), std::move(context), NamespaceHint(err));
}

}  // namespace nsm
