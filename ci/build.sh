#!/usr/bin/env bash
# ci/build.sh [BUILD_DIR] [extra cmake arguments...]: configure and build.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNSM_WERROR=ON "$@" >/dev/null
cmake --build "$dir" -j"$(nproc)"
