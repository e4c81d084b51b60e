// A jastip's money: foreign prices with a kurs and a fee, one cart per
// checkout, one bill per penitip per trip (issue 18), in the real runtime.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnApp, registerJastiper } from "../support/app.mjs";
import { createTrip, createProduct, form, PNG_1x1 } from "../support/fixtures.mjs";
import { addParticipants } from "../support/people.mjs";
import { eventually } from "../support/whatsapp.mjs";
import { Browser } from "../support/browser-session.mjs";

let app, j;
before(async () => {
  app = await spawnApp();
  j = await registerJastiper(app);
});
after(async () => { await app?.close(); });

const stock = async (id) => (await app.db.prepare("SELECT stock FROM products WHERE id = ?").bind(id).first()).stock;
const checkout = (body) => app.json("POST", "/api/orders", { phone: "081255550000", name: "Siti", ...body });

describe("prices", () => {
  test("a yen trip prices ¥1.200 at kurs 105,5 with a 10% fee and Rp 5.000 per item as Rp 145.000, shown with its breakdown", async () => {
    const trip = await createTrip(app, j.token, { currency: "JPY", exchangeRate: 105.5, feePercent: 10, feePerItem: 5000, roundTo: 1000 });
    assert.deepEqual([trip.currency, trip.exchangeRate, trip.feePercent, trip.feePerItem, trip.roundTo], ["JPY", 105.5, 10, 5000, 1000]);
    const p = await createProduct(app, j.token, trip.id, { title: "Tokyo Banana", price: undefined, priceOriginal: 1200 });
    assert.deepEqual([p.price, p.priceOriginal], [145000, 1200]);
    const page = await (await app.fetch(`/order?product=${p.slug}`)).text();
    assert.ok(page.includes("¥1.200 · kurs Rp 105,5 · fee 10% + Rp 5.000 → Rp 145.000"), "the breakdown");

    const placed = await checkout({ productId: p.id, quantity: 1, phone: "081255550001" });
    assert.equal(placed.status, 201);
    // A new kurs re-prices the product for new orders; the placed line keeps its price.
    const changed = await app.json("PATCH", `/api/trips/${trip.id}`, { exchangeRate: 110 }, { token: j.token });
    assert.equal(changed.status, 200);
    assert.equal(changed.body.trip.exchangeRate, 110);
    const after = await app.db.prepare("SELECT price FROM products WHERE id = ?").bind(p.id).first();
    assert.equal(after.price, 151000, "¥1.200 × 110 × 1,1 = 145.200 → 146.000, + 5.000");
    const line = await app.db.prepare("SELECT unit_price FROM orders WHERE id = ?").bind(placed.body.order.id).first();
    assert.equal(line.unit_price, 145000);
    // A kurs that would price a product past Rp 1.000.000.000 is refused whole: neither the trip nor a price changes.
    const pricey = await createProduct(app, j.token, trip.id, { title: "Rolex", price: undefined, priceOriginal: 5000000 });
    const tooHigh = await app.json("PATCH", `/api/trips/${trip.id}`, { exchangeRate: 900, title: "Jepang mahal" }, { token: j.token });
    assert.equal(tooHigh.status, 409);
    assert.equal(tooHigh.body.code, "price_conflict");
    assert.match(tooHigh.body.fields.exchangeRate, /Rolex/);
    const kept = await app.db.prepare("SELECT t.exchange_rate, t.title, p.price FROM trips t JOIN products p ON p.trip_id = t.id WHERE p.id = ?").bind(pricey.id).first();
    assert.deepEqual([kept.exchange_rate, kept.title, kept.price], [1100000, trip.title, 5000000 * 110 * 11 / 10 + 5000]);
    // A dollar price with cents.
    const usd = await createTrip(app, j.token, { currency: "USD", exchangeRate: 16250, roundTo: 500 });
    const cap = await createProduct(app, j.token, usd.id, { title: "Cap", price: undefined, priceOriginal: "12,50" });
    assert.deepEqual([cap.price, cap.priceOriginal], [203500, 12.5], "US$12,50 × 16.250 = 203.125 → 203.500");
  });

  test("a foreign trip needs its kurs, a rupiah trip takes none; every bad price is a clear 400", async () => {
    const noRate = await app.json("POST", "/api/trips", { title: "Korea", slug: "kor1", currency: "KRW" }, { token: j.token });
    assert.equal(noRate.status, 400);
    assert.match(noRate.body.fields.exchangeRate, /required unless currency is IDR/);
    const bad = await app.json("POST", "/api/trips", { title: "X", slug: "xxx1", currency: "XYZ", feePercent: 101, roundTo: 250 }, { token: j.token });
    assert.equal(bad.status, 400);
    assert.deepEqual(Object.keys(bad.body.fields).sort(), ["currency", "feePercent", "roundTo"]);
    const idr = await createTrip(app, j.token);
    // Which price a product takes is the trip's: the other one is a conflict naming it.
    const wrong = await app.json("POST", `/api/trips/${idr.id}/products`, { title: "A", priceOriginal: 10, stock: 1 }, { token: j.token });
    assert.equal(wrong.status, 409);
    assert.equal(wrong.body.code, "price_conflict");
    assert.ok(wrong.body.fields.priceOriginal);
    const yen = await createTrip(app, j.token, { currency: "JPY", exchangeRate: 105 });
    const cents = await app.json("POST", `/api/trips/${yen.id}/products`, { title: "A", priceOriginal: "12,50", stock: 1 }, { token: j.token });
    assert.equal(cents.status, 409, "yen have no decimals");
    assert.match(cents.body.fields.priceOriginal, /JPY has 0 decimals/);
    const rupiahInYen = await app.json("POST", `/api/trips/${yen.id}/products`, { title: "A", price: 5000, stock: 1 }, { token: j.token });
    assert.equal(rupiahInYen.status, 409);
  });

  test("rupiah is taken the ways people write it, and refused clearly otherwise", async () => {
    const trip = await createTrip(app, j.token);
    for (const price of ["125000", "125.000", "Rp 125.000", "Rp125.000,00", 125000]) {
      const p = await app.json("POST", `/api/trips/${trip.id}/products`, { title: `P ${price}`, price, stock: 1 }, { token: j.token });
      assert.equal(p.status, 201, `${price}: ${JSON.stringify(p.body)}`);
      assert.equal(p.body.product.price, 125000, String(price));
    }
    for (const price of ["12,5", "Rp 125.000,50", "seratus", "1.2.3"]) {
      const p = await app.json("POST", `/api/trips/${trip.id}/products`, { title: "Bad", price, stock: 1 }, { token: j.token });
      assert.equal(p.status, 400, String(price));
      assert.match(p.body.fields.price, /rupiah|sen/, String(price));
    }
  });
});

describe("one cart, one bill", () => {
  test("a cart of 3 products is one checkout and one bill with the right total; a later checkout joins the same bill", async () => {
    const trip = await createTrip(app, j.token);
    const [a, b, c] = await Promise.all([
      createProduct(app, j.token, trip.id, { title: "Tokyo Banana", price: 125000, stock: 10 }),
      createProduct(app, j.token, trip.id, { title: "Kitkat Matcha", price: 45000, stock: 10 }),
      createProduct(app, j.token, trip.id, { title: "Royce", price: 185000, stock: 10 }),
    ]);
    const placed = await checkout({ phone: "081233330001", items: [{ productId: a.id, quantity: 2 }, { productSlug: b.slug, quantity: 3 }, { productId: c.id, quantity: 1 }] });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    assert.equal(placed.body.orders.length, 3);
    const total = 2 * 125000 + 3 * 45000 + 185000;
    assert.deepEqual([placed.body.bill.total, placed.body.bill.balance, placed.body.bill.status], [total, total, "unpaid"]);
    assert.match(placed.body.bill.url, new RegExp(`/b/${placed.body.bill.id}\\?token=b\\.`));
    const bill = await app.json("GET", `/api/bills/${placed.body.bill.id}?token=${placed.body.bill.accessToken}`);
    assert.equal(bill.status, 200);
    assert.deepEqual(bill.body.bill.items.map((i) => [i.title, i.quantity, i.lineTotal]), [["Tokyo Banana", 2, 250000], ["Kitkat Matcha", 3, 135000], ["Royce", 1, 185000]]);
    assert.deepEqual([bill.body.bill.subtotal, bill.body.bill.total, bill.body.bill.paid, bill.body.bill.balance], [total, total, 0, total]);
    assert.equal(bill.body.bill.participant.name, "Siti");
    assert.equal((await app.json("GET", `/api/bills/${placed.body.bill.id}?token=b.forged`)).status, 404);
    const other = await registerJastiper(app);
    assert.equal((await app.json("GET", `/api/bills/${placed.body.bill.id}`, undefined, { token: other.token })).status, 404, "another jastiper's bill");

    const more = await checkout({ phone: "081233330001", items: [{ productId: a.id, quantity: 1 }] });
    assert.equal(more.body.bill.id, placed.body.bill.id, "one open bill per penitip per trip");
    assert.equal(more.body.bill.total, total + 125000);
    const list = await app.json("GET", `/api/trips/${trip.id}/bills`, undefined, { token: j.token });
    assert.equal(list.body.bills.length, 1);
    assert.equal(list.body.bills[0].items.length, 4);
  });

  test("the same checkout sent twice (double tap, a retry) places once and answers the bill it made", async () => {
    const trip = await createTrip(app, j.token);
    const p = await createProduct(app, j.token, trip.id, { stock: 5 });
    const body = { phone: "081233330002", checkoutKey: "form-key-12345", items: [{ productId: p.id, quantity: 2 }] };
    const [first, second] = await Promise.all([checkout(body), checkout(body)]);
    const statuses = [first.status, second.status].sort();
    assert.deepEqual(statuses, [200, 201]);
    assert.equal(first.body.bill.id, second.body.bill.id);
    assert.equal([first, second].find((r) => r.status === 200).body.repeated, true);
    assert.equal(await stock(p.id), 3, "reserved once");
    const n = await app.db.prepare("SELECT COUNT(*) AS n FROM orders WHERE product_id = ?").bind(p.id).first();
    assert.equal(n.n, 1);
    const again = await checkout({ ...body, items: [{ productId: p.id, quantity: 1 }] });
    assert.equal(again.status, 201, "the same form key with another cart is a new checkout");
  });

  test("100 carts of 2 lines against stock 10 of one line: exactly 10 carts placed, each whole or not at all", async () => {
    const trip = await createTrip(app, j.token);
    const scarce = await createProduct(app, j.token, trip.id, { title: "Scarce", stock: 10, price: 50000 });
    const plenty = await createProduct(app, j.token, trip.id, { title: "Plenty", stock: 1000, price: 10000 });
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) =>
      checkout({ phone: `0819${String(20000000 + i)}`, name: `P ${i}`, items: [{ productId: plenty.id, quantity: 1 }, { productId: scarce.id, quantity: 1 }] })));
    const statuses = results.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 201).length, 10, JSON.stringify(statuses));
    assert.ok(results.filter((r) => r.status !== 201).every((r) => r.status === 409 && r.body.code === "out_of_stock"));
    assert.equal(await stock(scarce.id), 0);
    assert.equal(await stock(plenty.id), 990, "no half cart: the plentiful line went back with every refused cart");
    const bills = await app.db.prepare("SELECT COUNT(*) AS n FROM bills WHERE trip_id = ?").bind(trip.id).first();
    assert.equal(bills.n, 10);
  });

  test("one WhatsApp receipt per checkout lists every line and the total", async () => {
    const trip = await createTrip(app, j.token);
    const [phone] = await addParticipants(app.db, trip.id, 1, { prefix: "62815555", lastInboundAt: new Date().toISOString() });
    const [a, b, c] = await Promise.all(["Matcha", "Pocky", "Hi-Chew"].map((title) => createProduct(app, j.token, trip.id, { title, price: 30000 })));
    const placed = await checkout({ phone: `0${phone.slice(2)}`, items: [a, b, c].map((p) => ({ productId: p.id, quantity: 1 })) });
    assert.equal(placed.status, 201);
    const receipts = await eventually(() => {
      const r = app.graph.sends().filter((s) => s.body.to === phone && JSON.stringify(s.body).includes("Pesananmu tercatat"));
      return r.length ? r : null;
    }, { what: "the receipt" });
    await new Promise((r) => setTimeout(r, 1000));
    const all = app.graph.sends().filter((s) => s.body.to === phone && JSON.stringify(s.body).includes("Pesananmu tercatat"));
    assert.equal(all.length, 1, "one message, not one per line");
    const text = receipts[0].body.text.body;
    for (const t of ["Matcha", "Pocky", "Hi-Chew", "Rp 90.000"]) assert.ok(text.includes(t), `${t} in ${text}`);
    assert.match(text, /\/b\/[0-9a-f]{32}\?token=b\./, "the bill's link");
  });
});

describe("the bill page", () => {
  test("an unpaid bill shows what to pay and takes a proof; then it says it waits for the jastiper, not that it was accepted", async () => {
    const trip = await createTrip(app, j.token);
    const p = await createProduct(app, j.token, trip.id, { title: "Shiroi Koibito", price: 99000 });
    const placed = await checkout({ phone: "081233330003", items: [{ productId: p.id, quantity: 2 }] });
    const path = `/b/${placed.body.bill.id}?token=${placed.body.bill.accessToken}`;
    const page = await (await app.fetch(path)).text();
    assert.ok(page.includes("Bayar sekarang") && page.includes("Rp 198.000") && page.includes("Shiroi Koibito"));
    assert.ok(page.includes('data-copy="pay-amount"'), "the amount has a copy button");
    assert.ok(page.includes("Belum dibayar"));
    const up = await app.fetch(`/b/${placed.body.bill.id}/proof?token=${placed.body.bill.accessToken}`, { method: "POST", body: form({ amount: "198.000" }, PNG_1x1) });
    assert.equal(up.status, 303);
    const after = await (await app.fetch(up.headers.get("location"))).text();
    assert.ok(after.includes("Menunggu dicek jastiper"));
    assert.ok(!after.includes("sudah diterima"), "nobody checked it yet");
    const line = await app.db.prepare("SELECT proof_key FROM orders WHERE id = ?").bind(placed.body.order.id).first();
    assert.ok(line.proof_key, "the jastiper sees the proof on the line");
    assert.equal((await app.fetch(`/b/${placed.body.bill.id}?token=b.forged`)).status, 404);
  });

  test("a cancelled or shipped bill shows nothing to pay and says which it is", async () => {
    const trip = await createTrip(app, j.token);
    const p = await createProduct(app, j.token, trip.id, { title: "Kaki", price: 70000, stock: 4 });
    const cancelled = await checkout({ phone: "081233330004", items: [{ productId: p.id, quantity: 2 }] });
    const noReason = await app.json("POST", `/api/bills/${cancelled.body.bill.id}/cancel`, {}, { token: j.token });
    assert.equal(noReason.status, 400);
    const done = await app.json("POST", `/api/bills/${cancelled.body.bill.id}/cancel`, { reason: "Stok di toko habis" }, { token: j.token });
    assert.equal(done.status, 200);
    assert.equal(done.body.bill.status, "cancelled");
    assert.equal(await stock(p.id), 4, "its stock is back on sale");
    assert.equal((await app.json("POST", `/api/bills/${cancelled.body.bill.id}/cancel`, { reason: "lagi" }, { token: j.token })).status, 409);
    const page = await (await app.fetch(`/b/${cancelled.body.bill.id}?token=${cancelled.body.bill.accessToken}`)).text();
    assert.ok(page.includes("Dibatalkan") && page.includes("Stok di toko habis"));
    assert.ok(!page.includes("Bayar sekarang") && !page.includes("payment-details") && !page.includes("Kirim bukti bayar"));

    const shipped = await checkout({ phone: "081233330005", items: [{ productId: p.id, quantity: 1 }] });
    const id = shipped.body.order.id;
    assert.equal((await app.json("PATCH", `/api/orders/${id}/confirm`, undefined, { token: j.token })).status, 200);
    const paid = await app.json("GET", `/api/bills/${shipped.body.bill.id}`, undefined, { token: j.token });
    assert.deepEqual([paid.body.bill.status, paid.body.bill.balance], ["paid", 0]);
    assert.equal((await app.json("PATCH", `/api/orders/${id}/ship`, undefined, { token: j.token })).status, 200);
    const shippedPage = await (await app.fetch(`/b/${shipped.body.bill.id}?token=${shipped.body.bill.accessToken}`)).text();
    assert.ok(shippedPage.includes("Sudah dikirim") && !shippedPage.includes("Bayar sekarang") && !shippedPage.includes("payment-details"));
    const next = await checkout({ phone: "081233330005", items: [{ productId: p.id, quantity: 1 }] });
    assert.notEqual(next.body.bill.id, shipped.body.bill.id, "after it ships, the next order starts a new bill");
  });

  test("the trip page's cart checks out several products at once; a resubmitted form shows the same bill", async () => {
    const trip = await createTrip(app, j.token, { slug: "cart1" });
    const a = await createProduct(app, j.token, trip.id, { title: "Tokyo Banana", price: 125000 });
    const b = await createProduct(app, j.token, trip.id, { title: "Kitkat", price: 45000 });
    const page = await (await app.fetch("/join?trip=cart1")).text();
    const field = (id) => page.match(new RegExp(`name="(qty-\\d{3}-${id})"`))[1];
    const key = page.match(/name="checkoutKey" value="([^"]+)"/)[1];
    const body = new URLSearchParams({ [field(a.id)]: "2", [field(b.id)]: "1", buyerName: "Rina", buyerPhone: "081244440001", buyerNotes: "", checkoutKey: key }).toString();
    const post = () => app.fetch("/checkout?trip=cart1", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
    const first = await post();
    assert.equal(first.status, 303);
    assert.match(first.headers.get("location"), /^\/b\/[0-9a-f]{32}\?token=b\./);
    const again = await post();
    assert.equal(again.headers.get("location"), first.headers.get("location"), "back + Pesan again: the same bill");
    const n = await app.db.prepare("SELECT COUNT(*) AS n FROM orders WHERE trip_id = ?").bind(trip.id).first();
    assert.equal(n.n, 2, "placed once");
    const bill = await (await app.fetch(first.headers.get("location"))).text();
    assert.ok(bill.includes("Rp 295.000"));
    const onPage = [field(a.id), field(b.id)].sort()[0] === field(a.id) ? ["Tokyo Banana", "Kitkat"] : ["Kitkat", "Tokyo Banana"];
    const lines = bill.slice(bill.indexOf("bill-lines"));
    assert.ok(lines.indexOf(onPage[0]) < lines.indexOf(onPage[1]), "the bill keeps the page's order");
    // A one-product order's own link leads to the bill that holds it.
    const single = await app.json("POST", "/api/orders", { productId: a.id, quantity: 1, phone: "081244440001", name: "Rina" });
    const orderLink = await app.fetch(`/order/${single.body.order.id}?token=${single.body.order.accessToken}`);
    assert.equal(orderLink.status, 303);
    assert.equal(orderLink.headers.get("location"), `/b/${single.body.bill.id}?token=${encodeURIComponent(single.body.bill.accessToken)}`, "the order's link opens its bill");
    const bad = await app.fetch("/checkout?trip=cart1", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ [`qty-${a.id}`]: "0", buyerName: "Rina", buyerPhone: "12", checkoutKey: "k-123456789" }).toString() });
    assert.equal(bad.status, 400);
    const html = await bad.text();
    assert.ok(html.includes("Pilih minimal satu barang") || html.includes("Nomor WhatsApp tidak valid"));
    assert.ok(html.includes('value="Rina"'), "the name typed is kept");
  });
});

describe("the dashboard's prices", () => {
  test("a jastiper sets a yen trip's kurs and fee as she writes them, adds a product in yen, and is told which bills keep their prices", async () => {
    const b = new Browser(app);
    await b.register("kurs@example.com", { slug: "kursin" });
    const bad = await b.post("/dashboard/trips/new", { title: "Jepang", slug: "kurs1", description: "", deadline: "", isActive: "on", currency: "JPY", exchangeRate: "", feePercent: "10", feePerItem: "", roundTo: "1000" });
    assert.equal(bad.status, 400);
    assert.ok(bad.html.includes("Kurs dalam Rupiah per 1 satuan"), "the missing kurs is explained");
    assert.ok(bad.html.includes('value="10"'), "the fee typed is kept");
    const made = await b.post("/dashboard/trips/new", { title: "Jepang", slug: "kurs1", description: "", deadline: "", isActive: "on", currency: "JPY", exchangeRate: "105,5", feePercent: "10", feePerItem: "5.000", roundTo: "1000" });
    assert.equal(made.status, 303, made.html.slice(0, 300));
    const tripId = made.location.split("/").pop();
    const trip = await app.db.prepare("SELECT currency, exchange_rate, fee_percent, fee_per_item, round_to FROM trips WHERE id = ?").bind(tripId).first();
    assert.deepEqual(trip, { currency: "JPY", exchange_rate: 1055000, fee_percent: 1000, fee_per_item: 5000, round_to: 1000 });
    const fd = new FormData();
    for (const [k, v] of Object.entries({ title: "Tokyo Banana", priceOriginal: "1.200", stock: "5", maxPerBuyer: "10", status: "active", description: "" })) fd.set(k, v);
    assert.equal((await b.postMultipart(`/dashboard/trips/${tripId}/products/new`, fd)).status, 303);
    const product = await app.db.prepare("SELECT id, price, price_original FROM products WHERE trip_id = ?").bind(tripId).first();
    assert.deepEqual([product.price, product.price_original], [145000, 1200]);
    await checkout({ phone: "081266660001", items: [{ productId: product.id, quantity: 1 }] });
    const page = await b.get(`/dashboard/trips/${tripId}`);
    assert.ok(page.html.includes("1 tagihan terbuka tetap memakai harga saat dipesan"));
    assert.ok(page.html.includes('value="105,5"'), "the kurs as she wrote it");
    const edit = await b.get(`/dashboard/products/${product.id}`);
    assert.ok(edit.html.includes("¥1.200 · kurs Rp 105,5 · fee 10% + Rp 5.000 → Rp 145.000"));
  });

  test("a rupiah product takes the price as people write it in the dashboard", async () => {
    const b = new Browser(app);
    await b.register("rupiah@example.com", { slug: "rupiahin" });
    const made = await b.post("/dashboard/trips/new", { title: "Lokal", slug: "rpx1", description: "", deadline: "", isActive: "on" });
    const tripId = made.location.split("/").pop();
    const fd = new FormData();
    for (const [k, v] of Object.entries({ title: "Kopi", price: "Rp 125.000", stock: "5", maxPerBuyer: "10", status: "active", description: "" })) fd.set(k, v);
    assert.equal((await b.postMultipart(`/dashboard/trips/${tripId}/products/new`, fd)).status, 303);
    assert.equal((await app.db.prepare("SELECT price FROM products WHERE trip_id = ?").bind(tripId).first()).price, 125000);
    const bad = new FormData();
    for (const [k, v] of Object.entries({ title: "Teh", price: "12,5", stock: "5", maxPerBuyer: "10", status: "active", description: "" })) bad.set(k, v);
    bad.set("image", new Blob([PNG_1x1], { type: "image/png" }), "teh.png");
    const refused = await b.postMultipart(`/dashboard/trips/${tripId}/products/new`, bad);
    assert.equal(refused.status, 400);
    assert.ok(refused.html.includes("mis. 125000, 125.000 atau Rp 125.000"));
    assert.ok(refused.html.includes('value="12,5"'), "what was typed is kept");
    assert.ok(refused.html.includes("pilih fotonya lagi"), "the chosen photo must be chosen again, and it says so");
  });
});

describe("a bill keyed in by the jastiper", () => {
  test("a penitip who ordered in her chat gets one bill; her phone hears nothing until it confirms", async () => {
    const b = new Browser(app);
    await b.register("chat@example.com", { slug: "chatjastip" });
    const made = await b.post("/dashboard/trips/new", { title: "Jepang", slug: "chat1", description: "", deadline: "", isActive: "on" });
    const tripId = made.location.split("/").pop();
    const products = [];
    for (const [title, price] of [["Tokyo Banana", "125.000"], ["Royce", "185.000"]]) {
      const fd = new FormData();
      for (const [k, v] of Object.entries({ title, price, stock: "5", maxPerBuyer: "10", status: "active", description: "" })) fd.set(k, v);
      assert.equal((await b.postMultipart(`/dashboard/trips/${tripId}/products/new`, fd)).status, 303);
    }
    const rows = await app.db.prepare("SELECT id, title FROM products WHERE trip_id = ? ORDER BY title DESC").bind(tripId).all();
    const [banana, royce] = rows.results;
    const page = await b.get(`/dashboard/trips/${tripId}`);
    assert.ok(page.html.includes("Catat pesanan dari chat"));
    const bad = await b.post(`/dashboard/trips/${tripId}/bills`, { [`qty-${banana.id}`]: "0", [`qty-${royce.id}`]: "0", buyerName: "Dewi", buyerPhone: "081288889999", buyerNotes: "" });
    assert.equal(bad.status, 400);
    assert.ok(bad.html.includes("Pilih minimal satu barang") && bad.html.includes('value="Dewi"'));
    assert.ok(bad.html.includes('id="isActive" type="checkbox" name="isActive" value="on" checked'), "the trip's own form is not the refused one");
    const ok = await b.post(`/dashboard/trips/${tripId}/bills`, { [`qty-${banana.id}`]: "2", [`qty-${royce.id}`]: "1", buyerName: "Dewi", buyerPhone: "081288889999", buyerNotes: "ambil di rumah" });
    assert.equal(ok.status, 303, ok.html.slice(0, 300));
    assert.equal(ok.location, `/dashboard/trips/${tripId}/orders`);
    const bill = await app.db.prepare("SELECT b.total, b.status, p.confirmed_at FROM bills b JOIN participants p ON p.id = b.participant_id WHERE b.trip_id = ?").bind(tripId).first();
    assert.deepEqual([bill.total, bill.status, bill.confirmed_at], [435000, "unpaid", null]);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(app.graph.sends().filter((s) => s.body.to === "6281288889999").length, 0, "no message to a phone that has not confirmed");
  });
});
