// npm run bench:dashboard: every dashboard page of a seeded jastiper (3 trips,
// 8 products and 40 orders on the first, 10 participants, a 50 % DP and a
// payment on each bill) in workerd: HTML bytes raw and gzip, D1 round trips
// (x-d1-round-trips) and rows read (x-d1-rows-read), and the median and p95
// latency of 50 loads each on loopback. Prints a Markdown table.
import zlib from "node:zlib";
import { spawnApp } from "../tests/support/app.mjs";
import { Browser } from "../tests/support/browser-session.mjs";
import { placeOrder, form, upload, PNG_1x1 } from "../tests/support/fixtures.mjs";
import { deliver, textDelivery, eventually } from "../tests/support/whatsapp.mjs";

const RUNS = Number(process.env.BENCH_RUNS ?? 50);
const app = await spawnApp({ bindings: { BENCHMARK: "1" } });
try {
  const b = new Browser(app);
  await b.register("bench@example.com", { slug: "benchtina" });
  await b.post("/dashboard/profile", { profileName: "Bench Tina", profileBio: "Jepang", bankName: "BCA", bankAccount: "1234567890", bankHolder: "Tina", gopay: "081211112222", ovo: "", dana: "", shopeepay: "" });
  const trips = [];
  for (const slug of ["bench1", "bench2", "bench3"]) {
    const r = await b.post("/dashboard/trips/new", { title: `Trip ${slug}`, slug, description: "", deadline: "2099-12-31", isActive: "on", dpPercent: "50" });
    trips.push(r.location.split("/").pop());
  }
  for (let i = 0; i < 8; i++) {
    const fd = new FormData();
    for (const [k, v] of Object.entries({ title: `Produk ${i}`, price: String(10000 * (i + 1)), stock: "100", maxPerBuyer: "10", status: "active" })) fd.set(k, v);
    await b.postMultipart(`/dashboard/trips/${trips[0]}/products/new`, fd);
  }
  const products = (await app.db.prepare("SELECT id FROM products WHERE trip_id = ?").bind(trips[0]).all()).results;
  const orders = [];
  for (let i = 0; i < 40; i++) {
    const o = await placeOrder(app, products[i % products.length].id, { phone: `08127000${String(i % 10).padStart(4, "0")}`, name: `Penitip ${i % 10}` });
    orders.push(o.body.order.id);
  }
  // Each of the 10 buyers' bills gets one more line and one payment proof.
  const payments = [];
  for (let i = 0; i < 10; i++) {
    const placed = await placeOrder(app, products[0].id, { phone: `08127000${String(i).padStart(4, "0")}`, name: `Penitip ${i}` });
    const bl = placed.body.bill;
    const p = await upload(app, "POST", `/api/bills/${bl.id}/payments?token=${bl.accessToken}`, form({ amount: "10000" }, Buffer.concat([PNG_1x1, Buffer.from(`b${i}`)])));
    payments.push([bl, p.body.payment]);
  }
  const [bill] = payments[0];
  // The inbox: each buyer (her web order made her a participant) writes twice.
  for (let i = 0; i < 10; i++) {
    for (const words of ["Kak, kapan sampai?", "Makasih kak"]) {
      await deliver(app, textDelivery(words, { from: `628127000${String(i).padStart(4, "0")}`, name: `Penitip ${i}` }).body);
    }
  }
  await eventually(async () => (await app.db.prepare("SELECT COUNT(*) AS n FROM inbox_messages").first()).n === 20, { what: "20 inbox messages", ms: 30000 });
  const thread = (await app.db.prepare("SELECT id FROM inbox_threads LIMIT 1").first()).id;
  const pages = [
    ["/dashboard", "home (3 trips, analytics)"],
    ["/dashboard/profile", "profile"],
    [`/dashboard/trips/${trips[0]}`, "trip (8 products)"],
    [`/dashboard/trips/${trips[0]}/orders`, "orders (40)"],
    [`/dashboard/trips/${trips[0]}/orders?status=pending`, "orders, one status"],
    [`/dashboard/orders/${orders[0]}`, "one order"],
    [`/dashboard/trips/${trips[0]}/participants`, "participants (10, 40 orders)"],
    [`/dashboard/trips/${trips[0]}/messages`, "broadcast and outbox"],
    [`/invoice/${orders[0]}`, "invoice (owner)"],
    [`/dashboard/bills/${bill.id}`, "one bill (lines, payments, shipping)"],
    [`/dashboard/trips/${trips[0]}/payments`, "payments waiting (10)"],
    [`/dashboard/trips/${trips[0]}/recap`, "rekap (10 bills, 50 lines)"],
    [`/dashboard/trips/${trips[0]}/shopping`, "shopping list (8 products)"],
    [`/dashboard/bills?amount=10000`, "find a bill by amount"],
    [`/dashboard/trips/${trips[0]}/rekap.csv`, "bills.csv (50 lines)"],
    [`/b/${bill.id}?token=${bill.accessToken}`, "the penitip's bill page"],
    ["/dashboard/inbox", "inbox (10 conversations)"],
    [`/dashboard/inbox/${thread}`, "one conversation (2 messages)"],
  ];
  console.log("| page | HTML bytes | gzip | D1 round trips | D1 rows read | median ms | p95 ms |\n| --- | --- | --- | --- | --- | --- | --- |");
  for (const [path, name] of pages) {
    const first = await b.get(path);
    if (first.status !== 200) throw new Error(`${path}: ${first.status}`);
    const rows = first.res.headers.get("x-d1-rows-read");
    const roundTrips = first.res.headers.get("x-d1-round-trips");
    const times = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await b.get(path);
      times.push(performance.now() - t);
    }
    times.sort((x, y) => x - y);
    const raw = Buffer.byteLength(first.html);
    const gz = zlib.gzipSync(first.html, { level: 9 }).length;
    const q = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(1);
    console.log(`| \`${path.replace(/[0-9a-f]{32}/g, "…")}\` ${name} | ${raw.toLocaleString("en")} | ${gz.toLocaleString("en")} | ${roundTrips} | ${rows} | ${q(0.5)} | ${q(0.95)} |`);
  }
} finally {
  await app.close();
}
