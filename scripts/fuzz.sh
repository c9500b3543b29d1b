#!/usr/bin/env bash
# libFuzzer targets for every parser (fuzz/): pbs sacct squeue jobcomp swf.
#
#   scripts/fuzz.sh build              configure and build ./build-fuzz with clang (ASan, UBSan)
#   scripts/fuzz.sh smoke TARGET       run TARGET briefly on its committed corpus (the test
#                                      suite does this; exit 77 = skipped when not built)
#   scripts/fuzz.sh run TARGET [SECS]  fuzz for long (default 600 s); new inputs go to
#                                      build-fuzz/corpus/TARGET, crashes to build-fuzz/crashes/
#
# Needs Debian's clang and libclang-rt-14-dev (libFuzzer and the sanitizer runtimes);
# scripts/install-deps.sh installs them. The committed corpus (fuzz/corpus/TARGET) is
# read only: runs write what they find under build-fuzz/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/build-fuzz"
targets=(pbs sacct squeue jobcomp swf)
smoke_runs="${JOBTRAIL_FUZZ_RUNS:-4000}"

usage() {
  sed -n '2,12p' "$0" >&2
  exit 2
}

known_target() {
  local t
  for t in "${targets[@]}"; do [ "$t" = "$1" ] && return 0; done
  echo "fuzz.sh: unknown target '$1' (one of: ${targets[*]})" >&2
  exit 2
}

cmd="${1:-}"
case "$cmd" in
  build)
    if ! command -v clang++ >/dev/null; then
      echo "fuzz.sh: clang++ is missing (scripts/install-deps.sh installs it)" >&2
      exit 1
    fi
    launcher=()
    if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
    CC=clang CXX=clang++ cmake -S "$root" -B "$out" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DJOBTRAIL_FUZZ=ON -DBUILD_TESTING=OFF "${launcher[@]}" >/dev/null
    ninja -C "$out" -j2 fuzzers
    ;;
  smoke)
    target="${2:-}"
    [ -n "$target" ] || usage
    known_target "$target"
    binary="$out/fuzz/${target}_fuzzer"
    if [ ! -x "$binary" ]; then
      echo "fuzz.sh: $binary is not built (scripts/fuzz.sh build): skipped" >&2
      exit 77
    fi
    scratch="$(mktemp -d)"
    trap 'rm -rf "$scratch"' EXIT
    # A copy, so the run may add inputs without touching the committed corpus.
    cp -r "$root/fuzz/corpus/$target" "$scratch/corpus"
    "$binary" -runs="$smoke_runs" -max_len=4096 -timeout=10 -rss_limit_mb=1024 \
      -artifact_prefix="$scratch/" "$scratch/corpus"
    ;;
  run)
    target="${2:-}"
    [ -n "$target" ] || usage
    known_target "$target"
    seconds="${3:-600}"
    binary="$out/fuzz/${target}_fuzzer"
    [ -x "$binary" ] || "$0" build
    mkdir -p "$out/corpus/$target" "$out/crashes/$target"
    "$binary" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$out/crashes/$target/" "$out/corpus/$target" "$root/fuzz/corpus/$target"
    ;;
  *)
    usage
    ;;
esac
