#!/usr/bin/env bash
# A short, bounded fuzzing run of every target on the stable toolchain (RUSTC_BOOTSTRAP lets
# cargo-fuzz pass its -Z flags). Longer by hand: SECS=600 bash fuzz/run.sh
set -euo pipefail
cd "$(dirname "$0")"
SECS="${SECS:-30}"
for target in $(RUSTC_BOOTSTRAP=1 cargo fuzz list); do
  RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" --sanitizer none -- -max_total_time="$SECS" -max_len=70000
done
