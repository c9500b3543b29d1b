#!/usr/bin/env bash
# Installs jobtrail's build and test dependencies from Debian 12 packages (as root).
# Does nothing when they are all installed already.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkgconf
  librocksdb-dev libflatbuffers-dev flatbuffers-compiler libboost-dev libzstd-dev zlib1g-dev
  libspdlog-dev libfmt-dev catch2 libcli11-dev nlohmann-json3-dev libxxhash-dev
  libsqlite3-dev libhowardhinnant-date-dev
  clang libclang-rt-14-dev
  python3
  libjs-chart.js
  chromium chromium-driver python3-selenium
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]} (run as root, or install them)" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
