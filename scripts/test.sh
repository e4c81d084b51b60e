#!/usr/bin/env bash
# npm test: every test there is.
#  1. the code's habits: cargo fmt --check, cargo clippy -D warnings
#  2. native tests of the pure logic (cargo test)
#  3. the built bundle in the real runtime: Miniflare suites (fresh local D1,
#     R2, Queues per file, a fake Graph API), a smoke suite through
#     `wrangler dev` itself (tests/smoke), and the penitip's journey in
#     headless Chromium (tests/browser; screenshots in test-artifacts/).
#  4. `wrangler deploy --dry-run`: a configuration that cannot deploy fails here.
#  5. schemathesis (PyPI) with every check against the served OpenAPI
#     document, as a signed-in jastiper, seeded and bounded.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
bash scripts/setup.sh
bash scripts/setup-browser.sh

echo "== cargo fmt --check" >&2
cargo fmt --check
echo "== cargo clippy" >&2
cargo clippy --all-targets --quiet -- -D warnings
echo "== cargo test (native)" >&2
cargo test --quiet
echo "== build the Worker bundle" >&2
bash scripts/build.sh
echo "== wrangler deploy --dry-run: the committed configuration can deploy" >&2
dry="$(mktemp -d)"
JASTIPIN_SKIP_BUILD=1 CI=true WRANGLER_SEND_METRICS=false npx wrangler deploy --dry-run --outdir "$dry" >"$dry/log" 2>&1 \
  || { cat "$dry/log" >&2; exit 1; }
rm -rf "$dry"
echo "== schemathesis: the API against its own OpenAPI document" >&2
bash scripts/schemathesis.sh
echo "== end-to-end, smoke and browser tests in workerd" >&2
# Files listed by the shell: `node --test <dir>` is read differently from Node 22 on.
node --test --test-concurrency=2 tests/e2e/*.test.mjs tests/smoke/*.test.mjs tests/browser/*.test.mjs
