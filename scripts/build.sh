#!/usr/bin/env bash
# Builds the Worker bundle into build/ with worker-build.
#   JASTIPIN_SKIP_BUILD=1  do nothing (the bundle was just built; wrangler's
#                          [build] hook would otherwise rebuild twice at start)
#   JASTIPIN_NO_OPT=1      skip wasm-opt: ~2 s incremental builds, ~18 % larger wasm
set -euo pipefail
[ "${JASTIPIN_SKIP_BUILD:-}" = "1" ] && exit 0
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
args=(--release)
[ "${JASTIPIN_NO_OPT:-}" = "1" ] && args+=(--no-opt)
worker-build "${args[@]}" >&2
