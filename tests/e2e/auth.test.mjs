// Accounts: register, login, refresh, logout, and the access token.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { spawnApp, registerJastiper, refreshCookie, snapshot, JWT_SECRET } from "../support/app.mjs";
import { signJwt, unsignedJwt, decodeJwt } from "../support/jwt.mjs";

let app;
before(async () => { app = await spawnApp(); });
after(async () => { await app?.close(); });

const post = (p, body, opts) => app.json("POST", p, body, opts);
const withCookie = (cookie) => ({ headers: cookie ? { cookie } : {} });

describe("register", () => {
  test("creates an account, signs in and answers the spec's shape", async () => {
    const res = await post("/api/auth/register", { email: "Tina@Example.com", password: "rahasia-123", fullName: "Tina Wijaya" });
    assert.equal(res.status, 201);
    assert.deepEqual(Object.keys(res.body).sort(), ["token", "user"]);
    assert.deepEqual(Object.keys(res.body.user).sort(), ["email", "id", "slug"]);
    assert.equal(res.body.user.email, "tina@example.com");
    assert.equal(res.body.user.slug, "tina-wijaya");
    const claims = decodeJwt(res.body.token);
    assert.equal(claims.sub, res.body.user.id);
    assert.equal(claims.slug, "tina-wijaya");
    assert.equal(claims.email, "tina@example.com");
    assert.equal(claims.exp - claims.iat, 600, "access tokens live ten minutes");
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("jastipin_refresh="));
    for (const attr of ["HttpOnly", "Secure", "SameSite=Strict", "Path=/api/auth", "Max-Age=604800"]) {
      assert.ok(cookie.includes(attr), `refresh cookie has ${attr}: ${cookie}`);
    }
    const me = await app.json("GET", "/api/profile/me", undefined, { token: res.body.token });
    assert.equal(me.status, 200);
    assert.equal(me.body.user.profileName, "Tina Wijaya", "profileName defaults to fullName");
  });

  test("stores the password only as a PBKDF2 hash and the refresh token only as a hash", async () => {
    const { user, cookie } = await registerJastiper(app, { password: "sangat-rahasia" });
    const row = await app.db.prepare("SELECT password_hash FROM users WHERE id = ?").bind(user.id).first();
    assert.match(row.password_hash, /^\$pbkdf2-sha512\$i=210000\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.ok(!row.password_hash.includes("sangat-rahasia"));
    const secret = cookie.split("=")[1];
    const tokens = await app.db.prepare("SELECT token_hash FROM refresh_tokens WHERE user_id = ?").bind(user.id).all();
    assert.equal(tokens.results.length, 1);
    assert.equal(tokens.results[0].token_hash, crypto.createHash("sha256").update(secret).digest("hex"));
  });

  test("a chosen slug is lower-cased; a derived slug is made unique", async () => {
    const a = await post("/api/auth/register", { email: "a1@example.com", password: "rahasia-123", fullName: "Sari", slug: "JastipSari" });
    assert.equal(a.status, 201);
    assert.equal(a.body.user.slug, "jastipsari");
    const b = await post("/api/auth/register", { email: "b1@example.com", password: "rahasia-123", fullName: "Budi Santoso" });
    const c = await post("/api/auth/register", { email: "c1@example.com", password: "rahasia-123", fullName: "Budi Santoso" });
    assert.equal(b.body.user.slug, "budi-santoso");
    assert.match(c.body.user.slug, /^budi-santoso-[a-z0-9]{4}$/);
  });

  test("reserved and malformed slugs are refused by field", async () => {
    for (const slug of ["admin", "API", "login", "ab", "tina!", "-tina"]) {
      const res = await post("/api/auth/register", { email: `s-${crypto.randomUUID()}@example.com`, password: "rahasia-123", fullName: "X", slug });
      assert.equal(res.status, 400, slug);
      assert.ok(res.body.fields.slug, slug);
    }
  });

  test("every invalid field is reported at once and nothing is written", async () => {
    const before = await snapshot(app.db);
    const res = await post("/api/auth/register", { email: "not-an-email", password: "short", fullName: "   " });
    assert.equal(res.status, 400);
    assert.equal(res.body.code, "validation_failed");
    assert.deepEqual(Object.keys(res.body.fields).sort(), ["email", "fullName", "password"]);
    assert.equal(typeof res.body.error, "string");
    const missing = await post("/api/auth/register", {});
    assert.deepEqual(missing.body.fields, { email: "is required", fullName: "is required", password: "is required" });
    const wrongTypes = await post("/api/auth/register", { email: 5, password: true, fullName: ["x"] });
    assert.deepEqual(Object.values(wrongTypes.body.fields), ["must be a string", "must be a string", "must be a string"]);
    assert.deepEqual(await snapshot(app.db), before);
  });

  test("fields the caller may not set are refused, not ignored", async () => {
    const res = await post("/api/auth/register", { email: "mass@example.com", password: "rahasia-123", fullName: "M", id: "chosen", passwordHash: "x" });
    assert.equal(res.status, 400);
    assert.ok(res.body.fields.id);
    assert.ok(res.body.fields.passwordHash);
    const row = await app.db.prepare("SELECT id FROM users WHERE email = 'mass@example.com'").first();
    assert.equal(row, null);
  });

  test("a taken email (any case) or slug is 409 naming the field, and changes nothing", async () => {
    await registerJastiper(app, { email: "dupe@example.com", slug: "dupeslug" });
    const before = await snapshot(app.db);
    const email = await post("/api/auth/register", { email: "DUPE@example.com", password: "rahasia-123", fullName: "Other" });
    assert.equal(email.status, 409);
    assert.deepEqual(email.body.fields, { email: "already taken" });
    const slug = await post("/api/auth/register", { email: "fresh@example.com", password: "rahasia-123", fullName: "Other", slug: "DupeSlug" });
    assert.equal(slug.status, 409);
    assert.deepEqual(slug.body.fields, { slug: "already taken" });
    assert.deepEqual(await snapshot(app.db), before);
  });

  test("bodies that are not JSON objects get clear errors", async () => {
    const bad = await app.fetch("/api/auth/register", { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).code, "invalid_json");
    const arr = await post("/api/auth/register", [1, 2]);
    assert.equal(arr.body.code, "invalid_body");
    const form = await app.fetch("/api/auth/register", { method: "POST", headers: { "content-type": "text/plain" }, body: "email=x" });
    assert.equal(form.status, 415);
    assert.equal((await form.json()).code, "unsupported_media_type");
    const huge = await post("/api/auth/register", { email: "big@example.com", password: "rahasia-123", fullName: "x".repeat(70 * 1024) });
    assert.equal(huge.status, 413);
    assert.equal(huge.body.code, "payload_too_large");
  });
});

describe("login", () => {
  test("right password signs in with a new refresh cookie; the email is case-insensitive", async () => {
    const { user, password } = await registerJastiper(app);
    const res = await post("/api/auth/login", { email: user.email.toUpperCase(), password });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.user, user);
    assert.equal(decodeJwt(res.body.token).sub, user.id);
    assert.ok(refreshCookie(res.headers));
  });

  test("unknown email and wrong password get the same 401", async () => {
    const { user } = await registerJastiper(app);
    const wrong = await post("/api/auth/login", { email: user.email, password: "salah-salah" });
    const unknown = await post("/api/auth/login", { email: "nobody@example.com", password: "salah-salah" });
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.deepEqual(wrong.body, unknown.body);
    assert.equal(wrong.headers.get("set-cookie"), null);
  });

  test("missing fields are 400, not 401", async () => {
    const res = await post("/api/auth/login", { email: "x@example.com" });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body.fields, { password: "is required" });
  });

  test("five wrong passwords lock the email: 429 with Retry-After, even for the right password", async () => {
    const { user, password } = await registerJastiper(app);
    for (let i = 0; i < 5; i++) {
      const res = await post("/api/auth/login", { email: user.email, password: `wrong-${i}-pass` });
      assert.equal(res.status, 401, `attempt ${i + 1}`);
    }
    const locked = await post("/api/auth/login", { email: user.email, password });
    assert.equal(locked.status, 429);
    assert.equal(locked.body.code, "too_many_requests");
    const retry = Number(locked.headers.get("retry-after"));
    assert.ok(retry > 800 && retry <= 900, `retry-after ${retry}`);
    // Another email is not affected.
    const other = await registerJastiper(app);
    assert.equal((await post("/api/auth/login", { email: other.user.email, password: other.password })).status, 200);
  });

  test("a success clears earlier failures", async () => {
    const { user, password } = await registerJastiper(app);
    for (let i = 0; i < 3; i++) await post("/api/auth/login", { email: user.email, password: "wrong-pass" });
    assert.equal((await post("/api/auth/login", { email: user.email, password })).status, 200);
    const row = await app.db.prepare("SELECT * FROM login_throttle WHERE key LIKE ?").bind(`${user.email}|%`).first();
    assert.equal(row, null);
  });

  test("a stranger's wrong guesses from another address cannot lock the owner out", async () => {
    const { user, password } = await registerJastiper(app);
    const stranger = { headers: { "cf-connecting-ip": "198.51.100.7" } };
    for (let i = 0; i < 5; i++) assert.equal((await post("/api/auth/login", { email: user.email, password: "guess-guess" }, stranger)).status, 401);
    assert.equal((await post("/api/auth/login", { email: user.email, password }, stranger)).status, 429, "the guessing address is locked");
    const owner = { headers: { "cf-connecting-ip": "203.0.113.9" } };
    assert.equal((await post("/api/auth/login", { email: user.email, password }, owner)).status, 200, "the owner is not");
  });

  test("30 wrong passwords at once: at most five are checked, the rest are refused unchecked", async () => {
    const { user } = await registerJastiper(app);
    const from = { headers: { "cf-connecting-ip": "192.0.2.44" } };
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => post("/api/auth/login", { email: user.email, password: `parallel-${i}` }, from)));
    const checked = answers.filter((r) => r.status === 401).length;
    const refused = answers.filter((r) => r.status === 429).length;
    assert.ok(checked <= 5, `${checked} passwords were checked`);
    assert.equal(checked + refused, 30);
  });

  test("an older, weaker hash still verifies and is upgraded at login", async () => {
    const salt = crypto.randomBytes(16);
    const hash = crypto.pbkdf2Sync("legacy-password", salt, 1000, 32, "sha256");
    const stored = `$pbkdf2-sha256$i=1000$${salt.toString("base64url")}$${hash.toString("base64url")}`;
    await app.db.prepare("INSERT INTO users (id, email, password_hash, slug, created_at, updated_at) VALUES ('legacy1', 'legacy@example.com', ?, 'legacy', 'x', 'x')").bind(stored).run();
    const res = await post("/api/auth/login", { email: "legacy@example.com", password: "legacy-password" });
    assert.equal(res.status, 200);
    const row = await app.db.prepare("SELECT password_hash FROM users WHERE id = 'legacy1'").first();
    assert.match(row.password_hash, /^\$pbkdf2-sha512\$i=210000\$/);
    assert.equal((await post("/api/auth/login", { email: "legacy@example.com", password: "legacy-password" })).status, 200);
  });
});

describe("refresh and logout", () => {
  test("refresh rotates the cookie and answers a working token", async () => {
    const { cookie, user } = await registerJastiper(app);
    const res = await post("/api/auth/refresh", undefined, withCookie(cookie));
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body), ["token"]);
    const next = refreshCookie(res.headers);
    assert.ok(next && next !== cookie, "a new refresh token every time");
    const me = await app.json("GET", "/api/profile/me", undefined, { token: res.body.token });
    assert.equal(me.body.user.id, user.id);
    assert.equal((await post("/api/auth/refresh", undefined, withCookie(next))).status, 200);
  });

  test("presenting an already-rotated token revokes the whole family", async () => {
    const { cookie } = await registerJastiper(app);
    const first = await post("/api/auth/refresh", undefined, withCookie(cookie));
    const current = refreshCookie(first.headers);
    const replay = await post("/api/auth/refresh", undefined, withCookie(cookie));
    assert.equal(replay.status, 401);
    const afterTheft = await post("/api/auth/refresh", undefined, withCookie(current));
    assert.equal(afterTheft.status, 401, "the thief's replay ended the legitimate session too");
  });

  test("no cookie, an unknown token or an expired one is 401", async () => {
    assert.equal((await post("/api/auth/refresh")).status, 401);
    assert.equal((await post("/api/auth/refresh", undefined, withCookie("jastipin_refresh=made-up"))).status, 401);
    const { cookie, user } = await registerJastiper(app);
    await app.db.prepare("UPDATE refresh_tokens SET expires_at = 1 WHERE user_id = ?").bind(user.id).run();
    assert.equal((await post("/api/auth/refresh", undefined, withCookie(cookie))).status, 401);
  });

  for (const method of ["GET", "POST"]) {
    test(`${method} logout revokes the refresh token and clears the cookie`, async () => {
      const { cookie } = await registerJastiper(app);
      const res = await app.json(method, "/api/auth/logout", undefined, withCookie(cookie));
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { message: "Logged out" });
      const cleared = res.headers.getSetCookie().find((c) => c.startsWith("jastipin_refresh="));
      assert.match(cleared, /^jastipin_refresh=;.*Max-Age=0/);
      assert.equal((await post("/api/auth/refresh", undefined, withCookie(cookie))).status, 401);
    });
  }

  test("logout without a cookie still answers 200", async () => {
    assert.equal((await app.json("POST", "/api/auth/logout")).status, 200);
  });
});

describe("access tokens", () => {
  const me = (token) => app.json("GET", "/api/profile/me", undefined, { token });

  test("missing or malformed bearer tokens are 401 JSON", async () => {
    const none = await app.json("GET", "/api/profile/me");
    assert.equal(none.status, 401);
    assert.equal(none.body.code, "unauthorized");
    assert.equal((await me("garbage")).status, 401);
  });

  test("alg none, another key, another algorithm and expired tokens are refused", async () => {
    const { user } = await registerJastiper(app);
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: user.id, slug: user.slug, email: user.email, iat: now, exp: now + 3600 };
    assert.equal((await me(signJwt(claims, JWT_SECRET))).status, 200, "control: a correctly signed token works");
    assert.equal((await me(unsignedJwt(claims))).status, 401);
    assert.equal((await me(signJwt(claims, "another-secret-another-secret-0123"))).status, 401);
    assert.equal((await me(signJwt(claims, JWT_SECRET, { alg: "HS512", typ: "JWT" }))).status, 401);
    assert.equal((await me(signJwt({ ...claims, iat: now - 13 * 3600, exp: now - 3600 }, JWT_SECRET))).status, 401);
    assert.equal((await me(signJwt({ sub: user.id, slug: user.slug, email: user.email, iat: now }, JWT_SECRET))).status, 401, "no exp");
  });
});
