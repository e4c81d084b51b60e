// The budgets of issue 21 a user relies on, in the built bundle: a checkout
// is two D1 round trips; a big trip's owner views page with a cursor and
// read the trip's totals from counters that always equal the rows they count.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnApp, registerJastiper } from "../support/app.mjs";
import { createTrip, createProduct, form, upload, PNG_1x1 } from "../support/fixtures.mjs";
import { addParticipants } from "../support/people.mjs";
import { Browser } from "../support/browser-session.mjs";

let app;
before(async () => { app = await spawnApp({ bindings: { BENCHMARK: "1" } }); });
after(async () => { await app?.close(); });

const checkout = (items, phone) => app.json("POST", "/api/orders", { items, phone, name: "Rina" });

/** The counters, against the rows they count. */
async function counted(tripId) {
  const q = (sql) => app.db.prepare(sql).bind(tripId).all().then((r) => r.results);
  return {
    participants: (await q("SELECT participant_count AS n FROM trips WHERE id = ?1"))[0]?.n,
    participantsCounted: (await q("SELECT COUNT(*) AS n FROM participants WHERE trip_id = ?1"))[0].n,
    orders: await q("SELECT status, n, total FROM trip_order_totals WHERE trip_id = ?1 AND n > 0 ORDER BY status"),
    ordersCounted: await q("SELECT status, COUNT(*) AS n, SUM(total_price) AS total FROM orders WHERE trip_id = ?1 GROUP BY status ORDER BY status"),
    bills: await q("SELECT status, n, total, paid FROM trip_bill_totals WHERE trip_id = ?1 AND n > 0 ORDER BY status"),
    billsCounted: await q("SELECT status, COUNT(*) AS n, SUM(total) AS total, SUM(paid) AS paid FROM bills WHERE trip_id = ?1 GROUP BY status ORDER BY status"),
  };
}

test("a checkout of one or three lines answers after two D1 round trips, and a sold-out cart after one", async () => {
  const j = await registerJastiper(app);
  const trip = await createTrip(app, j.token);
  const products = [];
  for (let i = 0; i < 3; i++) products.push(await createProduct(app, j.token, trip.id, { title: `Barang ${i}`, price: 10000, stock: 5 }));
  const one = await checkout([{ productId: products[0].id, quantity: 1 }], "081290000001");
  assert.equal(one.status, 201);
  assert.equal(one.headers.get("x-d1-round-trips"), "2");
  const three = await checkout(products.map((p) => ({ productId: p.id, quantity: 2 })), "081290000002");
  assert.equal(three.status, 201);
  assert.equal(three.body.orders.length, 3);
  assert.equal(three.headers.get("x-d1-round-trips"), "2");
  // More than is left: refused from what the first batch read, nothing written.
  const refused = await checkout([{ productId: products[1].id, quantity: 4 }], "081290000003");
  assert.equal(refused.status, 409);
  assert.equal(refused.headers.get("x-d1-round-trips"), "1");
  const left = await app.db.prepare("SELECT stock FROM products WHERE id = ?1").bind(products[1].id).first();
  assert.equal(left.stock, 3);
});

test("the trip's counters equal the rows they count through checkouts, a rejection, a payment and a deletion", async () => {
  const j = await registerJastiper(app);
  const trip = await createTrip(app, j.token, { dpPercent: 50 });
  const p = await createProduct(app, j.token, trip.id, { price: 20000, stock: 50 });
  await addParticipants(app.db, trip.id, 7, { prefix: "62877" });
  const a = await checkout([{ productId: p.id, quantity: 2 }], "081277700001");
  const b = await checkout([{ productId: p.id, quantity: 1 }], "081277700002");
  await checkout([{ productId: p.id, quantity: 3 }], "081277700001"); // joins the first bill
  const rejected = await app.json("PATCH", `/api/orders/${b.body.order.id}/reject`, { reason: "habis" }, { token: j.token });
  assert.equal(rejected.status, 200, JSON.stringify(rejected.body));
  let c = await counted(trip.id);
  assert.equal(c.participants, 9);
  assert.equal(c.participants, c.participantsCounted);
  assert.deepEqual(c.orders, c.ordersCounted);
  assert.deepEqual(c.bills, c.billsCounted);
  assert.deepEqual(c.orders.map((r) => [r.status, r.n, r.total]), [["pending", 2, 100000], ["rejected", 1, 20000]]);

  // The dashboard's trip and orders pages show the counters.
  const browser = new Browser(app);
  await browser.post("/login", { email: j.user.email, password: j.password }, { csrf: false });
  const page = await browser.get(`/dashboard/trips/${trip.id}/orders`);
  assert.equal(page.status, 200);
  assert.match(page.html, /data-status="pending"><th scope="row">[^<]+<\/th><td class="n">2<\/td><td class="sum">Rp 100\.000<\/td>/);

  // A DP paid and confirmed moves the bill to dp_paid; the counter follows.
  const bill = a.body.bill;
  const paid = await upload(app, "POST", `/api/bills/${bill.id}/payments?token=${bill.accessToken}`, form({ amount: "50000" }, PNG_1x1));
  assert.equal(paid.status, 201);
  assert.equal((await app.json("POST", `/api/payments/${paid.body.payment.id}/confirm`, {}, { token: j.token })).status, 200);
  c = await counted(trip.id);
  assert.deepEqual(c.bills, c.billsCounted);
  assert.ok(c.bills.some((r) => r.status === "dp_paid" && r.n === 1 && r.paid === 50000), JSON.stringify(c.bills));

  // Deleting the trip deletes its counters with it.
  assert.equal((await app.json("DELETE", `/api/trips/${trip.id}`, undefined, { token: j.token })).status, 200);
  c = await counted(trip.id);
  assert.equal(c.participants, undefined);
  assert.deepEqual(c.orders, []);
  assert.deepEqual(c.bills, []);
});

test("a trip of 120 participants pages: the trip view shows 50 and the count, the cursor walks the rest once each", async () => {
  const j = await registerJastiper(app);
  const trip = await createTrip(app, j.token);
  await addParticipants(app.db, trip.id, 120, { prefix: "62866" });
  await createProduct(app, j.token, trip.id, { title: "Lama" });
  await createProduct(app, j.token, trip.id, { title: "Baru" });
  const view = await app.json("GET", `/api/trips/${trip.id}`, undefined, { token: j.token });
  assert.equal(view.status, 200);
  assert.deepEqual(view.body.trip.products.map((p) => p.title), ["Baru", "Lama"], "products newest first, as before paging");
  assert.equal(view.headers.get("x-d1-round-trips"), "1");
  assert.equal(view.body.trip.participantCount, 120);
  assert.equal(view.body.trip.participants.length, 50);
  const seen = new Set(view.body.trip.participants.map((p) => p.id));
  let cursor = view.body.trip.participantsNextCursor;
  while (cursor) {
    const next = await app.json("GET", `/api/trips/${trip.id}/participants?cursor=${encodeURIComponent(cursor)}`, undefined, { token: j.token });
    assert.equal(next.status, 200);
    assert.equal(next.headers.get("x-d1-round-trips"), "1");
    for (const p of next.body.participants) { assert.ok(!seen.has(p.id), "each once"); seen.add(p.id); }
    cursor = next.body.nextCursor;
  }
  assert.equal(seen.size, 120);

  // The dashboard's list: 50 on a page, the count in the heading, "Berikutnya" to the next.
  const browser = new Browser(app);
  await browser.post("/login", { email: j.user.email, password: j.password }, { csrf: false });
  let page = await browser.get(`/dashboard/trips/${trip.id}/participants`);
  assert.equal(page.status, 200);
  assert.match(page.html, /Penitip \(120\)/);
  const names = [];
  for (;;) {
    names.push(...[...page.html.matchAll(/<li class="card"><b>(Penitip \d+)<\/b>/g)].map((m) => m[1]));
    const next = page.html.match(/rel="next" href="([^"]+)"/);
    if (!next) break;
    page = await browser.get(next[1].replaceAll("&amp;", "&"));
    assert.equal(page.status, 200);
  }
  assert.equal(names.length, 120);
  assert.equal(new Set(names).size, 120);
  // Someone else's trip is not found, on every page of it.
  const other = await registerJastiper(app);
  assert.equal((await app.json("GET", `/api/trips/${trip.id}`, undefined, { token: other.token })).status, 404);
  assert.equal((await app.json("GET", `/api/trips/${trip.id}/participants`, undefined, { token: other.token })).status, 404);
});

test("a malformed cursor on a dashboard list is refused with a clear error, not a 500", async () => {
  const j = await registerJastiper(app);
  const trip = await createTrip(app, j.token);
  const browser = new Browser(app);
  await browser.post("/login", { email: j.user.email, password: j.password }, { csrf: false });
  for (const path of [`/dashboard/trips/${trip.id}/orders`, `/dashboard/trips/${trip.id}/participants`, "/dashboard/inbox"]) {
    const page = await browser.get(`${path}?cursor=bukan-kursor`);
    assert.equal(page.status, 400, path);
  }
});
