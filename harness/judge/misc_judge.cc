// uts.domainname, user.caps, user.overflow_id, user.setns_sibling, cgroup.path,
// cgroup.host_mount.
#include "harness/common/fixtures.h"
#include "harness/common/result.h"
#include "harness/judge/judge.h"

namespace nsm {

Observation JudgeUtsDomainname(const protocol::Record& record, HostView& host) {
  std::optional<long long> rc = record.GetInt("rc");
  if (!rc) return {record.id, Outcome::error, "record lacks rc"};
  int err = static_cast<int>(record.GetInt("errno").value_or(0));
  std::string attempt =
      *rc == 0 ? "setdomainname succeeded" : "setdomainname failed with " + ErrnoName(err);
  std::string expected = host.ExpectedDomainname(), now = host.CurrentDomainname();
  if (now != expected)
    return {record.id, Outcome::leaked, attempt + "; host domain renamed to '" + now + "'"};
  if (*rc != 0 && err != EPERM)
    return {record.id, Outcome::error, attempt + ": the attempt did not happen"};
  if (*rc == 0) {
    if (auto unseen = SucceededUnseenInTheHostsNamespace(record, host, Ns::uts, attempt))
      return *unseen;
  }
  return {record.id, Outcome::isolated, attempt + "; host kept its domain name '" + now + "'"};
}

Observation JudgeUserCaps(const protocol::Record& record, HostView& host) {
  std::optional<long long> effective = record.GetInt("effective");
  std::optional<long long> dev = record.GetInt("userns_dev"), ino = record.GetInt("userns_ino");
  if (!effective || !dev || !ino)
    return {record.id, Outcome::error, "record lacks effective/userns"};
  std::string caps(record.Get("caps").value_or("?"));
  NsId reported{static_cast<uint64_t>(*dev), static_cast<uint64_t>(*ino)};
  if (std::optional<NsId> seen = host.ContainerNsLink(Ns::user); seen && !(*seen == reported)) {
    return {record.id, Outcome::error, "the probe's user namespace is not the one the host saw"};
  }
  if (reported.dev != host.NsLink(Ns::user).dev)
    return {record.id, Outcome::error, "the probe's user namespace link is not on nsfs"};
  bool host_userns = reported == host.NsLink(Ns::user);
  std::string where =
      host_userns ? "in the host's user namespace" : "in a user namespace of its own";
  std::string detail =
      std::to_string(*effective) + " effective capabilities (" + caps + ") " + where;
  if (*effective > 0 && host_userns) return {record.id, Outcome::leaked, detail};
  // Every container starts as root with the bounding set: none at all in the
  // host's user namespace means something else took them (a capability
  // profile, a smaller bounding set), and says nothing of what a user
  // namespace does.
  if (host_userns) return {record.id, Outcome::error, detail + ": nothing to compare"};
  return {record.id, Outcome::isolated, detail};
}

Observation JudgeUserOverflowId(const protocol::Record& record, HostView& host) {
  const UnmappedOwner& owner = host.ForeignOwner();
  if (!owner.unavailable.empty())
    return {record.id, Outcome::unsupported, "no file of an unmapped owner: " + owner.unavailable};
  std::optional<long long> uid = record.GetInt("uid");
  if (!uid) return {record.id, Outcome::error, "record lacks uid"};
  std::string seen = std::string(fixtures::kForeignFile) + " (host uid " +
                     std::to_string(owner.host_uid) + ") shows owner " + std::to_string(*uid);
  if (*uid == owner.host_uid) return {record.id, Outcome::leaked, seen + ": the host's own id"};
  if (*uid == owner.overflow_uid)
    return {record.id, Outcome::isolated, seen + ": the overflow id, as for any unmapped id"};
  return {record.id, Outcome::error, seen + ": neither the host's id nor the overflow id"};
}

Observation JudgeUserSetnsSibling(const protocol::Record& record, HostView& host) {
  const HeldUserns& held = host.SiblingUserns();
  if (!held.unavailable.empty()) {
    std::string why = "the host holds no user namespace: " + held.unavailable;
    if (!held.refused) return {record.id, Outcome::error, why};
    return {record.id, Outcome::unsupported, why, NsSet().With(Ns::user)};
  }
  std::optional<long long> opened = record.GetInt("opened");
  if (!opened) return {record.id, Outcome::error, "record lacks opened"};
  int err = static_cast<int>(record.GetInt("errno").value_or(0));
  std::string path = fixtures::kSiblingUserns;
  if (!*opened) return {record.id, Outcome::error, "cannot open " + path + ": " + ErrnoName(err)};
  if (record.GetInt("dev") != static_cast<long long>(held.id.dev) ||
      record.GetInt("ino") != static_cast<long long>(held.id.ino))
    return {record.id, Outcome::error, path + " is not the host's user namespace"};
  std::optional<long long> rc = record.GetInt("rc");
  if (!rc) return {record.id, Outcome::error, "record lacks rc"};
  if (*rc == 0) {
    return {record.id, Outcome::leaked,
            "setns into the host's other user namespace (" + path +
                ") succeeded: it holds CAP_SYS_ADMIN over a namespace not its own"};
  }
  if (err == EPERM)
    return {record.id, Outcome::isolated,
            "setns into the host's other user namespace refused (EPERM): a sibling of its own"};
  return {record.id, Outcome::error, "setns failed with " + ErrnoName(err) + ": cannot tell"};
}

Observation JudgeCgroupHostMount(const protocol::Record& record, HostView& host) {
  std::optional<CellCgroupDir> cell = host.CellCgroup();
  if (!cell) {
    return {record.id, Outcome::unsupported,
            "no cgroup of its own for the container: " + host.CgroupUnavailable().value_or("?")};
  }
  if (record.GetInt("given") != 1 || record.Get("path") != cell->path)
    return {record.id, Outcome::error, "the probe did not look for " + cell->path};
  std::optional<long long> found = record.GetInt("found");
  if (!found) return {record.id, Outcome::error, "record lacks found"};
  // Through a cgroup2 mount made in the host's cgroup namespace (a runtime's
  // own, for a container without a cgroup namespace of its own).
  std::optional<long long> ns_seen = record.GetInt("ns_seen");
  if (!cell->in_ns.empty() && (!ns_seen || record.Get("ns_path") != cell->in_ns))
    return {record.id, Outcome::error,
            "the probe did not look for " + cell->in_ns + " under every cgroup2 mount"};
  for (long long i = 0; i < ns_seen.value_or(0); ++i) {
    std::string n = std::to_string(i);
    if (record.GetInt("ns_dev" + n) == static_cast<long long>(cell->dev) &&
        record.GetInt("ns_ino" + n) == static_cast<long long>(cell->ino)) {
      return {record.id, Outcome::leaked,
              "its own cgroup is at " + std::string(record.Get("ns_path" + n).value_or("?")) +
                  ", the host's cgroup namespace's path for it: a cgroup2 mount there shows "
                  "the host's hierarchy"};
    }
  }
  if (*found && record.GetInt("dev") == static_cast<long long>(cell->dev) &&
      record.GetInt("ino") == static_cast<long long>(cell->ino)) {
    return {record.id, Outcome::leaked,
            "its own cgroup is at the host's path " + cell->path +
                ": the host's cgroup2 mount shows the whole hierarchy"};
  }
  // No leak seen. Candidates the probe found but did not report, or could not
  // look at, might be one.
  if (long long more = record.GetInt("ns_more").value_or(0); more > 0) {
    return {record.id, Outcome::error,
            std::to_string(more) + " cgroup2 mounts beyond the " +
                std::to_string(ns_seen.value_or(0)) + " reported hold " + cell->in_ns +
                ": cannot tell"};
  }
  if (long long unreadable = record.GetInt("ns_unreadable").value_or(0); unreadable > 0) {
    return {record.id, Outcome::error,
            std::to_string(unreadable) + " cgroup2 mounts' " + cell->in_ns +
                " could not be looked at: cannot tell"};
  }
  if (!*found) {
    int err = static_cast<int>(record.GetInt("errno").value_or(0));
    std::string attempt =
        "the host's path of its cgroup, " + cell->path + ", is not there: " + ErrnoName(err);
    // Only "no such path" is absence; a path that could not be looked at is not.
    if (err != ENOENT && err != ENOTDIR)
      return {record.id, Outcome::error, attempt + ": cannot tell"};
    return {record.id, Outcome::isolated, attempt};
  }
  return {record.id, Outcome::error, cell->path + " is there, but not the container's cgroup"};
}

Observation JudgeCgroupPath(const protocol::Record& record, HostView& host) {
  if (std::optional<std::string> why = host.CgroupUnavailable()) {
    return {record.id, Outcome::unsupported, "no cgroup of its own for the container: " + *why};
  }
  std::optional<std::string_view> path = record.Get("path");
  if (!path) return {record.id, Outcome::error, "record lacks path"};
  if (*path == "/")
    return {record.id, Outcome::isolated,
            "/proc/self/cgroup shows 0::/ (its cgroup namespace root)"};
  return {record.id, Outcome::leaked,
          "/proc/self/cgroup reveals the host's path 0::" + std::string(*path)};
}

}  // namespace nsm
