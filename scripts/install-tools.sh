#!/usr/bin/env bash
# Installs every tool the build and the tests need, skipping what is already present.
# Safe to run again and again; CI runs it on a fresh machine through scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

log() { printf '[install-tools] %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# 1. The wasm32 target (rustup's server first; the verified tarball in shared/ as a fallback).
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  if ! timeout 300 rustup target add wasm32-unknown-unknown; then
    tarball=$(ls "$root"/../shared/toolchain/rust-std-*-wasm32-unknown-unknown.tar.xz 2>/dev/null | head -n1 || true)
    [ -n "$tarball" ] || { log "no wasm32 target and no fallback tarball in ../shared/toolchain"; exit 1; }
    tar -xJf "$tarball" -C "$(rustc --print sysroot)/lib/rustlib"
  fi
fi

# 1b. clippy and rustfmt, for the test command's lint gates.
for component in clippy rustfmt; do
  if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1; then
    log "adding the $component component"
    timeout 300 rustup component add "$component"
  fi
done

# 2. wasm-bindgen CLI, exactly the version of the wasm-bindgen crate in Cargo.lock.
wbg_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[ -n "$wbg_version" ] || { log "cannot read the wasm-bindgen version from Cargo.lock"; exit 1; }
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $wbg_version" ]; then
  log "installing wasm-bindgen-cli $wbg_version (takes a few minutes)"
  # Not --locked: its lock file pins a crate version the registry here does not serve.
  cargo install wasm-bindgen-cli --version "$wbg_version"
fi

# 3. Node tools from npm, at the exact versions of tools/package.json (+ its lock file):
#    binaryen's wasm-opt (Debian's is too old for what rustc emits), Leaflet (the map bundle's
#    renderer, wrapped into dist/ by cargo xtask dist), axe-core (the
#    accessibility tests), jsonwebtoken and jose (the Node SSO example, examples/sso-node). One manifest for both, so that installing one never prunes the other.
node_tools_ok() {
  [ -x .tools/node_modules/binaryen/bin/wasm-opt ] && [ -f .tools/node_modules/axe-core/axe.min.js ] \
    && node -e '
      const want = require("./tools/package.json").dependencies;
      for (const [name, version] of Object.entries(want)) {
        if (require("./.tools/node_modules/" + name + "/package.json").version !== version) process.exit(1);
      }' 2>/dev/null
}
if ! node_tools_ok; then
  log "installing node tools (binaryen, leaflet, axe-core, jsonwebtoken, jose) from npm into .tools/"
  mkdir -p .tools
  cp tools/package.json tools/package-lock.json .tools/
  npm ci --prefix .tools --no-audit --no-fund >/dev/null
fi

# 4. Chromium and its WebDriver for the browser tests.
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  log "installing Debian chromium and chromium-driver"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium chromium-driver
fi

# 5. schemathesis (PyPI) in a venv, for the OpenAPI fuzz test (host-service/tests/openapi.rs).
schemathesis_version=4.32.5
if [ "$(.tools/venv/bin/schemathesis --version 2>/dev/null || true)" != "schemathesis, version $schemathesis_version" ]; then
  log "installing schemathesis $schemathesis_version into .tools/venv"
  [ -x .tools/venv/bin/pip ] || python3 -m venv .tools/venv
  .tools/venv/bin/pip install -q "schemathesis==$schemathesis_version"
fi

# 6. PyJWT (+ cryptography for EdDSA/ES256) in the same venv: the Python SSO example
#    (examples/sso-python), which the interop test (host-service/tests/sso_interop.rs) and the
#    SSO browser test run.
pyjwt_version=2.15.1
cryptography_version=50.0.2
if [ "$(.tools/venv/bin/python -c 'import jwt, cryptography; print(jwt.__version__, cryptography.__version__)' 2>/dev/null || true)" \
     != "$pyjwt_version $cryptography_version" ]; then
  log "installing PyJWT $pyjwt_version and cryptography $cryptography_version into .tools/venv"
  [ -x .tools/venv/bin/pip ] || python3 -m venv .tools/venv
  .tools/venv/bin/pip install -q "PyJWT==$pyjwt_version" "cryptography==$cryptography_version"
fi

# 7. aiosmtpd in the same venv: the real SMTP server the e-mail tests send to (tools/smtp-sink.py).
aiosmtpd_version=1.4.6
if [ "$(.tools/venv/bin/python -c 'from importlib.metadata import version; print(version("aiosmtpd"))' 2>/dev/null || true)" \
     != "$aiosmtpd_version" ]; then
  log "installing aiosmtpd $aiosmtpd_version into .tools/venv"
  [ -x .tools/venv/bin/pip ] || python3 -m venv .tools/venv
  .tools/venv/bin/pip install -q "aiosmtpd==$aiosmtpd_version"
fi

# 8. Dovecot's IMAP server (Debian): the real mailbox the IMAP poller test reads
#    (host-service/tests/mail_imap.rs, harness in host-service/tests/common/dovecot.rs). Only the
#    binary is used: the test runs its own instance on 127.0.0.1 with a generated configuration.
if [ ! -x /usr/sbin/dovecot ]; then
  log "installing Debian dovecot-imapd"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends dovecot-imapd
fi

# Fuzzing: cargo-fuzz from crates.io (it runs on the stable toolchain with RUSTC_BOOTSTRAP=1).
cargo_fuzz_version=0.13.2
if [ "$(cargo fuzz --version 2>/dev/null || true)" != "cargo-fuzz $cargo_fuzz_version" ]; then
  log "installing cargo-fuzz $cargo_fuzz_version"
  cargo install cargo-fuzz --version "$cargo_fuzz_version"
fi

log "all tools present"
