#!/usr/bin/env bash
# npm run dev: set-up, build, migrate the local D1, serve on 127.0.0.1:${PORT:-8787}.
# Local D1, R2 and Queues persist under .wrangler/state.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
bash scripts/setup.sh
bash scripts/build.sh
CI=true wrangler d1 migrations apply DB --local >&2
# The bundle was just built: skip wrangler's [build] hook, which would run twice.
JASTIPIN_SKIP_BUILD=1 exec wrangler dev --ip 127.0.0.1 --port "${PORT:-8787}" "$@"
