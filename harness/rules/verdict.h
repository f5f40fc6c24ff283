// A cell's verdict from what its probe observed and what its rule expects.
#pragma once

#include "harness/common/outcome.h"

namespace nsm {

// pass: observed what the rule expects; skip: the combination could not be
// created (unsupported or refused); fail: anything else, including a probe error (an error is never
// a pass).
Verdict Decide(Outcome observed, Outcome expected);

}  // namespace nsm
