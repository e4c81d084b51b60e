// Abuse resistance and hardening: each test here failed on the code before
// the hardening (see SECURITY.md for the threat model and the limits chosen).
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { spawnApp, registerJastiper, refreshCookie } from "../support/app.mjs";
import { createTrip, createProduct, placeOrder, upload, form, PNG_1x1 } from "../support/fixtures.mjs";
import { connectCode, deliver, eventually, statusDelivery, textDelivery } from "../support/whatsapp.mjs";
import { addParticipants } from "../support/people.mjs";

let app, owner, trip;
before(async () => {
  app = await spawnApp({ bindings: { WA_RATE_PER_SEC: "50", ENABLE_TEST_ROUTES: "1" } });
  owner = await registerJastiper(app);
  trip = await createTrip(app, owner.token, { slug: "sectrip" });
});
after(async () => { await app?.close(); });

const from = (address) => ({ headers: { "cf-connecting-ip": address } });
const sendsTo = (phone) => app.graph.sends().filter((r) => r.body.to === phone || r.body.recipient === phone);

describe("rate limits", () => {
  test("one address: the 11th login in a minute is 429 with Retry-After, another address is not affected", async () => {
    // The limiter counts per minute window: eleven logins (each ~0.2 s of hashing) on a loaded
    // machine can straddle two windows, so a run that did is tried once more from another address.
    const eleven = async (address) => {
      const out = [];
      for (let i = 0; i < 11; i++) out.push((await app.json("POST", "/api/auth/login", { email: `nobody${i}@example.com`, password: "x-x-x-x-x" }, from(address))).status);
      return out;
    };
    let address = "198.51.100.20";
    let statuses = await eleven(address);
    if (statuses[10] === 401) statuses = await eleven((address = "198.51.100.22"));
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(401));
    assert.equal(statuses[10], 429);
    const refused = await app.json("POST", "/api/auth/login", { email: "a@example.com", password: "x-x-x-x-x" }, from(address));
    assert.equal(refused.body.code, "too_many_requests");
    assert.ok(Number(refused.headers.get("retry-after")) > 0);
    assert.equal((await app.json("POST", "/api/auth/login", { email: "a@example.com", password: "x-x-x-x-x" }, from("198.51.100.21"))).status, 401);
  });

  test("one phone: joins and orders naming it are limited wherever they come from", async () => {
    const statuses = [];
    for (let i = 0; i < 11; i++) {
      statuses.push((await app.json("POST", "/api/trips/sectrip/join", { phone: "081299990000", name: "Korban" }, from(`203.0.113.${i + 1}`))).status);
    }
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(202));
    assert.equal(statuses[10], 429);
  });

  test("the page forms answer an Indonesian 429 page", async () => {
    let last;
    for (let i = 0; i < 31; i++) {
      last = await app.fetch("/join?trip=sectrip", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": "192.0.2.77" },
        body: new URLSearchParams({ name: "Spam", phone: `0812${String(70000000 + i)}` }).toString(),
      });
    }
    assert.equal(last.status, 429);
    assert.match(last.headers.get("content-type"), /^text\/html/);
    assert.ok(last.headers.get("retry-after"));
    assert.ok((await last.text()).includes("Terlalu banyak percobaan"));
  });
});

describe("orders", () => {
  test("one buyer may hold at most maxPerBuyer of a product (default 10)", async () => {
    const p = await createProduct(app, owner.token, trip.id, { stock: 1000 });
    assert.equal(p.maxPerBuyer, 10);
    const big = await placeOrder(app, p.id, { phone: "081211112222", quantity: 1000 });
    assert.equal(big.status, 409, "one anonymous order can no longer sell a product out");
    assert.equal(big.body.code, "limit_per_buyer");
    assert.equal((await placeOrder(app, p.id, { phone: "081211112222", quantity: 6 })).status, 201);
    const more = await placeOrder(app, p.id, { phone: "081211112222", quantity: 5 });
    assert.equal(more.status, 409);
    assert.match(more.body.error, /at most 10 .*already ordered: 6/);
    assert.equal((await app.db.prepare("SELECT stock FROM products WHERE id = ?").bind(p.id).first()).stock, 994);
    const raised = await app.json("PATCH", `/api/products/${p.id}`, { maxPerBuyer: 20 }, { token: owner.token });
    assert.equal(raised.body.product.maxPerBuyer, 20);
    assert.equal((await placeOrder(app, p.id, { phone: "081211112222", quantity: 5 })).status, 201);
  });

  test("one phone may have at most five unpaid orders waiting in a trip", async () => {
    const p = await createProduct(app, owner.token, trip.id, { stock: 100 });
    const statuses = [];
    for (let i = 0; i < 20; i++) statuses.push((await placeOrder(app, p.id, { phone: "081233330000", quantity: 1 })).status);
    assert.deepEqual(statuses.slice(0, 5), Array(5).fill(201));
    assert.ok(statuses.slice(5).every((s) => s === 409 || s === 429), statuses.join());
    const n = await app.db.prepare("SELECT COUNT(*) AS n FROM orders o JOIN participants p ON p.id = o.participant_id WHERE p.phone = '6281233330000'").first();
    assert.equal(n.n, 5);
  });

  test("the cron expires unpaid pending orders after 48 h, releases their stock and tells the buyer once", async () => {
    const p = await createProduct(app, owner.token, trip.id, { stock: 5, title: "Kit Kat Matcha" });
    await addParticipants(app.db, trip.id, 1, { prefix: "62814444", lastInboundAt: new Date().toISOString() });
    const unpaid = (await placeOrder(app, p.id, { phone: "0814444" + "0000000", quantity: 2 })).body.order;
    const paid = (await placeOrder(app, p.id, { phone: "081455550000", quantity: 1 })).body.order;
    await upload(app, "POST", `/api/orders/${paid.id}/proof?token=${paid.accessToken}`, form({}, PNG_1x1));
    const old = new Date(Date.now() - 49 * 3600e3).toISOString();
    await app.db.prepare("UPDATE orders SET created_at = ? WHERE id IN (?, ?)").bind(old, unpaid.id, paid.id).run();
    const worker = await app.mf.getWorker();
    await worker.scheduled({ cron: "*/10 * * * *" });
    await worker.scheduled({ cron: "*/10 * * * *" });
    const rows = await app.db.prepare("SELECT id, status, reject_reason FROM orders WHERE id IN (?, ?) ORDER BY created_at").bind(unpaid.id, paid.id).all();
    const byId = Object.fromEntries(rows.results.map((r) => [r.id, r]));
    assert.equal(byId[unpaid.id].status, "rejected");
    assert.match(byId[unpaid.id].reject_reason, /48 jam/);
    assert.equal(byId[paid.id].status, "pending", "an order with a payment proof is not expired");
    assert.equal((await app.db.prepare("SELECT stock FROM products WHERE id = ?").bind(p.id).first()).stock, 4, "2 released, 1 still held");
    await eventually(() => sendsTo("62814444" + "0000000").some((s) => JSON.stringify(s.body).includes("ditolak")), { what: "expiry message" });
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(sendsTo("62814444" + "0000000").filter((s) => JSON.stringify(s.body).includes("ditolak")).length, 1, "told once");
  });
});

describe("sessions", () => {
  test("logout everywhere and a password change end every refresh token; access tokens live ten minutes", async () => {
    const j = await registerJastiper(app);
    const second = await app.json("POST", "/api/auth/login", { email: j.user.email, password: j.password });
    const cookieB = refreshCookie(second.headers);
    assert.equal((await app.json("POST", "/api/auth/logout-everywhere", undefined, { token: j.token })).status, 200);
    for (const cookie of [j.cookie, cookieB]) {
      assert.equal((await app.json("POST", "/api/auth/refresh", undefined, { headers: { cookie } })).status, 401);
    }
    const again = await app.json("POST", "/api/auth/login", { email: j.user.email, password: j.password });
    const wrong = await app.json("POST", "/api/auth/password", { currentPassword: "salah-salah", newPassword: "baru-sekali-123" }, { token: again.body.token });
    assert.equal(wrong.status, 403);
    assert.equal(wrong.body.code, "forbidden");
    const other = await app.json("POST", "/api/auth/login", { email: j.user.email, password: j.password });
    const changed = await app.json("POST", "/api/auth/password", { currentPassword: j.password, newPassword: "baru-sekali-123" }, { token: again.body.token });
    assert.equal(changed.status, 200);
    assert.equal((await app.json("POST", "/api/auth/refresh", undefined, { headers: { cookie: refreshCookie(other.headers) } })).status, 401, "the other session ended");
    assert.equal((await app.json("POST", "/api/auth/refresh", undefined, { headers: { cookie: refreshCookie(changed.headers) } })).status, 200, "this one goes on");
    assert.equal((await app.json("POST", "/api/auth/login", { email: j.user.email, password: "baru-sekali-123" })).status, 200);
  });

  test("a password reset sends a one-time code to the account's connected WhatsApp number with the authentication template", async () => {
    const j = await registerJastiper(app);
    await app.json("PATCH", "/api/profile/me", { phone: "081277712345" }, { token: j.token });
    const unknown = await app.json("POST", "/api/auth/password-reset", { email: "nobody@example.com" });
    const known = await app.json("POST", "/api/auth/password-reset", { email: j.user.email });
    assert.deepEqual([unknown.status, known.status], [202, 202]);
    assert.deepEqual(unknown.body, known.body, "the same answer: no account is revealed");
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(sendsTo("6281277712345").length, 0, "a number that never wrote to us gets nothing");
    const authCodes = () => sendsTo("6281277712345").filter((m) => m.body.type === "template" && m.body.template.name === "jastipin_auth_code");

    assert.equal((await deliver(app, textDelivery("halo", { from: "6281277712345" }).body)).status, 200);
    await eventually(async () => (await app.db.prepare("SELECT 1 AS x FROM wa_contacts WHERE phone = '6281277712345'").first()), { what: "contact recorded" });
    await app.json("POST", "/api/auth/password-reset", { email: j.user.email });
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(authCodes().length, 0, "a number typed into the profile that wrote to us, but never sent the connect code, gets no code");

    const connect = await connectCode(app, j.token);
    assert.equal((await deliver(app, textDelivery(`KONFIRMASI ${connect}`, { from: "6281277712345" }).body)).status, 200);
    await eventually(async () => (await app.db.prepare("SELECT phone_connected_at FROM users WHERE id = ?").bind(j.user.id).first()).phone_connected_at, { what: "connected" });
    await app.json("POST", "/api/auth/password-reset", { email: j.user.email });
    const [msg] = await eventually(() => authCodes().length && authCodes(), { what: "code" });
    assert.equal(msg.body.template.name, "jastipin_auth_code");
    const code = msg.body.template.components[0].parameters[0].text;
    assert.match(code, /^\d{6}$/);
    assert.equal(msg.body.template.components[1].sub_type, "url");
    assert.equal(msg.body.template.components[1].parameters[0].text, code);

    const bad = await app.json("POST", "/api/auth/password-reset/confirm", { email: j.user.email, code: "000000", newPassword: "reset-baru-123" });
    assert.equal(bad.status, 403);
    const ok = await app.json("POST", "/api/auth/password-reset/confirm", { email: j.user.email, code, newPassword: "reset-baru-123" });
    assert.equal(ok.status, 200);
    assert.equal((await app.json("POST", "/api/auth/refresh", undefined, { headers: { cookie: j.cookie } })).status, 401, "sessions ended");
    assert.equal((await app.json("POST", "/api/auth/password-reset/confirm", { email: j.user.email, code, newPassword: "lagi-lagi-123" })).status, 403, "one-time");
    assert.equal((await app.json("POST", "/api/auth/login", { email: j.user.email, password: "reset-baru-123" })).status, 200);
  });
});

describe("webhook and queues", () => {
  test("a poison message is dead-lettered alone; a STOP in the same delivery is still processed", async () => {
    const t = await createTrip(app, owner.token, { slug: "poison" });
    const [phone] = await addParticipants(app.db, t.id, 1, { prefix: "62815555" });
    const poison = textDelivery("__PANIC__", { from: "6281666600000" });
    const stop = textDelivery("STOP poison", { from: phone });
    poison.body.entry[0].changes[0].value.messages.push(stop.body.entry[0].changes[0].value.messages[0]);
    assert.equal((await deliver(app, poison.body)).status, 200);
    await eventually(async () => (await app.db.prepare("SELECT unsubscribed_at FROM participants WHERE phone = ?").bind(phone).first()).unsubscribed_at, { ms: 30_000, what: "the STOP applied" });
    const poisoned = await app.db.prepare("SELECT processed_at FROM processed_webhook_messages WHERE wamid = ?").bind(poison.wamid).first();
    assert.equal(poisoned?.processed_at ?? null, null, "the poison message never completed");
    assert.equal((await app.json("GET", "/api/health")).status, 200, "the service answers");
  });

  test("a delivery with 101 status callbacks is taken (Queues send at most 100 per batch)", async () => {
    const body = statusDelivery("wamid.none", "delivered");
    const one = body.entry[0].changes[0].value.statuses[0];
    body.entry[0].changes[0].value.statuses = Array.from({ length: 101 }, (_, i) => ({ ...one, id: `wamid.s${i}` }));
    assert.equal((await deliver(app, body)).status, 200);
  });

  test("the owner lists 100 participants with their orders in one page (D1 binds at most 100 parameters)", async () => {
    const t = await createTrip(app, owner.token);
    await addParticipants(app.db, t.id, 101, { prefix: "62816" });
    const res = await app.json("GET", `/api/trips/${t.id}/participants?limit=100`, undefined, { token: owner.token });
    assert.equal(res.status, 200);
    assert.equal(res.body.participants.length, 100);
    assert.ok(res.body.nextCursor);
  });

  test("a reply to a user known only by username goes in `recipient`, never `to`", async () => {
    const d = textDelivery("INFO sectrip", { from: null, userId: "ID.1234567890123456" });
    assert.equal((await deliver(app, d.body)).status, 200);
    const [reply] = await eventually(() => sendsTo("ID.1234567890123456").length && sendsTo("ID.1234567890123456"), { what: "info reply" });
    assert.equal(reply.body.recipient, "ID.1234567890123456");
    assert.equal(reply.body.to, undefined);
  });
});

describe("bodies", () => {
  test("a chunked body over the limit is refused while it streams (no Content-Length)", async () => {
    // Before: a 30 MB chunked body was read whole, then refused; workerd kept ~95 MB.
    const http = await import("node:http");
    const url = new URL(app.url + "/api/webhooks/whatsapp");
    const chunk = Buffer.alloc(64 * 1024, 120);
    const { status, sent } = await new Promise((resolve, reject) => {
      let sent = 0;
      let answered = false;
      const req = http.request({ hostname: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { "content-type": "application/json", "transfer-encoding": "chunked" } }, (res) => {
        answered = true;
        res.resume();
        resolve({ status: res.statusCode, sent });
        req.destroy();
      });
      req.on("error", (e) => { if (!answered) reject(e); });
      const pump = () => {
        while (!answered && sent < 30 * 1024 * 1024) {
          sent += chunk.length;
          if (!req.write(chunk)) return req.once("drain", pump);
        }
        if (!answered) req.end();
      };
      pump();
    });
    assert.equal(status, 413);
    assert.ok(sent < 30 * 1024 * 1024, `answered after ${sent} bytes`);
  });

  test("names, titles and bios refuse invisible and text-direction characters", async () => {
    const cases = [
      ["PATCH", "/api/profile/me", { profileName: "Tina\u202Egnp.exe" }, "profileName"],
      ["PATCH", "/api/profile/me", { profileBio: "halo\u200Bsemua" }, "profileBio"],
      ["POST", "/api/trips", { title: "Jastip\u2066 Jepang", slug: "bidi1" }, "title"],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await app.json(method, path, body, { token: owner.token });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.ok(res.body.fields[field], field);
    }
    assert.equal((await app.json("POST", "/api/trips/sectrip/join", { phone: "081200001111", name: "Siti\u202E" })).status, 400);
  });
});

describe("pages", () => {
  test("the CSP runs only our own inline script and style (by hash) and images from this service only", async () => {
    const res = await app.fetch("/join?trip=sectrip");
    const csp = res.headers.get("content-security-policy");
    assert.ok(!csp.includes("unsafe-inline"), csp);
    assert.match(csp, /script-src 'sha256-[A-Za-z0-9+/]+=*'/);
    assert.match(csp, /style-src 'sha256-[A-Za-z0-9+/]+=*'/);
    assert.match(csp, /img-src 'self' data:;/);
    const html = await res.text();
    const crypto = await import("node:crypto");
    const script = html.match(/<script>([\s\S]*?)<\/script>/)[1];
    const hash = crypto.createHash("sha256").update(script).digest("base64");
    assert.ok(csp.includes(`'sha256-${hash}'`), "the page's own script is the one allowed");
  });
});

describe("consent and housekeeping", () => {
  test("an anonymous order does not subscribe a phone to the trip's messages", async () => {
    const t = await createTrip(app, owner.token);
    const p = await createProduct(app, owner.token, t.id);
    assert.equal((await placeOrder(app, p.id, { phone: "081288880001", name: "Bukan Saya" })).status, 201);
    await createProduct(app, owner.token, t.id, { title: "Produk Baru" });
    await new Promise((r) => setTimeout(r, 1500));
    const rows = await app.db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE recipient = '6281288880001'").first();
    assert.equal(rows.n, 0, "no product news, no receipt: the phone never wrote to us");
  });

  test("the cron prunes login throttles, expired tokens and reset codes, and webhook ids older than 8 days", async () => {
    const now = Math.floor(Date.now() / 1000);
    const days = (n) => new Date(Date.now() - n * 864e5).toISOString();
    await app.db.batch([
      app.db.prepare("INSERT INTO login_throttle (key, failures, window_started_at, locked_until) VALUES ('old|x', 5, ?, ?)").bind(now - 86400, now - 80000),
      app.db.prepare("INSERT INTO login_throttle (key, failures, window_started_at, locked_until) VALUES ('new|x', 5, ?, ?)").bind(now, now + 900),
      app.db.prepare("INSERT INTO processed_webhook_messages (wamid, received_at) VALUES ('wamid.nine', ?), ('wamid.seven', ?)").bind(days(9), days(7)),
      app.db.prepare("INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, created_at, expires_at) VALUES ('rt-old', ?, 'f', 'h-old', ?, ?)").bind(owner.user.id, now - 700000, now - 10),
    ]);
    const worker = await app.mf.getWorker();
    await worker.scheduled({ cron: "*/10 * * * *" });
    const keys = (await app.db.prepare("SELECT key FROM login_throttle WHERE key IN ('old|x', 'new|x')").all()).results.map((r) => r.key);
    assert.deepEqual(keys, ["new|x"]);
    const ids = (await app.db.prepare("SELECT wamid FROM processed_webhook_messages WHERE wamid IN ('wamid.nine', 'wamid.seven')").all()).results.map((r) => r.wamid);
    assert.deepEqual(ids, ["wamid.seven"], "Meta re-delivers for 7 days: those ids are kept");
    assert.equal(await app.db.prepare("SELECT id FROM refresh_tokens WHERE id = 'rt-old'").first(), null);
  });
});
