// Errors reach someone: 5xx answers, panics, dead letters and permanent
// WhatsApp failures become Sentry envelopes (a local fake records them),
// scrubbed of phone numbers, tokens and cookies; and a production
// configuration with links to a loopback address refuses to run.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnApp, registerJastiper } from "../support/app.mjs";
import { startFakeSentry } from "../support/fake-sentry.mjs";
import { createTrip } from "../support/fixtures.mjs";
import { addParticipants } from "../support/people.mjs";
import { eventually } from "../support/whatsapp.mjs";

let app, sentry;
before(async () => {
  sentry = await startFakeSentry();
  app = await spawnApp({ bindings: { SENTRY_DSN: sentry.dsn, ENABLE_TEST_ROUTES: "1" } });
});
after(async () => { await app?.close(); await sentry?.close(); });

const settle = (ms) => new Promise((r) => setTimeout(r, ms));

test("a panic produces one Sentry envelope with the request id, the route and the release, and no phone number", async () => {
  const before = sentry.envelopes.length;
  const res = await app.fetch("/api/__test/panic?to=6281234567890", { headers: { cookie: "__Host-jastipin=s3cr3t-cookie-value" } });
  assert.equal(res.status, 500);
  const requestId = res.headers.get("x-request-id");
  assert.match(requestId, /^[0-9a-f]{16}$/);
  await eventually(() => sentry.envelopes.length > before, { what: "the envelope" });
  await settle(1000);
  const mine = sentry.envelopes.slice(before);
  assert.equal(mine.length, 1, "one envelope");
  const [e] = mine;
  assert.equal(e.path, "/api/42/envelope/");
  assert.match(e.auth, /sentry_key=publickey/);
  assert.equal(e.event.tags.request_id, requestId);
  assert.equal(e.event.tags.kind, "panic");
  assert.equal(e.event.transaction, "GET /api/__test/panic");
  assert.equal(e.event.environment, "development");
  assert.match(e.event.release, /^[0-9a-f]{12}$|^unknown$/);
  assert.doesNotMatch(e.raw, /6281234567890|s3cr3t-cookie-value/);
});

test("a dead letter and a permanent WhatsApp failure are reported without the phone", async () => {
  const j = await registerJastiper(app);
  const trip = await createTrip(app, j.token, { slug: "galat1" });
  const [phone] = await addParticipants(app.db, trip.id, 1, { prefix: "62881", lastInboundAt: new Date().toISOString() });
  const before = sentry.envelopes.length;
  app.graph.failNext(1, 400, 131026, "Message undeliverable");
  assert.equal((await app.json("POST", `/api/trips/${trip.id}/broadcast`, { message: "Halo" }, { token: j.token })).status, 202);
  const failed = await eventually(() => sentry.envelopes.slice(before).find((e) => e.event.tags.kind === "whatsapp_failed"), { what: "the failure report" });
  assert.match(failed.event.message.formatted, /131026/);
  assert.ok(!failed.raw.includes(phone), "no phone number");
  assert.equal(failed.event.transaction, "queue:broadcast");

  const dlq = await app.mf.getQueueProducer("DEAD_LETTER_QUEUE");
  await dlq.send({ outboxId: "gone-row" });
  const dead = await eventually(() => sentry.envelopes.slice(before).find((e) => e.event.tags.kind === "dead_letter"), { what: "the dead letter report" });
  assert.match(dead.event.message.formatted, /gone-row/);
});

test("a 5xx is reported after the answer; a 4xx is not", async () => {
  const before = sentry.envelopes.length;
  assert.equal((await app.fetch("/api/trips")).status, 401);
  await settle(800);
  assert.equal(sentry.envelopes.length, before, "a caller's mistake is not an error of ours");
  const broken = await spawnApp({ bindings: { SENTRY_DSN: sentry.dsn, JWT_SECRET: "short" } });
  try {
    const res = await broken.fetch("/api/trips?owner=a@b.co", { headers: { authorization: "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig" } });
    assert.equal(res.status, 500);
    const e = await eventually(() => sentry.envelopes.slice(before).find((x) => x.event.tags.kind === "http_5xx"), { what: "the 5xx report" });
    assert.equal(e.event.tags.request_id, res.headers.get("x-request-id"));
    assert.equal(e.event.transaction, "GET /api/trips");
    assert.match(e.event.message.formatted, /JWT_SECRET/);
    assert.doesNotMatch(e.raw, /a@b\.co|eyJzdWIiOiJ4In0/);
  } finally {
    await broken.close();
  }
});

test("production with links to a loopback address refuses to run, says why in Sentry, and sends nothing", async () => {
  const before = sentry.envelopes.length;
  const prod = await spawnApp({ selfBaseUrl: true, bindings: { SENTRY_DSN: sentry.dsn, ENVIRONMENT: "production" } });
  try {
    const res = await prod.fetch("/api/health");
    assert.equal(res.status, 500);
    assert.equal((await prod.fetch("/t/anything")).status, 500);
    const e = await eventually(() => sentry.envelopes.slice(before).find((x) => /loopback/.test(x.event.message.formatted)), { what: "the config report" });
    assert.equal(e.event.environment, "production");
    await (await prod.mf.getWorker()).scheduled({ cron: "*/10 * * * *" });
    await eventually(() => sentry.envelopes.slice(before).some((x) => x.event.tags.kind === "cron_failed"), { what: "the cron refuses too" });
  } finally {
    await prod.close();
  }
});
