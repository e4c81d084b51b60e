// Public answers cached at the edge (the Cache API, as workerd implements
// it): the second load of a public page is a hit; a change purges exactly
// what it made stale; private and non-canonical URLs are never cached.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnApp, registerJastiper } from "../support/app.mjs";
import { createTrip, createProduct, placeOrder, upload, form, PNG_1x1 } from "../support/fixtures.mjs";

let app, j, trip, product;
before(async () => {
  // The cache keys are URLs under PUBLIC_BASE_URL: the app serves its own base URL here.
  app = await spawnApp({ selfBaseUrl: true });
  j = await registerJastiper(app, { slug: "cachetina" });
  trip = await createTrip(app, j.token, { slug: "cache1", title: "Jastip Cache" });
  product = await createProduct(app, j.token, trip.id, { slug: "cach1", title: "Kitkat", stock: 10 });
});
after(async () => { await app?.close(); });

const get = async (path) => {
  const res = await app.fetch(path);
  return { status: res.status, cache: res.headers.get("x-cache"), body: await res.text() };
};

test("a public page is a miss, then a hit with the same page", async () => {
  for (const path of ["/join?trip=cache1", "/order?product=cach1", "/profile?user=cachetina", "/api/profile/cachetina", `/api/trips/${trip.id}/products`]) {
    const first = await get(path);
    assert.equal(first.status, 200, path);
    assert.equal(first.cache, "MISS", path);
    const second = await get(path);
    assert.equal(second.cache, "HIT", path);
    assert.equal(second.body, first.body, path);
  }
});

test("an order purges the product's page and its trip's: the new stock shows at once", async () => {
  await get("/order?product=cach1");
  assert.equal((await get("/order?product=cach1")).cache, "HIT");
  assert.equal((await placeOrder(app, product.id, { phone: "081277009900", name: "Cache", quantity: 3 })).status, 201);
  const after = await get("/order?product=cach1");
  assert.equal(after.cache, "MISS");
  assert.match(after.body, /Sisa stok: 7/);
  assert.equal((await get("/join?trip=cache1")).cache, "MISS");
  assert.equal((await get(`/api/trips/${trip.id}/products`)).cache, "MISS");
});

test("a product, trip or profile change purges what shows it", async () => {
  await get("/order?product=cach1");
  await app.json("PATCH", `/api/products/${product.id}`, { title: "Kitkat Matcha" }, { token: j.token });
  const page = await get("/order?product=cach1");
  assert.equal(page.cache, "MISS");
  assert.match(page.body, /Kitkat Matcha/);

  await get("/join?trip=cache1");
  await app.json("PATCH", `/api/trips/${trip.id}`, { title: "Jastip Cache Baru" }, { token: j.token });
  assert.match((await get("/join?trip=cache1")).body, /Jastip Cache Baru/);

  await get("/profile?user=cachetina");
  await app.json("PATCH", "/api/profile/me", { profileBio: "Bio baru sekali" }, { token: j.token });
  const profile = await get("/profile?user=cachetina");
  assert.equal(profile.cache, "MISS");
  assert.match(profile.body, /Bio baru sekali/);
});

test("private answers and other spellings of a URL are never cached", async () => {
  const order = (await placeOrder(app, product.id, { phone: "081277009901", name: "Privat" })).body.order;
  const bill = (await app.fetch(`/order/${order.id}?token=${order.accessToken}`)).headers.get("location");
  for (const path of [`/order/${order.id}?token=${order.accessToken}`, bill, "/join?trip=CACHE1", "/join?trip=cache1&x=1", `/api/trips/${trip.id}/products?limit=5`, "/api/profile/me", "/dashboard", "/login"]) {
    await app.fetch(path);
    const again = await app.fetch(path);
    assert.equal(again.headers.get("x-cache"), null, path);
  }
});

test("a public image is cached, and gone from the cache when it is replaced", async () => {
  const withImage = await createProduct(app, j.token, trip.id, { slug: "gmbr1", title: "Bergambar" });
  const up = await upload(app, "PATCH", `/api/products/${withImage.id}`, form({}, PNG_1x1), { token: j.token });
  assert.equal(up.status, 200);
  const url = new URL(up.body.product.image).pathname;
  assert.equal((await app.fetch(url)).headers.get("x-cache"), "MISS");
  assert.equal((await app.fetch(url)).headers.get("x-cache"), "HIT");
  assert.equal((await upload(app, "PATCH", `/api/products/${withImage.id}`, form({}, PNG_1x1), { token: j.token })).status, 200);
  assert.equal((await app.fetch(url)).status, 404, "the replaced image is gone, cached copy included");
});
