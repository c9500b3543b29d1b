#!/usr/bin/env bash
# Configures and builds jobtrail into ./build (RelWithDebInfo, Ninja). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
# Two cores: -j2 keeps memory and time predictable.
ninja -C build -j2
