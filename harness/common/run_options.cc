#include "harness/common/run_options.h"

#include <cerrno>
#include <string>

namespace nsm {

std::string_view Name(UsernsMap map) {
  return map == UsernsMap::root ? "root" : "unprivileged";
}

Result<UsernsMap> ParseUsernsMap(std::string_view text) {
  if (text == "unprivileged") return UsernsMap::unprivileged;
  if (text == "root") return UsernsMap::root;
  return Fail(EINVAL, "parse --userns-map",
              "'" + std::string(text) + "' is neither 'unprivileged' nor 'root'");
}

std::string_view Name(Propagation propagation) {
  switch (propagation) {
    case Propagation::kPrivate:
      return "private";
    case Propagation::kSlave:
      return "slave";
    case Propagation::kShared:
      return "shared";
    case Propagation::kUnchanged:
      return "unchanged";
  }
  return "private";
}

Result<Propagation> ParsePropagation(std::string_view text) {
  for (Propagation p : kPropagations) {
    if (Name(p) == text) return p;
  }
  return Fail(EINVAL, "parse --propagation",
              "'" + std::string(text) + "' is not one of private, slave, shared, unchanged");
}

std::string_view Name(RuntimeKind kind) {
  switch (kind) {
    case RuntimeKind::native:
      return "native";
    case RuntimeKind::unshare:
      return "unshare";
    case RuntimeKind::bwrap:
      return "bwrap";
    case RuntimeKind::runc:
      return "runc";
    case RuntimeKind::crun:
      return "crun";
    case RuntimeKind::nspawn:
      return "nspawn";
  }
  return "?";
}

Result<RuntimeKind> ParseRuntime(std::string_view text) {
  for (RuntimeKind kind : kRuntimeKinds) {
    if (text == Name(kind)) return kind;
  }
  return Fail(EINVAL, "parse runtime",
              "'" + std::string(text) + "' is not native, unshare, bwrap, runc, crun or nspawn");
}

}  // namespace nsm
