// The order war (issue 21, target 1): 500 buyers check out carts of 1–3
// lines against 10 products of stock 20, in workerd with local D1, twice:
// arriving evenly within 5 seconds (a trip's link dropped in a busy group:
// the latency), and as fast as 50 connections allow (the throughput). Each
// time the database is read afterwards to prove 0 oversell and every cart
// all-or-nothing. Every figure is a ratio to the floor (GET /api/health, one
// D1 query) measured the same way in the same run; round trips come from
// `x-d1-round-trips` (BENCHMARK=1).
import http from "node:http";
import { spawnApp, registerJastiper } from "../tests/support/app.mjs";
import { createTrip, createProduct } from "../tests/support/fixtures.mjs";
import { ratios, verdict } from "./load.mjs";

const BUYERS = Number(process.env.WAR_BUYERS ?? 500);
const WINDOW_S = Number(process.env.WAR_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.WAR_CONNECTIONS ?? 50);
const PRODUCTS = 10;
const STOCK = 20;

// A small seeded generator: the same carts in every run.
let seed = 20261202;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);

const app = await spawnApp({ bindings: { BENCHMARK: "1" } });
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
const send = (path, { method = "GET", headers = {}, body } = {}) => new Promise((resolve, reject) => {
  const req = http.request(app.url + path, { method, headers, agent }, (res) => {
    const chunks = [];
    res.on("data", (c) => chunks.push(c));
    res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
  });
  req.on("error", reject);
  req.end(body);
});

/** One timed request: status, body, milliseconds, D1 round trips. */
async function timed(path, init) {
  const t = performance.now();
  const res = await send(path, init);
  return { status: res.status, body: res.body, ms: performance.now() - t, roundTrips: Number(res.headers["x-d1-round-trips"]) };
}

/** `count` requests starting evenly over `windowS` seconds, whatever is still running (open loop). */
async function arrivals(count, windowS, path, init) {
  const started = performance.now();
  const out = await Promise.all(Array.from({ length: count }, async (_, i) => {
    const at = started + (i * windowS * 1000) / count;
    await new Promise((r) => setTimeout(r, Math.max(0, at - performance.now())));
    return timed(path, init(i));
  }));
  return { answers: out, seconds: (performance.now() - started) / 1000 };
}

/** `count` requests over `connections` loops, each starting when its last one answered (closed loop). */
async function blast(count, connections, path, init) {
  let next = 0;
  const out = new Array(count);
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, async () => {
    for (let i = next++; i < count; i = next++) out[i] = await timed(path, init(i));
  }));
  return { answers: out, seconds: (performance.now() - started) / 1000 };
}

function figures(answers, seconds) {
  const ms = answers.map((a) => a.ms).sort((a, b) => a - b);
  const at = (q) => (ms.length ? +ms[Math.min(ms.length - 1, Math.floor(q * ms.length))].toFixed(1) : null);
  return { requests: ms.length, p50ms: at(0.5), p99ms: at(0.99), rps: Math.round(answers.length / seconds), seconds: +seconds.toFixed(2) };
}

const order = (cart) => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(cart) });

/** A trip of PRODUCTS products of STOCK each, and BUYERS carts of 1–3 of them (phones under `prefix`). */
async function warTrip(token, slug, prefix) {
  const trip = await createTrip(app, token, { title: `War ${slug}`, slug });
  const products = [];
  for (let i = 0; i < PRODUCTS; i++) {
    products.push(await createProduct(app, token, trip.id, { title: `Limited ${i}`, price: 100_000 + i * 1000, stock: STOCK, maxPerBuyer: 3 }));
  }
  const carts = Array.from({ length: BUYERS }, (_, i) => {
    const picked = new Set();
    const lines = 1 + Math.floor(random() * 3);
    while (picked.size < lines) picked.add(products[Math.floor(random() * PRODUCTS)].id);
    return {
      phone: `${prefix}${String(10_000_000 + i)}`,
      name: `Pembeli ${i}`,
      items: [...picked].map((productId) => ({ productId, quantity: 1 + Math.floor(random() * 2) })),
    };
  });
  return { trip, carts };
}

/** What the database holds against what each buyer was told. */
async function audit(trip, carts, answers) {
  const sold = (await app.db.prepare(
    `SELECT p.id, p.stock, COALESCE(SUM(o.quantity), 0) AS ordered FROM products p
     LEFT JOIN orders o ON o.product_id = p.id WHERE p.trip_id = ?1 GROUP BY p.id`).bind(trip.id).all()).results;
  const held = new Map((await app.db.prepare(
    `SELECT pa.phone, COUNT(o.id) AS lines, COALESCE(SUM(o.quantity), 0) AS units FROM participants pa
     LEFT JOIN orders o ON o.participant_id = pa.id WHERE pa.trip_id = ?1 GROUP BY pa.id`).bind(trip.id).all()).results
    .map((r) => [r.phone, r]));
  const a = { placed: 0, refused: 0, other: 0, fivexx: 0, partial: 0, roundTrips: [] };
  carts.forEach((cart, i) => {
    const answer = answers[i];
    const has = held.get("62" + cart.phone.slice(1)) ?? { lines: 0, units: 0 };
    if (answer.status >= 500) a.fivexx++;
    if (answer.status === 201) {
      a.placed++;
      a.roundTrips.push(answer.roundTrips);
      const units = cart.items.reduce((n, l) => n + l.quantity, 0);
      if (has.lines !== cart.items.length || has.units !== units) a.partial++;
    } else if (answer.status === 409) {
      a.refused++;
      if (has.lines !== 0) a.partial++;
    } else a.other++;
  });
  a.unitsSold = sold.reduce((n, p) => n + p.ordered, 0);
  a.oversold = sold.filter((p) => p.stock < 0 || p.stock + p.ordered !== STOCK).length;
  a.roundTrips = { min: Math.min(...a.roundTrips), max: Math.max(...a.roundTrips) };
  return a;
}

try {
  const j = await registerJastiper(app);
  // Warm-up: the isolate has run a checkout's code paths (placed and refused)
  // on another trip, as a deployed Worker has before a trip opens.
  const warm = await warTrip(j.token, "warmup", "0851");
  await blast(150, CONNECTIONS, "/api/orders", (i) => order(warm.carts[i]));
  await blast(BUYERS, CONNECTIONS, "/api/health", () => ({}));

  const spread = await warTrip(j.token, "warspread", "0852");
  const floorSpread = await arrivals(BUYERS, WINDOW_S, "/api/health", () => ({}));
  const warSpread = await arrivals(BUYERS, WINDOW_S, "/api/orders", (i) => order(spread.carts[i]));
  const burst = await warTrip(j.token, "warburst", "0853");
  const floorBurst = await blast(BUYERS, CONNECTIONS, "/api/health", () => ({}));
  const warBurst = await blast(BUYERS, CONNECTIONS, "/api/orders", (i) => order(burst.carts[i]));

  const fs1 = figures(floorSpread.answers, floorSpread.seconds);
  const ws = ratios(figures(warSpread.answers, warSpread.seconds), fs1);
  const placedSpread = ratios(figures(warSpread.answers.filter((x) => x.status === 201), warSpread.seconds), fs1);
  const fb = figures(floorBurst.answers, floorBurst.seconds);
  const wb = ratios(figures(warBurst.answers, warBurst.seconds), fb);
  const placedBurst = ratios(figures(warBurst.answers.filter((x) => x.status === 201), warBurst.seconds), fb);
  const s = await audit(spread.trip, spread.carts, warSpread.answers);
  const b = await audit(burst.trip, burst.carts, warBurst.answers);

  const ok = (x) => x.fivexx === 0 && x.other === 0 && x.oversold === 0 && x.partial === 0 && x.unitsSold <= PRODUCTS * STOCK;
  console.log("\n### Target 1, the order war\n");
  console.log(`${BUYERS} carts of 1–3 lines against ${PRODUCTS} products × stock ${STOCK}; "spread": arriving evenly within ${WINDOW_S} s; "burst": as fast as ${CONNECTIONS} connections allow.\n`);
  console.log("| figure | spread | burst | target | |\n| --- | --- | --- | --- | --- |");
  console.log(`| placed / refused (409) / other / 5xx | ${s.placed} / ${s.refused} / ${s.other} / ${s.fivexx} | ${b.placed} / ${b.refused} / ${b.other} / ${b.fivexx} | no 5xx | ${verdict(ok(s) && ok(b))} |`);
  console.log(`| units sold of ${PRODUCTS * STOCK}; products oversold; carts half-written | ${s.unitsSold}; ${s.oversold}; ${s.partial} | ${b.unitsSold}; ${b.oversold}; ${b.partial} | 0 oversold, all-or-nothing | ${verdict(s.oversold + b.oversold + s.partial + b.partial === 0)} |`);
  console.log(`| D1 round trips per placed checkout | ${s.roundTrips.min}–${s.roundTrips.max} | ${b.roundTrips.min}–${b.roundTrips.max} | ≤ 2 | ${verdict(Math.max(s.roundTrips.max, b.roundTrips.max) <= 2)} |`);
  console.log(`| all checkouts p50 (floor ${fs1.p50ms} / ${fb.p50ms} ms) | ${ws.p50ms} ms, **${ws.p50x}×** | ${wb.p50ms} ms, ${wb.p50x}× | ≤ 2× | ${verdict(ws.p50x <= 2)} |`);
  console.log(`| all checkouts p99 (floor ${fs1.p99ms} / ${fb.p99ms} ms) | ${ws.p99ms} ms, **${ws.p99x}×** | ${wb.p99ms} ms, ${wb.p99x}× | ≤ 3× | ${verdict(ws.p99x <= 3)} |`);
  console.log(`| placed checkouts only: p50, p99 | ${placedSpread.p50x}×, ${placedSpread.p99x}× | ${placedBurst.p50x}×, ${placedBurst.p99x}× | | |`);
  console.log(`| throughput (floor ${fb.rps} req/s in the burst) | (the arrival rate, ${ws.rps} req/s) | ${wb.rps} req/s, **${wb.rpsx}×** | ≥ 0.5× | ${verdict(wb.rpsx >= 0.5)} |`);
  console.log(JSON.stringify({ war: { spread: { floor: fs1, checkout: ws, placed: placedSpread, audit: s }, burst: { floor: fb, checkout: wb, placed: placedBurst, audit: b } } }));
} finally {
  await app.close();
}
