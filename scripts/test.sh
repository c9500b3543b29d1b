#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite through ctest.
# JOBTRAIL_CRASH_POINTS sets how many kill -9 points the crash tests use (default 100);
# JOBTRAIL_FUZZ_RUNS how many inputs each fuzz smoke test runs (default 4000).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
# The libFuzzer targets (clang build in ./build-fuzz), whose smoke runs are part of ctest.
bash scripts/fuzz.sh build
# The live SLURM scenarios' packages (slurm-wlm, munge, slurmdbd, mariadb-server); without
# root the script only names what is missing and those tests skip.
bash scripts/install-slurm.sh || true
ctest --test-dir build --output-on-failure -j2 --timeout 900
