// cgroup.path: what /proc/self/cgroup says about where the container sits in
// the host's cgroup v2 hierarchy.
// cgroup.host_mount: whether a cgroup2 mount shows the container the host's
// hierarchy: its own cgroup directory at the path the host knows it by, through
// the host's mount (made before the container), or through any cgroup2 mount
// at the path the host's cgroup namespace names it by (a mount a runtime made
// in the host's cgroup namespace, for a container without one of its own).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <string_view>

#include "probes/probe.h"

namespace nsm::probes {
namespace {

constexpr int kMaxNsCandidates = 4;

// A mount point as mountinfo writes it: space, tab, newline and backslash as
// \ooo octal escapes.
std::string Unescape(std::string_view text) {
  auto octal = [](char c) { return c >= '0' && c <= '7'; };
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 3 < text.size() && octal(text[i + 1]) && octal(text[i + 2]) &&
        octal(text[i + 3])) {
      out += static_cast<char>((text[i + 1] - '0') * 64 + (text[i + 2] - '0') * 8 +
                               (text[i + 3] - '0'));
      i += 3;
    } else {
      out += text[i];
    }
  }
  return out;
}

protocol::Record CgroupPath(const ProbeContext&, std::string_view id) {
  std::string text;
  if (int err = ReadWholeFile("/proc/self/cgroup", &text))
    return ErrorRecord(id, "read /proc/self/cgroup", err);
  size_t pos = text.find("0::");
  if (pos != 0 && pos != std::string::npos && text[pos - 1] != '\n') pos = std::string::npos;
  if (pos == std::string::npos)
    return ErrorRecord(id, "no cgroup v2 line in /proc/self/cgroup", ENOENT);
  size_t end = text.find('\n', pos);
  return NewRecord(id).Add(
      "path", text.substr(pos + 3, end == std::string::npos ? std::string::npos : end - pos - 3));
}

protocol::Record HostMount(const ProbeContext& ctx, std::string_view id) {
  std::string cell = ctx.Get("cgroup-cell");
  protocol::Record record = NewRecord(id);
  if (cell.empty()) return record.Add("given", 0);  // no cell cgroup: nothing to look for
  record.Add("given", 1).Add("path", cell);
  struct stat st {};
  if (stat(cell.c_str(), &st) != 0) {
    int err = errno;
    record.Add("found", 0).Add("errno", err);
  } else {
    record.Add("found", 1)
        .Add("dev", static_cast<long long>(st.st_dev))
        .Add("ino", static_cast<long long>(st.st_ino));
  }
  // The same cgroup under every cgroup2 mount point, by its path in the host's
  // cgroup namespace; the host judges which, if any, is the container's.
  std::string in_ns = ctx.Get("cgroup-cell-in-ns");
  if (in_ns.empty()) return record;  // the host has no cgroup namespace of its own
  std::string mountinfo;
  if (int err = ReadWholeFile("/proc/self/mountinfo", &mountinfo))
    return ErrorRecord(id, "read /proc/self/mountinfo", err);
  record.Add("ns_path", in_ns);
  int seen = 0;
  int more = 0;        // candidates past kMaxNsCandidates: counted, so the host knows
  int unreadable = 0;  // candidates stat refused for a reason other than absence
  size_t start = 0;
  while (start < mountinfo.size()) {
    size_t end = mountinfo.find('\n', start);
    if (end == std::string::npos) end = mountinfo.size();
    std::string_view line(mountinfo.data() + start, end - start);
    start = end + 1;
    size_t dash = line.find(" - ");
    if (dash == std::string_view::npos || !line.substr(dash + 3).starts_with("cgroup2 ")) continue;
    // Fields: id parent major:minor root mount-point ...
    size_t at = 0;
    for (int field = 0; field < 4 && at != std::string_view::npos; ++field)
      at = line.find(' ', at + 1);
    if (at == std::string_view::npos) continue;
    size_t point_end = line.find(' ', at + 1);
    std::string candidate = Unescape(line.substr(at + 1, point_end - at - 1)) + in_ns;
    if (stat(candidate.c_str(), &st) != 0) {
      if (errno != ENOENT && errno != ENOTDIR) ++unreadable;
      continue;
    }
    if (seen == kMaxNsCandidates) {
      ++more;
      continue;
    }
    std::string n = std::to_string(seen++);
    record.Add("ns_path" + n, candidate)
        .Add("ns_dev" + n, static_cast<long long>(st.st_dev))
        .Add("ns_ino" + n, static_cast<long long>(st.st_ino));
  }
  record.Add("ns_seen", seen);
  if (more) record.Add("ns_more", more);
  if (unreadable) record.Add("ns_unreadable", unreadable);
  return record;
}

}  // namespace

std::vector<ProbeEntry> CgroupProbes() {
  return {{"cgroup.path", CgroupPath}, {"cgroup.host_mount", HostMount}};
}

}  // namespace nsm::probes
