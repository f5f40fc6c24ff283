#!/usr/bin/env bash
# Installs what nsmatrix needs to build and test, from Debian's archive. Idempotent:
# installs only what is missing, and runs apt-get update only when it must.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libgtest-dev libgmock-dev libbenchmark-dev
  libcap-dev libboost-filesystem-dev zlib1g-dev
  nlohmann-json3-dev libcli11-dev
  python3 python3-jsonschema
  libtomlplusplus-dev busybox-static chromium
  qemu-system-x86 debootstrap
  bubblewrap runc crun systemd-container groff-base uidmap
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "ci/setup.sh: all dependencies present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ci/setup.sh: missing packages: ${missing[*]}; run as root (sudo) to install them" >&2
  exit 2
fi
echo "ci/setup.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
