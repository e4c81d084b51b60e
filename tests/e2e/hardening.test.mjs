// Issue 16: each finding of the attack on the dashboard and its codes, as
// the attacker tried it. Every test here failed on the code before the fix.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { spawnApp, registerJastiper } from "../support/app.mjs";
import { Browser } from "../support/browser-session.mjs";
import { createTrip, createProduct, placeOrder, upload, form, PNG_1x1 } from "../support/fixtures.mjs";
import { connectCode, deliver, eventually, textDelivery } from "../support/whatsapp.mjs";

let app;
// BENCHMARK=1: answers carry x-d1-rows-read (the reset test counts what a request read).
before(async () => { app = await spawnApp({ bindings: { BENCHMARK: "1" } }); });
after(async () => { await app?.close(); });

const settle = (ms) => new Promise((r) => setTimeout(r, ms));
const sendsTo = (phone) => app.graph.sends().filter((s) => s.body.to === phone);
const say = (text, from) => deliver(app, textDelivery(text, { from }).body);
const userRow = (id) => app.db.prepare("SELECT phone, phone_connected_at, connect_code, previous_phone FROM users WHERE id = ?").bind(id).first();
/** Waits until every message sent so far was processed by the inbound consumer. */
async function processed(n) {
  await eventually(async () => (await app.db.prepare("SELECT COUNT(*) AS n FROM processed_webhook_messages WHERE processed_at IS NOT NULL").first()).n >= n, { what: `${n} processed` });
}
let processedCount = 0;
async function sayAll(texts, from) {
  for (const t of texts) assert.equal((await say(t, from)).status, 200);
  processedCount += texts.length;
  await processed(processedCount);
}
/** A 10-symbol code that is not live (and not of any account). */
const wrongCode = (prefix = "") => (prefix + "ACDEFGHJKMNPQRTUVWXY").slice(0, 10);

describe("1. connect codes", () => {
  test("an account has no connect code until she asks; guesses from one phone are cut off after five an hour", async () => {
    const j = await registerJastiper(app);
    assert.equal((await userRow(j.user.id)).connect_code, null, "no code at registration");
    const guesser = "6281700000001";
    await sayAll(Array.from({ length: 8 }, (_, i) => `KONFIRMASI ${wrongCode(`Q${i}`)}`), guesser);
    await eventually(() => sendsTo(guesser).length >= 6, { what: "replies" });
    await settle(500);
    const replies = sendsTo(guesser).map((s) => s.body.text.body);
    assert.equal(replies.filter((r) => /tidak dikenal/.test(r)).length, 5, "five wrong codes answered");
    assert.equal(replies.filter((r) => /Terlalu banyak kode/.test(r)).length, 1, "then told once, then silence");
    assert.equal(replies.length, 6);
    // Even the right code from that phone is not listened to now.
    const code = await connectCode(app, j.token);
    await sayAll([`KONFIRMASI ${code}`], guesser);
    assert.equal((await userRow(j.user.id)).phone, null, "the locked phone connected nothing");
  });

  test("a code lives ten minutes", async () => {
    const j = await registerJastiper(app);
    const code = await connectCode(app, j.token);
    await app.db.prepare("UPDATE users SET connect_code_expires_at = ? WHERE id = ?").bind(Math.floor(Date.now() / 1000) - 1, j.user.id).run();
    await sayAll([`KONFIRMASI ${code}`], "6281700000002");
    assert.equal((await userRow(j.user.id)).phone, null, "an expired code connects nothing");
  });

  test("three wrong tries aimed at a live code end it, from any phones", async () => {
    const j = await registerJastiper(app);
    const code = await connectCode(app, j.token);
    const near = (i) => code.slice(0, 4) + [..."ACDEFG"].map((c, k) => (k === i ? "9" : c)).join("");
    for (let i = 0; i < 3; i++) await sayAll([`KONFIRMASI ${near(i)}`], `628170000010${i}`);
    await sayAll([`KONFIRMASI ${code}`], "6281700000109");
    assert.equal((await userRow(j.user.id)).phone, null, "the code died after three near misses");
    const fresh = await connectCode(app, j.token);
    await sayAll([`KONFIRMASI ${fresh}`], "6281700000109");
    assert.equal((await userRow(j.user.id)).phone, "6281700000109", "a new code works");
  });

  test("connecting another number tells the old one, the dashboard shows it, and it can be undone", async () => {
    const b = new Browser(app);
    await b.register("ganti-nomor@example.com");
    const login = await app.json("POST", "/api/auth/login", { email: "ganti-nomor@example.com", password: "rahasia-123" });
    const token = login.body.token;
    const [mine, stranger] = ["6281700000201", "6281700000202"];
    await sayAll([`KONFIRMASI ${await connectCode(app, token)}`], mine);
    await sayAll([`KONFIRMASI ${await connectCode(app, token)}`], stranger);
    const me = (await app.json("GET", "/api/profile/me", undefined, { token })).body.user;
    assert.equal(me.phone, stranger);
    const notice = await eventually(() => sendsTo(mine).find((s) => s.body.type === "template" && s.body.template.name === "jastipin_security_notice"), { what: "notice to the old number" });
    assert.equal(notice.body.template.components[0].parameters[0].text, "0202", "the new number's last digits");
    const row = await app.db.prepare("SELECT body FROM outbox WHERE kind = 'number_changed' AND recipient = ?").bind(mine).first();
    assert.match(row.body, /berakhiran 0202.*Kembalikan/s);

    const home = await b.get("/dashboard");
    assert.match(home.html, /id="number-changed"/);
    assert.match(home.html, /diganti dari \+6281700000201 ke \+6281700000202/);
    // A reset code never goes to a number that replaced another one within a day.
    await app.json("POST", "/api/auth/password-reset", { email: "ganti-nomor@example.com" });
    await settle(1500);
    assert.equal(sendsTo(stranger).filter((s) => s.body.type === "template").length, 0, "no reset code to the new number");

    const undo = await b.post("/dashboard/whatsapp/undo", {});
    assert.equal(undo.status, 303);
    const after = await userRow(login.body.user.id);
    assert.equal(after.phone, mine, "her number is back");
    assert.ok(after.phone_connected_at);
    assert.doesNotMatch((await b.get("/dashboard")).html, /id="number-changed"/);
    assert.equal((await app.json("POST", "/api/profile/me/whatsapp/undo", undefined, { token })).status, 404, "nothing left to undo");
  });
});

describe("2. password-reset codes", () => {
  async function connectedAccount(phone) {
    const j = await registerJastiper(app);
    await sayAll([`KONFIRMASI ${await connectCode(app, j.token)}`], phone);
    assert.equal((await userRow(j.user.id)).phone, phone);
    return j;
  }
  const codesTo = (phone) => sendsTo(phone).filter((s) => s.body.type === "template" && s.body.template.name === "jastipin_auth_code");
  const confirm = (email, code) => app.json("POST", "/api/auth/password-reset/confirm", { email, code, newPassword: "baru-sekali-123" });

  test("the code is never stored: not in the outbox, and only an HMAC in password_resets", async () => {
    const phone = "6281700000301";
    const j = await connectedAccount(phone);
    await app.json("POST", "/api/auth/password-reset", { email: j.user.email });
    const [msg] = await eventually(() => codesTo(phone).length && codesTo(phone), { what: "code" });
    const code = msg.body.template.components[0].parameters[0].text;
    const rows = (await app.db.prepare("SELECT body, template_params FROM outbox WHERE kind = 'password_reset' AND recipient = ?").bind(phone).all()).results;
    assert.equal(rows.length, 1);
    assert.ok(!rows[0].body.includes(code) && !rows[0].template_params.includes(code), JSON.stringify(rows[0]));
    const stored = await app.db.prepare("SELECT code_hash FROM password_resets WHERE user_id = ?").bind(j.user.id).first();
    assert.notEqual(stored.code_hash, crypto.createHash("sha256").update(code).digest("hex"), "not a plain hash of six digits");
    assert.equal((await confirm(j.user.email, code)).status, 200, "the code works");
  });

  test("tries are counted per account: a new code gives no new tries", async () => {
    const phone = "6281700000302";
    const j = await connectedAccount(phone);
    await app.json("POST", "/api/auth/password-reset", { email: j.user.email });
    await eventually(() => codesTo(phone).length === 1, { what: "first code" });
    for (let i = 0; i < 5; i++) assert.equal((await confirm(j.user.email, String(100000 + i))).status, 403);
    await app.json("POST", "/api/auth/password-reset", { email: j.user.email });
    const [, second] = await eventually(() => codesTo(phone).length === 2 && codesTo(phone), { what: "second code" });
    const code = second.body.template.components[0].parameters[0].text;
    const locked = await confirm(j.user.email, code);
    assert.equal(locked.status, 429, "the sixth try within the hour is refused, even with the right code");
    assert.ok(Number(locked.headers.get("retry-after")) > 3000);
  });

  test("at most three codes an hour go to an account's number", async () => {
    const phone = "6281700000303";
    const j = await connectedAccount(phone);
    for (let i = 0; i < 5; i++) assert.equal((await app.json("POST", "/api/auth/password-reset", { email: j.user.email })).status, 202);
    await eventually(() => codesTo(phone).length >= 3, { what: "three codes" });
    await settle(1500);
    assert.equal(codesTo(phone).length, 3);
  });

  test("a reset request does the same work for any email: no D1 read before the answer", async () => {
    const phone = "6281700000304";
    const j = await connectedAccount(phone);
    // x-d1-rows-read (BENCHMARK=1) counts what the request itself read. Before, the known
    // account was read (and its code written) while the caller waited; an unknown email was not.
    const rowsRead = async (email) => {
      const r = await app.json("POST", "/api/auth/password-reset", { email });
      assert.equal(r.status, 202);
      return r.headers.get("x-d1-rows-read");
    };
    assert.deepEqual([await rowsRead(j.user.email), await rowsRead("nobody-here@example.com")], ["0", "0"]);
    await eventually(() => codesTo(phone).length === 1, { what: "the code, sent after the answer" });
  });
});

describe("3. what an anonymous answer shows", () => {
  test("an order's invoice shows the name typed with the order, never the name stored for that phone", async () => {
    const owner = await registerJastiper(app);
    const trip = await createTrip(app, owner.token, { slug: "namaku" });
    const product = await createProduct(app, owner.token, trip.id, { title: "Pocky", price: 15000, stock: 5 });
    await sayAll(["JOIN namaku | Nama: Siti Rahasia"], "6281700000401");
    const order = (await placeOrder(app, product.id, { phone: "081700000401", name: "Orang Lain" })).body.order;
    const res = await app.fetch(`/invoice/${order.id}?token=${order.accessToken}`);
    const html = await res.text();
    assert.equal(res.status, 200);
    assert.ok(!html.includes("Siti Rahasia"), "the member's stored name is not shown");
    assert.match(html, /Orang Lain/);
  });
});

describe("4. uploads", () => {
  test("a proof upload with 90,000 field names is refused at once with a short error, and the service keeps answering", async () => {
    const owner = await registerJastiper(app);
    const trip = await createTrip(app, owner.token);
    const product = await createProduct(app, owner.token, trip.id, { stock: 5 });
    const order = (await placeOrder(app, product.id, { phone: "081700000501", name: "Bunga" })).body.order;
    const boundary = "b";
    const parts = [];
    for (let i = 0; i < 90000; i++) parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\n\r\n`);
    const body = Buffer.from(parts.join("") + `--${boundary}--\r\n`);
    assert.ok(body.length < 5 * 1024 * 1024, `${body.length} bytes fit the proof limit`);
    const started = Date.now();
    const uploading = app.fetch(`/api/orders/${order.id}/proof?token=${order.accessToken}`, { method: "POST", headers: { "content-type": `multipart/form-data; boundary=${boundary}` }, body });
    await settle(50);
    const health = await app.fetch("/api/health");
    const healthMs = Date.now() - started;
    const res = await uploading;
    const text = await res.text();
    assert.equal(res.status, 400);
    assert.ok(text.length < 500, `a bounded error (${text.length} bytes)`);
    assert.equal(JSON.parse(text).code, "invalid_multipart");
    assert.equal(health.status, 200);
    assert.ok(healthMs < 5000, `health answered within ${healthMs} ms`);
  });
});

describe("5. one spelling per cached URL", () => {
  test("other spellings of public URLs are redirected, never cached, so a deleted avatar is gone", async () => {
    const j = await registerJastiper(app);
    const up = await upload(app, "POST", "/api/profile/me/avatar", form({}, PNG_1x1), { token: j.token });
    const avatar = new URL(up.body.user.avatar).pathname;
    const odd = avatar.replace("/media/", "/media//");
    const r = await app.fetch(odd);
    assert.equal(r.status, 308);
    assert.equal(r.headers.get("location"), avatar);
    assert.equal((await app.fetch(avatar)).status, 200);
    const join = await app.fetch("/join/?trip=jpn25");
    assert.equal(join.status, 308);
    assert.equal(join.headers.get("location"), "/join?trip=jpn25");
    assert.equal((await app.json("PATCH", "/api/profile/me", { avatar: null }, { token: j.token })).status, 200);
    assert.equal((await app.fetch(avatar)).status, 404, "the deleted avatar is not served");
    assert.equal((await app.fetch(odd)).status, 308, "and no other spelling keeps a copy");
  });
});

describe("6–8. login, password change, who has an account", () => {
  test("a crafted next= after login is ignored, never a 500", async () => {
    await registerJastiper(app, { email: "next-crlf@example.com" });
    for (const next of ["/dashboard%0d%0aX:%201", "/dashboard%00", "/dashboard%20x"]) {
      const b = new Browser(app);
      const r = await b.post(`/login?next=${next}`, { email: "next-crlf@example.com", password: "rahasia-123" }, { csrf: false });
      assert.equal(r.status, 303, next);
      assert.equal(r.location, "/dashboard", next);
    }
  });

  test("the current-password check of a password change is throttled like a login", async () => {
    const j = await registerJastiper(app);
    const change = (currentPassword) => app.json("POST", "/api/auth/password", { currentPassword, newPassword: "baru-sekali-123" }, { token: j.token });
    for (let i = 0; i < 5; i++) assert.equal((await change(`tebakan-${i}`)).status, 403);
    const locked = await change(j.password);
    assert.equal(locked.status, 429, "even the right password waits");
    assert.ok(Number(locked.headers.get("retry-after")) > 800);
  });

  test("at most five accounts an hour from one address, every attempt counted", async () => {
    const from = { headers: { "cf-connecting-ip": "198.51.100.77" } };
    const reg = (i) => app.json("POST", "/api/auth/register", { email: `alamat${i}@example.com`, password: "rahasia-123", fullName: `Alamat ${i}` }, from);
    for (let i = 0; i < 5; i++) assert.equal((await reg(i)).status, 201, `account ${i + 1}`);
    const before = await app.db.prepare("SELECT COUNT(*) AS n FROM users").first();
    const sixth = await reg(5);
    assert.equal(sixth.status, 429);
    assert.equal((await app.db.prepare("SELECT COUNT(*) AS n FROM users").first()).n, before.n, "nothing created");
    const elsewhere = await app.json("POST", "/api/auth/register", { email: "alamat-lain@example.com", password: "rahasia-123", fullName: "Lain" }, { headers: { "cf-connecting-ip": "198.51.100.78" } });
    assert.equal(elsewhere.status, 201, "another address is not affected");
  });

  test("a 60 KB email leaves a bounded throttle key", async () => {
    const email = `${"a".repeat(60 * 1024)}@example.com`;
    const r = await app.json("POST", "/api/auth/login", { email, password: "salah-salah" });
    assert.equal(r.status, 401);
    const row = await app.db.prepare("SELECT MAX(LENGTH(key)) AS n FROM login_throttle").first();
    assert.ok(row.n <= 300, `longest key ${row.n}`);
  });
});

describe("small ones", () => {
  test("the OpenAPI document is sent with nosniff", async () => {
    const r = await app.fetch("/api/openapi.json");
    assert.equal(r.headers.get("x-content-type-options"), "nosniff");
  });

  test("a broadcast names only a configured template", async () => {
    const j = await registerJastiper(app);
    const t = await createTrip(app, j.token);
    const before = await app.db.prepare("SELECT COUNT(*) AS n FROM outbox").first();
    const r = await app.json("POST", `/api/trips/${t.id}/broadcast`, { template: "apa_saja" }, { token: j.token });
    assert.equal(r.status, 400);
    assert.match(r.body.fields.template, /approved/);
    assert.equal((await app.db.prepare("SELECT COUNT(*) AS n FROM outbox").first()).n, before.n);
  });
});
