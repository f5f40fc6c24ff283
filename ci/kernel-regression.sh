#!/usr/bin/env bash
# ci/kernel-regression.sh [OUT_DIR]: the real kernel-config regression case.
# Builds two small kernels from Debian's linux-source-6.1 that differ only in
# CONFIG_TIME_NS (ci/build-test-kernel.sh), runs the whole matrix in each under
# QEMU (nsmatrix vm), and checks that the gate catches the lost namespace type:
# it must fail (exit 1) with config-lost for CONFIG_TIME_NS and namespace-lost
# for time as root and unprivileged, every cell of a combination with time
# must be unsupported with the cause named, and every other cell unchanged.
# Exit 0 when all of that holds, 1 when it does not, 2 when something could not
# run. Set KERNELS=DIR to reuse kernels already built there.
# Measured on a 2-vCPU VM without KVM, 2026-12-05: see ci/test-kernels.md (the
# kernel build is almost all of it: about 25 minutes on shared cores; each
# nsmatrix vm run of the full matrix about 20 s).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build/kernel-regression}
nsmatrix=build/bin/nsmatrix
mkdir -p "$out"
if [ ! -x "$nsmatrix" ]; then
  echo "ci/kernel-regression.sh: $nsmatrix is missing: run bash ci/build.sh first" >&2
  exit 2
fi
kernels=${KERNELS:-$out/kernels}
if [ ! -r "$kernels/vmlinuz-nsm-full" ] || [ ! -r "$kernels/vmlinuz-nsm-notimens" ]; then
  echo "== building the two test kernels (ci/build-test-kernel.sh)"
  start=$SECONDS
  bash ci/build-test-kernel.sh "$kernels"
  echo "   built in $((SECONDS - start)) s"
fi

for k in full notimens; do
  echo "== nsmatrix vm: vmlinuz-nsm-$k"
  code=0
  "$nsmatrix" vm --kernel "$kernels/vmlinuz-nsm-$k" --config "$kernels/config-nsm-$k" \
    --no-modules --no-progress --out "$out/$k" || code=$?
  case $code in
    0) ;;
    1) echo "ci/kernel-regression.sh: FAILED: a verdict failed on nsm-$k (see $out/$k/matrix.md)" >&2
       exit 1 ;;
    *) echo "ci/kernel-regression.sh: nsmatrix vm could not run nsm-$k (exit $code)" >&2
       exit 2 ;;
  esac
done

echo "== the gate: nsm-full -> nsm-notimens must fail on the lost time namespaces"
code=0
"$nsmatrix" gate --baseline "$out/full/matrix.json" "$out/notimens/matrix.json" \
  --html "$out/gate.html" > "$out/gate.txt" || code=$?
grep -v 'support-lost' "$out/gate.txt" || true
echo "   ($(grep -c 'support-lost' "$out/gate.txt" || true) support-lost lines not shown; all in $out/gate.txt)"
fail() {
  echo "ci/kernel-regression.sh: FAILED: $*" >&2
  exit 1
}
[ "$code" -eq 1 ] || fail "the gate exited $code, not 1"
grep -q 'kernel.config.CONFIG_TIME_NS: y -> n (config-lost)' "$out/gate.txt" || fail "no config-lost for CONFIG_TIME_NS"
grep -q 'kernel.time.root: usable -> unavailable (namespace-lost)' "$out/gate.txt" || fail "no namespace-lost for time as root"
grep -q 'kernel.time.unprivileged: usable -> unavailable (namespace-lost)' "$out/gate.txt" || fail "no namespace-lost for time, unprivileged"
/usr/bin/python3 - "$out/full/matrix.json" "$out/notimens/matrix.json" <<'PY' || fail "the cells are not as expected"
import json, sys
full = {(c["combination"], c["probe"]): c for c in json.load(open(sys.argv[1]))["cells"]}
lost = json.load(open(sys.argv[2]))["cells"]
bad = []
for c in lost:
    before = full[(c["combination"], c["probe"])]
    if "time" in c["namespaces"] or c["probe"] == "ns.time":
        if c["outcome"] != "unsupported" or "CONFIG_TIME_NS" not in c["detail"]:
            bad.append(c)
    elif (c["outcome"], c["verdict"]) != (before["outcome"], before["verdict"]):
        bad.append(c)
for c in bad[:10]:
    print("  unexpected:", c["combination"], c["probe"], c["outcome"], c["detail"][:120])
unsupported = sum(c["outcome"] == "unsupported" for c in lost)
print(f"   {len(lost)} cells: {unsupported} unsupported (every combination with time, and ns.time), "
      f"{len(lost) - unsupported} as on nsm-full; {len(bad)} unexpected")
sys.exit(1 if bad or len(lost) != len(full) else 0)
PY
echo "ci/kernel-regression.sh: the gate caught the kernel built without CONFIG_TIME_NS"
