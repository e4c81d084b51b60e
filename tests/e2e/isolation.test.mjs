// Two jastipers: no private route ever reads or changes the other's data,
// and the answer is the same 404 as for something that does not exist.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnApp, registerJastiper, snapshot } from "../support/app.mjs";
import { createTrip, createProduct, placeOrder, upload, form, PNG_1x1 } from "../support/fixtures.mjs";

let app, a, b, trip, product, order, participantId;
before(async () => {
  app = await spawnApp();
  a = await registerJastiper(app);
  b = await registerJastiper(app);
  trip = await createTrip(app, a.token);
  product = await createProduct(app, a.token, trip.id);
  order = (await placeOrder(app, product.id)).body.order;
  participantId = order.participantId;
  await upload(app, "POST", `/api/orders/${order.id}/proof?token=${order.accessToken}`, form({}, PNG_1x1));
});
after(async () => { await app?.close(); });

const routes = () => [
  ["GET", `/api/trips/${trip.id}`],
  ["PATCH", `/api/trips/${trip.id}`, { title: "stolen" }],
  ["DELETE", `/api/trips/${trip.id}`],
  ["POST", `/api/trips/${trip.id}/products`, { title: "x", price: 1, stock: 1 }],
  ["GET", `/api/trips/${trip.id}/participants`],
  ["PATCH", `/api/products/${product.id}`, { price: 1 }],
  ["DELETE", `/api/products/${product.id}`],
  ["PATCH", `/api/participants/${participantId}/unsubscribe`],
  ["GET", `/api/orders/${trip.id}`],
  ["PATCH", `/api/orders/${order.id}/confirm`],
  ["PATCH", `/api/orders/${order.id}/reject`, { reason: "x" }],
  ["PATCH", `/api/orders/${order.id}/ship`],
  ["GET", `/api/orders/${order.id}/proof`],
  ["GET", `/api/orders/${order.id}/status`],
  ["POST", "/api/orders", { productId: product.id, participantId, quantity: 1 }],
];

test("every private route answers 404 to the other jastiper and changes nothing", async () => {
  const before = await snapshot(app.db);
  for (const [method, path, body] of routes()) {
    const res = await app.json(method, path, body, { token: b.token });
    assert.equal(res.status, 404, `${method} ${path}`);
    assert.equal(res.body.code, "not_found", `${method} ${path}`);
  }
  assert.deepEqual(await snapshot(app.db), before);
});

test("the 404 is the same as for a thing that does not exist", async () => {
  const theirs = await app.json("GET", `/api/trips/${trip.id}`, undefined, { token: b.token });
  const missing = await app.json("GET", "/api/trips/00000000000000000000000000000000", undefined, { token: b.token });
  assert.deepEqual(theirs.body, missing.body);
});

test("every private route needs a token at all", async () => {
  for (const [method, path, body] of routes()) {
    if (path === "/api/orders") continue; // public form: without a token it is an order attempt
    const res = await app.json(method, path, body);
    assert.equal(res.status, 401, `${method} ${path}`);
  }
});

test("the owner still sees and changes their own data", async () => {
  assert.equal((await app.json("GET", `/api/trips/${trip.id}`, undefined, { token: a.token })).status, 200);
  assert.equal((await app.json("GET", "/api/trips", undefined, { token: b.token })).body.trips.length, 0);
  assert.equal((await app.json("PATCH", `/api/orders/${order.id}/confirm`, undefined, { token: a.token })).status, 200);
});
