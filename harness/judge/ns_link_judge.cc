// ns.<type>: isolated when the container's namespace (nsfs inode) differs
// from the host sandbox's. The host reads the container's link itself
// (/proc/PID/ns/<type>, before the container ran any code) and checks the
// probe's report against it; where the host could not see it (a container
// made by another runtime) the probe's word stands, and only as a namespace
// link: on the nsfs device, whose link text names the same type and inode.
#include "harness/judge/judge.h"

namespace nsm {

Observation JudgeNsLink(const protocol::Record& record, HostView& host) {
  std::string type = record.id.substr(record.id.find('.') + 1);
  std::optional<Ns> ns = NsFromName(type);
  std::optional<long long> dev = record.GetInt("dev");
  std::optional<long long> ino = record.GetInt("ino");
  if (!ns || !dev || !ino)
    return {record.id, Outcome::error, "record lacks dev/ino or names no namespace"};
  NsId reported{static_cast<uint64_t>(*dev), static_cast<uint64_t>(*ino)};
  NsId theirs = host.NsLink(*ns);
  // Every namespace is an inode of the one nsfs: another device is not a
  // namespace link at all (a /proc that is not procfs, say).
  if (reported.dev != theirs.dev) {
    return {record.id, Outcome::error,
            "the probe's /proc/self/ns/" + type + " is on device " + std::to_string(reported.dev) +
                ", not nsfs's " + std::to_string(theirs.dev) + ": not a namespace link"};
  }
  std::string link = type + ":[" + std::to_string(reported.ino) + "]";
  if (record.Get("link") != link) {
    return {record.id, Outcome::error,
            "the probe's link reads '" + std::string(record.Get("link").value_or("")) + "', not " +
                link};
  }
  std::optional<NsId> seen = host.ContainerNsLink(*ns);
  if (seen && !(*seen == reported)) {
    return {record.id, Outcome::error,
            "the probe reports " + type + ":[" + std::to_string(reported.ino) +
                "] but the host saw " + type + ":[" + std::to_string(seen->ino) + "]"};
  }
  NsId container = seen.value_or(reported);
  std::string detail = "container " + type + ":[" + std::to_string(container.ino) + "] vs host " +
                       type + ":[" + std::to_string(theirs.ino) + "]" +
                       (seen ? "" : " (as the probe reports it)");
  if (container == theirs) return {record.id, Outcome::leaked, detail + ": same namespace"};
  return {record.id, Outcome::isolated, detail};
}

}  // namespace nsm
