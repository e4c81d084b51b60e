// Ordering in the WhatsApp chat (issue 20, first part): PESAN, REKAP /
// TAGIHAN and BATAL through the signed webhook, the inbound queue and the
// fake Graph API, with the web checkout's rules — in the real runtime.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnApp, registerJastiper } from "../support/app.mjs";
import { createTrip, createProduct, form, upload, PNG_1x1 } from "../support/fixtures.mjs";
import { deliver, textDelivery, imageDelivery, buttonDelivery, eventually } from "../support/whatsapp.mjs";

let app, j, trip, banana, kitkat;
before(async () => {
  app = await spawnApp();
  j = await registerJastiper(app);
  trip = await createTrip(app, j.token, { slug: "chat25", title: "Jastip Chat", dpPercent: 50 });
  banana = await createProduct(app, j.token, trip.id, { title: "Tokyo Banana", price: 100000, stock: 5, slug: "tkbnn" });
  kitkat = await createProduct(app, j.token, trip.id, { title: "Kitkat Matcha", price: 50000, stock: 10, slug: "kitkt" });
});
after(async () => { await app?.close(); });

const texts = (phone) => app.graph.sends().filter((s) => s.body.to === phone).map((s) => s.body.text?.body ?? JSON.stringify(s.body));
async function say(text, from, opts = {}) {
  const d = textDelivery(text, { from, name: "Wulan Sari", ...opts });
  assert.equal((await deliver(app, d.body)).status, 200);
  return d;
}
/** The one new message `phone` receives after `before` messages. */
async function answer(phone, before, what) {
  const got = await eventually(() => texts(phone).length > before && texts(phone), { what });
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(texts(phone).length, before + 1, `one answer, not more (${what})`);
  return got[before];
}
const count = async (sql, ...args) => (await app.db.prepare(sql).bind(...args).first()).n;

describe("PESAN", () => {
  test("a phone that never joined orders two items in one message: one bill, stock reserved, one answer with the lines, the total, the DP and the bill's link", async () => {
    const phone = "6281560000001";
    await say("Pesan tkbnn 2, kitkt x3 | catatan: yang pink", phone);
    const text = await answer(phone, 0, "the receipt");
    for (const part of ["Tokyo Banana ×2", "Rp 200.000", "Kitkat Matcha ×3", "Rp 150.000", "Total tagihan: Rp 350.000", "Bayar DP: Rp 175.000"]) {
      assert.ok(text.includes(part), `${part} in ${text}`);
    }
    const link = new URL(text.match(/https?:\/\/\S+/)[0]);
    assert.match(link.pathname, /^\/b\/[0-9a-f]{32}$/);
    const bill = await app.json("GET", `${link.pathname}?token=${link.searchParams.get("token")}`.replace("/b/", "/api/bills/"));
    assert.equal(bill.status, 200);
    assert.deepEqual([bill.body.bill.items.length, bill.body.bill.total, bill.body.bill.participant.name], [2, 350000, "Wulan Sari"]);
    assert.equal(bill.body.bill.items[0].notes, "yang pink");
    assert.equal((await app.db.prepare("SELECT stock FROM products WHERE id = ?").bind(banana.id).first()).stock, 3);
    const p = await app.db.prepare("SELECT confirmed_at FROM participants WHERE trip_id = ? AND phone = ?").bind(trip.id, phone).first();
    assert.ok(p.confirmed_at, "her message is her consent: she joined, confirmed");
  });

  test("the same message delivered twice orders once", async () => {
    const phone = "6281560000002";
    const d = await say("PESAN kitkt 1", phone);
    await answer(phone, 0, "the receipt");
    assert.equal((await deliver(app, d.body)).status, 200);
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(await count("SELECT COUNT(*) AS n FROM orders o JOIN participants p ON p.id = o.participant_id WHERE p.phone = ?", phone), 1);
    assert.equal(texts(phone).length, 1);
  });

  test("a mistake gets one helpful answer and changes nothing: an unknown code, too few in stock, a word for a number", async () => {
    const phone = "6281560000003";
    const orders = () => count("SELECT COUNT(*) AS n FROM orders WHERE trip_id = ?", trip.id);
    const before = await orders();
    await say("PESAN tkbnn 1, zzzzz 2", phone);
    assert.match(await answer(phone, 0, "unknown code"), /Kode zzzzz tidak ditemukan/);
    await say("PESAN tkbnn 9, kitkt 1", phone);
    assert.match(await answer(phone, 1, "out of stock"), /stok Tokyo Banana tinggal 3/);
    await say("PESAN tkbnn dua", phone);
    assert.match(await answer(phone, 2, "help"), /"tkbnn dua" belum bisa dibaca.*Cara pesan: PESAN/s);
    assert.equal(await orders(), before, "nothing was ordered");
    assert.equal((await app.db.prepare("SELECT stock FROM products WHERE id = ?").bind(kitkat.id).first()).stock, 6, "all or nothing: the kitkat of the refused cart stays");
  });
});

describe("REKAP and BATAL", () => {
  test("REKAP shows her bill; BATAL removes an unpaid line and answers the new total; a paid line cannot be cancelled in the chat", async () => {
    const phone = "6281560000004";
    await say("TAGIHAN chat25", phone);
    assert.match(await answer(phone, 0, "no bill yet"), /Belum ada pesanan atas nomor ini/);
    await say("PESAN tkbnn 1, kitkt 2", phone);
    await answer(phone, 1, "the receipt");
    await say("rekap CHAT25", phone);
    const summary = await answer(phone, 2, "the bill");
    assert.ok(summary.includes("Tokyo Banana ×1") && summary.includes("Total: Rp 200.000") && summary.includes("Bayar DP: Rp 100.000"), summary);
    await say("BATAL kitkt", phone);
    assert.match(await answer(phone, 3, "cancelled"), /Kitkat Matcha dibatalkan\. Tagihanmu sekarang Rp 100\.000/);
    assert.equal((await app.db.prepare("SELECT stock FROM products WHERE id = ?").bind(kitkat.id).first()).stock, 6, "its stock is back on sale");
    // She pays the DP, the jastiper confirms: the line is bought now.
    const bill = (await app.db.prepare("SELECT b.id FROM bills b JOIN participants p ON p.id = b.participant_id WHERE p.phone = ? AND b.trip_id = ?").bind(phone, trip.id).first()).id;
    const pay = await upload(app, "POST", `/api/bills/${bill}/payments`, form({ amount: "100000" }, Buffer.concat([PNG_1x1, Buffer.from("chat")])), { token: j.token });
    assert.equal(pay.status, 201);
    await app.json("POST", `/api/payments/${pay.body.payment.id}/confirm`, {}, { token: j.token });
    const before = texts(phone).length;
    await say("BATAL tkbnn", phone);
    const refused = await eventually(() => texts(phone).find((t) => t.includes("tidak bisa dibatalkan")), { what: "cannot cancel" });
    assert.ok(refused.includes("Tokyo Banana"));
    assert.equal(await count("SELECT COUNT(*) AS n FROM orders WHERE bill_id = ? AND status = 'confirmed'", bill), 1, "the paid line stays");
    assert.ok(texts(phone).length > before);
    await say("BATAL zzzzz", phone);
    await eventually(() => texts(phone).some((t) => t.includes("Kode zzzzz tidak ditemukan")), { what: "unknown code to cancel" });
  });

  test("a closed trip says so; a product card and the copy text show the code to order with", async () => {
    const closed = await createTrip(app, j.token, { slug: "chatold", title: "Sudah tutup" });
    await createProduct(app, j.token, closed.id, { title: "Lama", price: 10000, slug: "lama1" });
    await app.db.prepare("UPDATE trips SET deadline = ? WHERE id = ?").bind(new Date(Date.now() - 3600e3).toISOString(), closed.id).run();
    const phone = "6281560000005";
    await say("PESAN lama1 1", phone);
    assert.match(await answer(phone, 0, "closed"), /chatold/);
    const page = await (await app.fetch("/join?trip=chat25")).text();
    assert.ok(page.includes("Kode <b>tkbnn</b>"), "the code on the product card");
  });
});

describe("a photo in the chat is a payment proof", () => {
  const sent = (phone) => app.graph.sends().filter((s) => s.body.to === phone);
  const billOf = async (phone, tripId) => (await app.db.prepare("SELECT b.id FROM bills b JOIN participants p ON p.id = b.participant_id WHERE p.phone = ? AND b.trip_id = ?").bind(phone, tripId).first()).id;
  const paymentsOf = (billId) => app.db.prepare("SELECT id, claimed, status, proof_key, proof_hash FROM payments WHERE bill_id = ? ORDER BY created_at").bind(billId).all().then((r) => r.results);
  async function photo(phone, mediaId, bytes, opts = {}) {
    app.graph.addMedia(mediaId, bytes, opts.mime ?? "image/png", opts.size);
    const d = imageDelivery(mediaId, { from: phone, caption: opts.caption });
    assert.equal((await deliver(app, d.body)).status, 200);
    return d;
  }

  test("with one open bill: downloaded through the media endpoint into R2, a pending payment of the caption's amount, one answer; the same image again is flagged as reused", async () => {
    const phone = "6281560000201";
    await say("PESAN tkbnn 1", phone);
    await answer(phone, 0, "the receipt");
    const bill = await billOf(phone, trip.id);
    const bytes = Buffer.concat([PNG_1x1, Buffer.from("transfer-201")]);
    await photo(phone, "9000201", bytes, { caption: "udah tf 50rb ya kak" });
    assert.match(await answer(phone, 1, "proof received"), /Bukti transfer Rp 50\.000 untuk tagihan Jastip Chat sudah diterima/);
    const [p] = await paymentsOf(bill);
    assert.deepEqual([p.claimed, p.status], [50000, "pending"]);
    const stored = await (await app.bucket()).get(p.proof_key);
    assert.deepEqual(Buffer.from(await stored.arrayBuffer()), bytes, "the bytes Meta served, in R2");
    const downloads = app.graph.mediaDownloads("9000201");
    assert.equal(downloads.length, 1);
    assert.equal(downloads[0].headers.authorization, "Bearer test-access-token");
    assert.match(downloads[0].headers.host, /^localhost:/, "followed the URL the media endpoint gave, whatever its host");
    const waiting = await app.json("GET", `/api/trips/${trip.id}/payments?status=pending`, undefined, { token: j.token });
    assert.ok(waiting.body.payments.some((x) => x.id === p.id && x.claimed === 50000));

    await photo(phone, "9000202", bytes);
    await answer(phone, 2, "the second proof");
    const [, again] = await paymentsOf(bill);
    assert.equal(again.claimed, 50000, "no caption: what the bill asks now (the DP)");
    const shown = await app.json("GET", `/api/trips/${trip.id}/payments?status=pending`, undefined, { token: j.token });
    assert.equal(shown.body.payments.find((x) => x.id === again.id).reusedProof, true);
  });

  test("with several open bills one reply asks which, with a button per bill; a tap or a typed number files it there", async () => {
    const second = await createTrip(app, j.token, { slug: "chat26", title: "Jastip Korea" });
    await createProduct(app, j.token, second.id, { title: "Sheet mask", price: 30000, stock: 10, slug: "shmsk" });
    const phone = "6281560000202";
    await say("PESAN kitkt 1", phone);
    await answer(phone, 0, "receipt 1");
    await say("PESAN shmsk 2", phone);
    await answer(phone, 1, "receipt 2");
    await photo(phone, "9000203", Buffer.concat([PNG_1x1, Buffer.from("two-bills")]));
    await answer(phone, 2, "which bill?");
    const ask = sent(phone).at(-1).body;
    assert.equal(ask.type, "interactive");
    assert.match(ask.interactive.body.text, /untuk tagihan yang mana\?\n1\. Jastip Korea — Rp 60\.000\n2\. Jastip Chat — Rp 25\.000/);
    const buttons = ask.interactive.action.buttons.map((b) => [b.reply.id.replace(/:[^:]+:/, ":…:"), b.reply.title]);
    assert.deepEqual(buttons, [["bukti:…:1", "1. Jastip Korea"], ["bukti:…:2", "2. Jastip Chat"]]);
    const chat = await billOf(phone, trip.id), korea = await billOf(phone, second.id);
    assert.equal((await paymentsOf(chat)).length + (await paymentsOf(korea)).length, 0, "nothing filed before she says");

    const tap = buttonDelivery(ask.interactive.action.buttons[1].reply.id, "2. Jastip Chat", { from: phone });
    await deliver(app, tap.body);
    assert.match(await answer(phone, 3, "filed"), /Bukti transfer Rp 25\.000 untuk tagihan Jastip Chat/);
    assert.deepEqual((await paymentsOf(chat)).map((p) => p.claimed), [25000]);
    await deliver(app, buttonDelivery(ask.interactive.action.buttons[0].reply.id, "1. Jastip Korea", { from: phone }).body);
    await new Promise((r) => setTimeout(r, 600));
    assert.equal((await paymentsOf(korea)).length, 0, "a photo pays one bill: a second tap files nothing");
    const words = await app.db.prepare("SELECT COUNT(*) AS n FROM inbox_messages WHERE body LIKE 'bukti:%'").first();
    assert.equal(words.n, 0, "nor does it reach the jastiper's inbox as words");

    await photo(phone, "9000204", Buffer.concat([PNG_1x1, Buffer.from("typed")]), { caption: "Rp 60.000" });
    await eventually(() => sent(phone).length >= 5, { what: "the second question" });
    const listed = sent(phone).at(-1).body.interactive.body.text;
    const korean = listed.match(/\n(\d)\. Jastip Korea/)[1];
    await say(korean, phone);
    await eventually(() => texts(phone).some((t) => /Bukti transfer Rp 60\.000 untuk tagihan Jastip Korea/.test(t)), { what: "filed by number" });
    assert.deepEqual((await paymentsOf(korea)).map((p) => p.claimed), [60000]);
  });

  test("a photo nobody chose a bill for is forgotten after two days, its image too", async () => {
    const old = new Date(Date.now() - 3 * 86400e3).toISOString();
    const key = `payments/chat/old/${Date.now()}.png`;
    await (await app.bucket()).put(key, new Uint8Array(PNG_1x1));
    await app.db.prepare("INSERT INTO chat_proofs (id, sender, proof_key, proof_hash, bill_ids, created_at) VALUES ('cp-old', '6281560000299', ?, 'h', '[]', ?)").bind(key, old).run();
    await app.db.prepare("INSERT INTO chat_proofs (id, sender, proof_key, proof_hash, bill_ids, created_at) VALUES ('cp-new', '6281560000299', 'payments/chat/new.png', 'h', '[]', ?)").bind(new Date().toISOString()).run();
    await (await app.mf.getWorker()).scheduled({ cron: "*/10 * * * *" });
    const left = (await app.db.prepare("SELECT id FROM chat_proofs WHERE id IN ('cp-old', 'cp-new')").all()).results.map((r) => r.id);
    assert.deepEqual(left, ["cp-new"], "a fresh one still waits for her answer");
    assert.equal(await (await app.bucket()).get(key), null, "the image went with it");
  });

  test("a file that is too large, not an image or gone gets one answer and files nothing", async () => {
    const phone = "6281560000203";
    await say("PESAN kitkt 1", phone);
    await answer(phone, 0, "receipt");
    const bill = await billOf(phone, trip.id);
    await photo(phone, "9000205", PNG_1x1, { size: 6 * 1024 * 1024 });
    assert.match(await answer(phone, 1, "too large"), /lebih dari 5 MB/);
    assert.equal(app.graph.mediaDownloads("9000205").length, 0, "refused before downloading");
    await photo(phone, "9000206", Buffer.from("GIF89a\x01\x00\x01\x00\x00\x00\x00;", "binary"));
    assert.match(await answer(phone, 2, "not an image"), /bukan foto JPG, PNG atau WebP/);
    const gone = imageDelivery("9000299", { from: phone });
    await deliver(app, gone.body);
    assert.match(await answer(phone, 3, "gone"), /tidak bisa diunduh/);
    assert.equal((await paymentsOf(bill)).length, 0);
  });
});

describe("every message counted", () => {
  test("a scripted trip — JOIN, PESAN of 3 items, DP, arrived, pelunasan, shipped — sends the penitip 6 messages, each the one the README's table names", async () => {
    const t = await createTrip(app, j.token, { slug: "hitung", title: "Jastip Hitung", dpPercent: 50 });
    for (const [title, slug] of [["Royce", "royc1"], ["Pocky", "pock1"], ["Hi-Chew", "hich1"]]) {
      await createProduct(app, j.token, t.id, { title, price: 60000, stock: 10, slug });
    }
    const phone = "6281560000099";
    await say("JOIN hitung | Nama: Dewi", phone);
    const welcome = await answer(phone, 0, "the welcome");
    assert.ok(welcome.includes("kode royc1") && welcome.includes("PESAN <kode> <jumlah>"), "the codes come with the welcome");
    await say("PESAN royc1 1, pock1 1, hich1 1", phone);
    const receipt = await answer(phone, 1, "the receipt");
    const link = new URL(receipt.match(/https?:\/\/\S+/)[0]);
    const bill = { id: link.pathname.split("/")[2], accessToken: link.searchParams.get("token") };
    const payAndConfirm = async (amount, tag) => {
      const p = await upload(app, "POST", `/api/bills/${bill.id}/payments?token=${bill.accessToken}`, form({ amount }, Buffer.concat([PNG_1x1, Buffer.from(tag)])));
      assert.equal(p.status, 201);
      assert.equal((await app.json("POST", `/api/payments/${p.body.payment.id}/confirm`, {}, { token: j.token })).status, 200);
    };
    await payAndConfirm("90000", "dp");
    assert.match(await answer(phone, 2, "DP received"), /Pembayaran Rp 90\.000 sudah diterima/);
    assert.equal((await app.json("POST", `/api/trips/${t.id}/arrived`, undefined, { token: j.token })).body.told, 1);
    assert.match(await answer(phone, 3, "arrived"), /sudah sampai/);
    await payAndConfirm("90000", "lunas");
    assert.match(await answer(phone, 4, "lunas"), /lunas/);
    assert.equal((await app.json("POST", `/api/bills/${bill.id}/ship`, { courier: "sicepat", trackingNumber: "SCP000123" }, { token: j.token })).status, 200);
    assert.match(await answer(phone, 5, "shipped"), /SiCepat.*SCP000123/);
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(texts(phone).length, 6, "6 messages for the whole trip");
  });
});
