// Trips.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnApp, registerJastiper, snapshot } from "../support/app.mjs";
import { createTrip, createProduct, placeOrder, upload, form, PNG_1x1 } from "../support/fixtures.mjs";

let app, owner;
before(async () => { app = await spawnApp(); owner = await registerJastiper(app); });
after(async () => { await app?.close(); });
const as = (method, path, body, token = owner.token) => app.json(method, path, body, { token });

test("POST /api/trips creates a trip with a lower-cased slug and a normalised deadline", async () => {
  const res = await as("POST", "/api/trips", { title: " Jastip Jepang Mei ", slug: "JPN25", description: "Tokyo & Osaka", deadline: "2099-05-31", isActive: true });
  assert.equal(res.status, 201);
  const t = res.body.trip;
  assert.equal(t.slug, "jpn25");
  assert.equal(t.title, "Jastip Jepang Mei");
  assert.equal(t.description, "Tokyo & Osaka");
  assert.equal(t.deadline, "2099-05-31T16:59:59.000Z");
  assert.equal(t.isActive, true);
  assert.match(t.id, /^[0-9a-f]{32}$/);
});

test("isActive defaults to false; slugs are globally unique (409)", async () => {
  const t = await createTrip(app, owner.token, { slug: "kor25", isActive: undefined });
  assert.equal(t.isActive, false);
  const other = await registerJastiper(app);
  const before = await snapshot(app.db);
  const dupe = await as("POST", "/api/trips", { title: "x", slug: "KOR25" }, other.token);
  assert.equal(dupe.status, 409);
  assert.deepEqual(dupe.body.fields, { slug: "already taken" });
  assert.deepEqual(await snapshot(app.db), before);
});

test("invalid trips are refused field by field and change nothing", async () => {
  const before = await snapshot(app.db);
  const res = await as("POST", "/api/trips", { title: "", slug: "a b", deadline: "2001-01-01", isActive: "yes", jastiperId: "someone" });
  assert.equal(res.status, 400);
  assert.deepEqual(Object.keys(res.body.fields).sort(), ["deadline", "isActive", "jastiperId", "slug", "title"]);
  for (const slug of ["ab", "abcdefghijk", "jpn!"]) {
    assert.equal((await as("POST", "/api/trips", { title: "x", slug })).status, 400, slug);
  }
  assert.equal((await app.json("POST", "/api/trips", { title: "x", slug: "nokey" })).status, 401);
  assert.deepEqual(await snapshot(app.db), before);
});

test("GET /api/trips/:id answers the trip with participants and products", async () => {
  const trip = await createTrip(app, owner.token);
  const product = await createProduct(app, owner.token, trip.id);
  await app.json("POST", `/api/trips/${trip.id}/join`, { phone: "0812-1111-2222", name: "Rina" });
  const res = await as("GET", `/api/trips/${trip.id}`);
  assert.equal(res.status, 200);
  assert.equal(res.body.trip.id, trip.id);
  assert.deepEqual(res.body.trip.products.map((p) => p.id), [product.id]);
  assert.equal(res.body.trip.participants[0].phone, "6281211112222");
});

test("GET /api/trips lists only the caller's trips, filters and paginates", async () => {
  const j = await registerJastiper(app);
  const made = [];
  for (let i = 0; i < 5; i++) made.push(await createTrip(app, j.token, { isActive: i % 2 === 0 }));
  const all = await as("GET", "/api/trips", undefined, j.token);
  assert.equal(all.body.trips.length, 5);
  assert.deepEqual(all.body.trips.map((t) => t.id), made.map((t) => t.id).reverse(), "newest first");
  const active = await as("GET", "/api/trips?filter=active", undefined, j.token);
  assert.equal(active.body.trips.length, 3);
  assert.ok(active.body.trips.every((t) => t.isActive));
  const seen = [];
  let cursor = "";
  for (let page = 0; page < 5; page++) {
    const res = await as("GET", `/api/trips?limit=2${cursor ? `&cursor=${cursor}` : ""}`, undefined, j.token);
    seen.push(...res.body.trips.map((t) => t.id));
    if (!res.body.nextCursor) break;
    cursor = res.body.nextCursor;
  }
  assert.deepEqual(seen, made.map((t) => t.id).reverse(), "pages cover everything once");
  assert.equal((await as("GET", "/api/trips?limit=101", undefined, j.token)).status, 400);
  assert.equal((await as("GET", "/api/trips?cursor=@@@", undefined, j.token)).status, 400);
  assert.equal((await as("GET", "/api/trips?filter=weird", undefined, j.token)).status, 400);
});

test("PATCH /api/trips/:id changes the allowed fields only", async () => {
  const trip = await createTrip(app, owner.token);
  const res = await as("PATCH", `/api/trips/${trip.id}`, { title: "Baru", isActive: false, deadline: null, description: "d" });
  assert.equal(res.status, 200);
  assert.equal(res.body.trip.title, "Baru");
  assert.equal(res.body.trip.isActive, false);
  assert.equal(res.body.trip.description, "d");
  const before = await snapshot(app.db);
  for (const body of [{ slug: "newslug" }, { title: null }, { isActive: "no" }, { deadline: "yesterday" }, { title: "ok", jastiperId: "x" }]) {
    const bad = await as("PATCH", `/api/trips/${trip.id}`, body);
    assert.equal(bad.status, 400, JSON.stringify(body));
  }
  assert.deepEqual(await snapshot(app.db), before);
});

test("DELETE /api/trips/:id cascades to products, participants, orders and their files", async () => {
  const trip = await createTrip(app, owner.token);
  const created = await upload(app, "POST", `/api/trips/${trip.id}/products`, form({ title: "Kit Kat", price: 50000, stock: 5 }, PNG_1x1), { token: owner.token });
  assert.equal(created.status, 201);
  const order = await placeOrder(app, created.body.product.id);
  assert.equal(order.status, 201);
  const proof = await upload(app, "POST", `/api/orders/${order.body.order.id}/proof?token=${order.body.order.accessToken}`, form({}, PNG_1x1));
  assert.equal(proof.status, 200);
  const bucket = await app.bucket();
  const keysBefore = (await bucket.list()).objects.map((o) => o.key);
  assert.ok(keysBefore.some((k) => k.startsWith(`orders/${order.body.order.id}/`)));

  const res = await as("DELETE", `/api/trips/${trip.id}`);
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, { message: "Trip deleted" });
  for (const table of ["products", "participants", "orders"]) {
    const row = await app.db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE trip_id = ?`).bind(trip.id).first();
    assert.equal(row.n, 0, table);
  }
  const keysAfter = (await bucket.list()).objects.map((o) => o.key);
  assert.ok(!keysAfter.some((k) => k.startsWith(`orders/${order.body.order.id}/`)), "proof removed from R2");
  assert.ok(!keysAfter.includes(created.body.product.image.split("/media/")[1]), "product image removed from R2");
  assert.equal((await as("GET", `/api/trips/${trip.id}`)).status, 404);
});
