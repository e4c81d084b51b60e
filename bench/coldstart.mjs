// The cold start (issue 21, target 5): the product's bundle against a
// minimal workers-rs "hello world" (bench/hello, same toolchain, same release
// profile and wasm-opt), each started in a fresh workerd (Miniflare) until
// its first answer, in the same run, alternating, ROUNDS times. A plain JS
// Worker started the same way is workerd's own start-up (no wrangler in any
// figure); what each Worker adds is its time minus that one, and the ratio is
// the product's addition over hello world's. Also the bundle sizes.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions, unstable_readConfig } from "wrangler";
import { ROOT, JWT_SECRET } from "../tests/support/app.mjs";
import { verdict } from "./load.mjs";

const ROUNDS = Number(process.env.COLD_ROUNDS ?? 7);
const HELLO = path.join(ROOT, "bench/hello");

// Hello world is built once per machine (its own target dir, like the product's).
if (!fs.existsSync(path.join(HELLO, "build/index_bg.wasm"))) {
  execFileSync("bash", ["-c", `source "${ROOT}/scripts/env.sh" && cd "${HELLO}" && cp -n "${ROOT}/Cargo.lock" Cargo.lock; \
    CARGO_TARGET_DIR="${HELLO}/target" worker-build --release && "$WASM_OPT_BIN" build/index_bg.wasm --strip-debug --strip-producers \
    --enable-reference-types --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
    --enable-exception-handling --enable-multivalue -o build/index_bg.wasm`], { stdio: "inherit" });
}

const config = unstable_readConfig({ config: path.join(ROOT, "wrangler.toml") });
const { workerOptions } = unstable_getMiniflareWorkerOptions(config, undefined, { envFiles: [] });
const quiet = { handleRuntimeStdio(out, err) { out.resume(); err.resume(); } };
// All three get the product's bindings (D1, R2, Queues, rate limits), so the
// services workerd starts for them are the same and only the script differs.
const bindings = { ...workerOptions, cf: false };
const workers = {
  "plain JS Worker (workerd's own start)": {
    options: { ...bindings, modules: true, script: "export default { fetch() { return new Response('ok'); } }", compatibilityDate: config.compatibility_date, ...quiet },
    path: "/",
  },
  "workers-rs hello world": {
    options: {
      ...bindings, modules: true, scriptPath: path.join(HELLO, "build/index.js"), modulesRoot: path.join(HELLO, "build"),
      modulesRules: [{ type: "ESModule", include: ["**/*.js", "**/*.mjs"] }, { type: "CompiledWasm", include: ["**/*.wasm"] }],
      compatibilityDate: config.compatibility_date, ...quiet,
    },
    path: "/",
  },
  "Jastipin": {
    options: {
      ...workerOptions, name: "jastipin", modules: true, scriptPath: path.join(ROOT, "worker/entry.mjs"), modulesRoot: ROOT,
      modulesRules: [{ type: "ESModule", include: ["**/*.js", "**/*.mjs"] }, ...workerOptions.modulesRules],
      bindings: { ...config.vars, JWT_SECRET, ENVIRONMENT: "development" }, cf: false, ...quiet,
    },
    // An answer that needs the whole router and configuration but no D1.
    path: "/api/nothing-here",
  },
};

async function once({ options, path: p }) {
  const t0 = performance.now();
  const mf = new Miniflare(options);
  const url = await mf.ready;
  const ready = performance.now();
  const res = await fetch(new URL(p, url));
  await res.arrayBuffer();
  const answered = performance.now();
  await mf.dispose();
  return { total: answered - t0, firstRequest: answered - ready, status: res.status };
}

const times = Object.fromEntries(Object.keys(workers).map((k) => [k, []]));
for (let r = 0; r < ROUNDS + 1; r++) {
  for (const [name, w] of Object.entries(workers)) {
    const t = await once(w);
    if (r > 0) times[name].push(t); // the first round warms the disk cache and Node's modules
  }
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const rows = Object.entries(times).map(([name, ts]) => ({ name, total: median(ts.map((t) => t.total)), first: median(ts.map((t) => t.firstRequest)), status: ts[0].status }));
const [js, hello, ours] = rows;
const net = (r) => r.total - js.total;
const ratio = net(ours) / net(hello);
const size = (f) => { const b = fs.readFileSync(f); return { raw: b.length, gzip: zlib.gzipSync(b, { level: 9 }).length }; };
const oursWasm = size(path.join(ROOT, "build/index_bg.wasm"));
const helloWasm = size(path.join(HELLO, "build/index_bg.wasm"));

console.log(`\n### Target 5, the cold start and the bundle\n`);
console.log(`Median of ${ROUNDS} fresh starts each, alternating; "start to first answer" is \`new Miniflare()\` to the first response's last byte.\n`);
console.log("| Worker | wasm raw | wasm gzip -9 | start to first answer | of which the first request | minus workerd's own start |\n| --- | --- | --- | --- | --- | --- |");
console.log(`| ${js.name} | – | – | ${js.total.toFixed(0)} ms | ${js.first.toFixed(1)} ms | 0 |`);
console.log(`| ${hello.name} | ${helloWasm.raw.toLocaleString("en")} | ${helloWasm.gzip.toLocaleString("en")} | ${hello.total.toFixed(0)} ms | ${hello.first.toFixed(1)} ms | ${net(hello).toFixed(0)} ms |`);
console.log(`| ${ours.name} | ${oursWasm.raw.toLocaleString("en")} | ${oursWasm.gzip.toLocaleString("en")} | ${ours.total.toFixed(0)} ms | ${ours.first.toFixed(1)} ms | ${net(ours).toFixed(0)} ms |`);
console.log(`\n| target | figure | goal | |\n| --- | --- | --- | --- |`);
console.log(`| cold start, Jastipin's start over hello world's (workerd's own start taken out) | **${ratio.toFixed(2)}×** (${(ours.total / hello.total).toFixed(2)}× with it) | ≤ 1.5× | ${verdict(ratio <= 1.5)} |`);
console.log(`| bundle, gzip -9 | ${(oursWasm.gzip / 1000).toFixed(0)} KB | ≤ 400 KB | ${verdict(oursWasm.gzip <= 400_000)} |`);
console.log(JSON.stringify({ coldStart: { rounds: ROUNDS, rows, ratio: +ratio.toFixed(2), wasm: { jastipin: oursWasm, hello: helloWasm } } }));
