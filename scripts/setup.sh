#!/usr/bin/env bash
# Idempotent set-up for `npm run dev` and `npm test`: quick when all is present.
# Installs the wasm32 target, the pinned worker-build and wasm-bindgen CLI,
# the npm packages from the lockfile, and a local .dev.vars.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

say() { echo "[setup] $*" >&2; }

if ! rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

installed_version() { "$1" --version 2>/dev/null | awk '{print $NF}'; }

if [ "$(installed_version worker-build)" != "$WORKER_BUILD_VERSION" ]; then
  say "installing worker-build $WORKER_BUILD_VERSION (a few minutes, once)"
  cargo install --locked worker-build --version "$WORKER_BUILD_VERSION"
fi
if [ "$(installed_version wasm-bindgen)" != "$WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once)"
  cargo install --locked wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# npm ci only when the lockfile changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ ! -f .dev.vars ]; then
  secret="$(node -e 'console.log(require("crypto").randomBytes(32).toString("hex"))')"
  sed "s/^JWT_SECRET=.*/JWT_SECRET=$secret/" .dev.vars.example > .dev.vars
  say "created .dev.vars with a random local JWT_SECRET"
fi
# Settings added to the example since .dev.vars was made: appended once.
for key in ENVIRONMENT PUBLIC_BASE_URL; do
  if ! grep -q "^$key=" .dev.vars; then
    grep "^$key=" .dev.vars.example >> .dev.vars
    say "added $key to .dev.vars"
  fi
done
