#!/usr/bin/env bash
# Property-based tests of the API against its own served OpenAPI document:
# schemathesis (PyPI, pinned) with every check, as a signed-in jastiper, on
# the built bundle under `wrangler dev` with a fresh local D1. Bounded in
# examples and time, with a fixed seed so a run is reproducible.
#   ST_MAX_EXAMPLES (default 30), ST_SEED, ST_TIMEOUT seconds (default 480)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
ST_VERSION=4.32.5
if ! st --version 2>/dev/null | grep -q "$ST_VERSION"; then
  echo "[setup] installing schemathesis $ST_VERSION (pip, once)" >&2
  python3 -m pip install --quiet --disable-pip-version-check "schemathesis==$ST_VERSION" >&2
fi
ST="$(command -v st)"

state="$(mktemp -d)"
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
base="http://127.0.0.1:$port"
export JASTIPIN_SKIP_BUILD=1 CI=true
wrangler d1 migrations apply DB --local --persist-to "$state" >/dev/null 2>&1
setsid wrangler dev --ip 127.0.0.1 --port "$port" --persist-to "$state" --inspector-port "$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')" \
  --var JWT_SECRET:schemathesis-secret-schemathesis-secret --var WA_ACCESS_TOKEN: --var WA_APP_SECRET:st-app-secret \
  --var WA_API_BASE:http://127.0.0.1:9 --var "PUBLIC_BASE_URL:$base" --var ENVIRONMENT:development >"$state/dev.log" 2>&1 &
dev=$!
cleanup() { kill -- -"$dev" 2>/dev/null || kill "$dev" 2>/dev/null || true; rm -rf "$state"; }
trap cleanup EXIT
for _ in $(seq 1 120); do
  curl -fs "$base/api/health" >/dev/null 2>&1 && break
  sleep 0.5
done
token="$(curl -fs -X POST "$base/api/auth/register" -H 'content-type: application/json' \
  -d '{"email":"schemathesis@example.com","password":"schemathesis-pw-1","fullName":"Schema Thesis","slug":"schemathesis"}' \
  | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).token))')"

echo "== schemathesis against $base/api/openapi.json" >&2
cd tests/schemathesis
timeout "${ST_TIMEOUT:-480}" "$ST" run "$base/api/openapi.json" \
  -H "Authorization: Bearer $token" \
  --checks all \
  --max-examples "${ST_MAX_EXAMPLES:-30}" \
  --seed "${ST_SEED:-20261129}" \
  --workers 1 \
  --generation-database none \
  --phases examples,coverage,fuzzing,stateful \
  --no-color
