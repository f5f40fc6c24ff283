#include "harness/common/outcome.h"

namespace nsm {

std::string_view Name(Outcome outcome) {
  switch (outcome) {
    case Outcome::isolated:
      return "isolated";
    case Outcome::leaked:
      return "leaked";
    case Outcome::unsupported:
      return "unsupported";
    case Outcome::refused:
      return "refused";
    case Outcome::error:
      return "error";
  }
  return "error";
}

std::string_view Name(Verdict verdict) {
  switch (verdict) {
    case Verdict::pass:
      return "pass";
    case Verdict::fail:
      return "fail";
    case Verdict::skip:
      return "skip";
  }
  return "fail";
}

std::optional<Outcome> OutcomeFromName(std::string_view name) {
  for (Outcome o : kOutcomes) {
    if (Name(o) == name) return o;
  }
  return std::nullopt;
}

std::optional<Verdict> VerdictFromName(std::string_view name) {
  for (Verdict v : kVerdicts) {
    if (Name(v) == name) return v;
  }
  return std::nullopt;
}

}  // namespace nsm
