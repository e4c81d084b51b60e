import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnApp } from "../support/app.mjs";

let app;
// BENCHMARK=1 turns on the rows-read header this file checks.
before(async () => { app = await spawnApp({ bindings: { BENCHMARK: "1" } }); });
after(async () => { await app?.close(); });

test("GET /api/health answers ok after a real D1 query", async () => {
  const res = await app.json("GET", "/api/health");
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, { status: "ok" });
  assert.ok(res.headers.get("x-request-id"), "every answer carries a request id");
  assert.ok(Number(res.headers.get("x-d1-rows-read")) <= 1, "reads at most one row");
});

test("health is 503 with a clear code when the database has no schema", async () => {
  const bare = await spawnApp({ migrate: false });
  try {
    const res = await bare.json("GET", "/api/health");
    assert.equal(res.status, 503);
    assert.equal(res.body.code, "database_not_migrated");
  } finally {
    await bare.close();
  }
});

test("unknown API routes and wrong methods answer JSON errors", async () => {
  const missing = await app.json("GET", "/api/nope");
  assert.equal(missing.status, 404);
  assert.deepEqual(missing.body, { error: "No such API route", code: "not_found" });
  const wrong = await app.json("DELETE", "/api/health");
  assert.equal(wrong.status, 405);
  assert.equal(wrong.body.code, "method_not_allowed");
});

test("a panic is answered as a JSON 500 without details, and the Worker recovers", async () => {
  const risky = await spawnApp({ bindings: { ENABLE_TEST_ROUTES: "1" } });
  try {
    const res = await risky.json("GET", "/api/__test/panic");
    assert.equal(res.status, 500);
    assert.deepEqual(res.body, { error: "Something went wrong on our side", code: "internal_error" });
    assert.ok(!JSON.stringify(res.body).includes("deliberate"));
    const next = await risky.json("GET", "/api/health");
    assert.equal(next.status, 200, "the next request is served by a fresh instance");
  } finally {
    await risky.close();
  }
  const safe = await app.json("GET", "/api/__test/panic");
  assert.equal(safe.status, 404, "the route does not exist without the flag");
});

test("GET /api/openapi.json serves the OpenAPI 3.1 document of the API", async () => {
  const res = await app.json("GET", "/api/openapi.json");
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/json");
  assert.equal(res.body.openapi, "3.1.0");
  for (const p of ["/api/auth/register", "/api/trips/{tripId}/products", "/api/orders/{orderId}/proof"]) assert.ok(res.body.paths[p], p);
});

test("without BENCHMARK=1 no answer says how many rows it read", async () => {
  const plain = await spawnApp();
  try {
    for (const path of ["/api/health", "/api/profile/nobody", "/media/avatars/x/y.png"]) {
      const res = await plain.fetch(path);
      assert.equal(res.headers.get("x-d1-rows-read"), null, path);
    }
  } finally {
    await plain.close();
  }
});

test("JSON answers tell browsers not to sniff their type", async () => {
  const res = await app.fetch("/api/health");
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");
  const err = await app.fetch("/api/nothing-here");
  assert.equal(err.headers.get("x-content-type-options"), "nosniff");
});
