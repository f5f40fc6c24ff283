// uts.hostname: judged by the host sandbox's hostname after the container ran.
#include "harness/common/result.h"
#include "harness/judge/judge.h"

namespace nsm {

Observation JudgeUtsHostname(const protocol::Record& record, HostView& host) {
  std::optional<long long> rc = record.GetInt("rc");
  std::optional<long long> err = record.GetInt("errno");
  if (!rc || !err) return {record.id, Outcome::error, "record lacks rc/errno"};
  std::string attempt = *rc == 0 ? "sethostname succeeded"
                                 : "sethostname failed with " + ErrnoName(static_cast<int>(*err));
  std::string expected = host.ExpectedHostname();
  std::string now = host.CurrentHostname();
  if (now != expected) {
    return {record.id, Outcome::leaked,
            attempt + "; host renamed from '" + expected + "' to '" + now + "'"};
  }
  // Only a refusal for want of privilege explains a failed attempt.
  if (*rc != 0 && *err != EPERM)
    return {record.id, Outcome::error, attempt + ": the attempt did not happen"};
  if (*rc == 0) {
    if (auto unseen = SucceededUnseenInTheHostsNamespace(record, host, Ns::uts, attempt))
      return *unseen;
  }
  return {record.id, Outcome::isolated, attempt + "; host kept its name '" + now + "'"};
}

}  // namespace nsm
