// npm run bench: latency, throughput and D1 rows read per request of the
// built bundle under `wrangler dev` (real workerd, local D1/R2), plus the
// bundle size and the CPU time of one password hash. Loopback only, bounded
// in time; prints a JSON summary (copy the figures into BENCHMARKS.md).
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import crypto from "node:crypto";
import { ROOT } from "../tests/support/app.mjs";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
const wrangler = path.join(ROOT, "node_modules/.bin/wrangler");
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", JASTIPIN_SKIP_BUILD: "1", CI: "true" };

const port = await new Promise((r) => { const s = net.createServer().listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => r(p)); }); });
const base = `http://127.0.0.1:${port}`;
const state = fs.mkdtempSync(path.join(os.tmpdir(), "jastipin-bench-"));
execFileSync(wrangler, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", state], { cwd: ROOT, env, stdio: "pipe" });
const child = spawn(wrangler, ["dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", state,
  "--var", "JWT_SECRET:bench-secret-bench-secret-bench-secret", "--var", "ENABLE_TEST_ROUTES:1", "--var", "BENCHMARK:1", "--var", "ENVIRONMENT:development", "--log-level", "error",
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

for (let i = 0; i < 120; i++) {
  try { if ((await fetch(`${base}/api/health`)).ok) break; } catch {}
  await new Promise((r) => setTimeout(r, 250));
}

// A realistic profile: one jastiper, 3 trips, 20 products each, 200 participants.
const reg = await call("POST", "/api/auth/register", { email: "bench@example.com", password: "bench-password-1", fullName: "Bench", slug: "bench" });
const token = reg.body.token;
let tripId;
for (let t = 0; t < 3; t++) {
  const trip = (await call("POST", "/api/trips", { title: `Trip ${t}`, slug: `bench${t}`, isActive: true }, token)).body.trip;
  tripId ??= trip.id;
  for (let p = 0; p < 20; p++) await call("POST", `/api/trips/${trip.id}/products`, { title: `Produk ${p}`, price: 10000 + p, stock: 100_000 }, token);
}
for (let i = 0; i < 200; i++) await call("POST", `/api/trips/${tripId}/join`, { phone: `0812${String(20000000 + i)}`, name: `P${i}` });
const productId = (await call("GET", `/api/trips/${tripId}/products?limit=1`)).body.products[0].id;

function signedStatus(n) {
  const raw = JSON.stringify({ object: "whatsapp_business_account", entry: [{ changes: [{ field: "messages", value: { statuses: [{ id: `wamid.bench${n}`, status: "delivered" }] } }] }] });
  return { raw, sig: "sha256=" + crypto.createHmac("sha256", "bench-app-secret").update(raw).digest("hex") };
}

async function load(name, make) {
  const latencies = [];
  let errors = 0, rows = 0, n = 0;
  const deadline = performance.now() + SECONDS * 1000;
  await Promise.all(Array.from({ length: CONCURRENCY }, async (_, w) => {
    while (performance.now() < deadline) {
      const { method, path: p, body, auth, raw, headers: extra = {} } = make(w, n);
      const t = performance.now();
      const res = await fetch(base + p, { method, headers: { "content-type": "application/json", ...extra, ...(auth ? { authorization: `Bearer ${token}` } : {}) }, body: raw ?? (body && JSON.stringify(body)) });
      await res.arrayBuffer();
      latencies.push(performance.now() - t);
      n += 1;
      rows = Number(res.headers.get("x-d1-rows-read"));
      if (res.status >= 400) errors += 1;
    }
  }));
  latencies.sort((a, b) => a - b);
  const q = (f) => +latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * f))].toFixed(1);
  return { route: name, requests: latencies.length, rps: Math.round(latencies.length / SECONDS), p50ms: q(0.5), p99ms: q(0.99), errors, d1RowsRead: rows };
}

const results = [];
results.push(await load("GET /api/health", () => ({ method: "GET", path: "/api/health" })));
results.push(await load("GET /api/profile/bench (3 trips, 60 products)", () => ({ method: "GET", path: "/api/profile/bench" })));
results.push(await load("GET /api/trips/bench0/products", () => ({ method: "GET", path: "/api/trips/bench0/products" })));
results.push(await load("GET /api/trips/:id (owner, 200 participants)", () => ({ method: "GET", path: `/api/trips/${tripId}`, auth: true })));
results.push(await load("GET /profile?user=bench (HTML page)", () => ({ method: "GET", path: "/profile?user=bench" })));
results.push(await load("GET /join?trip=bench0 (HTML page)", () => ({ method: "GET", path: "/join?trip=bench0" })));
results.push(await load("POST /api/webhooks/whatsapp (signed status)", (w, n) => { const s = signedStatus(n); return { method: "POST", path: "/api/webhooks/whatsapp", raw: s.raw, headers: { "x-hub-signature-256": s.sig } }; }));
results.push(await load("POST /api/orders", (w, n) => ({ method: "POST", path: "/api/orders", body: { productId, phone: `0813${String(10000000 + (n % 5000))}`, name: "Load", quantity: 1 } })));

const hash = {};
for (const d of ["none", "sha256", "sha512"]) {
  const times = [];
  for (let i = 0; i < 6; i++) { const t = performance.now(); await fetch(`${base}/api/__test/hash/${d}`, { method: "POST" }).then((r) => r.arrayBuffer()); if (i) times.push(performance.now() - t); }
  times.sort((a, b) => a - b);
  hash[d] = times[Math.floor(times.length / 2)];
}
const pages = {};
for (const p of ["/profile?user=bench", "/join?trip=bench0", `/order?product=${(await call("GET", "/api/trips/bench0/products?limit=1")).body.products[0].slug}`]) {
  const html = await (await fetch(base + p)).text();
  pages[p.split("?")[0]] = { bytes: Buffer.byteLength(html), gzipBytes: zlib.gzipSync(html).length };
}
const wasm = fs.readFileSync(path.join(ROOT, "build/index_bg.wasm"));
const js = fs.readFileSync(path.join(ROOT, "build/index.js"));
console.log(JSON.stringify({
  concurrency: CONCURRENCY, seconds: SECONDS, cores: os.availableParallelism(),
  bundle: { wasmBytes: wasm.length, wasmGzipBytes: zlib.gzipSync(wasm, { level: 9 }).length, jsBytes: js.length },
  passwordHashMs: { "pbkdf2-sha256 600k": +(hash.sha256 - hash.none).toFixed(1), "pbkdf2-sha512 210k": +(hash.sha512 - hash.none).toFixed(1) },
  pages,
  routes: results,
}, null, 2));
stop();
process.exit(0);
