#!/usr/bin/env bash
# The isolation matrix with containers made by real runtimes instead of
# nsmatrix's launcher: each shipped runtime scenario (runtime-unshare,
# runtime-bwrap, runtime-runc, runtime-crun, runtime-nspawn) runs all 256 combinations, is
# gated against its committed baseline (ci/baseline/matrix-RUNTIME.json: a
# combination the runtime made that it now refuses is a regression) and
# validated against reports/nsmatrix.schema.json, then all are put side by side
# with this machine's native matrix.
#
# Usage: ci/runtimes.sh OUT_DIR [NATIVE_MATRIX_JSON]
# Exit: 0 all gates pass, 1 a gate failed or a report does not validate, 2 a run
# could not be made.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: ci/runtimes.sh OUT_DIR [NATIVE_MATRIX_JSON]}
native=${2:-}
nsmatrix=build/bin/nsmatrix
mkdir -p "$out"
status=0
compare=()
[ -n "$native" ] && compare+=("$native")
for runtime in unshare bwrap runc crun nspawn; do
  echo "-- $runtime"
  # Exit 1 (a failed verdict) is the gate's to judge below; 2 is not.
  rc=0
  "$nsmatrix" run --scenario "runtime-$runtime" --out "$out/$runtime" --no-progress || rc=$?
  if [ "$rc" -ge 2 ]; then
    echo "ci/runtimes.sh: nsmatrix run --scenario runtime-$runtime exited $rc" >&2
    exit 2
  fi
  "$nsmatrix" gate --baseline "ci/baseline/matrix-$runtime.json" "$out/$runtime/matrix.json" \
    --html "$out/$runtime/gate.html" || {
    code=$?
    if [ $code -gt $status ]; then status=$code; fi  # 2 (another runtime's matrix) wins over 1
  }
  # What the runtime's run wrote is what the shipped schema says.
  /usr/bin/python3 reports/validate_schema.py reports/nsmatrix.schema.json \
    --documents "$out/$runtime/matrix.json" >/dev/null || {
    echo "ci/runtimes.sh: $out/$runtime/matrix.json does not validate against the schema" >&2
    /usr/bin/python3 reports/validate_schema.py reports/nsmatrix.schema.json \
      --documents "$out/$runtime/matrix.json" >&2 || true
    if [ "$status" -lt 1 ]; then status=1; fi
  }
  compare+=("$out/$runtime/matrix.json")
done
"$nsmatrix" report --compare "${compare[@]}" --out "$out/compare"
exit "$status"
