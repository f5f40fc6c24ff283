// uts.hostname: sethostname(2) inside, as `hostname newname` does in the story.
// uts.domainname: setdomainname(2). The harness judges both by the host
// sandbox's names afterwards.
#include <unistd.h>

#include <cerrno>

#include "probes/probe.h"

namespace nsm::probes {
namespace {

protocol::Record SetHostname(const ProbeContext& ctx, std::string_view id) {
  std::string name = ctx.Get("hostname");
  if (name.empty()) return ErrorRecord(id, "no hostname given", EINVAL);
  int rc = sethostname(name.data(), name.size());
  int err = rc == 0 ? 0 : errno;  // before anything that allocates
  protocol::Record record{"probe", std::string(id), {}};
  record.Add("rc", rc).Add("errno", err);
  char now[256] = {};
  if (gethostname(now, sizeof(now) - 1) == 0) record.Add("seen", std::string(now));
  return record;
}

protocol::Record SetDomainname(const ProbeContext& ctx, std::string_view id) {
  std::string name = ctx.Get("domainname");
  if (name.empty()) return ErrorRecord(id, "no domainname given", EINVAL);
  int rc = setdomainname(name.data(), name.size());
  int err = errno;  // before anything that allocates
  protocol::Record record = NewRecord(id);
  return AddResult(record, rc, err);
}

}  // namespace

std::vector<ProbeEntry> UtsProbes() {
  return {{"uts.hostname", SetHostname}, {"uts.domainname", SetDomainname}};
}

}  // namespace nsm::probes
