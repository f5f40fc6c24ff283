// For tests (root): a fresh host sandbox in a child cloned into the
// namespaces a sandbox worker gets, so nothing touches the machine. The
// child reports what it found over a pipe.
#pragma once

#include <functional>
#include <string>

#include "harness/sandbox/host_sandbox.h"

namespace nsm {

using Findings = std::string;  // one line per failed expectation; empty: all held

// Runs `body` against a fresh sandbox in a child of its own and returns what
// it found wrong (or why the sandbox could not be built).
Findings InSandbox(const std::function<Findings(HostSandbox&)>& body);

}  // namespace nsm
