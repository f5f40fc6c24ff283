// Bringing up `lo` in the caller's network namespace: what the host sandbox
// does when it starts and what `nsmatrix kernel` does to use a new one.
#pragma once

namespace nsm {

// Plain system calls and no allocation, so a forked child may call it. Returns
// 0, or the errno of the step that failed, whose name goes to *failed_step
// ("socket(AF_INET)", "SIOCGIFFLAGS lo" or "SIOCSIFFLAGS lo").
int BringLoopbackUp(const char** failed_step);

}  // namespace nsm
