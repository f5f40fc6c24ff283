#!/usr/bin/env bash
# ci/build-test-kernel.sh [OUT_DIR]: build two small x86_64 test kernels for
# `nsmatrix vm` from Debian's linux-source-6.1 package.
#
#   OUT_DIR/vmlinuz-nsm-full       every namespace type (mnt uts ipc net pid user cgroup time)
#   OUT_DIR/vmlinuz-nsm-notimens   the same kernel with CONFIG_TIME_NS off
#   OUT_DIR/config-nsm-full, OUT_DIR/config-nsm-notimens   their .config
#
# OUT_DIR defaults to build/test-kernels in the repository. Everything is built
# in (no modules); each kernel shows its own config in /proc/config.gz.
# Start from `make tinyconfig`, enable the list in OPTIONS below, `make
# olddefconfig`, and check that every option asked for survived (olddefconfig
# drops an option whose dependencies are missing, silently): the script fails
# with the list otherwise. The second kernel reuses the first one's build tree
# (TIME_NS off, olddefconfig, bzImage: an incremental rebuild).
#
# Environment:
#   JOBS=N        make -jN (default: 2)
#   NICE=N        nice level of the build (default: 10)
#   KEEP_BUILD=1  keep the unpacked tree in OUT_DIR/linux-build (~1.6 GB) and
#                 reuse it next time; by default the tree lives in a temporary
#                 directory under OUT_DIR that is removed on exit.
#   NO_APT=1      never call apt-get (fail if something is missing).
#
# Needs (installed with apt-get when missing): linux-source-6.1, gcc, make,
# libc6-dev (build-essential), bc, bison, flex, xz-utils, and libelf-dev (for
# objtool, which x86_64 always builds: HAVE_UACCESS_VALIDATION and
# HAVE_STATIC_CALL_INLINE select OBJTOOL). Not needed for this config:
# libssl-dev (no module signing, no system keyring).
#
# Measured 2026-12-05 on a 2-vCPU Debian 12 VM shared with other work, no KVM,
# linux-source-6.1 6.1.192-3 (kernel 6.1.192), gcc 12.2, JOBS=2 NICE=10:
#   unpack the source tarball              24 s
#   make tinyconfig                         30 s
#   first bzImage, from a clean tree       1432 s (~24 min; config without PCI,
#                                          load average 5-6: the 2 cores were
#                                          shared with other builds)
#   first bzImage, final config (+PCI)     1013 s (not from clean: the tree
#                                          held the build above)
#   second bzImage (TIME_NS off, incr.)    59 s and 73 s
#   whole script, clean unpacked tree      25 min 38 s (both kernels)
#   bzImage size                           1,729,536 bytes each (final config)
#   boot under TCG (-smp 2 -m 512) to /init: 3.6 s wall from QEMU start with a
#   2 MB initramfs (guest uptime 1.4 s), 4.9-5.6 s with a 40 MB one holding
#   nsmatrix (guest uptime 3.5-3.7 s). Details: ci/test-kernels.md.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
OUT_DIR=${1:-$REPO/build/test-kernels}
JOBS=${JOBS:-2}
NICE=${NICE:-10}
KEEP_BUILD=${KEEP_BUILD:-0}
SRC_TAR=/usr/src/linux-source-6.1.tar.xz

# Options every kernel needs. NAME means CONFIG_NAME=y; NAME=VALUE a value.
OPTIONS=(
  # boot under QEMU: 64-bit, console on the first 8250 UART, ttyS1 for data
  64BIT PRINTK TTY SERIAL_8250 SERIAL_8250_CONSOLE
  SERIAL_8250_NR_UARTS=4 SERIAL_8250_RUNTIME_UARTS=4
  # `poweroff -f` needs ACPI to make QEMU exit (without it the kernel only
  # halts), and ACPI needs PCI: QEMU's DSDT has PCI config regions, without PCI
  # "ACPI: Unable to load the System Description Tables"
  ACPI PCI
  # gzip initramfs with a busybox /init script and a dynamic glibc program
  BLK_DEV_INITRD RD_GZIP BINFMT_ELF BINFMT_SCRIPT
  # file systems /init and the sandboxes mount
  DEVTMPFS PROC_FS PROC_SYSCTL SYSFS TMPFS SHMEM
  # what glibc and nsmatrix call
  MULTIUSER FUTEX EPOLL SIGNALFD TIMERFD EVENTFD POSIX_TIMERS FILE_LOCKING
  RSEQ ADVISE_SYSCALLS
  # the eight namespace types (mnt is always there)
  NAMESPACES UTS_NS IPC_NS USER_NS PID_NS NET_NS TIME_NS
  # cgroup v2 (cgroup2 mount, CLONE_INTO_CGROUP, cgroup namespaces)
  CGROUPS
  # SysV IPC and POSIX message queues
  SYSVIPC POSIX_MQUEUE
  # network: loopback, AF_INET, AF_UNIX, rtnetlink, veth pairs
  NET INET UNIX NETDEVICES NET_CORE VETH
  # /proc/config.gz
  IKCONFIG IKCONFIG_PROC
)

log() { printf 'build-test-kernel: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[[ $(uname -m) == x86_64 ]] || die "builds x86_64 kernels on an x86_64 host only (this is $(uname -m))"

# --- tools ------------------------------------------------------------------
need_pkgs=()
[[ -f $SRC_TAR ]] || need_pkgs+=(linux-source-6.1)
for tool_pkg in gcc:gcc make:make bc:bc bison:bison flex:flex xz:xz-utils \
                perl:perl-base; do
  command -v "${tool_pkg%%:*}" >/dev/null || need_pkgs+=("${tool_pkg#*:}")
done
[[ -f /usr/include/stdio.h ]] || need_pkgs+=(libc6-dev)
[[ -f /usr/include/gelf.h ]] || need_pkgs+=(libelf-dev)
if ((${#need_pkgs[@]})); then
  [[ ${NO_APT:-0} == 1 ]] && die "missing packages: ${need_pkgs[*]} (NO_APT=1)"
  log "installing ${need_pkgs[*]} with apt-get"
  [[ $(id -u) == 0 ]] || die "apt-get needs root: install ${need_pkgs[*]} first"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi
[[ -f $SRC_TAR ]] || die "$SRC_TAR is missing after installing linux-source-6.1"

# --- work tree --------------------------------------------------------------
mkdir -p "$OUT_DIR"
OUT_DIR=$(cd "$OUT_DIR" && pwd)
if [[ $KEEP_BUILD == 1 ]]; then
  work=$OUT_DIR/linux-build
  mkdir -p "$work"
else
  work=$(mktemp -d "$OUT_DIR/linux-build.XXXXXX")
  trap 'log "removing $work"; rm -rf "$work"' EXIT
fi
src=$work/linux-source-6.1
if [[ ! -f $src/Makefile ]]; then
  log "unpacking $SRC_TAR into $work"
  t0=$SECONDS
  tar -C "$work" -xf "$SRC_TAR"
  log "unpacked in $((SECONDS - t0)) s"
fi
kver=$(make -s -C "$src" kernelversion)
log "kernel source $kver ($(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || echo '?'))"

kmake() { nice -n "$NICE" make -C "$src" ARCH=x86_64 -j"$JOBS" "$@"; }

# Enable OPTIONS, then `olddefconfig`.
apply_options() {
  local args=() opt
  for opt in "${OPTIONS[@]}"; do
    if [[ $opt == *=* ]]; then args+=(--set-val "${opt%%=*}" "${opt#*=}")
    else args+=(--enable "$opt"); fi
  done
  "$src/scripts/config" --file "$src/.config" "${args[@]}"
}

# check_config TIME_NS_STATE(y|n): every option asked for is in .config as asked.
check_config() {
  local want_timens=$1 missing=() opt name val line
  for opt in "${OPTIONS[@]}"; do
    name=${opt%%=*}; val=y
    [[ $opt == *=* ]] && val=${opt#*=}
    [[ $name == TIME_NS ]] && val=$want_timens
    line=$(grep -E "^(# )?CONFIG_${name}[= ]" "$src/.config" || true)
    if [[ $val == n ]]; then
      [[ -z $line || $line == "# CONFIG_${name} is not set" ]] || missing+=("$name (want off, got: $line)")
    elif [[ $line != "CONFIG_${name}=${val}" ]]; then
      missing+=("$name=$val (got: ${line:-absent})")
    fi
  done
  grep -q '^CONFIG_MODULES=y' "$src/.config" && missing+=("MODULES should be off (got =y)")
  if ((${#missing[@]})); then
    log "olddefconfig did not keep these options (a dependency is missing):"
    printf '  %s\n' "${missing[@]}" >&2
    exit 1
  fi
}

build() { # build NAME: bzImage, then copy it and .config to OUT_DIR
  local name=$1 t0=$SECONDS
  log "building $name (make -j$JOBS bzImage, nice $NICE)"
  kmake bzImage >"$work/build-$name.log" 2>&1 \
    || { tail -n 40 "$work/build-$name.log" >&2; die "bzImage for $name failed (log above)"; }
  install -m 0644 "$src/arch/x86/boot/bzImage" "$OUT_DIR/vmlinuz-$name"
  install -m 0644 "$src/.config" "$OUT_DIR/config-$name"
  log "$name built in $((SECONDS - t0)) s: $OUT_DIR/vmlinuz-$name ($(stat -c %s "$OUT_DIR/vmlinuz-$name") bytes)"
}

# --- kernel 1: every namespace type -----------------------------------------
log "configuring nsm-full: tinyconfig + ${#OPTIONS[@]} options"
kmake tinyconfig >/dev/null
apply_options
kmake olddefconfig >/dev/null
check_config y
build nsm-full

# --- kernel 2: the same without CONFIG_TIME_NS (incremental) ----------------
log "configuring nsm-notimens: nsm-full with TIME_NS off"
"$src/scripts/config" --file "$src/.config" --disable TIME_NS
kmake olddefconfig >/dev/null
check_config n
diff <(grep -v '^#' "$OUT_DIR/config-nsm-full" | grep . | sort) \
     <(grep -v '^#' "$src/.config" | grep . | sort) >"$work/config.diff" || true
log "config change full -> notimens: $(grep '^[<>]' "$work/config.diff" | tr '\n' ' ')"
build nsm-notimens

log "done: $OUT_DIR/vmlinuz-nsm-full $OUT_DIR/vmlinuz-nsm-notimens"
[[ $KEEP_BUILD == 1 ]] && log "build tree kept in $work ($(du -sh "$work" | cut -f1))"
exit 0
