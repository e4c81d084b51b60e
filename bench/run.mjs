// npm run bench: every route against the platform's floor, measured in the
// same run: latency (p50, p99) and throughput with autocannon, each as a
// ratio to GET /api/health (one D1 query), and D1 rows read against rows
// shown; plus the cold start (a fresh `wrangler dev` process to its first
// answer), the bundle size and the CPU time of one password hash. The built
// bundle under `wrangler dev` (real workerd, local D1/R2), loopback only,
// bounded in time; prints Markdown for BENCHMARKS.md and a JSON summary.
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import crypto from "node:crypto";
import autocannon from "autocannon";
import { ROOT } from "../tests/support/app.mjs";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
const wrangler = path.join(ROOT, "node_modules/.bin/wrangler");
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", JASTIPIN_SKIP_BUILD: "1", CI: "true" };

const port = await new Promise((r) => { const s = net.createServer().listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => r(p)); }); });
const base = `http://127.0.0.1:${port}`;
const state = fs.mkdtempSync(path.join(os.tmpdir(), "jastipin-bench-"));
execFileSync(wrangler, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", state], { cwd: ROOT, env, stdio: "pipe" });
const spawned = performance.now();
const child = spawn(wrangler, ["dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", state,
  "--var", "JWT_SECRET:bench-secret-bench-secret-bench-secret", "--var", "ENABLE_TEST_ROUTES:1", "--var", "BENCHMARK:1", "--var", "ENVIRONMENT:development", "--var", `PUBLIC_BASE_URL:${base}`, "--log-level", "error",
  "--var", "WA_APP_SECRET:bench-app-secret", "--var", "WA_ACCESS_TOKEN:", "--var", "WA_API_BASE:http://127.0.0.1:9"],
  { cwd: ROOT, env, detached: true, stdio: "ignore" });
const stop = () => { try { process.kill(-child.pid, "SIGTERM"); } catch {} fs.rmSync(state, { recursive: true, force: true }); };
process.on("exit", stop);

async function call(method, p, body, token) {
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(base + p, { method, headers, body: body && JSON.stringify(body) });
  return { status: res.status, rows: Number(res.headers.get("x-d1-rows-read")), body: await res.json().catch(() => null) };
}

let coldStartMs = null;
for (let i = 0; i < 2400; i++) {
  try { if ((await fetch(`${base}/api/health`)).ok) { coldStartMs = Math.round(performance.now() - spawned); break; } } catch {}
  await new Promise((r) => setTimeout(r, 25));
}

// Realistic data: one jastiper with 10 trips of 20 products each; the
// first trip has 5,000 participants (joined through the API).
const reg = await call("POST", "/api/auth/register", { email: "bench@example.com", password: "bench-password-1", fullName: "Bench", slug: "bench" });
const token = reg.body.token;
let tripId;
for (let t = 0; t < 10; t++) {
  const trip = (await call("POST", "/api/trips", { title: `Trip ${t}`, slug: `bench${t}`, isActive: true }, token)).body.trip;
  tripId ??= trip.id;
  for (let p = 0; p < 20; p++) await call("POST", `/api/trips/${trip.id}/products`, { title: `Produk ${p}`, price: 10000 + p, stock: 100_000 }, token);
}
const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 5000);
for (let i = 0; i < PEOPLE; i += 50) {
  await Promise.all(Array.from({ length: Math.min(50, PEOPLE - i) }, (_, k) =>
    call("POST", `/api/trips/${tripId}/join`, { phone: `0812${String(20000000 + i + k)}`, name: `P${i + k}` }, token)));
}
const productId = (await call("GET", `/api/trips/${tripId}/products?limit=1`)).body.products[0].id;
const productSlug = (await call("GET", `/api/trips/bench0/products?limit=1`)).body.products[0].slug;

const status = JSON.stringify({ object: "whatsapp_business_account", entry: [{ changes: [{ field: "messages", value: { statuses: [{ id: "wamid.bench", status: "delivered" }] } }] }] });
const statusSig = "sha256=" + crypto.createHmac("sha256", "bench-app-secret").update(status).digest("hex");

/** One route under autocannon: `shown` is how many rows the answer shows. */
async function load(name, { method = "GET", path: p, body, auth, headers = {}, setup, shown }) {
  // Two warm-up requests: the second shows what a steady request reads (a hit reads nothing).
  let rows = 0;
  for (let i = 0; i < 2; i++) {
    const warm = await fetch(base + p, { method, headers: { "content-type": "application/json", ...headers, ...(auth ? { authorization: `Bearer ${token}` } : {}) }, body });
    rows = Number(warm.headers.get("x-d1-rows-read") ?? 0);
    await warm.arrayBuffer();
  }
  const r = await autocannon({
    url: base + p, method, connections: CONCURRENCY, duration: SECONDS, body,
    headers: { "content-type": "application/json", ...headers, ...(auth ? { authorization: `Bearer ${token}` } : {}) },
    ...(setup ? { requests: [{ setupRequest: setup }] } : {}),
  });
  return { route: name, requests: r.requests.total, rps: Math.round(r.requests.average), p50ms: r.latency.p50, p99ms: r.latency.p99, errors: r.errors + r.non2xx, d1RowsRead: rows, rowsShown: shown };
}

let orderSeq = 0;
const results = [];
results.push(await load("GET /api/health (floor: one D1 query)", { path: "/api/health", shown: 1 }));
// Public reads twice: a miss (a spelling of the URL the edge cache never
// stores, so every request is answered from D1) and a hit (the canonical URL,
// answered from the Cache API after the first request).
for (const [name, canonical, miss, shown] of [
  ["GET /api/profile/bench (10 trips, 200 products)", "/api/profile/bench", "/api/profile/bench?miss=1", 211],
  ["GET /api/trips/bench0/products (20)", "/api/trips/bench0/products", "/api/trips/bench0/products?limit=20", 20],
  ["GET /profile?user=bench (HTML)", "/profile?user=bench", "/profile?user=bench&miss=1", 211],
  ["GET /join?trip=bench0 (HTML)", "/join?trip=bench0", "/join?trip=bench0&miss=1", 22],
  ["GET /order?product=… (HTML)", `/order?product=${productSlug}`, `/order?product=${productSlug}&miss=1`, 3],
]) {
  results.push(await load(`${name}, miss`, { path: miss, shown }));
  results.push(await load(`${name}, hit`, { path: canonical, shown }));
}
results.push(await load(`GET /api/trips/:id (owner, ${PEOPLE} participants: the newest 50 and the count)`, { path: `/api/trips/${tripId}`, auth: true, shown: 71 }));
results.push(await load("POST /api/webhooks/whatsapp (signed status)", { method: "POST", path: "/api/webhooks/whatsapp", body: status, headers: { "x-hub-signature-256": statusSig }, shown: 0 }));
results.push(await load("POST /api/orders", {
  method: "POST", path: "/api/orders", body: JSON.stringify({ productId, phone: "081310000000", name: "Load", quantity: 1 }), shown: 1,
  setup: (req) => ({ ...req, body: JSON.stringify({ productId, phone: `0813${String(10000000 + (orderSeq++ % 5000))}`, name: "Load", quantity: 1 }) }),
}));
const floor = results[0];
for (const r of results) {
  r.p50x = +(r.p50ms / floor.p50ms).toFixed(2);
  r.p99x = +(r.p99ms / floor.p99ms).toFixed(2);
  r.rpsx = +(r.rps / floor.rps).toFixed(2);
}

// Target 3 (issue 21): the public profile on a miss within 1.3 × the floor's p50.
const missRows = results.filter((r) => r.route.endsWith(", miss"));
console.log("\n### Target 3, public reads on a miss\n\n| route | p50 × floor | goal | |\n| --- | --- | --- | --- |");
for (const r of missRows) console.log(`| ${r.route} | ${r.p50x} | ≤ 1.3 | ${r.p50x <= 1.3 ? "met" : "**not met**"} |`);

const hash = {};
for (const d of ["none", "sha256", "sha512"]) {
  const times = [];
  for (let i = 0; i < 6; i++) { const t = performance.now(); await fetch(`${base}/api/__test/hash/${d}`, { method: "POST" }).then((r) => r.arrayBuffer()); if (i) times.push(performance.now() - t); }
  times.sort((a, b) => a - b);
  hash[d] = times[Math.floor(times.length / 2)];
}
const pages = {};
for (const p of ["/profile?user=bench", "/join?trip=bench0", `/order?product=${productSlug}`]) {
  const html = await (await fetch(base + p)).text();
  pages[p.split("?")[0]] = { bytes: Buffer.byteLength(html), gzipBytes: zlib.gzipSync(html).length };
}
const wasm = fs.readFileSync(path.join(ROOT, "build/index_bg.wasm"));
const js = fs.readFileSync(path.join(ROOT, "build/index.js"));
console.log(`| route | req/s | × floor | p50 ms | × floor | p99 ms | × floor | D1 rows read | rows shown |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |`);
for (const r of results) console.log(`| ${r.route} | ${r.rps} | ${r.rpsx} | ${r.p50ms} | ${r.p50x} | ${r.p99ms} | ${r.p99x} | ${r.d1RowsRead} | ${r.rowsShown} |`);
console.log(JSON.stringify({
  date: new Date().toISOString(), machine: `${os.cpus()[0].model}, ${os.availableParallelism()} cores`, coldStartMs,
  concurrency: CONCURRENCY, seconds: SECONDS, cores: os.availableParallelism(),
  bundle: { wasmBytes: wasm.length, wasmGzipBytes: zlib.gzipSync(wasm, { level: 9 }).length, jsBytes: js.length },
  passwordHashMs: { "pbkdf2-sha256 600k": +(hash.sha256 - hash.none).toFixed(1), "pbkdf2-sha512 210k": +(hash.sha512 - hash.none).toFixed(1) },
  pages,
  routes: results,
}, null, 2));
stop();
process.exit(0);
