// Getting paid (issue 19): a DP then pelunasan, payments with the amount
// claimed and the amount received, rejections with a reason and an undo,
// reused proofs, kode unik — in the real runtime.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnApp, registerJastiper } from "../support/app.mjs";
import { createTrip, createProduct, form, upload, PNG_1x1 } from "../support/fixtures.mjs";
import { addParticipants } from "../support/people.mjs";
import { eventually } from "../support/whatsapp.mjs";

let app, j, other;
before(async () => {
  app = await spawnApp({ bindings: { PAYMENT_UNDO_SECONDS: "2" } });
  j = await registerJastiper(app);
  other = await registerJastiper(app);
});
after(async () => { await app?.close(); });

const checkout = (body) => app.json("POST", "/api/orders", { phone: "081266660000", name: "Siti", ...body });
const bill = async (b) => (await app.json("GET", `/api/bills/${b.id}?token=${b.accessToken}`)).body.bill;
const pay = (b, amount, image = PNG_1x1, fields = {}) =>
  upload(app, "POST", `/api/bills/${b.id}/payments?token=${b.accessToken}`, form(amount === undefined ? fields : { amount, ...fields }, image));
const as = (who) => ({ token: who.token });
const sends = (phone) => app.graph.sends().filter((s) => s.body.to === phone).map((s) => JSON.stringify(s.body));
// A different PNG each call: the same bytes twice would be a reused proof.
let pngs = 0;
const freshPng = () => Buffer.concat([PNG_1x1, Buffer.from(`tail-${pngs++}`)]);

/** A 50 % DP trip with a Rp 150.000 and a Rp 100.000 product, and a confirmed penitip whose window is open. */
async function dpTrip(slugHint) {
  const trip = await createTrip(app, j.token, { dpPercent: 50 });
  assert.equal(trip.dpPercent, 50);
  const [phone] = await addParticipants(app.db, trip.id, 1, { prefix: `6281${slugHint}`, lastInboundAt: new Date().toISOString() });
  const a = await createProduct(app, j.token, trip.id, { title: "Tokyo Banana", price: 150000 });
  const b = await createProduct(app, j.token, trip.id, { title: "Kitkat Matcha", price: 100000 });
  const placed = await checkout({ phone: `0${phone.slice(2)}`, items: [{ productId: a.id, quantity: 1 }, { productId: b.id, quantity: 1 }] });
  assert.equal(placed.status, 201);
  return { trip, phone, b: placed.body.bill, a, bProduct: b };
}

describe("DP then pelunasan", () => {
  test("a 50 % DP bill: the DP proof with its amount, verified; then the balance, verified with the amount received; the penitip told each time", async () => {
    const { trip, phone, b } = await dpTrip("1001");
    let now = await bill(b);
    assert.deepEqual([now.subtotal, now.total, now.dpDue, now.paid, now.balance, now.status], [250000, 250000, 125000, 0, 250000, "unpaid"]);
    assert.deepEqual(now.payNow, { kind: "dp", amount: 125000 });
    const page = await (await app.fetch(`/b/${b.id}?token=${b.accessToken}`)).text();
    assert.ok(page.includes("Bayar DP") && page.includes("Rp 125.000") && page.includes("DP 50%"), "the page asks the DP");

    const dp = await pay(b, "125.000");
    assert.equal(dp.status, 201);
    assert.equal(dp.body.payment.status, "pending");
    assert.equal(dp.body.payment.claimed, 125000);
    assert.equal(dp.body.bill.status, "unpaid", "nothing counts until the jastiper checks it");
    const waiting = await app.json("GET", `/api/trips/${trip.id}/payments?status=pending`, undefined, as(j));
    assert.deepEqual(waiting.body.payments.map((p) => p.id), [dp.body.payment.id]);
    assert.ok((await (await app.fetch(`/b/${b.id}?token=${b.accessToken}`)).text()).includes("Menunggu dicek jastiper"));

    const ok = await app.json("POST", `/api/payments/${dp.body.payment.id}/confirm`, {}, as(j));
    assert.equal(ok.status, 200);
    assert.deepEqual([ok.body.payment.status, ok.body.payment.amount], ["confirmed", 125000]);
    assert.deepEqual([ok.body.bill.status, ok.body.bill.paid, ok.body.bill.balance], ["dp_paid", 125000, 125000]);
    assert.deepEqual(ok.body.bill.payNow, { kind: "balance", amount: 125000 });
    assert.ok(ok.body.bill.items.every((i) => i.status === "confirmed"), "the DP commits the jastiper to buy every line");
    await eventually(() => sends(phone).some((s) => s.includes("Pembayaran Rp 125.000 sudah diterima") && s.includes("Sisa tagihan: Rp 125.000")), { what: "DP confirmed message" });
    const afterDp = await (await app.fetch(`/b/${b.id}?token=${b.accessToken}`)).text();
    assert.ok(afterDp.includes("Pelunasan") && afterDp.includes("DP masuk"), "then the balance is asked");

    const rest = await pay(b, "Rp125.000,00", freshPng());
    assert.equal(rest.status, 201);
    const done = await app.json("POST", `/api/payments/${rest.body.payment.id}/confirm`, { amount: "125.000" }, as(j));
    assert.deepEqual([done.body.bill.status, done.body.bill.paid, done.body.bill.balance], ["paid", 250000, 0]);
    assert.deepEqual(done.body.bill.payNow, { kind: "nothing", amount: 0 });
    await eventually(() => sends(phone).some((s) => s.includes("Pembayaran Rp 125.000 sudah diterima") && s.includes("lunas")), { what: "lunas message" });
    const settled = await (await app.fetch(`/b/${b.id}?token=${b.accessToken}`)).text();
    assert.ok(settled.includes("Lunas") && settled.includes("Tidak ada yang perlu dibayar"));
    assert.ok(!settled.includes("Kirim bukti bayar"), "no proof form once lunas");
    assert.equal((await pay(b, "1000", freshPng())).status, 409, "a lunas bill takes no payment");
    assert.equal((await app.json("POST", `/api/payments/${rest.body.payment.id}/confirm`, {}, as(j))).status, 409, "confirmed once");
  });

  test("a proof of Rp 310.000 for a Rp 250.000 bill is confirmed with what came: the overpayment is shown as owed back", async () => {
    const { b } = await dpTrip("1002");
    const p = await pay(b, "310000");
    const ok = await app.json("POST", `/api/payments/${p.body.payment.id}/confirm`, { amount: 310000 }, as(j));
    assert.deepEqual([ok.body.bill.status, ok.body.bill.paid, ok.body.bill.refundDue], ["paid", 310000, 60000]);
    const page = await (await app.fetch(`/b/${b.id}?token=${b.accessToken}`)).text();
    assert.ok(page.includes("Kelebihan bayar") && page.includes("Rp 60.000"));
  });

  test("a rejection needs a reason, leaves the balance, can be taken back for a moment, and reaches the penitip only after it", async () => {
    const { phone, b } = await dpTrip("1003");
    const p = (await pay(b, "125000")).body.payment;
    const bare = await app.json("POST", `/api/payments/${p.id}/reject`, {}, as(j));
    assert.equal(bare.status, 400);
    assert.ok(bare.body.fields.reason);
    const no = await app.json("POST", `/api/payments/${p.id}/reject`, { reason: "Nominal di bukti tidak sama" }, as(j));
    assert.equal(no.status, 200);
    assert.deepEqual([no.body.payment.status, no.body.bill.paid, no.body.bill.balance], ["rejected", 0, 250000]);
    const back = await app.json("POST", `/api/payments/${p.id}/undo`, undefined, as(j));
    assert.equal(back.status, 200);
    assert.equal(back.body.payment.status, "pending");
    await new Promise((r) => setTimeout(r, 3500));
    assert.ok(!sends(phone).some((s) => s.includes("ditolak")), "a rejection taken back is never told");

    const again = await app.json("POST", `/api/payments/${p.id}/reject`, { reason: "Bukti buram" }, as(j));
    assert.equal(again.status, 200);
    await eventually(() => sends(phone).some((s) => s.includes("ditolak") && s.includes("Bukti buram")), { what: "rejection message" });
    assert.equal((await app.json("POST", `/api/payments/${p.id}/undo`, undefined, as(j))).status, 409, "too late to take back");
    const page = await (await app.fetch(`/b/${b.id}?token=${b.accessToken}`)).text();
    assert.ok(page.includes("Ditolak") && page.includes("Alasan: Bukti buram") && page.includes("Bayar DP"), "the page says why and asks again");
  });

  test("a bad amount or a missing proof is a clear 400 and stores nothing", async () => {
    const { b } = await dpTrip("1004");
    for (const [amount, image] of [["sepuluh", PNG_1x1], ["0", PNG_1x1], ["-5000", PNG_1x1], ["125.000,50", PNG_1x1], [undefined, PNG_1x1]]) {
      const r = await pay(b, amount, image);
      assert.equal(r.status, 400, `${amount}`);
      assert.ok(r.body.fields.amount, `${amount}: ${JSON.stringify(r.body)}`);
    }
    const noImage = await app.fetch(`/api/bills/${b.id}/payments?token=${b.accessToken}`, { method: "POST", body: (() => { const f = new FormData(); f.set("amount", "125000"); return f; })() });
    assert.equal(noImage.status, 400);
    const n = await app.db.prepare("SELECT COUNT(*) AS n FROM payments WHERE bill_id = ?").bind(b.id).first();
    assert.equal(n.n, 0);
    // The page keeps what was typed and says what is wrong.
    const f = form({ amount: "seratus ribu" }, PNG_1x1);
    const r = await app.fetch(`/b/${b.id}/proof?token=${b.accessToken}`, { method: "POST", body: f });
    assert.equal(r.status, 400);
    const html = await r.text();
    assert.ok(html.includes('value="seratus ribu"'), "the amount typed is kept");
    assert.ok(html.includes("pilih fotonya lagi"), "the photo must be chosen again");
  });

  test("a new DP percent changes what every open bill asks first", async () => {
    const { trip, b } = await dpTrip("1005");
    const changed = await app.json("PATCH", `/api/trips/${trip.id}`, { dpPercent: 30 }, as(j));
    assert.equal(changed.status, 200);
    assert.equal(changed.body.trip.dpPercent, 30);
    const now = await bill(b);
    assert.equal(now.dpDue, 75000, "30 % of Rp 250.000");
    assert.equal((await app.json("PATCH", `/api/trips/${trip.id}`, { dpPercent: 101 }, as(j))).status, 400);
  });
});

describe("proofs the jastiper can trust", () => {
  test("the same image bytes sent for two payments (two buyers, two trips) are flagged on both", async () => {
    const one = await dpTrip("2001");
    const two = await dpTrip("2002");
    const same = freshPng();
    const p1 = (await pay(one.b, "125000", same)).body.payment;
    const p2 = (await pay(two.b, "125000", same)).body.payment;
    const p3 = (await pay(two.b, "1000", freshPng())).body.payment;
    assert.equal(p2.reusedProof, true, "flagged when it comes again");
    const listed = (await app.json("GET", `/api/trips/${one.trip.id}/payments`, undefined, as(j))).body.payments;
    assert.equal(listed.find((p) => p.id === p1.id).reusedProof, true, "and on the first one");
    assert.equal(p3.reusedProof, false);
    const proof = await app.fetch(`/api/payments/${p1.id}/proof`, { headers: { authorization: `Bearer ${j.token}` } });
    assert.equal(proof.status, 200);
    assert.match(proof.headers.get("content-type"), /^image\/png/);
  });

  test("another jastiper's payments, their proofs and verdicts answer 404; a bill's token opens no other bill", async () => {
    const { trip, b } = await dpTrip("2004");
    const p = (await pay(b, "125000")).body.payment;
    for (const [method, path, body] of [
      ["GET", `/api/trips/${trip.id}/payments`],
      ["POST", `/api/payments/${p.id}/confirm`, {}],
      ["POST", `/api/payments/${p.id}/reject`, { reason: "x" }],
      ["POST", `/api/payments/${p.id}/undo`],
      ["GET", `/api/payments/${p.id}/proof`],
    ]) {
      const r = await app.json(method, path, body, as(other));
      assert.equal(r.status, 404, `${method} ${path}`);
    }
    const still = await bill(b);
    assert.equal(still.payments[0].status, "pending", "nothing changed");
    const mine = await dpTrip("2005");
    const crossed = await upload(app, "POST", `/api/bills/${mine.b.id}/payments?token=${b.accessToken}`, form({ amount: "1000" }, PNG_1x1));
    assert.equal(crossed.status, 404);
    assert.equal((await app.json("GET", `/api/trips/${trip.id}/payments?status=lunas`, undefined, as(j))).status, 400);
  });
});

describe("kode unik", () => {
  test("with kode unik on, 200 open bills each ask an amount no other open bill asks", async () => {
    const k = await registerJastiper(app);
    const on = await app.json("PATCH", "/api/profile/me", { uniqueCodes: true }, as(k));
    assert.equal(on.status, 200);
    assert.equal(on.body.user.uniqueCodes, true);
    const trip = await createTrip(app, k.token, { dpPercent: 50 });
    const p = await createProduct(app, k.token, trip.id, { title: "Royce", price: 200000, stock: 1000, maxPerBuyer: 10 });
    const codes = [];
    for (let i = 0; i < 200; i++) {
      const placed = await app.json("POST", "/api/orders", { productId: p.id, quantity: 1, phone: `0813777${String(i).padStart(5, "0")}`, name: `P${i}` });
      assert.equal(placed.status, 201, JSON.stringify(placed.body));
      codes.push(placed.body.bill);
    }
    const rows = (await app.db.prepare("SELECT unique_code, total, dp_due FROM bills WHERE trip_id = ?").bind(trip.id).all()).results;
    assert.equal(rows.length, 200);
    const unique = new Set(rows.map((r) => r.unique_code));
    assert.equal(unique.size, 200, "every open bill has its own code");
    assert.ok(rows.every((r) => r.unique_code >= 1 && r.unique_code <= 999));
    assert.ok(rows.every((r) => r.total === 200000 + r.unique_code), "the code is in the total");
    const first = await bill(codes[0]);
    assert.deepEqual(first.payNow, { kind: "dp", amount: 100000 + first.uniqueCode }, "the DP transfer carries the code");
    const page = await (await app.fetch(`/b/${codes[0].id}?token=${codes[0].accessToken}`)).text();
    assert.ok(page.includes("kode unik"), "the page explains the last three digits");
    const off = await registerJastiper(app);
    const plainTrip = await createTrip(app, off.token);
    const plain = await createProduct(app, off.token, plainTrip.id, { price: 50000 });
    const placed = await app.json("POST", "/api/orders", { productId: plain.id, quantity: 1, phone: "081377799999", name: "Tanpa kode" });
    assert.equal((await bill(placed.body.bill)).uniqueCode, 0, "off by default");
  });
});

describe("confirming one line (the order pages) is a payment too", () => {
  test("a line confirmed without a proof records its total as received; one with the bill's proof confirms that payment", async () => {
    const trip = await createTrip(app, j.token);
    const a = await createProduct(app, j.token, trip.id, { price: 40000 });
    const cash = await checkout({ phone: "081266661111", productId: a.id, quantity: 1 });
    const c = await app.json("PATCH", `/api/orders/${cash.body.order.id}/confirm`, undefined, as(j));
    assert.equal(c.status, 200);
    const paidCash = await bill(cash.body.bill);
    assert.deepEqual([paidCash.status, paidCash.paid, paidCash.payments.length], ["paid", 40000, 1]);
    const withProof = await checkout({ phone: "081266662222", productId: a.id, quantity: 1 });
    const p = (await pay(withProof.body.bill, "40000", freshPng())).body.payment;
    await app.json("PATCH", `/api/orders/${withProof.body.order.id}/confirm`, undefined, as(j));
    const after = await bill(withProof.body.bill);
    assert.deepEqual([after.status, after.paid, after.payments.length, after.payments[0].id, after.payments[0].status], ["paid", 40000, 1, p.id, "confirmed"]);
    // One proof for a two-line bill, confirmed from the first line's page: the whole bill is lunas, both lines bought.
    const b2 = await createProduct(app, j.token, trip.id, { price: 60000 });
    const two = await checkout({ phone: "081266664444", items: [{ productId: a.id, quantity: 1 }, { productId: b2.id, quantity: 1 }] });
    await pay(two.body.bill, "100000", freshPng());
    await app.json("PATCH", `/api/orders/${two.body.orders[0].id}/confirm`, undefined, as(j));
    const both = await bill(two.body.bill);
    assert.deepEqual([both.status, both.paid, both.items.map((i) => i.status)], ["paid", 100000, ["confirmed", "confirmed"]]);
  });
});

describe("the dashboard", () => {
  test("a jastiper sets a DP, sees what waits, confirms with the amount that came in, rejects after a confirmation step and takes it back, and finds a bill by the amount on her bank statement", async () => {
    const { Browser } = await import("../support/browser-session.mjs");
    const b = new Browser(app);
    await b.register("dp@example.com", { slug: "dpjastip" });
    const made = await b.post("/dashboard/trips/new", { title: "Korea DP", slug: "kordp1", description: "", deadline: "", isActive: "on", currency: "IDR", exchangeRate: "", feePercent: "", feePerItem: "", roundTo: "1", dpPercent: "50%", shippingFlat: "15.000", reminderDays: "5" });
    assert.equal(made.status, 303, made.html.slice(0, 300));
    const tripId = made.location.split("/").pop();
    const saved = await app.db.prepare("SELECT dp_percent, shipping_flat, reminder_days FROM trips WHERE id = ?").bind(tripId).first();
    assert.deepEqual(saved, { dp_percent: 50, shipping_flat: 15000, reminder_days: 5 }, "DP, one ongkir and the reminder days as she wrote them");
    const tripPage = await b.get(`/dashboard/trips/${tripId}`);
    assert.ok(tripPage.html.includes('name="dpPercent"') && tripPage.html.includes('value="50"'), "the DP shows in the trip form");
    assert.ok(tripPage.html.includes(`/dashboard/trips/${tripId}/payments`), "the trip links its payments");
    const fd = new FormData();
    for (const [k, v] of Object.entries({ title: "Laneige", price: "180.000", stock: "5", maxPerBuyer: "5", status: "active", description: "" })) fd.set(k, v);
    assert.equal((await b.postMultipart(`/dashboard/trips/${tripId}/products/new`, fd)).status, 303);
    const product = await app.db.prepare("SELECT id FROM products WHERE trip_id = ?").bind(tripId).first();
    const placed = (await checkout({ phone: "081266669001", name: "Rina", productId: product.id, quantity: 1 })).body;
    const first = (await pay(placed.bill, "90.000", freshPng())).body.payment;

    const waiting = await b.get(`/dashboard/trips/${tripId}/payments`);
    assert.equal(waiting.status, 200);
    assert.ok(waiting.html.includes("Rina") && waiting.html.includes("Rp 90.000"), "the payment waiting, with the buyer");
    const billPath = `/dashboard/bills/${placed.bill.id}`;
    const page = await b.get(billPath);
    assert.ok(page.html.includes('value="90000"'), "the amount claimed, ready to confirm");
    assert.ok(page.html.includes(`/dashboard/payments/${first.id}/proof`), "the proof shows");
    assert.equal((await b.get(`/dashboard/payments/${first.id}/proof`)).status, 200);

    const typo = await b.post(`/dashboard/payments/${first.id}/confirm`, { amount: "sembilan puluh" });
    assert.equal(typo.status, 400);
    assert.ok(typo.html.includes('value="sembilan puluh"'), "what she typed is kept");
    const ok = await b.post(`/dashboard/payments/${first.id}/confirm`, { amount: "90.000" });
    assert.equal(ok.status, 303);
    const after = await b.get(ok.location);
    assert.ok(after.html.includes("Pembayaran dikonfirmasi") && after.html.includes('data-status="dp_paid"'));

    const second = (await pay(placed.bill, "90.000", freshPng())).body.payment;
    const ask = await b.get(`/dashboard/payments/${second.id}/reject`);
    assert.ok(ask.html.includes("Tolak pembayaran Rp 90.000?"), "a confirmation step before rejecting");
    const noReason = await b.post(`/dashboard/payments/${second.id}/reject`, { reason: "" });
    assert.equal(noReason.status, 400);
    const rejected = await b.post(`/dashboard/payments/${second.id}/reject`, { reason: "Belum masuk di mutasi" });
    assert.equal(rejected.status, 303);
    const undoable = await b.get(rejected.location);
    assert.ok(undoable.html.includes("Batalkan penolakan"), "an undo for a few minutes");
    const undone = await b.post(`/dashboard/payments/${second.id}/undo`, {});
    assert.equal(undone.status, 303);
    assert.equal((await app.db.prepare("SELECT status FROM payments WHERE id = ?").bind(second.id).first()).status, "pending");

    // Rp 180.000 of goods + Rp 15.000 ongkir, Rp 90.000 in: Rp 105.000 is what her bank app will show next.
    const found = await b.get("/dashboard/bills?amount=105.000");
    assert.ok(found.html.includes(billPath), "the bill asking Rp 105.000 is found");
    const none = await b.get("/dashboard/bills?amount=12345");
    assert.ok(none.html.includes("Tidak ada tagihan terbuka"));
    assert.equal((await b.get("/dashboard/bills?amount=sepuluh")).status, 400);

    const thief = new Browser(app);
    await thief.register("thief-dp@example.com", { slug: "dpthief" });
    for (const path of [billPath, `/dashboard/trips/${tripId}/payments`, `/dashboard/payments/${second.id}/reject`, `/dashboard/payments/${second.id}/proof`]) {
      assert.equal((await thief.get(path)).status, 404, path);
    }
    assert.equal((await thief.post(`/dashboard/payments/${second.id}/confirm`, { amount: "90000" })).status, 404);
    assert.ok(!(await thief.get("/dashboard/bills?amount=105.000")).html.includes(billPath), "her search finds only her bills");

    const profile = await b.post("/dashboard/profile", { profileName: "DP Jastip", profileBio: "", bankName: "", bankAccount: "", bankHolder: "", gopay: "", ovo: "", dana: "", shopeepay: "", uniqueCodes: "on" });
    assert.equal(profile.status, 303);
    const user = await app.db.prepare("SELECT unique_codes FROM users WHERE email = ?").bind("dp@example.com").first();
    assert.equal(user.unique_codes, 1, "kode unik switched on from the profile");
  });
});

describe("shipping", () => {
  test("the penitip gives her address, the jastiper adds the ongkir, ships a lunas bill with courier and resi, and the penitip hears both once", async () => {
    const { phone, b } = await dpTrip("3001");
    const addr = await app.json("PATCH", `/api/bills/${b.id}?token=${b.accessToken}`, { address: "Jl. Melati No. 5, Tebet, Jakarta Selatan 12810" });
    assert.equal(addr.status, 200);
    assert.equal(addr.body.bill.address, "Jl. Melati No. 5, Tebet, Jakarta Selatan 12810");
    const sneaky = await app.json("PATCH", `/api/bills/${b.id}?token=${b.accessToken}`, { shippingCost: 1 });
    assert.equal(sneaky.status, 400, "only the jastiper sets the ongkir");
    assert.equal((await app.json("PATCH", `/api/bills/${b.id}?token=${b.accessToken}`, { address: "short" })).status, 400);
    const cost = await app.json("PATCH", `/api/bills/${b.id}`, { shippingCost: "25.000" }, as(j));
    assert.equal(cost.status, 200);
    assert.deepEqual([cost.body.bill.shippingCost, cost.body.bill.total, cost.body.bill.dpDue], [25000, 275000, 125000], "the ongkir joins the total, not the DP");
    const page = await (await app.fetch(`/b/${b.id}?token=${b.accessToken}`)).text();
    assert.ok(page.includes("Ongkir") && page.includes("Rp 25.000") && page.includes("Jl. Melati No. 5"));

    const early = await app.json("POST", `/api/bills/${b.id}/ship`, { courier: "jne", trackingNumber: "JNE0012345" }, as(j));
    assert.equal(early.status, 409);
    assert.match(early.body.error, /Rp 275\.000 is left/);
    const p = (await pay(b, "275.000", freshPng())).body.payment;
    await app.json("POST", `/api/payments/${p.id}/confirm`, {}, as(j));
    assert.equal((await app.json("POST", `/api/bills/${b.id}/ship`, { courier: "jne" }, as(j))).status, 400, "a resi is needed");
    assert.equal((await app.json("POST", `/api/bills/${b.id}/ship`, { courier: "dhl", trackingNumber: "X12345" }, as(j))).status, 400);
    assert.equal((await app.json("POST", `/api/bills/${b.id}/ship`, { courier: "jne", trackingNumber: "JNE0012345" }, as(other))).status, 404);
    const shipped = await app.json("POST", `/api/bills/${b.id}/ship`, { courier: "jnt", trackingNumber: "JP1234567890" }, as(j));
    assert.equal(shipped.status, 200);
    assert.deepEqual([shipped.body.bill.status, shipped.body.bill.courier, shipped.body.bill.trackingNumber], ["shipped", "jnt", "JP1234567890"]);
    assert.ok(shipped.body.bill.items.every((i) => i.status === "shipped"));
    await eventually(() => sends(phone).some((s) => s.includes("dikirim lewat J&T") && s.includes("JP1234567890")), { what: "shipped message" });
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(sends(phone).filter((s) => s.includes("JP1234567890")).length, 1, "one message for the bill, not one per line");
    const after = await (await app.fetch(`/b/${b.id}?token=${b.accessToken}`)).text();
    assert.ok(after.includes("Sudah dikirim") && after.includes("JP1234567890"));
    assert.equal((await app.json("POST", `/api/bills/${b.id}/ship`, { courier: "jnt", trackingNumber: "JP1234567890" }, as(j))).status, 409, "shipped once");
    assert.equal((await app.json("PATCH", `/api/bills/${b.id}`, { shippingCost: 1000 }, as(other))).status, 404);
  });

  test("one flat ongkir for a trip goes on every open bill not picked up, and on new ones; pickup has none", async () => {
    const { trip, b } = await dpTrip("3002");
    const flat = await app.json("PATCH", `/api/trips/${trip.id}`, { shippingFlat: 20000 }, as(j));
    assert.equal(flat.status, 200);
    assert.equal(flat.body.trip.shippingFlat, 20000);
    assert.equal((await bill(b)).shippingCost, 20000);
    const picked = await app.json("PATCH", `/api/bills/${b.id}?token=${b.accessToken}`, { pickup: true });
    assert.deepEqual([picked.body.bill.pickup, picked.body.bill.shippingCost, picked.body.bill.total], [true, 0, 250000]);
    const back = await app.json("PATCH", `/api/bills/${b.id}?token=${b.accessToken}`, { pickup: false });
    assert.equal(back.body.bill.shippingCost, 20000, "back to the trip's ongkir");
    const p = await createProduct(app, j.token, trip.id, { price: 10000 });
    const fresh = await checkout({ phone: "081266663333", productId: p.id, quantity: 1 });
    assert.equal((await bill(fresh.body.bill)).shippingCost, 20000, "a new bill gets it too");
    // The bill page's own form: pickup, without an address.
    const r = await app.fetch(`/b/${fresh.body.bill.id}/address?token=${fresh.body.bill.accessToken}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "pickup=on&address=" });
    assert.equal(r.status, 303);
    assert.equal((await bill(fresh.body.bill)).pickup, true);
  });
});
