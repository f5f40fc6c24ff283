#!/usr/bin/env bash
# Quick start 2 (and what CI runs): install what is missing, build, run the whole
# test suite; then build again with AddressSanitizer + UndefinedBehaviorSanitizer
# and run the suite there too. Integration tests need root.
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup.sh
# A Debian 12 kernel for nsmatrix vm's tests (apt-get download + dpkg -x into
# build/kernels: nothing is installed).
NSM_TEST_KERNEL=$(bash ci/fetch-kernel.sh linux-image-cloud-amd64)
export NSM_TEST_KERNEL

echo "== build and test (RelWithDebInfo)"
bash ci/build.sh build
(cd build && ctest --output-on-failure -j"$(nproc)" --timeout 600)

echo "== what this kernel allows (config, sysctls, security modules, live checks)"
# Exit 1 if a namespace type is not usable as root here: the matrix would be
# full of unsupported cells, and the gate below would say so cell by cell.
build/bin/nsmatrix kernel --color never

echo "== the gate: this machine's full matrix against the committed baseline"
# A regression (isolation lost, support lost, a probe error, a verdict turned
# fail) fails CI. Kernel and option differences are printed, not hidden.
build/bin/nsmatrix run --out build/nsmatrix-report --no-progress
build/bin/nsmatrix gate --baseline ci/baseline/matrix.json build/nsmatrix-report/matrix.json \
  --html build/nsmatrix-report/gate.html

echo "== container runtimes: unshare(1), bubblewrap, runc, crun and systemd-nspawn make every combination they accept,"
echo "   each gated against ci/baseline/matrix-RUNTIME.json, then compared with the native matrix"
bash ci/runtimes.sh build/runtimes-report build/nsmatrix-report/matrix.json

echo "== other kernels under QEMU: Debian 12's generic and cloud 6.1 kernels, gated against"
echo "   ci/baseline/matrix-debian-6.1.json and compared with this machine's matrix"
bash ci/kernels.sh build/kernels-report build/nsmatrix-report/matrix.json

echo "== the package: a Release build installed and run from a staging prefix, its .deb"
echo "   installed with apt-get into a fresh Debian 12 root (debootstrap), run there"
bash ci/package-test.sh build-package

echo "== build and test (ASan + UBSan)"
bash ci/build.sh build-asan -DNSM_SANITIZE=ON -DNSM_BUILD_BENCH=OFF
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j"$(nproc)" --timeout 600)
