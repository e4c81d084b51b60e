// Who is told what, and when: the cron closes trips at their deadline once
// (a summary to each penitip with open orders, the totals to the jastiper),
// new orders reach the jastiper coalesced, STOP ends broadcasts but not
// messages about one's own orders, template parameters follow Meta's rule,
// one send rate across the four outbound queues, proofs archived after 90
// days, and one phone rule everywhere.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnApp, registerJastiper } from "../support/app.mjs";
import { createTrip, createProduct, placeOrder, upload, form, PNG_1x1 } from "../support/fixtures.mjs";
import { connectCode, deliver, eventually, textDelivery } from "../support/whatsapp.mjs";
import { addParticipants } from "../support/people.mjs";

// Low enough that four queues pacing themselves (the old way) would together send several times it.
const RATE = 5;
let app;
before(async () => { app = await spawnApp({ bindings: { ORDER_DIGEST_DELAY_SECONDS: "3", WA_RATE_PER_SEC: String(RATE) } }); });
after(async () => { await app?.close(); });

const sendsTo = (phone) => app.graph.sends().filter((s) => s.body.to === phone);
const settle = (ms) => new Promise((r) => setTimeout(r, ms));
const text = (s) => s.body.type === "text" ? s.body.text.body : s.body.template.components?.[0]?.parameters.map((p) => p.text).join(" | ");

/** A jastiper whose WhatsApp is connected (she sent her code from `phone`). */
async function connected(phone) {
  const j = await registerJastiper(app);
  const code = await connectCode(app, j.token);
  assert.equal((await deliver(app, textDelivery(`KONFIRMASI ${code}`, { from: phone }).body)).status, 200);
  await eventually(async () => (await app.db.prepare("SELECT phone_connected_at FROM users WHERE id = ?").bind(j.user.id).first()).phone_connected_at, { what: "connected" });
  await eventually(() => sendsTo(phone).length === 1, { what: "connected reply" });
  return j;
}

/** Marks the buyers of a trip confirmed (as if each had sent its code). */
async function confirmBuyers(tripId) {
  await app.db.prepare("UPDATE participants SET confirmed_at = ? WHERE trip_id = ?").bind(new Date().toISOString(), tripId).run();
}

test("the cron closes a trip at its deadline once: one summary per penitip with open orders, the totals to the jastiper; a new deadline reopens it", async () => {
  const j = await connected("6281600000000");
  const trip = await createTrip(app, j.token, { slug: "tutup2", deadline: "2099-01-01" });
  const p = await createProduct(app, j.token, trip.id, { title: "Tokyo Banana", price: 100000, stock: 50 });
  const a1 = (await placeOrder(app, p.id, { phone: "081600000001", name: "Ani", quantity: 1 })).body.order;
  await placeOrder(app, p.id, { phone: "081600000001", name: "Ani", quantity: 2 });
  const b = (await placeOrder(app, p.id, { phone: "081600000002", name: "Budi" })).body.order;
  await placeOrder(app, p.id, { phone: "081600000003", name: "Cici" });
  await confirmBuyers(trip.id);
  await app.json("PATCH", `/api/orders/${a1.id}/confirm`, undefined, { token: j.token });
  await app.json("PATCH", `/api/orders/${b.id}/confirm`, undefined, { token: j.token });
  await app.json("PATCH", `/api/orders/${b.id}/ship`, undefined, { token: j.token });
  // The jastiper's coalesced notice of these four orders comes first.
  await eventually(() => sendsTo("6281600000000").some((s) => /4 pesanan baru|"4"/.test(JSON.stringify(s.body))), { what: "the new-orders notice" });
  await settle(1500);
  const before = app.graph.sends().length;

  const past = new Date(Date.now() - 60e3).toISOString();
  await app.db.prepare("UPDATE trips SET deadline = ? WHERE id = ?").bind(past, trip.id).run();
  const worker = await app.mf.getWorker();
  await worker.scheduled({ cron: "*/10 * * * *" });
  await worker.scheduled({ cron: "*/10 * * * *" });
  await eventually(() => app.graph.sends().length - before >= 3, { what: "closing messages" });
  await settle(1500);
  const closing = app.graph.sends().slice(before);
  assert.equal(closing.filter((s) => s.body.to === "6281600000001").length, 1, "Ani: one message for two open orders");
  assert.match(text(closing.find((s) => s.body.to === "6281600000001")), /Tokyo Banana ×1 \(Rp 100\.000\).*Tokyo Banana ×2 \(Rp 200\.000\)/s);
  assert.equal(closing.filter((s) => s.body.to === "6281600000002").length, 0, "Budi's order was shipped: nothing open");
  assert.equal(closing.filter((s) => s.body.to === "6281600000003").length, 1);
  const totals = closing.filter((s) => s.body.to === "6281600000000");
  assert.equal(totals.length, 1, "the jastiper: the totals, once");
  assert.match(text(totals[0]), /tutup2|Trip/);
  assert.equal(closing.length, 3);

  // A later deadline reopens the trip: orders work again, and it closes again when that one passes.
  const reopened = await app.json("PATCH", `/api/trips/${trip.id}`, { deadline: "2099-02-01" }, { token: j.token });
  assert.equal(reopened.status, 200);
  assert.equal((await placeOrder(app, p.id, { phone: "081600000004", name: "Dedi" })).status, 201);
  await app.db.prepare("UPDATE trips SET deadline = ? WHERE id = ?").bind(new Date(Date.now() - 30e3).toISOString(), trip.id).run();
  await worker.scheduled({ cron: "*/10 * * * *" });
  await eventually(() => app.graph.sends().slice(before + 3).filter((s) => s.body.to === "6281600000000").length === 1, { what: "closed again" });
});

test("twenty orders in two minutes give the jastiper one message listing them, linking to the dashboard", async () => {
  const j = await connected("6281610000000");
  const trip = await createTrip(app, j.token, { slug: "ramai1" });
  const p = await createProduct(app, j.token, trip.id, { title: "Kitkat Matcha", price: 25000, stock: 100 });
  for (let i = 0; i < 20; i++) {
    assert.equal((await placeOrder(app, p.id, { phone: `08161${String(i).padStart(7, "0")}`, name: `Pembeli ${i}` })).status, 201);
  }
  const [notice] = await eventually(() => sendsTo("6281610000000").filter((s) => s.body.to && !JSON.stringify(s.body).includes("terhubung")).length && sendsTo("6281610000000").filter((s) => !JSON.stringify(s.body).includes("terhubung")), { what: "the coalesced notice" });
  assert.match(JSON.stringify(notice.body), /20 pesanan baru|"20"/);
  assert.ok(JSON.stringify(notice.body).includes(`/dashboard/trips/${trip.id}/orders`));
  await settle(5000);
  assert.equal(sendsTo("6281610000000").filter((s) => !JSON.stringify(s.body).includes("terhubung")).length, 1, "one message for twenty orders");
});

test("STOP ends broadcasts but a buyer still hears about their own order", async () => {
  const j = await registerJastiper(app);
  const trip = await createTrip(app, j.token, { slug: "stop02" });
  const p = await createProduct(app, j.token, trip.id);
  const order = (await placeOrder(app, p.id, { phone: "081620000001", name: "Eka" })).body.order;
  await confirmBuyers(trip.id);
  assert.equal((await deliver(app, textDelivery("STOP stop02", { from: "6281620000001" }).body)).status, 200);
  await eventually(async () => (await app.db.prepare("SELECT unsubscribed_at FROM participants WHERE phone = '6281620000001'").first()).unsubscribed_at, { what: "stopped" });
  await eventually(() => sendsTo("6281620000001").some((s) => /berhenti/.test(text(s))), { what: "the STOP reply" });
  const before = sendsTo("6281620000001").length;
  await app.json("POST", `/api/trips/${trip.id}/broadcast`, { message: "Promo!" }, { token: j.token });
  await app.json("PATCH", `/api/orders/${order.id}/confirm`, undefined, { token: j.token });
  const confirmation = await eventually(() => sendsTo("6281620000001").slice(before).find((s) => JSON.stringify(s.body).includes("confirmed") || JSON.stringify(s.body).includes("dikonfirmasi")), { what: "the confirmation" });
  assert.ok(confirmation);
  await settle(1500);
  assert.deepEqual(sendsTo("6281620000001").slice(before).map(text).filter((t) => !/dikonfirmasi|confirmed/.test(t)), [], "no broadcast after STOP");
});

test("a multi-line broadcast outside the 24-hour window becomes a template parameter Meta accepts", async () => {
  const j = await registerJastiper(app);
  const trip = await createTrip(app, j.token, { slug: "baris1" });
  const [phone] = await addParticipants(app.db, trip.id, 1, { prefix: "62863", lastInboundAt: null });
  const message = "Halo semua!\n\nBesok     berangkat\tke Tokyo.\r\nPesan sekarang ya";
  assert.equal((await app.json("POST", `/api/trips/${trip.id}/broadcast`, { message }, { token: j.token })).status, 202);
  const [s] = await eventually(() => sendsTo(phone).length && sendsTo(phone), { what: "the broadcast" });
  assert.equal(s.body.type, "template");
  const param = s.body.template.components[0].parameters[0].text;
  assert.doesNotMatch(param, /[\n\t\r]/, "no newline or tab");
  assert.doesNotMatch(param, / {5}/, "no more than four consecutive spaces");
  assert.equal(param, "Halo semua!  Besok    berangkat ke Tokyo.  Pesan sekarang ya");
});

test("four full outbound queues together never exceed the configured rate per second", async () => {
  const j = await registerJastiper(app);
  const trip = await createTrip(app, j.token, { slug: "laju01" });
  const phones = await addParticipants(app.db, trip.id, 48, { prefix: "62870", lastInboundAt: new Date().toISOString() });
  const now = new Date().toISOString();
  const queues = [["notifications", "NOTIFICATIONS_QUEUE"], ["broadcast", "BROADCAST_QUEUE"], ["proof_notify", "PROOF_NOTIFY_QUEUE"], ["confirmation", "CONFIRMATION_QUEUE"]];
  const ids = { notifications: [], broadcast: [], proof_notify: [], confirmation: [] };
  const rows = phones.map((phone, i) => {
    const [queue] = queues[i % 4];
    const id = `pace${i}`;
    ids[queue].push(id);
    return app.db.prepare(`INSERT INTO outbox (id, idempotency_key, queue, kind, recipient, trip_id, participant_id, body, template_name, template_language, template_params, created_at, updated_at)
      VALUES (?, ?, ?, 'broadcast', ?, ?, (SELECT id FROM participants WHERE phone = ?), 'Halo', 'jastipin_broadcast', 'id', '["Halo"]', ?, ?)`).bind(id, `pace:${i}`, queue, phone, trip.id, phone, now, now);
  });
  for (let i = 0; i < rows.length; i += 50) await app.db.batch(rows.slice(i, i + 50));
  const start = Date.now();
  await Promise.all(queues.map(async ([queue, binding]) => {
    const producer = await app.mf.getQueueProducer(binding);
    await producer.sendBatch(ids[queue].map((outboxId) => ({ body: { outboxId } })));
  }));
  await eventually(() => phones.every((p) => sendsTo(p).length === 1), { what: "all 48 sent", ms: 60000 });
  const times = phones.map((p) => sendsTo(p)[0].at).sort((a, b) => a - b);
  let worst = 0;
  for (let i = 0; i < times.length; i++) {
    let k = i;
    while (k + 1 < times.length && times[k + 1] - times[i] < 1000) k++;
    worst = Math.max(worst, k - i + 1);
  }
  const seconds = (times.at(-1) - times[0]) / 1000;
  console.log(`# pacing: 48 sends over four queues in ${seconds.toFixed(2)} s (${(47 / seconds).toFixed(2)}/s average), at most ${worst} in any 1 s window; configured ${RATE}/s; first send ${times[0] - start} ms after enqueue`);
  assert.ok(worst <= RATE + 1, `at most ${RATE} (+1 for the window's edge) in any second, saw ${worst}`);
  assert.ok(seconds >= 47 / RATE - 1, `48 sends at ${RATE}/s take about ${47 / RATE} s, took ${seconds}`);
});

test("a shipped order's proof is deleted 90 days after shipping, not before; its page says it was archived", async () => {
  const j = await registerJastiper(app);
  const trip = await createTrip(app, j.token, { slug: "arsip1" });
  const p = await createProduct(app, j.token, trip.id);
  const orders = [];
  for (const phone of ["081640000001", "081640000002"]) {
    const o = (await placeOrder(app, p.id, { phone, name: "Arsip" })).body.order;
    assert.equal((await upload(app, "POST", `/api/orders/${o.id}/proof?token=${o.accessToken}`, form({}, PNG_1x1))).status, 200);
    await app.json("PATCH", `/api/orders/${o.id}/confirm`, undefined, { token: j.token });
    await app.json("PATCH", `/api/orders/${o.id}/ship`, undefined, { token: j.token });
    orders.push(o);
  }
  const daysAgo = (d) => new Date(Date.now() - d * 864e5).toISOString();
  await app.db.prepare("UPDATE orders SET updated_at = ? WHERE id = ?").bind(daysAgo(91), orders[0].id).run();
  await app.db.prepare("UPDATE orders SET updated_at = ? WHERE id = ?").bind(daysAgo(30), orders[1].id).run();
  const keys = await Promise.all(orders.map(async (o) => (await app.db.prepare("SELECT proof_key FROM orders WHERE id = ?").bind(o.id).first()).proof_key));
  const bucket = await app.mf.getR2Bucket("BUCKET");
  assert.ok(await bucket.head(keys[0]));
  await (await app.mf.getWorker()).scheduled({ cron: "*/10 * * * *" });
  assert.equal(await bucket.head(keys[0]), null, "the 91-day-old proof is gone");
  assert.ok(await bucket.head(keys[1]), "the 30-day-old proof stays");
  const page = await (await app.fetch(`/order/${orders[0].id}?token=${orders[0].accessToken}`, { redirect: "follow" })).text();
  assert.match(page, /Bukti bayar sudah diarsipkan/);
  assert.equal((await app.fetch(`/api/orders/${orders[0].id}/proof?token=${orders[0].accessToken}`)).status, 404);
  assert.equal((await app.fetch(`/api/orders/${orders[1].id}/proof?token=${orders[1].accessToken}`)).status, 200);
});

test("one phone rule everywhere: Indonesian forms become 62…, other countries in international form", async () => {
  const j = await registerJastiper(app);
  const trip = await createTrip(app, j.token, { slug: "dunia1" });
  const p = await createProduct(app, j.token, trip.id, { slug: "duni1" });
  const api = await placeOrder(app, p.id, { phone: "+65 9123 4567", name: "Singa" });
  assert.equal(api.status, 201);
  const web = await app.fetch("/order?product=duni1", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ name: "Ami", phone: "+1 (650) 555-1234", quantity: "1" }).toString() });
  assert.equal(web.status, 303);
  const join = await app.json("POST", "/api/trips/dunia1/join", { phone: "+60 12-345 6789", name: "Mala" });
  assert.equal(join.status, 202);
  const phones = (await app.db.prepare("SELECT phone FROM participants WHERE trip_id = ? ORDER BY phone").bind(trip.id).all()).results.map((r) => r.phone);
  assert.deepEqual(phones, ["16505551234", "60123456789", "6591234567"]);
  for (const bad of ["6591234567", "+62 21 555 1234", "021 555 1234"]) {
    const r = await placeOrder(app, p.id, { phone: bad, name: "X" });
    assert.equal(r.status, 400, bad);
    assert.ok(r.body.fields.phone, bad);
  }
});
