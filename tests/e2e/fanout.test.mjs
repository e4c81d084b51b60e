// A new product for 200 participants: each notified exactly once while the
// Graph API fails the first sends with 503 and 429, paced to WA_RATE_PER_SEC.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnApp, registerJastiper } from "../support/app.mjs";
import { createTrip, createProduct } from "../support/fixtures.mjs";
import { eventually } from "../support/whatsapp.mjs";
import { addParticipants } from "../support/people.mjs";

let app;
before(async () => { app = await spawnApp(); });
after(async () => { await app?.close(); });

test("200 participants, each notified exactly once despite 503s and 429s", async () => {
  const j = await registerJastiper(app);
  const trip = await createTrip(app, j.token);
  const phones = await addParticipants(app.db, trip.id, 200, { lastInboundAt: new Date().toISOString() });
  app.graph.failNext(3, 503);
  app.graph.failNext(2, 429, 130429, "Rate limit hit");
  const started = Date.now();
  const product = await createProduct(app, j.token, trip.id, { title: "Shiroi Koibito", slug: "shiroi" });

  const rows = () => app.db.prepare("SELECT status, COUNT(*) AS n FROM outbox WHERE trip_id = ? GROUP BY status").bind(trip.id).all();
  await eventually(async () => {
    const r = (await rows()).results;
    return r.length === 1 && r[0].status === "sent" && r[0].n === 200;
  }, { ms: 90_000, every: 250, what: "all 200 rows sent" });
  const seconds = (Date.now() - started) / 1000;

  const sends = app.graph.sends();
  const ok = sends.slice(5);
  assert.equal(sends.length, 205, "200 successful sends plus the 5 that failed");
  const recipients = ok.map((r) => r.body.to);
  assert.equal(new Set(recipients).size, 200, "every participant once");
  assert.deepEqual([...new Set(recipients)].sort(), [...phones].sort());
  assert.ok(ok.every((r) => r.body.type === "text" && r.body.text.body.includes("https://jastipin.test/o/shiroi")), "free-form inside the window");
  const keys = await app.db.prepare("SELECT COUNT(DISTINCT idempotency_key) AS n FROM outbox WHERE idempotency_key LIKE ?").bind(`product_new:${product.id}:%`).first();
  assert.equal(keys.n, 200);
  const retried = await app.db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE trip_id = ? AND attempts > 1").bind(trip.id).first();
  assert.equal(retried.n, 5, "the five that failed were retried and then sent");

  // Paced: 10 per second means 200 sends take at least ~19 s.
  const span = (ok[ok.length - 1].at - sends[0].at) / 1000;
  assert.ok(span >= 19, `sends spread over ${span.toFixed(1)} s`);
  console.log(`# fan-out: 200 participants notified in ${seconds.toFixed(1)} s at WA_RATE_PER_SEC=10 (sends spread over ${span.toFixed(1)} s); the fake received ${sends.length} requests (${ok.length} delivered, 5 refused)`);
});
