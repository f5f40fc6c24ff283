#include "harness/rules/verdict.h"

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
  for (Outcome o : {Outcome::isolated, Outcome::leaked, Outcome::unsupported, Outcome::refused,
                    Outcome::error}) {
    if (Name(o) == name) return o;
  }
  return std::nullopt;
}

Verdict Decide(Outcome observed, Outcome expected) {
  if (observed == Outcome::unsupported || observed == Outcome::refused) return Verdict::skip;
  return observed == expected ? Verdict::pass : Verdict::fail;
}

}  // namespace nsm
