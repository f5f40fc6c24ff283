// nsm-sandbox: the host sandbox's worker, exec'd by `nsmatrix run` as PID 1
// of each fresh host sandbox (worker.h). Internal: it takes its part of the
// plan and its requests on descriptor 3 and is of no use on its own.
//
// A program of its own, statically linked (but under sanitizers): every
// container is a fork of this process, and a fork copies, and exec tears
// down, one mapping per segment of every shared library. nsmatrix maps about
// 60; this maps 12.
#include <fcntl.h>

#include <cstdio>

#include "harness/runner/worker.h"

int main(int argc, char** argv) {
  // Started by hand, it would read a terminal or a file on descriptor 3.
  if (argc != 1 || fcntl(nsm::kWorkerChannelFd, F_GETFD) < 0) {
    fprintf(stderr,
            "%s: the host sandbox's worker, started by `nsmatrix run` with its plan on "
            "descriptor %d (internal: run nsmatrix run instead)\n",
            argc > 0 ? argv[0] : "nsm-sandbox", nsm::kWorkerChannelFd);
    return 2;
  }
  return nsm::RunSandboxWorker();
}
