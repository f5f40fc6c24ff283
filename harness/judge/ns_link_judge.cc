// ns.<type>: isolated when the container's namespace (nsfs device and inode)
// differs from the host sandbox's.
#include "harness/judge/judge.h"

namespace nsm {

Observation JudgeNsLink(const protocol::Record& record, HostView& host) {
  std::string type = record.id.substr(record.id.find('.') + 1);
  std::optional<Ns> ns = NsFromName(type);
  std::optional<long long> dev = record.GetInt("dev");
  std::optional<long long> ino = record.GetInt("ino");
  if (!ns || !dev || !ino)
    return {record.id, Outcome::error, "record lacks dev/ino or names no namespace"};
  NsId container{static_cast<uint64_t>(*dev), static_cast<uint64_t>(*ino)};
  NsId theirs = host.NsLink(*ns);
  std::string detail = "container " + type + ":[" + std::to_string(container.ino) + "] vs host " +
                       type + ":[" + std::to_string(theirs.ino) + "]";
  if (container == theirs) return {record.id, Outcome::leaked, detail + ": same namespace"};
  return {record.id, Outcome::isolated, detail};
}

}  // namespace nsm
