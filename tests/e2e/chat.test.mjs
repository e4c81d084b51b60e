// Ordering in the WhatsApp chat (issue 20, first part): PESAN, REKAP /
// TAGIHAN and BATAL through the signed webhook, the inbound queue and the
// fake Graph API, with the web checkout's rules — in the real runtime.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnApp, registerJastiper } from "../support/app.mjs";
import { createTrip, createProduct, form, upload, PNG_1x1 } from "../support/fixtures.mjs";
import { deliver, textDelivery, eventually } from "../support/whatsapp.mjs";

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
