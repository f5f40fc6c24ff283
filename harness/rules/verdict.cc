#include "harness/rules/verdict.h"

namespace nsm {

Verdict Decide(Outcome observed, Outcome expected) {
  if (observed == Outcome::unsupported || observed == Outcome::refused) return Verdict::skip;
  return observed == expected ? Verdict::pass : Verdict::fail;
}

}  // namespace nsm
