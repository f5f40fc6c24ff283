// mnt.mount_leak and user.mknod: judged by what appeared on the host side.
// mnt.propagation_in: by whether the host's own mount reached the container.
// user.host_root_file: by whether the container read the host's secret.
#include "harness/common/fixtures.h"
#include "harness/common/result.h"
#include "harness/judge/judge.h"

namespace nsm {

Observation JudgeMountLeak(const protocol::Record& record, HostView& host) {
  std::optional<long long> rc = record.GetInt("rc");
  if (!rc) return {record.id, Outcome::error, "record lacks rc"};
  int err = static_cast<int>(record.GetInt("errno").value_or(0));
  const std::string& source = host.Names().leak_source;
  std::string attempt = "mount tmpfs '" + source + "' on " + fixtures::kLeakDir + " " +
                        (*rc == 0 ? std::string("succeeded") : "failed with " + ErrnoName(err));
  std::optional<bool> present = host.MountWithSource(source);
  if (!present)
    return {record.id, Outcome::error, attempt + "; the host's mount table cannot be read"};
  if (*present) return {record.id, Outcome::leaked, attempt + "; it is in the host's mount table"};
  if (*rc != 0 && err != EPERM && err != EACCES)
    return {record.id, Outcome::error, attempt + ": cannot tell"};
  // Absent proves something only of the mount the host looks for.
  if (*rc == 0 && record.Get("source") != source) {
    return {record.id, Outcome::error,
            "the probe mounted '" + std::string(record.Get("source").value_or("")) +
                "', not the host's '" + source + "'"};
  }
  if (*rc == 0) {
    if (auto unseen = SucceededUnseenInTheHostsNamespace(record, host, Ns::mnt, attempt))
      return *unseen;
  }
  return {record.id, Outcome::isolated, attempt + "; the host's mount table does not have it"};
}

Observation JudgePropagationIn(const protocol::Record& record, HostView& host) {
  std::optional<long long> found = record.GetInt("found");
  if (!found) return {record.id, Outcome::error, "record lacks found"};
  if (!host.PropagationMountMade())
    return {record.id, Outcome::error, "the host made no mount to look for"};
  // Absent proves something only from a mount table that was read, searched
  // for the host's mount.
  if (record.Get("source") != host.Names().propagation_source) {
    return {record.id, Outcome::error,
            "the probe looked for '" + std::string(record.Get("source").value_or("")) +
                "', not the host's '" + host.Names().propagation_source + "'"};
  }
  if (!*found && record.GetInt("mounts").value_or(0) < 1)
    return {record.id, Outcome::error, "the container's mount table read empty"};
  std::string what = "the tmpfs '" + host.Names().propagation_source + "' the host mounted on " +
                     fixtures::kPropInDir + " once the container was set up";
  if (*found) return {record.id, Outcome::leaked, what + " is in the container's mount table"};
  return {record.id, Outcome::isolated,
          what + " is not among the container's " +
              std::string(record.Get("mounts").value_or("?")) + " mounts"};
}

Observation JudgeMknod(const protocol::Record& record, HostView& host) {
  std::optional<long long> rc = record.GetInt("rc");
  if (!rc) return {record.id, Outcome::error, "record lacks rc"};
  int err = static_cast<int>(record.GetInt("errno").value_or(0));
  const std::string& path = host.Names().mknod_path;
  std::string attempt = "mknod " + path + " (char 1:3) " +
                        (*rc == 0 ? std::string("succeeded") : "failed with " + ErrnoName(err));
  if (host.DeviceNodeAt(path))
    return {record.id, Outcome::leaked, attempt + "; the device node exists on the host"};
  if (*rc == 0) {
    // Created somewhere the host does not see: a device node all the same.
    return {record.id, Outcome::leaked, attempt + " (in a filesystem the host does not see)"};
  }
  if (err != EPERM) return {record.id, Outcome::error, attempt + ": cannot tell"};
  return {record.id, Outcome::isolated, attempt};
}

Observation JudgeHostRootFile(const protocol::Record& record, HostView& host) {
  std::optional<long long> read = record.GetInt("read");
  if (!read) return {record.id, Outcome::error, "record lacks read"};
  if (*read) {
    if (record.Get("content").value_or("") == host.SecretContent()) {
      return {record.id, Outcome::leaked,
              std::string("read host root's 0600 ") + fixtures::kSecretFile};
    }
    return {record.id, Outcome::error, "read a file, but not the host's secret"};
  }
  int err = static_cast<int>(record.GetInt("errno").value_or(0));
  if (err == EACCES || err == EPERM) {
    return {record.id, Outcome::isolated,
            std::string("open ") + fixtures::kSecretFile + " failed with " + ErrnoName(err)};
  }
  // ENOENT would mean the fixture is not where the container looks: no verdict.
  return {record.id, Outcome::error,
          std::string("open ") + fixtures::kSecretFile + " failed with " + ErrnoName(err)};
}

}  // namespace nsm
