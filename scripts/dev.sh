#!/usr/bin/env bash
# npm run dev: set-up, migrate the local D1, serve on 127.0.0.1:${PORT:-8787}.
# wrangler runs scripts/build.sh (the quick development build) at start
# and again whenever a file under src/ changes, then reloads the Worker.
# Local D1, R2 and Queues persist under .wrangler/state.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
bash scripts/setup.sh
export JASTIPIN_DEV=1
CI=true wrangler d1 migrations apply DB --local >&2
# A free inspector port, so a second `PORT=8788 npm run dev` does not collide on 9229.
inspector="${INSPECTOR_PORT:-$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')}"
# Another PORT: links follow it (.dev.vars names 8787).
extra=()
[ -n "${PORT:-}" ] && extra=(--var "PUBLIC_BASE_URL:http://127.0.0.1:$PORT")
exec wrangler dev --ip 127.0.0.1 --port "${PORT:-8787}" --inspector-port "$inspector" ${extra[@]+"${extra[@]}"} "$@"
