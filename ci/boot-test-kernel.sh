#!/usr/bin/env bash
# ci/boot-test-kernel.sh KERNEL [NSMATRIX_BIN_DIR]: boot a kernel from
# ci/build-test-kernel.sh under QEMU (TCG is fine) with a throw-away busybox
# initramfs and check what it offers:
#   - the namespace links in /proc/self/ns, and CONFIG_TIME_NS in /proc/config.gz;
#   - util-linux `unshare -m -u -i -n -p -f -U -C [-T] true` (busybox's lacks -C/-T);
#   - a veth pair, a POSIX mqueue mount, ttyS1 (a line written to it reaches the host);
#   - with NSMATRIX_BIN_DIR (holding nsmatrix and its helpers): `nsmatrix kernel`;
#   - then `poweroff -f`, which must make QEMU exit.
# Set PANIC_TEST=1 to boot once more with an /init that exits: `panic=-1` must
# make the kernel reboot at once, so QEMU (-no-reboot) exits.
# Exits non-zero when the time link does not match CONFIG_TIME_NS, `unshare`
# fails, or the boot does not finish. Needs qemu-system-x86, busybox-static, cpio.
set -euo pipefail

kernel=${1:?usage: ci/boot-test-kernel.sh KERNEL [NSMATRIX_BIN_DIR]}
nsm_dir=${2:-}
TIMEOUT=${TIMEOUT:-300}
log() { printf 'boot-test-kernel: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
for t in qemu-system-x86_64 cpio gzip; do command -v $t >/dev/null || die "$t is missing"; done
[[ -x /bin/busybox ]] && ! ldd /bin/busybox >/dev/null 2>&1 \
  || die "needs a static /bin/busybox (apt-get install busybox-static)"
[[ -f $kernel ]] || die "no kernel at $kernel"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
mkdir -p "$root"/{bin,sbin,usr/bin,proc,sys,dev,tmp,etc,nsm}
cp /bin/busybox "$root/bin/busybox"
for applet in $(/bin/busybox --list); do
  [[ -e $root/bin/$applet ]] || ln -s busybox "$root/bin/$applet"
done

# copy_dyn FILE DEST: a dynamic program and the libraries ldd lists, at their paths.
copy_dyn() {
  install -D -m 0755 "$1" "$root$2"
  local lib
  for lib in $(ldd "$1" | grep -oE '/[^ ]+' | sort -u); do
    [[ -e $root$lib ]] || install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
  done
}
copy_dyn /usr/bin/unshare /usr/bin/unshare
if [[ -n $nsm_dir ]]; then
  [[ -x $nsm_dir/nsmatrix ]] || die "no nsmatrix in $nsm_dir"
  copy_dyn "$nsm_dir/nsmatrix" /nsm/nsmatrix
  for helper in nsprobe nsm-noop nsm-sandbox; do
    [[ -x $nsm_dir/$helper ]] || continue
    if ldd "$nsm_dir/$helper" >/dev/null 2>&1; then copy_dyn "$nsm_dir/$helper" "/nsm/$helper"
    else install -m 0755 "$nsm_dir/$helper" "$root/nsm/$helper"; fi
  done
fi

cat >"$root/init" <<'EOF'
#!/bin/sh
export PATH=/bin:/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t cgroup2 cgroup2 /sys/fs/cgroup
echo "NSM-INIT: /init started at uptime $(cut -d' ' -f1 /proc/uptime) s, kernel $(uname -r)"
if grep -q nsm.test=panic /proc/cmdline; then echo "NSM-INIT: exiting /init to panic"; exit 1; fi
dmesg | grep -E 'Linux version|ttyS[0-9] at|Run /init' | sed 's/^/NSM-DMESG: /'
echo "NSM-TTYS1: hello from ttyS1" >/dev/ttyS1
echo "NSM-CONFIG: $(zcat /proc/config.gz | grep -E '^(# )?CONFIG_TIME_NS[= ]')"
echo "NSM-NS: $(ls /proc/self/ns | tr '\n' ' ')"
ls -l /proc/self/ns
if /usr/bin/unshare -m -u -i -n -p -f -U -C true; then echo "NSM-UNSHARE-7: ok"; else echo "NSM-UNSHARE-7: failed"; fi
if /usr/bin/unshare -m -u -i -n -p -f -U -C -T true; then echo "NSM-UNSHARE-8: ok"; else echo "NSM-UNSHARE-8: failed"; fi
if ip link add nsmva type veth && ip link show nsmva >/dev/null; then
  echo "NSM-VETH: ok: $(ip -o link | grep -oE 'nsmv[ab][^:]*' | tr '\n' ' ')"
else echo "NSM-VETH: failed"; fi
mkdir -p /dev/mqueue
if mount -t mqueue mqueue /dev/mqueue; then echo "NSM-MQUEUE: ok"; else echo "NSM-MQUEUE: failed"; fi
echo "NSM-CGROUP2: $(cat /sys/fs/cgroup/cgroup.controllers 2>&1) [controllers]; $(ls /sys/fs/cgroup | wc -l) files"
if [ -x /nsm/nsmatrix ]; then
  echo "NSM-NSMATRIX: start at uptime $(cut -d' ' -f1 /proc/uptime)"
  /nsm/nsmatrix kernel; echo "NSM-NSMATRIX: rc=$? at uptime $(cut -d' ' -f1 /proc/uptime)"
fi
echo "NSM-INIT-DONE at uptime $(cut -d' ' -f1 /proc/uptime)"
poweroff -f
EOF
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$tmp/initramfs.cpio.gz"
log "initramfs $(stat -c %s "$tmp/initramfs.cpio.gz") bytes"

# boot EXTRA_APPEND: console to stdout with a host time stamp (s since start) per line.
boot() {
  local start=$EPOCHREALTIME rc=0
  timeout "$TIMEOUT" qemu-system-x86_64 -nographic -no-reboot -m 512 -smp 2 \
      -kernel "$kernel" -initrd "$tmp/initramfs.cpio.gz" \
      -serial mon:stdio -serial "file:$tmp/ttyS1.log" -pidfile "$tmp/qemu.pid" \
      -append "console=ttyS0 panic=-1 quiet $1" </dev/null 2>&1 \
    | while IFS= read -r line; do
        printf '[%7.2f] %s\n' "$(bc <<<"$EPOCHREALTIME - $start")" "${line%$'\r'}"
        # a halted kernel leaves QEMU running: stop it (the caller reports it)
        [[ $line == *'System halted'* ]] && kill "$(cat "$tmp/qemu.pid")"
      done
  rc=${PIPESTATUS[0]}
  log "QEMU exited with $rc after $(bc <<<"scale=2; ($EPOCHREALTIME - $start)/1")s"
  return "$rc"
}

log "booting $kernel"
boot "" | tee "$tmp/console.log" || die "QEMU failed or timed out (${TIMEOUT}s)"
log "ttyS1 received: $(cat "$tmp/ttyS1.log" 2>/dev/null | tr -d '\r')"
fail=0
grep -q 'NSM-INIT-DONE' "$tmp/console.log" || { log "FAIL: /init did not finish"; fail=1; }
grep -q 'System halted' "$tmp/console.log" && { log "FAIL: poweroff -f only halted (no ACPI power-off)"; fail=1; }
grep -q 'NSM-VETH: ok' "$tmp/console.log" || { log "FAIL: no veth pair"; fail=1; }
grep -q 'NSM-TTYS1' "$tmp/ttyS1.log" || { log "FAIL: nothing arrived on ttyS1"; fail=1; }
grep -q 'NSM-UNSHARE-7: ok' "$tmp/console.log" || { log "FAIL: unshare of 7 namespace types"; fail=1; }
if grep -q 'NSM-CONFIG: CONFIG_TIME_NS=y' "$tmp/console.log"; then
  grep -qE 'NSM-NS: .*\btime\b' "$tmp/console.log" || { log "FAIL: TIME_NS=y but no time link"; fail=1; }
  grep -q 'NSM-UNSHARE-8: ok' "$tmp/console.log" || { log "FAIL: unshare -T with TIME_NS=y"; fail=1; }
else
  grep -qE 'NSM-NS: .*\btime\b' "$tmp/console.log" && { log "FAIL: TIME_NS off but a time link"; fail=1; }
  grep -q 'NSM-UNSHARE-8: failed' "$tmp/console.log" || { log "FAIL: unshare -T worked without TIME_NS"; fail=1; }
fi

if [[ ${PANIC_TEST:-0} == 1 ]]; then
  log "booting again with an /init that exits (panic=-1 must reboot, so QEMU exits)"
  boot "nsm.test=panic" | tee "$tmp/panic.log" || die "QEMU failed or timed out on the panic test"
  grep -q 'Attempted to kill init' "$tmp/panic.log" || { log "FAIL: no panic seen"; fail=1; }
fi
((fail == 0)) && log "all checks passed for $kernel"
exit "$fail"
