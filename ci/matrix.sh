#!/usr/bin/env bash
# Quick start 1: install what is missing, build, and run the full isolation
# matrix on this machine (all 256 combinations). Reports go to ./nsmatrix-report/
# (or the folder given as the first argument). Exit code is nsmatrix's.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-nsmatrix-report}
bash ci/setup.sh
bash ci/build.sh build
exec build/bin/nsmatrix run --out "$out"
