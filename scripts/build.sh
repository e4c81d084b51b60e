#!/usr/bin/env bash
# Builds the Worker bundle into build/ with worker-build.
#   JASTIPIN_SKIP_BUILD=1  do nothing (tests that start wrangler dev on a bundle
#                          npm test has just built)
#   JASTIPIN_NO_OPT=1  skip wasm-opt: ~4 s incremental builds, ~18 % larger wasm
#                      (what `npm run dev` uses)
#   JASTIPIN_DEV=1     the quick development build (Cargo profile dev-worker:
#                      no LTO, incremental, no wasm-opt), skipped when build/
#                      is newer than every source file: wrangler dev runs its
#                      [build] command twice at start, and again on every
#                      change under src/ (watch_dir)
set -euo pipefail
[ "${JASTIPIN_SKIP_BUILD:-}" = "1" ] && exit 0
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
if [ "${JASTIPIN_DEV:-}" = "1" ] && [ -f build/index.js ] && [ -f build/.dev-build ] \
  && [ -z "$(find src Cargo.toml Cargo.lock -newer build/.dev-build -print -quit)" ]; then
  exit 0
fi
# The release Sentry reports carry: the commit being built.
JASTIPIN_RELEASE="$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
export JASTIPIN_RELEASE
args=(--release)
[ "${JASTIPIN_DEV:-}" = "1" ] && args=(--profile dev-worker --no-opt)
[ "${JASTIPIN_NO_OPT:-}" = "1" ] && args+=(--no-opt)
started=$(date +%s%N)
worker-build "${args[@]}" >&2
# The name section (~240 KB raw, ~70 KB gzip) goes from release builds:
# panics still log their message and file:line (console_error_panic_hook);
# only wasm stack frames lose their function names. See BENCHMARKS.md.
if [ "${JASTIPIN_DEV:-}" != "1" ] && [ "${JASTIPIN_NO_OPT:-}" != "1" ]; then
  "$WASM_OPT_BIN" build/index_bg.wasm --strip-debug --strip-producers \
    --enable-reference-types --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-exception-handling --enable-multivalue -o build/index_bg.wasm
fi
echo "export const RELEASE = \"$JASTIPIN_RELEASE\";" > build/release.js
# Marks what the last build was, so a dev build is never mistaken for a release one.
if [ "${JASTIPIN_DEV:-}" = "1" ]; then touch build/.dev-build; else rm -f build/.dev-build; fi
echo "[build] $(( ($(date +%s%N) - started) / 1000000 )) ms" >&2
