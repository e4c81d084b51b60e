// Products and images in R2.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnApp, registerJastiper, snapshot } from "../support/app.mjs";
import { createTrip, createProduct, placeOrder, upload, form, PNG_1x1, JPEG_TINY, WEBP_TINY, GIF_TINY } from "../support/fixtures.mjs";

let app, owner, trip;
before(async () => {
  app = await spawnApp();
  owner = await registerJastiper(app);
  trip = await createTrip(app, owner.token, { slug: "prodtrip" });
});
after(async () => { await app?.close(); });
const as = (method, path, body, token = owner.token) => app.json(method, path, body, { token });

test("a JSON product gets a generated 5-character slug", async () => {
  const res = await as("POST", `/api/trips/${trip.id}/products`, { title: "Tokyo Banana", price: 125000, stock: 10, description: "Isi 8" });
  assert.equal(res.status, 201);
  const p = res.body.product;
  assert.match(p.slug, /^[a-z0-9]{5}$/);
  assert.deepEqual([p.title, p.price, p.stock, p.status, p.image, p.description], ["Tokyo Banana", 125000, 10, "active", null, "Isi 8"]);
});

test("a multipart product stores its image in R2 and serves it back with long caching", async () => {
  for (const [file, type, ext] of [[PNG_1x1, "image/png", "png"], [JPEG_TINY, "image/jpeg", "jpg"], [WEBP_TINY, "image/webp", "webp"]]) {
    const res = await upload(app, "POST", `/api/trips/${trip.id}/products`, form({ title: "Foto", price: "20000", stock: "3", slug: `img${ext}` }, file, { type: "application/octet-stream" }), { token: owner.token });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const url = res.body.product.image;
    assert.match(url, new RegExp(`^https://jastipin\\.test/media/products/prodtrip/[0-9a-f-]{36}\\.${ext}$`));
    assert.equal(res.body.product.price, 20000);
    const served = await app.fetch(new URL(url).pathname);
    assert.equal(served.status, 200);
    assert.equal(served.headers.get("content-type"), type, "type from the bytes, not the declared one");
    assert.match(served.headers.get("cache-control"), /max-age=31536000/);
    assert.deepEqual(Buffer.from(await served.arrayBuffer()), file);
  }
});

test("uploads with wrong magic bytes, too large or empty are refused and store nothing", async () => {
  const bucket = await app.bucket();
  const objectsBefore = (await bucket.list()).objects.length;
  const before = await snapshot(app.db);
  const fields = { title: "Bad", price: 1000, stock: 1 };
  const gif = await upload(app, "POST", `/api/trips/${trip.id}/products`, form(fields, GIF_TINY, { type: "image/png" }), { token: owner.token });
  assert.equal(gif.status, 415);
  const svg = await upload(app, "POST", `/api/trips/${trip.id}/products`, form(fields, Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'/>"), { type: "image/jpeg" }), { token: owner.token });
  assert.equal(svg.status, 415);
  const empty = await upload(app, "POST", `/api/trips/${trip.id}/products`, form(fields, Buffer.alloc(0)), { token: owner.token });
  assert.equal(empty.status, 400);
  assert.ok(empty.body.fields.image);
  const big = Buffer.concat([PNG_1x1, Buffer.alloc(5 * 1024 * 1024 + 1)]);
  const tooBig = await upload(app, "POST", `/api/trips/${trip.id}/products`, form(fields, big), { token: owner.token });
  assert.equal(tooBig.status, 413);
  const invalid = await upload(app, "POST", `/api/trips/${trip.id}/products`, form({ title: "", price: "abc", stock: -1 }, PNG_1x1), { token: owner.token });
  assert.equal(invalid.status, 400);
  assert.deepEqual(Object.keys(invalid.body.fields).sort(), ["price", "stock", "title"]);
  assert.deepEqual(await snapshot(app.db), before);
  assert.equal((await bucket.list()).objects.length, objectsBefore, "no orphaned objects");
});

test("product validation: required fields, ranges, status, taken slug", async () => {
  const missing = await as("POST", `/api/trips/${trip.id}/products`, {});
  assert.deepEqual(Object.keys(missing.body.fields).sort(), ["price", "stock", "title"]);
  const bad = await as("POST", `/api/trips/${trip.id}/products`, { title: "x", price: -1, stock: 1.5, status: "gone", tripId: "other" });
  assert.deepEqual(Object.keys(bad.body.fields).sort(), ["price", "status", "stock", "tripId"]);
  await createProduct(app, owner.token, trip.id, { slug: "taken1" });
  const taken = await as("POST", `/api/trips/${trip.id}/products`, { title: "x", price: 1, stock: 1, slug: "TAKEN1" });
  assert.equal(taken.status, 409);
  assert.deepEqual(taken.body.fields, { slug: "already taken" });
});

test("GET /api/trips/:tripId/products is public by id or slug, hides discontinued, caches a minute", async () => {
  const t = await createTrip(app, owner.token, { slug: "publist" });
  const a = await createProduct(app, owner.token, t.id, { title: "A" });
  const b = await createProduct(app, owner.token, t.id, { title: "B", status: "discontinued" });
  for (const key of [t.id, "publist", "PUBLIST"]) {
    const res = await app.json("GET", `/api/trips/${key}/products`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.products.map((p) => p.id), [a.id]);
    assert.equal(res.headers.get("cache-control"), "public, max-age=60");
  }
  assert.ok(b.id);
  const hidden = await createTrip(app, owner.token, { slug: "hidlist", isActive: false });
  assert.equal((await app.json("GET", `/api/trips/${hidden.id}/products`)).status, 404, "an inactive trip is not public");
  assert.equal((await app.json("GET", "/api/trips/nothing/products")).status, 404);
});

test("PATCH /api/products/:id changes title, price, stock, status, description and the image", async () => {
  const p = await createProduct(app, owner.token, trip.id);
  const res = await as("PATCH", `/api/products/${p.id}`, { title: "Royce", price: 99000, stock: 4, status: "sold_out", description: "Nama" });
  assert.equal(res.status, 200);
  const q = res.body.product;
  assert.deepEqual([q.title, q.price, q.stock, q.status, q.description, q.slug], ["Royce", 99000, 4, "sold_out", "Nama", p.slug]);
  const withImage = await upload(app, "PATCH", `/api/products/${p.id}`, form({ price: 98000 }, PNG_1x1), { token: owner.token });
  assert.equal(withImage.status, 200);
  assert.ok(withImage.body.product.image.includes("/media/products/prodtrip/"));
  const replaced = await upload(app, "PATCH", `/api/products/${p.id}`, form({}, JPEG_TINY), { token: owner.token });
  assert.equal((await app.fetch(new URL(withImage.body.product.image).pathname)).status, 404, "the replaced image is gone");
  assert.equal((await app.fetch(new URL(replaced.body.product.image).pathname)).status, 200);
  const before = await snapshot(app.db);
  for (const body of [{ slug: "newone" }, { price: "sepuluh" }, { status: "deleted" }, { stock: -5 }, { tripId: "x" }]) {
    assert.equal((await as("PATCH", `/api/products/${p.id}`, body)).status, 400, JSON.stringify(body));
  }
  assert.deepEqual(await snapshot(app.db), before);
});

test("DELETE /api/products/:id: a product with orders is 409 (discontinue it); without, it is gone", async () => {
  const ordered = await createProduct(app, owner.token, trip.id);
  assert.equal((await placeOrder(app, ordered.id)).status, 201);
  const refused = await as("DELETE", `/api/products/${ordered.id}`);
  assert.equal(refused.status, 409);
  assert.equal(refused.body.code, "product_has_orders");
  assert.match(refused.body.error, /discontinued/);
  const lonely = await createProduct(app, owner.token, trip.id);
  const res = await as("DELETE", `/api/products/${lonely.id}`);
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, { message: "Product deleted" });
  assert.equal((await as("PATCH", `/api/products/${lonely.id}`, { title: "x" })).status, 404);
});

test("avatar and cover uploads: size limits and type checks, old file removed", async () => {
  const j = await registerJastiper(app);
  const first = await upload(app, "POST", "/api/profile/me/avatar", form({}, PNG_1x1), { token: j.token });
  assert.equal(first.status, 200);
  assert.match(first.body.user.avatar, new RegExp(`/media/avatars/${j.user.id}/[0-9a-f-]{36}\\.png$`));
  const second = await upload(app, "POST", "/api/profile/me/avatar", form({}, JPEG_TINY), { token: j.token });
  assert.equal((await app.fetch(new URL(first.body.user.avatar).pathname)).status, 404);
  assert.equal((await app.fetch(new URL(second.body.user.avatar).pathname)).status, 200);
  const big = Buffer.concat([PNG_1x1, Buffer.alloc(2 * 1024 * 1024)]);
  assert.equal((await upload(app, "POST", "/api/profile/me/avatar", form({}, big), { token: j.token })).status, 413, "avatar limit is 2 MB");
  const cover = await upload(app, "POST", "/api/profile/me/cover", form({}, big), { token: j.token });
  assert.equal(cover.status, 200, "the same file fits the 5 MB cover limit");
  assert.match(cover.body.user.coverImage, /\/media\/covers\//);
  assert.equal((await upload(app, "POST", "/api/profile/me/cover", form({}, GIF_TINY), { token: j.token })).status, 415);
  assert.equal((await upload(app, "POST", "/api/profile/me/cover", form({ image: "text" }), { token: j.token })).status, 400);
  assert.equal((await app.json("POST", "/api/profile/me/cover", { image: "x" }, { token: j.token })).status, 415);
  assert.equal((await upload(app, "POST", "/api/profile/me/cover", form({}, PNG_1x1))).status, 401);
});

test("/media never serves private proofs or unsafe keys", async () => {
  const p = await createProduct(app, owner.token, trip.id);
  const order = await placeOrder(app, p.id, { phone: "081299998888" });
  const proof = await upload(app, "POST", `/api/orders/${order.body.order.id}/proof?token=${order.body.order.accessToken}`, form({}, PNG_1x1));
  assert.equal(proof.status, 200);
  const key = (await (await app.bucket()).list({ prefix: `orders/${order.body.order.id}/` })).objects[0].key;
  assert.equal((await app.fetch(`/media/${key}`)).status, 404);
  assert.equal((await app.fetch("/media/..%2F..%2Fetc/passwd")).status, 404);
  assert.equal((await app.fetch("/media/products/none.png")).status, 404);
});

test("one jastiper can never delete another's image: no storage path is taken from a client", async () => {
  const victim = await registerJastiper(app);
  const mallory = await registerJastiper(app);
  const theirs = (await upload(app, "POST", "/api/profile/me/avatar", form({}, PNG_1x1), { token: victim.token })).body.user.avatar;
  // Before: Mallory set her avatar to the victim's /media/ path, then uploaded, and the victim's object was deleted.
  const pointed = await app.json("PATCH", "/api/profile/me", { avatar: theirs }, { token: mallory.token });
  assert.equal(pointed.status, 400);
  assert.ok(pointed.body.fields.avatar);
  await upload(app, "POST", "/api/profile/me/avatar", form({}, PNG_1x1), { token: mallory.token });
  await upload(app, "POST", "/api/profile/me/avatar", form({}, JPEG_TINY), { token: mallory.token });
  await app.json("PATCH", "/api/profile/me", { avatar: null, coverImage: null }, { token: mallory.token });
  assert.equal((await app.fetch(new URL(theirs).pathname)).status, 200, "the victim's avatar is still there");
  const mine = await app.json("GET", "/api/profile/me", undefined, { token: victim.token });
  assert.equal(mine.body.user.avatar, theirs);
});

test("clearing one's own avatar removes its object", async () => {
  const j = await registerJastiper(app);
  const url = (await upload(app, "POST", "/api/profile/me/avatar", form({}, PNG_1x1), { token: j.token })).body.user.avatar;
  const cleared = await app.json("PATCH", "/api/profile/me", { avatar: null }, { token: j.token });
  assert.equal(cleared.body.user.avatar, null);
  assert.equal((await app.fetch(new URL(url).pathname)).status, 404);
});
