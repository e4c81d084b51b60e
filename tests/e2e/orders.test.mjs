// Participants and orders.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { spawnApp, registerJastiper, snapshot, JWT_SECRET } from "../support/app.mjs";
import { createTrip, createProduct, placeOrder, upload, form, PNG_1x1, GIF_TINY } from "../support/fixtures.mjs";
import crypto from "node:crypto";
import { deliver, eventually, textDelivery } from "../support/whatsapp.mjs";

let app, owner, trip;
before(async () => {
  app = await spawnApp();
  owner = await registerJastiper(app);
  trip = await createTrip(app, owner.token, { slug: "ordtrip" });
});
after(async () => { await app?.close(); });
const as = (method, path, body, token = owner.token) => app.json(method, path, body, { token });
const stockOf = async (id) => (await app.db.prepare("SELECT stock, status FROM products WHERE id = ?").bind(id).first());

describe("participants", () => {
  test("joining normalises the phone; the same phone again is the same participant (the owner sees it)", async () => {
    const forms = ["08123000111", "+628123000111", "628123000111", "0812 3000 111"];
    const ids = new Set();
    for (const [i, phone] of forms.entries()) {
      const res = await as("POST", `/api/trips/ordtrip/join`, { phone, name: "Siti" });
      assert.equal(res.status, i === 0 ? 201 : 200, phone);
      assert.equal(res.body.participant.phone, "628123000111");
      assert.equal(res.body.participant.confirmed, false, "added by the owner: waits for the phone's own message");
      ids.add(res.body.participant.id);
    }
    assert.equal(ids.size, 1);
    const rows = await app.db.prepare("SELECT COUNT(*) AS n FROM participants WHERE phone = '628123000111'").first();
    assert.equal(rows.n, 1);
  });

  test("an anonymous join tells nothing about the phone: the same answer for a new one and a known one, no stored name", async () => {
    const first = await app.json("POST", `/api/trips/ordtrip/join`, { phone: "08123000222", name: "Asli" });
    const again = await app.json("POST", `/api/trips/ordtrip/join`, { phone: "08123000222", name: "Penyusup" });
    for (const res of [first, again]) {
      assert.equal(res.status, 202);
      assert.deepEqual(Object.keys(res.body).sort(), ["confirm", "status"]);
      assert.equal(res.body.status, "waiting_for_confirmation");
      assert.ok(!JSON.stringify(res.body).includes("Asli"), "the stored name is never shown");
    }
    const row = await app.db.prepare("SELECT name, confirmed_at FROM participants WHERE phone = '628123000222'").first();
    assert.deepEqual(row, { name: "Asli", confirmed_at: null }, "a second join renames nobody and confirms nothing");
  });

  test("concurrent joins of one phone make one participant", async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => app.json("POST", `/api/trips/${trip.id}/join`, { phone: "081277776666", name: "Race" })));
    assert.ok(results.every((r) => r.status === 202), results.map((r) => r.status).join());
    assert.equal(new Set(results.map((r) => r.body.confirm.code)).size, 1);
    const rows = await app.db.prepare("SELECT COUNT(*) AS n FROM participants WHERE phone = '6281277776666'").first();
    assert.equal(rows.n, 1);
  });

  test("invalid joins are 400 and change nothing; unknown or closed trips are 404", async () => {
    const before = await snapshot(app.db);
    const res = await app.json("POST", `/api/trips/${trip.id}/join`, { phone: "12345", name: "" });
    assert.equal(res.status, 400);
    assert.deepEqual(Object.keys(res.body.fields).sort(), ["name", "phone"]);
    assert.equal((await app.json("POST", "/api/trips/nope/join", { phone: "08123456789", name: "A" })).status, 404);
    assert.deepEqual(await snapshot(app.db), before);
    const closed = await createTrip(app, owner.token, { isActive: false });
    const snap = await snapshot(app.db);
    assert.equal((await app.json("POST", `/api/trips/${closed.id}/join`, { phone: "08123456789", name: "A" })).status, 404);
    assert.deepEqual(await snapshot(app.db), snap);
    assert.equal((await as("POST", `/api/trips/${closed.id}/join`, { phone: "08123456789", name: "A" })).status, 201, "the owner may add people to a closed trip");
  });

  test("the owner lists participants with their orders; unsubscribe by owner or signed token", async () => {
    const t = await createTrip(app, owner.token);
    const p = await createProduct(app, owner.token, t.id);
    const o = await placeOrder(app, p.id, { phone: "081233334444", name: "Dewi", quantity: 2 });
    const list = await as("GET", `/api/trips/${t.id}/participants`);
    assert.equal(list.status, 200);
    assert.equal(list.body.participants.length, 1);
    const dewi = list.body.participants[0];
    assert.equal(dewi.name, "Dewi");
    assert.deepEqual(dewi.orders.map((x) => x.id), [o.body.order.id]);
    assert.equal(dewi.subscribed, true);

    assert.equal((await app.json("PATCH", `/api/participants/${dewi.id}/unsubscribe`)).status, 401);
    assert.equal((await app.json("PATCH", `/api/participants/${dewi.id}/unsubscribe?token=forged`)).status, 404);
    const token = crypto.createHmac("sha256", JWT_SECRET).update(`unsubscribe:${dewi.id}`).digest().subarray(0, 16).toString("base64url");
    const res = await app.json("PATCH", `/api/participants/${dewi.id}/unsubscribe?token=${token}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { message: "Unsubscribed" });
    const after = await as("GET", `/api/trips/${t.id}/participants`);
    assert.equal(after.body.participants[0].subscribed, false);
    await app.json("POST", `/api/trips/${t.id}/join`, { phone: "081233334444", name: "Dewi" });
    const rejoined = await as("GET", `/api/trips/${t.id}/participants`);
    assert.equal(rejoined.body.participants[0].subscribed, false, "an anonymous join does not undo a STOP");
    // Only a message from that phone lifts it.
    assert.equal((await deliver(app, textDelivery(`JOIN ${t.slug}`, { from: "6281233334444" }).body)).status, 200);
    await eventually(async () => (await as("GET", `/api/trips/${t.id}/participants`)).body.participants[0].subscribed, { what: "re-subscribed by JOIN" });
    assert.equal((await as("PATCH", `/api/participants/${dewi.id}/unsubscribe`)).status, 200);
  });
});

describe("orders", () => {
  test("a public order reserves stock, snapshots the price and answers an access token", async () => {
    const p = await createProduct(app, owner.token, trip.id, { price: 125000, stock: 5 });
    const res = await app.json("POST", "/api/orders", { productSlug: p.slug.toUpperCase(), phone: "+628111222333", name: "Ayu", quantity: 2, notes: "warna pink" });
    assert.equal(res.status, 201);
    const o = res.body.order;
    assert.deepEqual([o.status, o.quantity, o.unitPrice, o.totalPrice, o.notes], ["pending", 2, 125000, 250000, "warna pink"]);
    assert.match(o.accessToken, /^[A-Za-z0-9_-]{43}$/);
    assert.ok(o.statusUrl.includes(o.accessToken));
    assert.deepEqual(await stockOf(p.id), { stock: 3, status: "active" });
    const stored = await app.db.prepare("SELECT access_token_hash FROM orders WHERE id = ?").bind(o.id).first();
    assert.equal(stored.access_token_hash, crypto.createHash("sha256").update(o.accessToken).digest("hex"));
    await as("PATCH", `/api/products/${p.id}`, { price: 1 });
    const status = await app.json("GET", `/api/orders/${o.id}/status?token=${o.accessToken}`);
    assert.equal(status.body.order.totalPrice, 250000, "the price at order time stays");
    assert.equal(status.body.order.product.slug, p.slug);
    assert.equal(status.body.order.trip.slug, "ordtrip");
  });

  test("ordering the last items marks the product sold out; rejecting releases the stock", async () => {
    const p = await createProduct(app, owner.token, trip.id, { stock: 2 });
    const o = await placeOrder(app, p.id, { quantity: 2 });
    assert.deepEqual(await stockOf(p.id), { stock: 0, status: "sold_out" });
    const more = await placeOrder(app, p.id, { quantity: 1, phone: "081200000001" });
    assert.equal(more.status, 409);
    const rej = await as("PATCH", `/api/orders/${o.body.order.id}/reject`, { reason: "Stok di toko habis" });
    assert.equal(rej.status, 200);
    assert.equal(rej.body.order.status, "rejected");
    assert.equal(rej.body.order.rejectReason, "Stok di toko habis");
    assert.deepEqual(await stockOf(p.id), { stock: 2, status: "active" });
  });

  test("invalid orders are 400/404/409 and change nothing", async () => {
    const p = await createProduct(app, owner.token, trip.id, { stock: 3 });
    const gone = await createProduct(app, owner.token, trip.id, { status: "discontinued" });
    const before = await snapshot(app.db);
    const cases = [
      [{ productId: p.id, phone: "08123456789", name: "A", quantity: 0 }, 400, "quantity"],
      [{ productId: p.id, phone: "08123456789", name: "A", quantity: 1.5 }, 400, "quantity"],
      [{ productId: p.id, phone: "08123456789", name: "A" }, 400, "quantity"],
      [{ productId: p.id, phone: "0000", name: "A", quantity: 1 }, 400, "phone"],
      [{ phone: "08123456789", name: "A", quantity: 1 }, 400, "productId"],
      [{ productId: p.id, productSlug: p.slug, phone: "08123456789", name: "A", quantity: 1 }, 400, "productId"],
      [{ productId: p.id, participantId: "x", quantity: 1 }, 400, "participantId"],
      [{ productId: p.id, phone: "08123456789", name: "A", quantity: 1, totalPrice: 1 }, 400, "totalPrice"],
      [{ productId: "missing", phone: "08123456789", name: "A", quantity: 1 }, 404],
      [{ productId: p.id, phone: "08123456789", name: "A", quantity: 4 }, 409],
      [{ productId: gone.id, phone: "08123456789", name: "A", quantity: 1 }, 409],
    ];
    for (const [body, status, field] of cases) {
      const res = await app.json("POST", "/api/orders", body);
      assert.equal(res.status, status, JSON.stringify(body));
      if (field) assert.ok(res.body.fields[field], `${field} in ${JSON.stringify(res.body)}`);
    }
    assert.deepEqual(await snapshot(app.db), before);
  });

  test("the owner may order for a participant of the trip; nobody else may name one", async () => {
    const p = await createProduct(app, owner.token, trip.id);
    const joined = await as("POST", `/api/trips/${trip.id}/join`, { phone: "081255556666", name: "Lia" });
    const pid = joined.body.participant.id;
    const res = await as("POST", "/api/orders", { productId: p.id, participantId: pid, quantity: 1 });
    assert.equal(res.status, 201);
    assert.equal(res.body.order.participantId, pid);
    const stranger = await registerJastiper(app);
    assert.equal((await as("POST", "/api/orders", { productId: p.id, participantId: pid, quantity: 1 }, stranger.token)).status, 404);
  });

  test("status transitions: pending → confirmed → shipped, pending → rejected, all else 409", async () => {
    const p = await createProduct(app, owner.token, trip.id, { stock: 10 });
    const a = (await placeOrder(app, p.id)).body.order;
    assert.equal((await as("PATCH", `/api/orders/${a.id}/ship`)).status, 409);
    const confirmed = await as("PATCH", `/api/orders/${a.id}/confirm`);
    assert.equal(confirmed.body.order.status, "confirmed");
    assert.equal((await as("PATCH", `/api/orders/${a.id}/confirm`)).status, 409);
    const reject = await as("PATCH", `/api/orders/${a.id}/reject`, { reason: "x" });
    assert.equal(reject.status, 409);
    assert.equal(reject.body.code, "invalid_transition");
    assert.equal((await as("PATCH", `/api/orders/${a.id}/ship`)).body.order.status, "shipped");
    assert.equal((await as("PATCH", `/api/orders/${a.id}/ship`)).status, 409);
    const b = (await placeOrder(app, p.id)).body.order;
    assert.equal((await as("PATCH", `/api/orders/${b.id}/reject`)).body.order.status, "rejected");
    assert.equal((await as("PATCH", `/api/orders/${b.id}/confirm`)).status, 409);
    assert.equal((await as("PATCH", `/api/orders/${b.id}/confirm`, { proofUrl: "https://x" })).status, 400);
    assert.equal((await as("PATCH", "/api/orders/unknown/confirm")).status, 404);
  });

  test("GET /api/orders/:tripId lists orders with product and participant, paginated", async () => {
    const t = await createTrip(app, owner.token);
    const p = await createProduct(app, owner.token, t.id, { stock: 10 });
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await placeOrder(app, p.id, { phone: `08120000000${i}` })).body.order.id);
    const page1 = await as("GET", `/api/orders/${t.id}?limit=2`);
    assert.equal(page1.status, 200);
    assert.equal(page1.body.orders.length, 2);
    assert.equal(page1.body.orders[0].product.title, "Tokyo Banana");
    assert.equal(page1.body.orders[0].participant.name, "Siti");
    const page2 = await as("GET", `/api/orders/${t.id}?limit=2&cursor=${page1.body.nextCursor}`);
    assert.deepEqual([...page1.body.orders, ...page2.body.orders].map((o) => o.id), ids.reverse());
    assert.equal(page2.body.nextCursor, null);
  });

  test("payment proof: the token holder uploads, the owner and token holder fetch, nobody else", async () => {
    const p = await createProduct(app, owner.token, trip.id);
    const o = (await placeOrder(app, p.id)).body.order;
    assert.equal((await upload(app, "POST", `/api/orders/${o.id}/proof`, form({}, PNG_1x1))).status, 401);
    assert.equal((await upload(app, "POST", `/api/orders/${o.id}/proof?token=wrong`, form({}, PNG_1x1))).status, 404);
    assert.equal((await upload(app, "POST", `/api/orders/${o.id}/proof?token=${o.accessToken}`, form({}, GIF_TINY))).status, 415);
    const up = await upload(app, "POST", `/api/orders/${o.id}/proof`, form({}, PNG_1x1), { headers: { "x-order-token": o.accessToken } });
    assert.equal(up.status, 200);
    assert.equal(up.body.order.proofUrl, `/api/orders/${o.id}/proof`);
    const keys = (await (await app.bucket()).list({ prefix: `orders/${o.id}/` })).objects.map((x) => x.key);
    assert.equal(keys.length, 1);
    assert.match(keys[0], new RegExp(`^orders/${o.id}/[0-9a-f-]{36}\\.png$`));
    const byOwner = await app.fetch(`/api/orders/${o.id}/proof`, { headers: { authorization: `Bearer ${owner.token}` } });
    assert.equal(byOwner.status, 200);
    assert.equal(byOwner.headers.get("content-type"), "image/png");
    assert.match(byOwner.headers.get("cache-control"), /no-store/);
    assert.deepEqual(Buffer.from(await byOwner.arrayBuffer()), PNG_1x1);
    assert.equal((await app.fetch(`/api/orders/${o.id}/proof?token=${o.accessToken}`)).status, 200);
    const stranger = await registerJastiper(app);
    assert.equal((await app.fetch(`/api/orders/${o.id}/proof`, { headers: { authorization: `Bearer ${stranger.token}` } })).status, 404);
    assert.equal((await app.fetch(`/api/orders/${o.id}/proof`)).status, 401);
    await as("PATCH", `/api/orders/${o.id}/reject`);
    assert.equal((await upload(app, "POST", `/api/orders/${o.id}/proof?token=${o.accessToken}`, form({}, PNG_1x1))).status, 409, "no proof for a rejected order");
  });

  test("the status page needs the order's own token", async () => {
    const p = await createProduct(app, owner.token, trip.id);
    const a = (await placeOrder(app, p.id)).body.order;
    const b = (await placeOrder(app, p.id)).body.order;
    assert.equal((await app.json("GET", `/api/orders/${a.id}/status?token=${b.accessToken}`)).status, 404);
    assert.equal((await app.json("GET", `/api/orders/${a.id}/status?token=${a.accessToken}`)).status, 200);
    assert.equal((await app.json("GET", `/api/orders/${a.id}/status`)).status, 401);
  });
});
