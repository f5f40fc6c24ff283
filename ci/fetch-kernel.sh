#!/usr/bin/env bash
# ci/fetch-kernel.sh PACKAGE [DIR]: downloads one of Debian's kernel packages
# with apt-get download (no install: nothing on this machine changes), unpacks
# it with dpkg -x under DIR (default build/kernels) and prints the path of its
# vmlinuz. PACKAGE is a kernel package or a meta package that names one:
#   linux-image-cloud-amd64   -> linux-image-6.1.0-NN-cloud-amd64-unsigned
#   linux-image-amd64         -> linux-image-6.1.0-NN-amd64-unsigned
# An unsigned image is taken where Debian has one (the same kernel, without the
# Secure Boot signature wrapper). Its config (boot/config-R) and modules
# (lib/modules/R) are unpacked beside it, where `nsmatrix vm` looks for them.
set -euo pipefail
package=${1:?usage: ci/fetch-kernel.sh PACKAGE [DIR]}
dir=${2:-$(cd "$(dirname "$0")/.." && pwd)/build/kernels}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

if ! apt-cache show "$package" >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq; fi
fi
if ! apt-cache show "$package" >/dev/null 2>&1; then
  echo "ci/fetch-kernel.sh: Debian has no package $package here (apt-cache show)" >&2
  exit 2
fi
# A meta package: follow its dependency to the versioned image.
image=$package
target=$(apt-cache depends "$package" 2>/dev/null | sed -n 's/^  Depends: \(linux-image-[0-9].*\)$/\1/p' | head -1)
if [ -n "$target" ]; then image=$target; fi
if apt-cache show "$image-unsigned" >/dev/null 2>&1; then image=$image-unsigned; fi

unpacked=$dir/$image
if [ ! -d "$unpacked/boot" ]; then
  work=$(mktemp -d "$dir/.fetch.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && apt-get download -qq "$image" >/dev/null 2>&1) || {
    echo "ci/fetch-kernel.sh: apt-get download $image failed" >&2
    exit 2
  }
  dpkg -x "$work"/*.deb "$work/root"
  rm -rf "$unpacked"  # a copy cut off by an earlier interrupted run
  mv "$work/root" "$unpacked"
fi
kernel=$(ls "$unpacked"/boot/vmlinuz-* 2>/dev/null | head -1 || true)
if [ -z "$kernel" ]; then
  echo "ci/fetch-kernel.sh: $image has no boot/vmlinuz-*" >&2
  exit 2
fi
echo "$kernel"
