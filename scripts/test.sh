#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite through ctest.
# JOBTRAIL_CRASH_POINTS sets how many kill -9 points the crash tests use (default 100).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
ctest --test-dir build --output-on-failure -j2 --timeout 900
