import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnApp } from "../support/app.mjs";

let app;
before(async () => { app = await spawnApp(); });
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
