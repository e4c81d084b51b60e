// Outbound WhatsApp: window and templates, permanent and exhausted failures,
// status callbacks, broadcasts and their cost, the outbox API, and every
// event that notifies someone.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { spawnApp, registerJastiper } from "../support/app.mjs";
import { createTrip, createProduct, placeOrder, upload, form, PNG_1x1 } from "../support/fixtures.mjs";
import { connectCode, eventually, deliver, statusDelivery, textDelivery } from "../support/whatsapp.mjs";
import { addParticipants } from "../support/people.mjs";

let app;
// promo_desember: an approved template without parameters that broadcasts may name.
before(async () => { app = await spawnApp({ bindings: { WA_RATE_PER_SEC: "50", WA_MAX_ATTEMPTS: "2", WA_BROADCAST_TEMPLATES: "promo_desember" } }); });
after(async () => { await app?.close(); });

const sendsTo = (phone) => app.graph.sends().filter((r) => r.body.to === phone);
const row = (key) => app.db.prepare("SELECT * FROM outbox WHERE idempotency_key = ?").bind(key).first();
const settle = (ms = 2500) => new Promise((r) => setTimeout(r, ms));
const hoursAgo = (h) => new Date(Date.now() - h * 3600e3).toISOString();

async function setup(prefix, people = []) {
  const j = await registerJastiper(app);
  const trip = await createTrip(app, j.token);
  const phones = [];
  for (const [i, last] of people.entries()) phones.push(...await addParticipants(app.db, trip.id, 1, { prefix: `${prefix}${i}`, lastInboundAt: last }));
  return { j, trip, phones };
}

describe("the 24-hour window", () => {
  test("inside it a product notification is free-form text; outside it, the approved template", async () => {
    const { j, trip, phones: [recent, old, never] } = await setup("628140", [hoursAgo(1), hoursAgo(30), null]);
    const product = await createProduct(app, j.token, trip.id, { title: "Matcha KitKat", price: 95000, slug: "kkmat" });
    await eventually(() => [recent, old, never].every((p) => sendsTo(p).length === 1), { what: "three sends" });
    assert.equal(sendsTo(recent)[0].body.type, "text");
    for (const p of [old, never]) {
      const t = sendsTo(p)[0].body;
      assert.equal(t.type, "template");
      assert.equal(t.template.name, "jastipin_product_new");
      assert.equal(t.template.language.code, "id");
      assert.deepEqual(t.template.components[0].parameters.map((x) => x.text), ["Matcha KitKat", "Rp 95.000", "https://jastipin.test/o/kkmat"]);
    }
    assert.equal((await row(`product_new:${product.id}:p-${trip.id.slice(0, 8)}-6281400-0`)).status, "sent");
  });
});

describe("failures", () => {
  test("a permanent error marks the row failed with Meta's error and is not retried", async () => {
    const { j, trip, phones: [phone] } = await setup("628141", [hoursAgo(1)]);
    app.graph.failNext(1, 400, 131026, "Message undeliverable");
    const product = await createProduct(app, j.token, trip.id);
    const key = `product_new:${product.id}:p-${trip.id.slice(0, 8)}-6281410-0`;
    await eventually(async () => (await row(key))?.status === "failed", { what: "failed row" });
    await settle(3000);
    assert.equal(sendsTo(phone).length, 1, "tried once only");
    const r = await row(key);
    assert.equal(r.last_error, "400 (code 131026): Message undeliverable");
    assert.equal(r.attempts, 1);
  });

  test("after the last attempt a transient failure is failed and dead-lettered", async () => {
    const { j, trip, phones: [phone] } = await setup("628142", [hoursAgo(1)]);
    app.graph.failNext(2, 503);
    const product = await createProduct(app, j.token, trip.id);
    const key = `product_new:${product.id}:p-${trip.id.slice(0, 8)}-6281420-0`;
    await eventually(async () => (await row(key))?.status === "failed", { ms: 20000, what: "failed row" });
    const r = await row(key);
    assert.match(r.last_error, /^gave up after 2 attempts: 503/);
    await settle(3000);
    assert.equal(sendsTo(phone).length, 2, "WA_MAX_ATTEMPTS=2: two tries, then the dead-letter queue");
    assert.equal((await row(key)).status, "failed", "the dead-letter consumer leaves it failed");
  });

  test("the owner lists failures with their errors and re-sends one", async () => {
    const { j, trip, phones: [phone] } = await setup("628143", [hoursAgo(1)]);
    app.graph.failNext(1, 400, 100, "Invalid parameter");
    await createProduct(app, j.token, trip.id);
    await eventually(async () => (await app.json("GET", `/api/trips/${trip.id}/messages?status=failed`, undefined, { token: j.token })).body.messages?.length === 1, { what: "a failed message" });
    const list = await app.json("GET", `/api/trips/${trip.id}/messages?status=failed`, undefined, { token: j.token });
    assert.equal(list.body.counts.failed, 1);
    const failed = list.body.messages[0];
    assert.equal(failed.error, "400 (code 100): Invalid parameter");
    const resent = await app.json("POST", `/api/messages/${failed.id}/resend`, undefined, { token: j.token });
    assert.equal(resent.status, 200);
    assert.equal(resent.body.message.status, "queued");
    await eventually(() => sendsTo(phone).length === 2, { what: "the re-send" });
    const after = await eventually(async () => {
      const l = await app.json("GET", `/api/trips/${trip.id}/messages`, undefined, { token: j.token });
      return l.body.counts.sent === 1 && l.body;
    }, { what: "sent count" });
    assert.equal(after.counts.failed, 0);
    const again = await app.json("POST", `/api/messages/${failed.id}/resend`, undefined, { token: j.token });
    assert.equal(again.status, 409, "only failed messages");
    const stranger = await registerJastiper(app);
    assert.equal((await app.json("POST", `/api/messages/${failed.id}/resend`, undefined, { token: stranger.token })).status, 404);
    assert.equal((await app.json("GET", `/api/trips/${trip.id}/messages`, undefined, { token: stranger.token })).status, 404);
    assert.equal((await app.json("GET", `/api/trips/${trip.id}/messages?status=lost`, undefined, { token: j.token })).status, 400);
  });
});

describe("status callbacks", () => {
  test("update the row by wamid, record pricing, and never move backwards", async () => {
    const { j, trip, phones: [phone] } = await setup("628144", [hoursAgo(1)]);
    const product = await createProduct(app, j.token, trip.id);
    const key = `product_new:${product.id}:p-${trip.id.slice(0, 8)}-6281440-0`;
    const sent = await eventually(async () => { const r = await row(key); return r?.status === "sent" && r; }, { what: "sent" });
    assert.match(sent.wamid, /^wamid\.fake/);
    assert.equal(sendsTo(phone).length, 1);
    const apply = async (status, extra) => {
      assert.equal((await deliver(app, statusDelivery(sent.wamid, status, extra))).status, 200);
      await settle(1500);
      return row(key);
    };
    let r = await apply("delivered", { pricing: { billable: true, pricing_model: "PMP", category: "marketing" } });
    assert.equal(r.status, "delivered");
    assert.equal(r.billable, 1);
    assert.equal(r.pricing_category, "marketing");
    r = await apply("read");
    assert.equal(r.status, "read");
    r = await apply("delivered");
    assert.equal(r.status, "read", "a late delivered does not undo read");
    r = await apply("sent");
    assert.equal(r.status, "read");
    r = await apply("failed", { errors: [{ code: 131000, title: "Something went wrong" }] });
    assert.equal(r.status, "read", "nor does a late failure");
  });

  test("a failed callback on a sent message records Meta's error", async () => {
    const { j, trip } = await setup("628145", [hoursAgo(1)]);
    const product = await createProduct(app, j.token, trip.id);
    const key = `product_new:${product.id}:p-${trip.id.slice(0, 8)}-6281450-0`;
    const sent = await eventually(async () => { const r = await row(key); return r?.status === "sent" && r; }, { what: "sent" });
    await deliver(app, statusDelivery(sent.wamid, "failed", { errors: [{ code: 131047, title: "Re-engagement message" }] }));
    const r = await eventually(async () => { const x = await row(key); return x.status === "failed" && x; }, { what: "failed" });
    assert.equal(r.last_error, "131047 Re-engagement message");
  });
});

describe("broadcast", () => {
  test("one row per subscribed participant; free-form inside the window, template outside", async () => {
    const { j, trip, phones: [inside, outside, gone] } = await setup("628146", [hoursAgo(2), null, hoursAgo(1)]);
    await app.db.prepare("UPDATE participants SET unsubscribed_at = ? WHERE phone = ?").bind(new Date().toISOString(), gone).run();
    const res = await app.json("POST", `/api/trips/${trip.id}/broadcast`, { message: "Besok terakhir order ya kak! 🛫" }, { token: j.token });
    assert.equal(res.status, 202);
    assert.equal(res.body.queued, 2);
    await eventually(() => sendsTo(inside).length === 1 && sendsTo(outside).length === 1, { what: "broadcast sends" });
    assert.equal(sendsTo(inside)[0].body.text.body, "Besok terakhir order ya kak! 🛫");
    assert.equal(sendsTo(outside)[0].body.template.name, "jastipin_broadcast");
    assert.equal(sendsTo(outside)[0].body.template.components[0].parameters[0].text, "Besok terakhir order ya kak! 🛫");
    await settle(1500);
    assert.equal(sendsTo(gone).length, 0, "unsubscribed: nothing");
  });

  test("a named template goes to everyone as that template", async () => {
    const { j, trip, phones: [inside] } = await setup("628147", [hoursAgo(1)]);
    const res = await app.json("POST", `/api/trips/${trip.id}/broadcast`, { template: "promo_desember" }, { token: j.token });
    assert.equal(res.body.queued, 1);
    const [s] = await eventually(() => sendsTo(inside).length && sendsTo(inside), { what: "send" });
    assert.equal(s.body.template.name, "promo_desember");
  });

  test("invalid broadcasts are 400; another jastiper's trip is 404", async () => {
    const { j, trip } = await setup("628148", []);
    for (const body of [{}, { message: "" }, { message: "a", template: "b" }, { template: "Bad Name!" }, { message: "x".repeat(1001) }, { message: "hi", to: "all" }]) {
      assert.equal((await app.json("POST", `/api/trips/${trip.id}/broadcast`, body, { token: j.token })).status, 400, JSON.stringify(body));
    }
    const stranger = await registerJastiper(app);
    assert.equal((await app.json("POST", `/api/trips/${trip.id}/broadcast`, { message: "hi" }, { token: stranger.token })).status, 404);
    assert.equal((await app.json("GET", `/api/trips/${trip.id}/broadcast/estimate`, undefined, { token: stranger.token })).status, 404);
  });

  test("the estimate prices every message by its category (Meta's Indonesia rates at Rp 15.500/USD), utility and free-form inside the window included", async () => {
    const { j, trip } = await setup("628149", []);
    await addParticipants(app.db, trip.id, 60, { prefix: "62814901", lastInboundAt: hoursAgo(1) });
    await addParticipants(app.db, trip.id, 40, { prefix: "62814902", lastInboundAt: hoursAgo(48) });
    const get = (q) => app.json("GET", `/api/trips/${trip.id}/broadcast/estimate${q}`, undefined, { token: j.token });
    // By hand: marketing 0,0411 × 15.500 = 637,05 a message; × 100 = 63.705.
    const marketing = await get("?template=jastipin_broadcast");
    assert.equal(marketing.status, 200);
    assert.deepEqual(
      [marketing.body.participantCount, marketing.body.costPerMessage, marketing.body.totalCostIDR, marketing.body.recommendation, marketing.body.freeCount, marketing.body.category],
      [100, "Rp 637", "Rp 63.705", "High cost - consider opt-in", 0, "marketing"],
    );
    // Utility: 0,02 × 15.500 = 310, charged inside the window too: 31.000.
    const utility = await get("?template=jastipin_order_update&category=utility");
    assert.deepEqual([utility.body.inWindowCount, utility.body.billableCount, utility.body.totalCostIDR, utility.body.recommendation], [60, 100, "Rp 31.000", "OK"]);
    // A { message } broadcast: 60 free-form (service, 0,019 × 15.500 = 294,5) + 40 templates
    // (marketing, 637,05) = 17.670 + 25.482 = 43.152.
    const text = await get("");
    assert.equal(text.body.category, "message");
    assert.deepEqual(text.body.parts, [
      { category: "service", count: 60, costPerMessage: "Rp 295", costPerMessageMilliIDR: 294500 },
      { category: "marketing", count: 40, costPerMessage: "Rp 637", costPerMessageMilliIDR: 637050 },
    ]);
    assert.deepEqual([text.body.totalCostIDR, text.body.totalCostValue], ["Rp 43.152", 43152]);
    // Authentication: 0,03 × 15.500 = 465 × 100.
    assert.equal((await get("?category=authentication")).body.totalCostIDR, "Rp 46.500");
    for (const bad of ["?category=premium", "?category=service"]) assert.equal((await get(bad)).status, 400, bad);
  });

  test("status callbacks' pricing is counted once per message, priced per category: the outbox shows each message's cost and the dashboard the month's", async () => {
    const { j, trip, phones: [a, b] } = await setup("628160", [hoursAgo(1), hoursAgo(2)]);
    const res = await app.json("POST", `/api/trips/${trip.id}/broadcast`, { message: "Besok tutup PO ya" }, { token: j.token });
    assert.equal(res.body.queued, 2);
    await eventually(() => sendsTo(a).length && sendsTo(b).length, { what: "both sends" });
    const rowOf = (phone) => eventually(async () => {
      const r = await app.db.prepare("SELECT * FROM outbox WHERE trip_id = ? AND recipient = ? AND status = 'sent'").bind(trip.id, phone).first();
      return r?.wamid && r;
    }, { what: `sent to ${phone}` });
    const [ra, rb] = [await rowOf(a), await rowOf(b)];
    assert.deepEqual([ra.sent_as, rb.sent_as], ["service", "service"], "free-form inside the window goes as a service message");
    const listed = await app.json("GET", `/api/trips/${trip.id}/messages`, undefined, { token: j.token });
    assert.deepEqual(listed.body.messages.map((m) => [m.costCategory, m.costIdr]), [["service", 295], ["service", 295]], "what each will cost, before Meta says");
    const pricing = (billable, category, type) => ({ pricing: { billable, pricing_model: "PMP", category, type } });
    for (const [wamid, status, extra] of [
      [ra.wamid, "sent", pricing(true, "service", "regular")],
      [ra.wamid, "delivered", pricing(true, "service", "regular")],
      [ra.wamid, "read", pricing(true, "service", "regular")],
      [rb.wamid, "delivered", pricing(false, "service", "free_customer_service")],
    ]) {
      assert.equal((await deliver(app, statusDelivery(wamid, status, extra))).status, 200);
    }
    const counted = await eventually(async () => {
      const r = await app.db.prepare("SELECT messages, billable FROM message_costs WHERE jastiper_id = ? AND category = 'service'").bind(j.user.id).first();
      return r?.messages === 2 && r;
    }, { what: "the month's counts" });
    await settle(1000);
    assert.deepEqual({ ...(await app.db.prepare("SELECT messages, billable FROM message_costs WHERE jastiper_id = ? AND category = 'service'").bind(j.user.id).first()) }, { messages: 2, billable: 1 }, "three callbacks of one message count once; the free one is not charged");
    assert.ok(counted);
    const after = await app.json("GET", `/api/trips/${trip.id}/messages`, undefined, { token: j.token });
    const byRecipient = Object.fromEntries(after.body.messages.map((m) => [m.recipient, [m.costCategory, m.costIdr, m.pricingType]]));
    assert.deepEqual(byRecipient, { [a]: ["service", 295, "regular"], [b]: [null, null, "free_customer_service"] });
    const { Browser } = await import("../support/browser-session.mjs");
    const s = new Browser(app);
    assert.equal((await s.post("/login", { email: j.user.email, password: j.password }, { csrf: false })).status, 303);
    const page = await s.get(`/dashboard/trips/${trip.id}/messages`);
    assert.match(page.html, /Biaya WhatsApp bulan ini[^]*?Rp 295[^]*?1 × layanan \(chat 24 jam\) @ Rp 295/);
    assert.match(page.html, /Rp 295 · menurut Meta layanan/);
    assert.match(page.html, /2 × layanan \(chat 24 jam\) @ Rp 295/, "the broadcast estimate by category");
  });

  test("a monthly free allowance covers the first messages of the month on the business number", async () => {
    const free = await spawnApp({ bindings: { WA_FREE_MESSAGES_PER_MONTH: "150" } });
    try {
      const j = await registerJastiper(free);
      const trip = await createTrip(free, j.token);
      await addParticipants(free.db, trip.id, 100, { prefix: "62816100", lastInboundAt: null });
      const month = new Date().toISOString().slice(0, 7);
      await free.db.prepare("INSERT INTO message_costs (jastiper_id, month, category, messages, billable) VALUES ('', ?, 'utility', 80, 80)").bind(month).run();
      // 150 free − 80 charged already = 70 free; 30 marketing templates charged: 30 × 637,05 = 19.111,5.
      const e = await free.json("GET", `/api/trips/${trip.id}/broadcast/estimate?category=marketing`, undefined, { token: j.token });
      assert.deepEqual([e.body.freeCount, e.body.billableCount, e.body.totalCostIDR], [70, 30, "Rp 19.112"]);
    } finally {
      await free.close();
    }
  });
});

/** A signed WhatsApp message from `from`, as Meta delivers it. */
async function say(text, from) {
  const d = textDelivery(text, { from, name: "Penitip" });
  assert.equal((await deliver(app, d.body)).status, 200);
  return d.wamid;
}

describe("events", () => {
  test("a web join sends nothing until its phone confirms; then a welcome, receipts and status changes with a working link", async () => {
    const { j, trip } = await setup("628150", []);
    const joined = await app.json("POST", `/api/trips/${trip.slug}/join`, { phone: "081500000001", name: "Wulan" });
    assert.equal(joined.status, 202);
    assert.match(joined.body.confirm.whatsappUrl, /^https:\/\/wa\.me\/6281100000000\?text=KONFIRMASI%20[A-Z0-9]{6}$/);
    const product = await createProduct(app, j.token, trip.id, { title: "Royce", price: 185000 });
    const order = (await placeOrder(app, product.id, { phone: "081500000001", name: "Wulan", quantity: 2 })).body;
    assert.equal(order.confirm.code, joined.body.confirm.code, "one code per participant");
    await settle(1500);
    assert.equal(sendsTo("6281500000001").length, 0, "no message to a phone that never wrote to us");

    // The phone sends its code: the welcome and the receipt go, free-form inside the window it opened.
    await say(`KONFIRMASI ${joined.body.confirm.code}`, "6281500000001");
    await eventually(() => sendsTo("6281500000001").length === 2, { what: "welcome and receipt" });
    const texts = sendsTo("6281500000001").map((s) => s.body);
    assert.ok(texts.every((b) => b.type === "text"), "free-form: no paid template");
    assert.ok(texts.some((b) => b.text.body.includes("terdaftar")), "a welcome");
    assert.ok(texts.some((b) => b.text.body.includes("Pesananmu tercatat") && b.text.body.includes("Royce")), "a receipt");
    await app.json("POST", `/api/trips/${trip.slug}/join`, { phone: "081500000001", name: "Wulan" });
    await settle(1500);
    assert.equal(sendsTo("6281500000001").length, 2, "joining again sends nothing more");

    await app.json("PATCH", `/api/orders/${order.order.id}/confirm`, undefined, { token: j.token });
    const confirm = await eventually(() => sendsTo("6281500000001").find((s) => JSON.stringify(s.body).includes("dikonfirmasi")), { what: "confirmation" });
    const link = new URL(confirm.body.text.body.match(/https?:\/\/\S+/)[0]);
    assert.equal(link.pathname, `/b/${order.bill.id}`, "the message links the penitip's bill");
    const viaLink = await app.json("GET", `/api/bills/${order.bill.id}?token=${link.searchParams.get("token")}`);
    assert.equal(viaLink.status, 200, "the link in the message opens the bill");
    assert.equal(viaLink.body.bill.items[0].status, "confirmed");
    assert.equal((await app.json("GET", `/api/bills/${order.bill.id}?token=b.forged`)).status, 404);
    await app.json("PATCH", `/api/orders/${order.order.id}/ship`, undefined, { token: j.token });
    await eventually(() => sendsTo("6281500000001").some((s) => JSON.stringify(s.body).includes("dikirim")), { what: "shipped message" });
  });

  test("outside the window a confirmed buyer's status change is the approved template", async () => {
    const { j, trip, phones: [phone] } = await setup("628154", [hoursAgo(30)]);
    const product = await createProduct(app, j.token, trip.id, { title: "Royce", price: 185000 });
    await eventually(() => sendsTo(phone).length === 1, { what: "product notification" });
    const order = (await placeOrder(app, product.id, { phone: `0${phone.slice(2)}`, name: "Wulan", quantity: 2 })).body.order;
    await eventually(() => sendsTo(phone).length === 2, { what: "receipt (already confirmed)" });
    await app.json("PATCH", `/api/orders/${order.id}/confirm`, undefined, { token: j.token });
    const confirm = await eventually(() => sendsTo(phone).find((s) => JSON.stringify(s.body).includes("confirmed")), { what: "confirmation" });
    const params = confirm.body.template.components[0].parameters.map((p) => p.text);
    assert.deepEqual(params.slice(0, 3), ["confirmed", "Royce", "Rp 370.000"]);
  });

  test("a rejection carries its reason", async () => {
    const { j, trip } = await setup("628151", []);
    const product = await createProduct(app, j.token, trip.id);
    const placed = (await placeOrder(app, product.id, { phone: "081510000001" })).body;
    await say(`KONFIRMASI ${placed.confirm.code}`, "6281510000001");
    await eventually(() => sendsTo("6281510000001").length === 2, { what: "welcome and receipt" });
    await app.json("PATCH", `/api/orders/${placed.order.id}/reject`, { reason: "Stok di Jepang habis" }, { token: j.token });
    const msg = await eventually(() => sendsTo("6281510000001").find((s) => s.body.type === "text" && s.body.text.body.includes("ditolak")), { what: "rejection" });
    assert.match(msg.body.text.body, /Alasan: Stok di Jepang habis/);
  });

  test("a payment proof tells the jastiper on the number she connected, at most once per 10 minutes", async () => {
    const { j, trip } = await setup("628152", []);
    const product = await createProduct(app, j.token, trip.id);
    const first = (await placeOrder(app, product.id, { phone: "081520000001", name: "Tari" })).body.order;
    await upload(app, "POST", `/api/orders/${first.id}/proof?token=${first.accessToken}`, form({}, PNG_1x1));
    await settle(2000);
    assert.equal(app.graph.sends().filter((s) => JSON.stringify(s.body).includes("mengunggah bukti") || JSON.stringify(s.body).includes("jastipin_proof")).length, 0, "no phone on the profile: nothing");
    await app.json("PATCH", "/api/profile/me", { phone: "081529999999" }, { token: j.token });
    const second = (await placeOrder(app, product.id, { phone: "081520000002", name: "Tari" })).body.order;
    await upload(app, "POST", `/api/orders/${second.id}/proof?token=${second.accessToken}`, form({}, PNG_1x1));
    await settle(2000);
    assert.equal(sendsTo("6281529999999").length, 0, "a number typed into a profile is not messaged before it is connected");
    assert.equal(await app.db.prepare("SELECT id FROM outbox WHERE idempotency_key LIKE ?").bind(`proof:${second.id}:%`).first(), null);

    // Connecting: the dashboard's code, sent from that phone.
    const code = await connectCode(app, j.token);
    await say(`KONFIRMASI ${code}`, "6281529999999");
    await eventually(async () => (await app.db.prepare("SELECT phone_connected_at FROM users WHERE id = ?").bind(j.user.id).first()).phone_connected_at, { what: "connected" });
    const third = (await placeOrder(app, product.id, { phone: "081520000003", name: "Tari" })).body.order;
    for (let i = 0; i < 8; i++) await upload(app, "POST", `/api/orders/${third.id}/proof?token=${third.accessToken}`, form({}, PNG_1x1));
    const msg = await eventually(() => sendsTo("6281529999999").find((m) => m.body.type === "template"), { what: "proof notification" });
    assert.equal(msg.body.template.name, "jastipin_proof_uploaded");
    assert.equal(msg.body.template.components[0].parameters[0].text, "Tari");
    await settle(1500);
    assert.equal(sendsTo("6281529999999").filter((m) => m.body.type === "template").length, 1, "eight uploads, one message");
    const rows = await app.db.prepare("SELECT queue FROM outbox WHERE idempotency_key LIKE ?").bind(`proof:${third.id}:%`).all();
    assert.deepEqual(rows.results.map((r) => r.queue), ["proof_notify"]);
  });

  test("the cron re-queues rows whose queue message was lost", async () => {
    const { trip, phones: [phone] } = await setup("628153", [hoursAgo(1)]);
    const old = new Date(Date.now() - 20 * 60e3).toISOString();
    await app.db.prepare(`INSERT INTO outbox (id, idempotency_key, queue, kind, recipient, trip_id, participant_id, body, template_name, template_language, template_params, created_at, updated_at)
      VALUES ('lost1', 'lost:1', 'notifications', 'product_new', ?, ?, (SELECT id FROM participants WHERE phone = ?), 'Halo', 'jastipin_product_new', 'id', '[]', ?, ?)`).bind(phone, trip.id, phone, old, old).run();
    const worker = await app.mf.getWorker();
    await worker.scheduled({ cron: "*/10 * * * *" });
    await eventually(() => sendsTo(phone).length === 1, { what: "the lost message sent" });
    assert.equal((await eventually(async () => { const r = await row("lost:1"); return r.status === "sent" && r; }, { what: "sent" })).status, "sent");
  });
});

test("without WA_ACCESS_TOKEN messages are recorded as simulated and nothing is sent", async () => {
  const quiet = await spawnApp({ bindings: { WA_ACCESS_TOKEN: "" } });
  try {
    const j = await registerJastiper(quiet);
    const trip = await createTrip(quiet, j.token);
    await addParticipants(quiet.db, trip.id, 3, { lastInboundAt: hoursAgo(1) });
    await createProduct(quiet, j.token, trip.id);
    await eventually(async () => (await quiet.db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE status = 'simulated'").first()).n === 3, { what: "simulated rows" });
    assert.equal(quiet.graph.requests.length, 0);
  } finally {
    await quiet.close();
  }
});
