// Stock can never be oversold: 100 concurrent orders against stock 10.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnApp, registerJastiper } from "../support/app.mjs";
import { createTrip, createProduct } from "../support/fixtures.mjs";

let app;
before(async () => { app = await spawnApp(); });
after(async () => { await app?.close(); });

test("100 concurrent orders against stock 10: exactly 10 succeed, stock ends at 0", async () => {
  const j = await registerJastiper(app);
  const trip = await createTrip(app, j.token);
  const product = await createProduct(app, j.token, trip.id, { stock: 10, price: 50000 });
  const started = performance.now();
  const results = await Promise.all(Array.from({ length: 100 }, (_, i) =>
    app.json("POST", "/api/orders", { productId: product.id, phone: `0812${String(10000000 + i)}`, name: `Penitip ${i}`, quantity: 1 })));
  const ms = performance.now() - started;
  const statuses = results.map((r) => r.status);
  assert.equal(statuses.filter((s) => s === 201).length, 10, JSON.stringify(statuses));
  assert.equal(statuses.filter((s) => s === 409).length, 90);
  assert.ok(results.filter((r) => r.status === 409).every((r) => r.body.code === "out_of_stock"));
  const p = await app.db.prepare("SELECT stock, status FROM products WHERE id = ?").bind(product.id).first();
  assert.deepEqual(p, { stock: 0, status: "sold_out" });
  const orders = await app.db.prepare("SELECT COUNT(*) AS n, SUM(quantity) AS q FROM orders WHERE product_id = ?").bind(product.id).first();
  assert.deepEqual(orders, { n: 10, q: 10 });
  const people = await app.db.prepare("SELECT COUNT(*) AS n FROM participants WHERE trip_id = ?").bind(trip.id).first();
  assert.equal(people.n, 10, "a refused order leaves no participant behind");
  // Refusals caught by the conditional write inside the batch (the race) rather than the pre-check.
  const raced = results.filter((r) => r.body.error === "Not enough stock left for this quantity").length;
  assert.ok(raced > 0, "the race reached the conditional write, which refused it without writing");
  console.log(`# concurrency: 100 orders in ${ms.toFixed(0)} ms, 10 placed, 90 refused (${raced} by the atomic guard)`);
});

test("rejecting one of them releases its stock for the next buyer", async () => {
  const j = await registerJastiper(app);
  const trip = await createTrip(app, j.token);
  const product = await createProduct(app, j.token, trip.id, { stock: 1 });
  const first = await app.json("POST", "/api/orders", { productId: product.id, phone: "081211110000", name: "A", quantity: 1 });
  assert.equal((await app.json("POST", "/api/orders", { productId: product.id, phone: "081211110001", name: "B", quantity: 1 })).status, 409);
  await app.json("PATCH", `/api/orders/${first.body.order.id}/reject`, {}, { token: j.token });
  assert.equal((await app.json("POST", "/api/orders", { productId: product.id, phone: "081211110001", name: "B", quantity: 1 })).status, 201);
});
