#include "harness/runtime/runtime.h"

#include "harness/common/io.h"
#include "harness/common/strings.h"
#include "harness/launcher/id_map.h"
#include "harness/launcher/rootless.h"
#include "harness/runtime/bwrap_adapter.h"
#include "harness/runtime/crun_adapter.h"
#include "harness/runtime/nspawn_adapter.h"
#include "harness/runtime/runc_adapter.h"
#include "harness/runtime/unshare_adapter.h"

namespace nsm {

std::unique_ptr<RuntimeAdapter> MakeRuntimeAdapter(RuntimeKind kind) {
  switch (kind) {
    case RuntimeKind::native:
      return nullptr;
    case RuntimeKind::unshare:
      return std::make_unique<UnshareAdapter>();
    case RuntimeKind::bwrap:
      return std::make_unique<BwrapAdapter>();
    case RuntimeKind::runc:
      return std::make_unique<RuncAdapter>();
    case RuntimeKind::crun:
      return std::make_unique<CrunAdapter>();
    case RuntimeKind::nspawn:
      return std::make_unique<NspawnAdapter>();
  }
  return nullptr;
}

std::optional<std::string> RuntimeAdapter::OwnMessage(std::string_view stderr_text) const {
  std::string own_name = std::string(Program()) + ":";
  if (!stderr_text.starts_with(own_name)) return std::nullopt;
  return std::string(stderr_text);
}

bool RuntimeAdapter::IsRefusal(std::string_view own_message, NsSet /*asked*/) const {
  return SaysNamespaceRefused(own_message, Program());
}

bool SaysNamespaceRefused(std::string_view message, std::string_view program) {
  const std::string own_name = program.empty() ? "" : std::string(program) + ":";
  for (std::string_view line : Split(message, '\n')) {
    // The program's name says nothing ("unshare: ..." is not an unshare call).
    if (!own_name.empty() && line.starts_with(own_name)) line.remove_prefix(own_name.size());
    auto has = [line](std::string_view part) { return line.find(part) != std::string_view::npos; };
    // The error in strerror's words, by name (bubblewrap: "... exceeded
    // (ENOSPC)"), or as bubblewrap words EPERM.
    bool refusal_errno = has("Operation not permitted") || has("Permission denied") ||
                         has("No space left on device") || has("Invalid argument") ||
                         has("Too many users") || has("(EPERM)") || has("(EACCES)") ||
                         has("(ENOSPC)") || has("(EINVAL)") || has("(EUSERS)") ||
                         has("No permissions to creat");
    if (refusal_errno &&
        (has("unshare") || has("clone") || has("namespace") || has("timens_offsets")))
      return true;
  }
  return false;
}

const std::vector<std::pair<std::string_view, std::string_view>>& ProbesNeedingTheLauncher() {
  static const std::vector<std::pair<std::string_view, std::string_view>> kProbes = {
      {"pid.signal_sender",
       "needs a signal made pending in the container before its program starts"},
      {"mnt.propagation_in",
       "needs a host mount made after the container's mounts are set up and before its program "
       "starts"},
  };
  return kProbes;
}

bool GivesRootTheUnprivilegedRange(const std::string& file) {
  Result<std::string> text = ReadFile(file);
  if (!text) return false;
  for (const SubordinateRange& range : SubordinateRanges(*text, "root", 0)) {
    if (range.start <= kSubordinateBase &&
        range.start + range.count >= kSubordinateBase + kSubordinateCount)
      return true;
  }
  return false;
}

Status CheckSubordinateIdTools(const std::string& subuid, const std::string& subgid) {
  for (const char* tool : {"newuidmap", "newgidmap"}) {
    if (Result<std::string> found = FindOnPath(tool, "uidmap"); !found)
      return std::unexpected(found.error());
  }
  for (const std::string& file : {subuid, subgid}) {
    if (!GivesRootTheUnprivilegedRange(file)) {
      return Fail(0, "check " + file, "it gives root no range covering ids 100000-165535",
                  "add the line root:100000:65536 to /etc/subuid and /etc/subgid, or use "
                  "--userns-map root");
    }
  }
  return {};
}

}  // namespace nsm
