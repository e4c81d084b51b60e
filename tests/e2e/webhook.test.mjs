// The WhatsApp webhook: verification, signatures over raw bytes, every real
// sample, exactly-once processing, and the JOIN/INFO/STOP commands.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { spawnApp, registerJastiper, snapshot, WA_VERIFY_TOKEN } from "../support/app.mjs";
import { createTrip, createProduct } from "../support/fixtures.mjs";
import { textDelivery, deliver, pywaSamples, eventually, sign, metaJson } from "../support/whatsapp.mjs";

let app, owner, trip;
before(async () => {
  app = await spawnApp();
  owner = await registerJastiper(app);
  trip = await createTrip(app, owner.token, { slug: "jpn25", title: "Jastip Jepang" });
  await createProduct(app, owner.token, trip.id, { title: "Tokyo Banana", slug: "tkbnn", price: 125000 });
});
after(async () => { await app?.close(); });

const sendsTo = (phone) => app.graph.sends().filter((r) => r.body.to === phone);
const processed = (wamid) => app.db.prepare("SELECT processed_at, outcome FROM processed_webhook_messages WHERE wamid = ?").bind(wamid).first();
const settle = (ms = 2500) => new Promise((r) => setTimeout(r, ms));

describe("verification", () => {
  test("the right verify token gets the challenge back as text", async () => {
    const res = await app.fetch(`/api/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${WA_VERIFY_TOKEN}&hub.challenge=1158201444`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type"), /^text\/plain/);
    assert.equal(await res.text(), "1158201444");
  });

  test("a wrong token or mode is 403", async () => {
    for (const q of [`hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`, `hub.mode=unsubscribe&hub.verify_token=${WA_VERIFY_TOKEN}&hub.challenge=1`, "hub.challenge=1"]) {
      assert.equal((await app.fetch(`/api/webhooks/whatsapp?${q}`)).status, 403, q);
    }
  });
});

describe("signatures", () => {
  test("missing or wrong signatures are 401 and nothing is taken in", async () => {
    const before = await snapshot(app.db);
    const d = textDelivery("JOIN jpn25 | Nama: Mallory", { from: "628111000001" });
    assert.equal((await deliver(app, d.body, { signature: null })).status, 401);
    assert.equal((await deliver(app, d.body, { signature: "sha256=" + "0".repeat(64) })).status, 401);
    assert.equal((await deliver(app, d.body, { signature: sign(metaJson(d.body), "another-secret") })).status, 401);
    assert.equal((await deliver(app, d.body, { signature: "garbage" })).status, 401);
    await settle(1500);
    assert.deepEqual(await snapshot(app.db), before);
  });

  test("non-ASCII and emoji: Meta's escaped bytes verify; re-serialised bytes do not", async () => {
    const d = textDelivery("JOIN jpn25 | Nama: Dédé 🌸", { from: "628111000002", name: "Dédé" });
    const escaped = metaJson(d.body);
    assert.ok(escaped.includes("\\ud83c\\udf38"), "the body carries escapes as Meta sends them");
    const reserialised = JSON.stringify(d.body);
    assert.equal((await deliver(app, d.body, { raw: reserialised, signature: sign(escaped) })).status, 401);
    assert.equal((await deliver(app, d.body, { raw: escaped })).status, 200);
    await eventually(async () => (await processed(d.wamid))?.processed_at, { what: "processing" });
    const p = await app.db.prepare("SELECT name FROM participants WHERE phone = '628111000002'").first();
    assert.equal(p.name, "Dédé 🌸");
  });

  test("raw UTF-8 bytes signed as sent are accepted too", async () => {
    const d = textDelivery("INFO jpn25", { from: "628111000003", name: "Ñandú" });
    const raw = JSON.stringify(d.body);
    assert.equal((await deliver(app, d.body, { raw, signature: sign(raw) })).status, 200);
  });

  test("a signed body that is not JSON is 400", async () => {
    assert.equal((await deliver(app, null, { raw: "not json" })).status, 400);
  });
});

test("every pywa sample is accepted when signed and processed without error", async () => {
  const samples = pywaSamples();
  assert.equal(samples.length, 39, "every sample of the fixture files");
  const wamids = new Set();
  for (const { name, body } of samples) {
    const res = await deliver(app, body);
    assert.equal(res.status, 200, name);
    assert.deepEqual(res.body, { message: "OK" }, name);
    for (const e of body.entry ?? []) for (const c of e.changes ?? []) for (const m of c.value?.messages ?? []) if (m.id) wamids.add(m.id);
  }
  await eventually(async () => {
    const rows = (await app.db.prepare("SELECT wamid, processed_at FROM processed_webhook_messages").all()).results;
    const done = rows.filter((r) => wamids.has(r.wamid) && r.processed_at);
    return done.length === wamids.size;
  }, { what: "every sample message processed" });
  const outcomes = (await app.db.prepare("SELECT outcome FROM processed_webhook_messages WHERE wamid IN (SELECT value FROM json_each(?))").bind(JSON.stringify([...wamids])).all()).results;
  // Not commands: words and photos from numbers no jastiper knows get the help message, the rest nothing.
  assert.ok(outcomes.every((o) => ["ignored", "help"].includes(o.outcome)), `sample texts are not commands: ${JSON.stringify(outcomes)}`);
});

describe("commands", () => {
  test("JOIN: five concurrent re-deliveries make one participant and one reply", async () => {
    const d = textDelivery("join JPN25 | nama: Siti", { from: "628122000001", name: "Siti WA" });
    const results = await Promise.all(Array.from({ length: 5 }, () => deliver(app, d.body)));
    assert.deepEqual(results.map((r) => r.status), [200, 200, 200, 200, 200]);
    await eventually(() => sendsTo("628122000001").length >= 1, { what: "replies" });
    await settle();
    const people = (await app.db.prepare("SELECT name, last_inbound_at FROM participants WHERE phone = '628122000001'").all()).results;
    assert.equal(people.length, 1);
    assert.equal(people[0].name, "Siti");
    assert.ok(people[0].last_inbound_at, "the last inbound time is recorded");
    const replies = sendsTo("628122000001");
    assert.equal(replies.length, 1, "one answer: the thank-you with the product list, once");
    assert.match(replies[0].body.text.body, /^Terima kasih Siti! Kamu sekarang tergabung di trip jpn25/);
    assert.ok(replies[0].body.text.body.includes("https://jastipin.test/t/jpn25"));
    assert.match(replies[0].body.text.body, /Tokyo Banana — Rp 125\.000 · kode tkbnn/);
    assert.match(replies[0].body.text.body, /PESAN <kode> <jumlah>/);
    assert.equal(replies[0].headers.authorization, "Bearer test-access-token");
    assert.equal(replies[0].path, "/1234567890/messages");
  });

  test("JOIN without a name uses the WhatsApp profile name", async () => {
    const d = textDelivery("JOIN jpn25", { from: "628122000002", name: "Rina Profile" });
    await deliver(app, d.body);
    await eventually(() => sendsTo("628122000002").length >= 1, { what: "reply" });
    const p = await app.db.prepare("SELECT name FROM participants WHERE phone = '628122000002'").first();
    assert.equal(p.name, "Rina Profile");
  });

  test("INFO replies with the trip and its products", async () => {
    const d = textDelivery("INFO jpn25", { from: "628122000003" });
    await deliver(app, d.body);
    const [reply] = await eventually(() => sendsTo("628122000003").length && sendsTo("628122000003"), { what: "info reply" });
    assert.match(reply.body.text.body, /Produk di Jastip Jepang/);
    assert.ok(reply.body.text.body.includes("https://jastipin.test/o/tkbnn"));
    assert.equal(await app.db.prepare("SELECT id FROM participants WHERE phone = '628122000003'").first(), null, "INFO does not join");
  });

  test("an unknown trip gets a polite answer; unknown text gets none", async () => {
    const unknown = textDelivery("JOIN nope9 | Nama: A", { from: "628122000004" });
    await deliver(app, unknown.body);
    const [reply] = await eventually(() => sendsTo("628122000004").length && sendsTo("628122000004"), { what: "reply" });
    assert.match(reply.body.text.body, /trip nope9 tidak ditemukan/);
    // Words from a number no jastiper knows: one help message (at most one a day).
    const chatter = textDelivery("halo kak, masih buka?", { from: "628122000005" });
    await deliver(app, chatter.body);
    await eventually(async () => (await processed(chatter.wamid))?.processed_at, { what: "processing" });
    await settle(1500);
    assert.equal(sendsTo("628122000005").length, 1);
    assert.match(sendsTo("628122000005")[0].body.text.body, /JOIN <kode trip>/);
    assert.equal((await processed(chatter.wamid)).outcome, "help");
  });

  test("a user known only by username joins keyed by her BSUID, and the welcome goes to it", async () => {
    const d = textDelivery("JOIN jpn25 | Nama: Anon", { from: null, userId: "US.424242" });
    assert.equal((await deliver(app, d.body)).status, 200);
    await eventually(async () => (await processed(d.wamid))?.processed_at, { what: "processing" });
    assert.equal((await processed(d.wamid)).outcome, "joined");
    const row = await app.db.prepare("SELECT recipient, kind FROM outbox WHERE idempotency_key = ?").bind(`join_reply:${d.wamid}`).first();
    assert.deepEqual(row, { recipient: "US.424242", kind: "join_reply" });
    const p = await app.db.prepare("SELECT phone, confirmed_at FROM participants WHERE name = 'Anon'").first();
    assert.equal(p.phone, "US.424242");
    assert.ok(p.confirmed_at);
  });

  test("STOP: confirmed, and a new product afterwards sends that number nothing", async () => {
    const stayer = "628122000010", leaver = "628122000011";
    for (const from of [stayer, leaver]) await deliver(app, textDelivery("JOIN jpn25", { from }).body);
    await eventually(() => sendsTo(stayer).length >= 1 && sendsTo(leaver).length >= 1, { what: "join replies" });
    await deliver(app, textDelivery("STOP jpn25", { from: leaver }).body);
    const stopReply = await eventually(() => sendsTo(leaver).find((r) => /sudah berhenti menerima pesan/.test(r.body.text?.body ?? "")), { what: "stop reply" });
    assert.ok(stopReply);
    const p = await app.db.prepare("SELECT unsubscribed_at FROM participants WHERE phone = ? AND trip_id = ?").bind(leaver, trip.id).first();
    assert.ok(p.unsubscribed_at);
    const before = sendsTo(leaver).length;
    await createProduct(app, owner.token, trip.id, { title: "Royce Nama", slug: "royce" });
    await eventually(() => sendsTo(stayer).some((r) => /Royce Nama/.test(JSON.stringify(r.body))), { what: "the stayer's notification" });
    await settle();
    assert.equal(sendsTo(leaver).length, before, "nothing more for the one who left");
  });
});
