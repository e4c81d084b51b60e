// The trip after its deadline (issue 19): the shopping list and "tidak
// dapat", the arrival message and the one reminder, the rekap with its bulk
// actions and labels, the CSV exports — in the real runtime.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnApp, registerJastiper } from "../support/app.mjs";
import { createTrip, createProduct, form, upload, PNG_1x1 } from "../support/fixtures.mjs";
import { addParticipants } from "../support/people.mjs";
import { eventually } from "../support/whatsapp.mjs";
import { Browser } from "../support/browser-session.mjs";

let app, j, other;
before(async () => {
  app = await spawnApp();
  j = await registerJastiper(app);
  other = await registerJastiper(app);
});
after(async () => { await app?.close(); });

const as = (who) => ({ token: who.token });
const sends = (phone) => app.graph.sends().filter((s) => s.body.to === phone).map((s) => JSON.stringify(s.body));
const bill = async (b) => (await app.json("GET", `/api/bills/${b.id}?token=${b.accessToken}`)).body.bill;
let n = 0;
const pay = (b, amount) => upload(app, "POST", `/api/bills/${b.id}/payments?token=${b.accessToken}`, form({ amount }, Buffer.concat([PNG_1x1, Buffer.from(`r${n++}`)])));

/** A 50 % DP trip, three confirmed penitip (one named like a formula), carts placed. */
async function trip(prefix) {
  const t = await createTrip(app, j.token, { dpPercent: 50 });
  const phones = await addParticipants(app.db, t.id, 3, { prefix, lastInboundAt: new Date().toISOString() });
  const banana = await createProduct(app, j.token, t.id, { title: "Tokyo Banana", price: 100000, stock: 20 });
  const kitkat = await createProduct(app, j.token, t.id, { title: "Kitkat Matcha", price: 50000, stock: 20 });
  const names = ["Siti Aminah", "=HYPERLINK(\"http://evil.test\",\"klik\")", "Rina"];
  const bills = [];
  for (const [i, phone] of phones.entries()) {
    await app.db.prepare("UPDATE participants SET name = ? WHERE trip_id = ? AND phone = ?").bind(names[i], t.id, phone).run();
    const placed = await app.json("POST", "/api/orders", { phone: `0${phone.slice(2)}`, name: names[i], notes: i === 0 ? "yang pink" : undefined,
      items: [{ productId: banana.id, quantity: 2 }, { productId: kitkat.id, quantity: 1 }] });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    bills.push(placed.body.bill);
  }
  return { t, phones, banana, kitkat, bills };
}

describe("after the deadline", () => {
  test("the shopping list counts what to buy for whom; a line found short re-totals the bill, turns a paid DP into a refund and tells the penitip once", async () => {
    const { t, phones, banana, bills } = await trip("6281570");
    const list = await app.json("GET", `/api/trips/${t.id}/shopping-list`, undefined, as(j));
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.items.map((i) => [i.title, i.units]), [["Kitkat Matcha", 3], ["Tokyo Banana", 6]], "alphabetical, for walking the shop");
    assert.equal(list.body.items[1].buyers.find((b) => b.name === "Siti Aminah").notes, "yang pink");
    // Siti paid her DP (Rp 125.000) in full for Rp 250.000 of goods, then one Tokyo Banana is all there was.
    const p = (await pay(bills[0], "125000")).body.payment;
    await app.json("POST", `/api/payments/${p.id}/confirm`, {}, as(j));
    const line = (await bill(bills[0])).items.find((i) => i.productId === banana.id);
    assert.equal((await app.json("POST", `/api/orders/${line.orderId}/found`, { quantity: 3 }, as(j))).status, 400, "never more than ordered");
    assert.equal((await app.json("POST", `/api/orders/${line.orderId}/found`, { quantity: 1 }, as(other))).status, 404);
    const short = await app.json("POST", `/api/orders/${line.orderId}/found`, { quantity: 1 }, as(j));
    assert.equal(short.status, 200);
    let now = await bill(bills[0]);
    assert.deepEqual([now.subtotal, now.total, now.dpDue, now.paid], [150000, 150000, 75000, 125000]);
    await eventually(() => sends(phones[0]).some((s) => s.includes("Tokyo Banana hanya dapat 1 dari 2") && s.includes("Rp 150.000")), { what: "found-short message" });
    const kit = now.items.find((i) => i.productId !== banana.id);
    await app.json("POST", `/api/orders/${kit.orderId}/found`, { quantity: 0 }, as(j));
    now = await bill(bills[0]);
    assert.deepEqual([now.total, now.refundDue], [100000, 25000], "a DP paid for what was not found is owed back");
    await eventually(() => sends(phones[0]).some((s) => s.includes("Kitkat Matcha tidak dapat di toko") && s.includes("Kelebihan bayar Rp 25.000")), { what: "not-found message" });
    const page = await (await app.fetch(`/b/${bills[0].id}?token=${bills[0].accessToken}`)).text();
    assert.ok(page.includes("Kelebihan bayar") && page.includes("Rp 25.000"));
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(sends(phones[0]).filter((s) => s.includes("tidak dapat di toko")).length, 1, "told once");
    const after = await app.json("GET", `/api/trips/${t.id}/shopping-list`, undefined, as(j));
    assert.equal(after.body.items.find((i) => i.title === "Tokyo Banana").units, 5);
  });

  test("the goods arrived: every penitip still owing hears her lines, ongkir and balance once; one reminder follows after the trip's days", async () => {
    const { t, phones, bills } = await trip("6281571");
    // Rina is lunas already; the other two owe.
    const p = (await pay(bills[2], "250000")).body.payment;
    await app.json("POST", `/api/payments/${p.id}/confirm`, {}, as(j));
    await app.json("PATCH", `/api/bills/${bills[0].id}`, { shippingCost: 15000 }, as(j));
    const told = await app.json("POST", `/api/trips/${t.id}/arrived`, undefined, as(j));
    assert.equal(told.status, 200);
    assert.equal(told.body.told, 2);
    await eventually(() => sends(phones[0]).some((s) => s.includes("sudah sampai") && s.includes("Ongkir Rp 15.000") && s.includes("Rp 265.000")), { what: "arrival message" });
    assert.equal((await app.json("POST", `/api/trips/${t.id}/arrived`, undefined, as(j))).body.told, 0, "once per bill");
    assert.ok(!sends(phones[2]).some((s) => s.includes("sudah sampai")), "a lunas penitip is not told");
    assert.equal((await app.json("POST", `/api/trips/${t.id}/arrived`, undefined, as(other))).status, 404);
    // Three days later the cron sends one reminder to each bill still owing, and only one.
    await app.db.prepare("UPDATE trips SET arrived_at = ? WHERE id = ?").bind(new Date(Date.now() - 4 * 86400e3).toISOString(), t.id).run();
    const worker = await app.mf.getWorker();
    await worker.scheduled({ cron: "*/10 * * * *" });
    await eventually(() => sends(phones[1]).some((s) => s.includes("Pengingat")), { what: "reminder" });
    await worker.scheduled({ cron: "*/10 * * * *" });
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(sends(phones[1]).filter((s) => s.includes("Pengingat")).length, 1, "one reminder per bill");
    assert.ok(!sends(phones[2]).some((s) => s.includes("Pengingat")));
  });

  test("bills.csv and the shopping list's CSV open in Excel: a BOM, the right columns, a neutralised formula, only for the owner", async () => {
    const { t } = await trip("6281572");
    const r = await app.fetch(`/api/trips/${t.id}/bills.csv`, { headers: { authorization: `Bearer ${j.token}` } });
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-type"), /^text\/csv; charset=utf-8/);
    assert.match(r.headers.get("content-disposition"), /attachment; filename="rekap-/);
    const bytes = new Uint8Array(await r.arrayBuffer());
    assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf], "UTF-8 BOM");
    const text = new TextDecoder().decode(bytes.slice(3));
    const [header, ...rows] = text.trimEnd().split("\r\n");
    assert.equal(header, "Penitip,WhatsApp,Barang,Jumlah,Harga satuan,Subtotal barang,Status barang,Total tagihan,Sudah dibayar,Sisa,Status tagihan,Kurir,Resi,Alamat,Catatan");
    assert.equal(rows.length, 6, "one row per bill line");
    assert.ok(rows.some((row) => row.startsWith("\"'=HYPERLINK(")), `the formula is neutralised: ${rows[2]}`);
    assert.ok(!rows.some((row) => row.startsWith("=")));
    assert.ok(rows[0].startsWith("Siti Aminah,'+62"), "a phone is text, not a formula");
    assert.ok(rows[0].includes(",Tokyo Banana,2,100000,200000,"));
    const s = await app.fetch(`/api/trips/${t.id}/shopping-list.csv`, { headers: { authorization: `Bearer ${j.token}` } });
    const shop = (await s.text()).replace(/^\uFEFF/, "");
    assert.ok(shop.startsWith("Barang,Total dibeli,Penitip,Jumlah,Catatan,Sudah bayar\r\nKitkat Matcha,3,"));
    for (const path of [`/api/trips/${t.id}/bills.csv`, `/api/trips/${t.id}/shopping-list.csv`, `/api/trips/${t.id}/shopping-list`]) {
      assert.equal((await app.fetch(path, { headers: { authorization: `Bearer ${other.token}` } })).status, 404, path);
      assert.equal((await app.fetch(path)).status, 401, path);
    }
  });
});

describe("the rekap in the dashboard", () => {
  test("filters, totals, bulk ship with each resi, bulk reminders, A6 labels, the group text without phone numbers, CSV for the session, and another jastiper's 404", async () => {
    const b = new Browser(app);
    await b.register("rekap@example.com", { slug: "rekapin" });
    const made = await b.post("/dashboard/trips/new", { title: "Rekap Seoul", slug: "rkp01", description: "", deadline: "", isActive: "on", currency: "IDR", exchangeRate: "", feePercent: "", feePerItem: "", roundTo: "1", dpPercent: "" });
    const tripId = made.location.split("/").pop();
    const fd = new FormData();
    for (const [k, v] of Object.entries({ title: "Laneige Lip", price: "120.000", stock: "9", maxPerBuyer: "5", status: "active", description: "" })) fd.set(k, v);
    await b.postMultipart(`/dashboard/trips/${tripId}/products/new`, fd);
    const product = await app.db.prepare("SELECT id FROM products WHERE trip_id = ?").bind(tripId).first();
    const phones = await addParticipants(app.db, tripId, 3, { prefix: "6281573", lastInboundAt: new Date().toISOString() });
    const placed = [];
    for (const [i, phone] of phones.entries()) {
      placed.push((await app.json("POST", "/api/orders", { phone: `0${phone.slice(2)}`, name: `Penitip ${i} Nama`, productId: product.id, quantity: 1 })).body.bill);
    }
    // Two are lunas (confirmed by the jastiper's own payment check), one still owes.
    for (const bl of placed.slice(0, 2)) {
      const p = (await pay(bl, "120000")).body.payment;
      assert.equal((await b.post(`/dashboard/payments/${p.id}/confirm`, { amount: "120000" })).status, 303);
    }
    const page = await b.get(`/dashboard/trips/${tripId}/recap`);
    assert.equal(page.status, 200);
    assert.ok(page.html.includes('id="to-collect">Rp 120.000') && page.html.includes('id="collected">Rp 240.000'), "the totals");
    assert.ok(page.html.includes("Lunas (2)") && page.html.includes("Belum dibayar (1)"), "counts per status");
    const lunas = await b.get(`/dashboard/trips/${tripId}/recap?status=paid`);
    assert.equal((lunas.html.match(/<tr data-status="paid"/g) ?? []).length, 2);
    assert.ok(!lunas.html.includes('<tr data-status="unpaid"'));
    const group = page.html.match(/<textarea id="group-text"[^>]*>([\s\S]*?)<\/textarea>/)[1];
    assert.ok(group.includes("Penitip — Lunas") && group.includes("Laneige Lip ×1"));
    assert.ok(!phones.some((p) => group.includes(p.slice(2))), "no phone numbers in the group text");

    const shipped = await b.post(`/dashboard/trips/${tripId}/recap/ship`, { courier: "jne", [`sel-${placed[0].id}`]: "on", [`resi-${placed[0].id}`]: "JNE000111", [`sel-${placed[1].id}`]: "on", [`resi-${placed[1].id}`]: "", [`sel-${placed[2].id}`]: "on" });
    assert.equal(shipped.status, 303);
    assert.match(shipped.location, /done=shipped&n=1&skipped=2/, "one shipped; no resi and not lunas are skipped");
    assert.equal((await bill(placed[0])).status, "shipped");
    assert.equal((await bill(placed[1])).status, "paid");
    const reminded = await b.post(`/dashboard/trips/${tripId}/recap/remind`, { courier: "jne", [`sel-${placed[2].id}`]: "on", [`sel-${placed[1].id}`]: "on" });
    assert.match(reminded.location, /done=reminded&n=1/, "only the bill that owes is reminded");
    await eventually(() => sends(phones[2]).some((s) => s.includes("Pengingat")), { what: "manual reminder" });
    const labels = await b.post(`/dashboard/trips/${tripId}/recap/labels`, { courier: "jne", [`sel-${placed[0].id}`]: "on", [`sel-${placed[1].id}`]: "on" });
    assert.equal(labels.status, 200);
    assert.equal((labels.html.match(/<section class="label">/g) ?? []).length, 2, "one A6 label per chosen bill");
    assert.ok(labels.html.includes("Penitip 0") && labels.html.includes("Laneige Lip ×1"));
    const csv = await b.get(`/dashboard/trips/${tripId}/rekap.csv`);
    assert.equal(csv.status, 200);
    assert.ok(csv.html.includes("JNE000111"), "the resi is in the export");
    const shopping = await b.get(`/dashboard/trips/${tripId}/shopping`);
    assert.ok(shopping.html.includes("Laneige Lip") && shopping.html.includes("Tidak dapat"));

    const thief = new Browser(app);
    await thief.register("rekap-thief@example.com", { slug: "rekapthief" });
    for (const path of [`/dashboard/trips/${tripId}/recap`, `/dashboard/trips/${tripId}/rekap.csv`, `/dashboard/trips/${tripId}/belanja.csv`, `/dashboard/trips/${tripId}/shopping`]) {
      assert.equal((await thief.get(path)).status, 404, path);
    }
    assert.equal((await thief.post(`/dashboard/trips/${tripId}/recap/ship`, { courier: "jne", [`sel-${placed[1].id}`]: "on", [`resi-${placed[1].id}`]: "X1234" })).status, 404);
    assert.equal((await thief.post(`/dashboard/trips/${tripId}/recap/labels`, { courier: "jne", [`sel-${placed[1].id}`]: "on" })).status, 404, "no labels of her bills");
    assert.equal((await thief.post(`/dashboard/trips/${tripId}/arrived`, {})).status, 404);
    assert.equal((await bill(placed[1])).status, "paid", "nothing changed");
  });
});
