// uts.hostname: sethostname(2) inside, as `hostname newname` does in the story.
// The harness judges by the host sandbox's hostname afterwards.
#include <unistd.h>

#include <cerrno>

#include "probes/probe.h"

namespace nsm::probes {
namespace {

protocol::Record SetHostname(const ProbeContext& ctx, std::string_view id) {
  if (ctx.hostname.empty()) return ErrorRecord(id, "no hostname given", EINVAL);
  int rc = sethostname(ctx.hostname.data(), ctx.hostname.size());
  protocol::Record record{"probe", std::string(id), {}};
  record.Add("rc", rc).Add("errno", rc == 0 ? 0 : errno);
  char now[256] = {};
  if (gethostname(now, sizeof(now) - 1) == 0) record.Add("seen", std::string(now));
  return record;
}

}  // namespace

std::vector<ProbeEntry> UtsProbes() {
  return {{"uts.hostname", SetHostname}};
}

}  // namespace nsm::probes
