// The big trip (issue 21, target 2): one trip with 5,000 participants, 2,000
// bills (two lines each) and 1,000 inbox conversations, seeded straight into
// local D1; then every owner view, API and dashboard, is loaded: its D1 round
// trips and rows read (BENCHMARK=1 headers) against the rows it shows, and
// its p50 under autocannon as a ratio to the floor (GET /api/health) in the
// same run. Also the whole trip's bills.csv: bytes, time, rows read.
import { spawnApp } from "../tests/support/app.mjs";
import { Browser } from "../tests/support/browser-session.mjs";
import { cannon, verdict } from "./load.mjs";

const PEOPLE = Number(process.env.BIG_PEOPLE ?? 5000);
const BILLS = Number(process.env.BIG_BILLS ?? 2000);
const THREADS = Number(process.env.BIG_THREADS ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONCURRENCY ?? 20);

const app = await spawnApp({ bindings: { BENCHMARK: "1" } });
try {
  const b = new Browser(app);
  await b.register("big@example.com", { slug: "bigtrip" });
  const login = await app.json("POST", "/api/auth/login", { email: "big@example.com", password: "rahasia-123" });
  const token = login.body?.token;
  if (!token) throw new Error(`login: ${login.status} ${JSON.stringify(login.body)}`);
  const trip = (await app.json("POST", "/api/trips", { title: "Jastip Tokyo Desember", slug: "bigtokyo", isActive: true }, { token })).body.trip;
  for (let i = 0; i < 20; i++) {
    await app.json("POST", `/api/trips/${trip.id}/products`, { title: `Produk ${i}`, price: 50_000 + i * 1000, stock: 100_000 }, { token });
  }
  const me = (await app.db.prepare("SELECT jastiper_id FROM trips WHERE id = ?1").bind(trip.id).first()).jastiper_id;

  // Seed: straight SQL, one statement per table (the API would take minutes).
  const t0 = Date.now();
  const seq = (n) => `WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < ${n})`;
  await app.db.batch([
    app.db.prepare(`${seq(PEOPLE)} INSERT INTO participants (id, trip_id, phone, name, joined_at, confirmed_at, last_inbound_at)
      SELECT printf('a1%030d', n), ?1, printf('62814%08d', n), 'Penitip ' || n,
             strftime('%Y-%m-%dT%H:%M:%fZ', '2026-11-01', '+' || n || ' seconds'),
             '2026-11-02T00:00:00.000Z', '2026-11-02T00:00:00.000Z' FROM s`).bind(trip.id),
    app.db.prepare(`${seq(BILLS)} INSERT INTO bills (id, trip_id, participant_id, status, created_at, updated_at, jastiper_id)
      SELECT printf('b1%030d', n), ?1, printf('a1%030d', n), CASE n % 4 WHEN 0 THEN 'unpaid' WHEN 1 THEN 'dp_paid' WHEN 2 THEN 'paid' ELSE 'shipped' END,
             strftime('%Y-%m-%dT%H:%M:%fZ', '2026-11-05', '+' || n || ' seconds'), '2026-11-05T00:00:00.000Z', ?2 FROM s`).bind(trip.id, me),
    app.db.prepare(`${seq(2 * BILLS)} INSERT INTO orders (id, trip_id, participant_id, product_id, quantity, unit_price, total_price, status,
        access_token_hash, created_at, updated_at, buyer_name, bill_id, checkout_id)
      SELECT printf('c1%030d', n), ?1, printf('a1%030d', (n + 1) / 2), p.id, 1, p.price, p.price,
             CASE ((n + 1) / 2) % 4 WHEN 0 THEN 'pending' WHEN 3 THEN 'shipped' ELSE 'confirmed' END,
             printf('hash%05d', n), strftime('%Y-%m-%dT%H:%M:%fZ', '2026-11-05', '+' || n || ' seconds'), '2026-11-05T00:00:00.000Z',
             'Penitip ' || ((n + 1) / 2), printf('b1%030d', (n + 1) / 2), printf('e1%030d', (n + 1) / 2)
      FROM s JOIN (SELECT id, price, row_number() OVER (ORDER BY id) - 1 AS k FROM products WHERE trip_id = ?1) p ON p.k = n % 20`).bind(trip.id),
    app.db.prepare(`UPDATE bills SET subtotal = (SELECT SUM(total_price) FROM orders WHERE bill_id = bills.id),
      total = (SELECT SUM(total_price) FROM orders WHERE bill_id = bills.id) WHERE trip_id = ?1`).bind(trip.id),
    app.db.prepare(`UPDATE bills SET paid = CASE status WHEN 'unpaid' THEN 0 WHEN 'dp_paid' THEN total / 2 ELSE total END WHERE trip_id = ?1`).bind(trip.id),
    app.db.prepare(`${seq(THREADS)} INSERT INTO inbox_threads (id, jastiper_id, sender, trip_id, name, last_body, last_at, last_inbound_at, unread)
      SELECT printf('d1%030d', n), ?2, printf('62814%08d', n), ?1, 'Penitip ' || n, 'Kak, kapan sampai?',
             strftime('%Y-%m-%dT%H:%M:%fZ', '2026-11-20', '+' || n || ' seconds'), '2026-11-20T00:00:00.000Z', n % 3 FROM s`).bind(trip.id, me),
    app.db.prepare(`INSERT INTO inbox_messages (id, thread_id, direction, body, ref, created_at)
      SELECT 'f' || substr(id, 2), id, 'in', last_body, 'wamid.' || id, last_at FROM inbox_threads WHERE jastiper_id = ?1`).bind(me),
  ]);
  const seededMs = Date.now() - t0;
  const bill = "b1" + "1".padStart(30, "0");
  const thread = "d1" + "1".padStart(30, "0");

  const api = { authorization: `Bearer ${token}` };
  const html = { cookie: b.cookie };
  // Rows shown: in JSON every object with an id (a bill, each of its lines,
  // its buyer, each payment: each a row of some table); in HTML every distinct
  // record id the page links or posts to, plus every table row of figures.
  const objects = (v) => (Array.isArray(v) ? v.reduce((n, x) => n + objects(x), 0)
    : v && typeof v === "object" ? ("id" in v || "orderId" in v ? 1 : 0) + Object.values(v).reduce((n, x) => n + objects(x), 0) : 0);
  const json = (text) => objects(JSON.parse(text));
  const page = (text) => new Set(text.match(/[0-9a-f]{32}/g) ?? []).size + (text.match(/<tr[\s>]/g) ?? []).length;
  // [name, path, headers, rows shown]
  const views = [
    ["API trip (owner)", `/api/trips/${trip.id}`, api, json],
    ["API participants", `/api/trips/${trip.id}/participants`, api, json],
    ["API bills", `/api/trips/${trip.id}/bills`, api, json],
    ["API orders", `/api/orders/${trip.id}`, api, json],
    ["API shopping list", `/api/trips/${trip.id}/shopping-list`, api, json],
    ["API inbox", "/api/inbox", api, json],
    ["dashboard trip", `/dashboard/trips/${trip.id}`, html, page],
    ["dashboard orders", `/dashboard/trips/${trip.id}/orders`, html, page],
    ["dashboard participants", `/dashboard/trips/${trip.id}/participants`, html, page],
    ["dashboard rekap", `/dashboard/trips/${trip.id}/recap`, html, page],
    ["dashboard shopping list", `/dashboard/trips/${trip.id}/shopping`, html, page],
    ["dashboard payments", `/dashboard/trips/${trip.id}/payments`, html, page],
    ["dashboard inbox", "/dashboard/inbox", html, page],
    ["dashboard home", "/dashboard", html, page],
    ["dashboard one bill", `/dashboard/bills/${bill}`, html, page],
    ["dashboard one conversation", `/dashboard/inbox/${thread}`, html, page],
  ];
  const floor = await cannon({ url: `${app.url}/api/health`, connections: CONNECTIONS, duration: SECONDS });
  const results = [];
  for (const [name, path, headers, shown] of views) {
    const first = await app.fetch(path, { headers });
    const text = await first.text();
    if (first.status !== 200) throw new Error(`${name} ${path}: ${first.status} ${text.slice(0, 300)}`);
    const r = await cannon({ url: app.url + path, headers, connections: CONNECTIONS, duration: SECONDS });
    const rows = Number(first.headers.get("x-d1-rows-read"));
    const n = shown(text);
    results.push({
      name, path: path.replace(trip.id, ":trip"), roundTrips: Number(first.headers.get("x-d1-round-trips")), rowsRead: rows, rowsShown: n,
      bytes: Buffer.byteLength(text), p50ms: r.p50ms, p50x: +(r.p50ms / floor.p50ms).toFixed(2), errors: r.errors,
      paged: /nextCursor|rel="next"|data-next|\?after=/.test(text),
    });
  }
  // The whole trip's export, every line of every bill.
  const t = performance.now();
  const csv = await app.fetch(`/api/trips/${trip.id}/bills.csv`, { headers: api });
  const csvText = await csv.text();
  const csvMs = performance.now() - t;

  console.log(`\n### Target 2, the big trip (${PEOPLE} participants, ${BILLS} bills, ${2 * BILLS} lines, ${THREADS} conversations; seeded in ${seededMs} ms)\n`);
  console.log(`Floor: GET /api/health p50 ${floor.p50ms} ms (${CONNECTIONS} connections, ${SECONDS} s).\n`);
  console.log("| view | pages | D1 round trips (≤ 2) | rows read | rows shown | ≤ 2 × shown + 10 | p50 ms | × floor (≤ 1.5) | |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const r of results) {
    const ok = r.roundTrips <= 2 && r.rowsRead <= 2 * r.rowsShown + 10 && r.p50x <= 1.5;
    console.log(`| ${r.name} \`${r.path}\` | ${r.paged ? "cursor" : "no"} | ${r.roundTrips} | ${r.rowsRead} | ${r.rowsShown} | ${r.rowsRead <= 2 * r.rowsShown + 10 ? "yes" : "no"} | ${r.p50ms} | ${r.p50x} | ${verdict(ok)} |`);
  }
  console.log(`\n| bills.csv of the whole trip | ${csv.status} | ${(csvText.length / 1024).toFixed(0)} KiB, ${csvText.split("\n").length - 2} lines | ${Math.round(csvMs)} ms | ${csv.headers.get("x-d1-rows-read")} rows read | ${csv.headers.get("x-d1-round-trips")} round trips |`);
  console.log(JSON.stringify({ bigTrip: { floor, results, csv: { status: csv.status, bytes: csvText.length, ms: Math.round(csvMs) } } }));
} finally {
  await app.close();
}
