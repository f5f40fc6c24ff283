#!/usr/bin/env bash
# ci/kernels.sh [OUT_DIR] [HOST_MATRIX.json]: the kernel regression check across
# real kernels. Fetches Debian 12's generic and cloud kernels (apt-get download,
# dpkg -x: nothing is installed), runs the whole matrix inside each under QEMU
# (`nsmatrix vm`), gates each against ci/baseline/matrix-debian-6.1.json, and
# writes one comparison of them with this machine's matrix (HOST_MATRIX, or a
# run made here) to OUT_DIR/compare.{md,html,json}. Exit: 0 no regression,
# 1 a gate failed, 2 something could not run.
# Measured on a 2-vCPU VM without KVM (software emulation), 2026-12-05: each
# full matrix (256 combinations x 35 probes) 10-25 s from start to report,
# the kernel's boot about 5-7 s of it; the whole script about 1 minute.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build/kernels-report}
host_matrix=${2:-}
nsmatrix=build/bin/nsmatrix
baseline=ci/baseline/matrix-debian-6.1.json
mkdir -p "$out"

if [ ! -x "$nsmatrix" ]; then
  echo "ci/kernels.sh: $nsmatrix is missing: run bash ci/build.sh first" >&2
  exit 2
fi
if [ -n "$host_matrix" ] && [ ! -r "$host_matrix" ]; then
  echo "ci/kernels.sh: $host_matrix is not readable (run nsmatrix run --json it first, or omit it)" >&2
  exit 2
fi
if [ -z "$host_matrix" ]; then
  host_matrix=$out/host/matrix.json
  "$nsmatrix" run --no-progress --out "$out/host" >/dev/null || {
    code=$?
    [ $code -eq 1 ] || exit $code  # 1: a verdict failed; the comparison shows it
  }
fi

status=0
matrices=("$host_matrix")
for package in linux-image-amd64 linux-image-cloud-amd64; do
  kernel=$(bash ci/fetch-kernel.sh "$package")
  name=${package#linux-image-}
  echo "== $package: $(basename "$kernel") under QEMU"
  "$nsmatrix" vm --kernel "$kernel" --no-progress --out "$out/$name" || {
    code=$?
    [ $code -eq 1 ] || exit $code  # 1: a verdict failed; the gate below says which
  }
  matrices+=("$out/$name/matrix.json")
  "$nsmatrix" gate --baseline "$baseline" "$out/$name/matrix.json" \
    --html "$out/$name/gate.html" || {
    code=$?
    if [ $code -gt $status ]; then status=$code; fi  # 2 (could not run) wins over 1
  }
done
"$nsmatrix" report --compare "${matrices[@]}" --out "$out"
exit $status
