#!/usr/bin/env bash
# ci/package-test.sh [OUT_DIR]: the Debian package, built and tried on a clean
# Debian 12. A Release build (no tests) is installed to a staging prefix and
# run from there, cpack makes the .deb from it, debootstrap makes a minimal
# bookworm root filesystem, apt installs the package in it (its dependencies
# come from the archive, as on a user's machine), and the installed nsmatrix
# runs combinations none and all inside that root (pivot_root, not chroot: a
# chrooted process may not make user namespaces). The root's mounts live in a
# mount and PID namespace of their own, so they end with it on every path, and the
# root itself is removed on exit.
# Exit 0 when both runs pass, 1 when one does not, 2 when something could not
# run. Needs root and the archive (apt-get, debootstrap); ROOTFS_CACHE=FILE
# keeps the debootstrap tree as a tarball between runs. The package is left in
# OUT_DIR (default build-package/).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-build-package}")
mirror=${MIRROR:-http://deb.debian.org/debian}

fail() { echo "ci/package-test.sh: $*" >&2; exit 2; }
[ "$(id -u)" = 0 ] || fail "needs root (debootstrap, chroot)"
command -v debootstrap >/dev/null || fail "debootstrap is missing: apt-get install debootstrap"
command -v dpkg-shlibdeps >/dev/null || fail "dpkg-shlibdeps is missing: apt-get install dpkg-dev"

echo "== Release build and staged install"
cmake -S . -B "$out/build" -DCMAKE_BUILD_TYPE=Release -DNSM_BUILD_TESTS=OFF >/dev/null
cmake --build "$out/build" -j"$(nproc)" >/dev/null
rm -rf "$out/stage"
cmake --install "$out/build" --prefix "$out/stage" >/dev/null
# The staged tree on its own, away from the build tree: helpers and scenarios
# must be found through the installed layout.
"$out/stage/bin/nsmatrix" run --combos none,all --scenario docker-default --no-progress \
  --json "$out/staged.json" >/dev/null || { echo "ci/package-test.sh: FAILED: the staged install did not pass" >&2; exit 1; }
for f in share/man/man1/nsmatrix.1 share/bash-completion/completions/nsmatrix; do
  [ -s "$out/stage/$f" ] || { echo "ci/package-test.sh: FAILED: the install has no $f" >&2; exit 1; }
done
echo "   staged install: pass (with its manual page and bash completion)"

echo "== cpack -G DEB"
rm -f "$out"/build/nsmatrix_*.deb
(cd "$out/build" && cpack -G DEB >/dev/null)
deb=$(ls "$out"/build/nsmatrix_*.deb)
cp "$deb" "$out/"
deb="$out/$(basename "$deb")"
dpkg-deb --info "$deb" | sed -n 's/^ \(Package\|Version\|Depends\|Suggests\):/   \1:/p'

# Under OUT_DIR, not /tmp (which may be noexec). Everything below happens in a
# mount and PID namespace of its own: debootstrap's mounts, ours, and any
# process a package would leave end with it, even on SIGKILL. Only the tree
# is left to remove, with nothing mounted in it by then.
root="$out/deb12-root"
cleanup() { rm -rf --one-file-system "$root"; }
trap cleanup EXIT
cleanup
mkdir -m 0755 "$root"

# Exit 42: nsmatrix ran and a verdict failed; any other failure: could not run.
inner='
set -euo pipefail
root=$1 deb=$2 cache=$3 mirror=$4 log=$5
echo "== Debian 12 root filesystem in $root"
if [ -n "$cache" ] && [ -r "$cache" ]; then
  tar -C "$root" -xpf "$cache"
else
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$log" 2>&1 ||
    { echo "debootstrap failed (see $log)" >&2; exit 2; }
  if [ -n "$cache" ]; then tar -C "$root" -cpf "$cache.partial" . && mv "$cache.partial" "$cache"; fi
fi
# A real root is 0755 (container root mapped to uid 100000 must reach /proc),
# and no package starts a daemon here.
chmod 0755 "$root"
printf "#!/bin/sh\nexit 101\n" >"$root/usr/sbin/policy-rc.d"
chmod 0755 "$root/usr/sbin/policy-rc.d"
# The tree becomes this mount namespace'"'"'s root by pivot_root, not chroot: the
# kernel refuses user namespaces to a chrooted process, and every combination
# with user would be reported unsupported.
mount --bind "$root" "$root"
mount -t proc proc "$root/proc"
mount --rbind /sys "$root/sys"
mount --rbind /dev "$root/dev"
cd "$root"
mkdir -p .oldroot
pivot_root . .oldroot
cd /
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
# Copied from inside the new root: a symbolic link in the tree cannot point
# these writes at the machine.
cp --remove-destination "/.oldroot$deb" /tmp/nsmatrix.deb
cp --remove-destination /.oldroot/etc/resolv.conf /etc/resolv.conf 2>/dev/null || true
umount -l /.oldroot
rmdir /.oldroot
echo "== apt-get install ./$(basename "$deb") and nsmatrix run, in the clean root"
env -i PATH=$PATH DEBIAN_FRONTEND=noninteractive apt-get install -y -q /tmp/nsmatrix.deb >/dev/null
nsmatrix --version
code=0
env -i PATH=$PATH nsmatrix run --combos none,all --no-progress --out /tmp/report >/tmp/run.txt || code=$?
cat /tmp/run.txt
[ "$code" = 0 ] || exit 42
# Both ends, every probe of the catalogue (40 or more), nothing skipped: a skip
# here is the root, not the kernel.
cells=$(sed -n "s/^2 combinations x [0-9]* probes = \([0-9]*\) cells .*/\1/p" /tmp/run.txt)
[ -n "$cells" ] && [ "$cells" -ge 80 ] || { echo "expected 2 x 40 probes or more" >&2; exit 42; }
grep -q " $cells pass, 0 fail, 0 skip " /tmp/run.txt || { echo "expected $cells passing cells" >&2; exit 42; }
echo "== the same as nobody: rootless, in a user namespace of its own"
env -i PATH=$PATH setpriv --reuid=65534 --regid=65534 --clear-groups \
  nsmatrix run --combos none,all --no-progress --json /tmp/rootless.json >/tmp/rootless.txt || code=$?
cat /tmp/rootless.txt
[ "$code" = 0 ] || exit 42
# Skipped: cgroup.path and cgroup.host_mount (no cgroup nobody may write) and
# user.overflow_id (nobody has no subordinate ids here), at both ends.
grep -q " $((cells - 6)) pass, 0 fail, 6 skip " /tmp/rootless.txt || {
  echo "expected $((cells - 6)) passing cells" >&2
  exit 42
}
'
code=0
unshare --mount --pid --fork --kill-child --propagation private \
  bash -c "$inner" inner "$root" "$deb" "${ROOTFS_CACHE:-}" "$mirror" "$out/debootstrap.log" \
  </dev/null || code=$?
case $code in
  0) echo "ci/package-test.sh: the package installs and its nsmatrix passes on a clean Debian 12" ;;
  42) echo "ci/package-test.sh: FAILED: nsmatrix run failed in the clean root" >&2; exit 1 ;;
  *) echo "ci/package-test.sh: could not make the root, install the package or run it (exit $code)" >&2; exit 2 ;;
esac
