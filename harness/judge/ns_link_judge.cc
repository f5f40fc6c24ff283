// ns.<type>: isolated when the container's namespace (nsfs device and inode)
// differs from the host sandbox's. The host reads the container's link itself
// (/proc/PID/ns/<type>, before the container ran any code) and checks the
// probe's report against it; only where the host could not see it (a time
// namespace made by the unshare fallback) does the probe's word stand alone.
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
  std::optional<NsId> seen = host.ContainerNsLink(*ns);
  if (seen && !(*seen == reported)) {
    return {record.id, Outcome::error,
            "the probe reports " + type + ":[" + std::to_string(reported.ino) +
                "] but the host saw " + type + ":[" + std::to_string(seen->ino) + "]"};
  }
  NsId container = seen.value_or(reported);
  NsId theirs = host.NsLink(*ns);
  std::string detail = "container " + type + ":[" + std::to_string(container.ino) + "] vs host " +
                       type + ":[" + std::to_string(theirs.ino) + "]" +
                       (seen ? "" : " (as the probe reports it)");
  if (container == theirs) return {record.id, Outcome::leaked, detail + ": same namespace"};
  return {record.id, Outcome::isolated, detail};
}

}  // namespace nsm
