#!/usr/bin/env bash
# The one test command: installs what is missing, proves dist/ is what the sources build,
# and runs every test (unit, API, widget in headless Chromium, end-to-end in Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-tools.sh

# A one-off build has no use for incremental caches (gigabytes on disk).
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

echo "== formatting and lints (warnings are errors; the widget also for wasm32, where its clippy.toml bans hold)"
cargo fmt --all --check
cargo clippy --workspace --all-targets -- -D warnings
CARGO_TARGET_DIR=target/wasm-test cargo clippy --target wasm32-unknown-unknown -p widget --all-targets -- -D warnings
CARGO_TARGET_DIR=target/wasm-test cargo clippy --target wasm32-unknown-unknown -p widget --all-targets --features extended -- -D warnings

echo "== dist/ is what the sources build"
cargo xtask dist --check

echo "== host, wire and end-to-end tests"
cargo test --workspace --exclude widget

echo "== widget components in headless Chromium"
# No -q: cargo would pass --quiet to wasm-bindgen-test-runner, which rejects it.
CARGO_TARGET_DIR=target/wasm-test cargo test --target wasm32-unknown-unknown -p widget
echo "== the map bundle's parts in headless Chromium (the widget with --features extended)"
CARGO_TARGET_DIR=target/wasm-test cargo test --target wasm32-unknown-unknown -p widget --features extended --test map

echo "== fuzzing, a short bounded run of every target (longer: SECS=600 bash fuzz/run.sh)"
SECS="${FUZZ_SECS:-15}" bash fuzz/run.sh
