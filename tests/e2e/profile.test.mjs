// Profiles: the owner's account and the public profile.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnApp, registerJastiper, snapshot } from "../support/app.mjs";

let app;
before(async () => { app = await spawnApp(); });
after(async () => { await app?.close(); });

const now = () => new Date().toISOString();
async function addTrip(userId, slug, isActive) {
  const id = `trip-${slug}`;
  await app.db.prepare("INSERT INTO trips (id, jastiper_id, slug, title, is_active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
    .bind(id, userId, slug, `Trip ${slug}`, isActive ? 1 : 0, now(), now()).run();
  return id;
}
async function addProduct(tripId, slug, status = "active") {
  await app.db.prepare("INSERT INTO products (id, trip_id, slug, title, price, stock, status, created_at, updated_at) VALUES (?, ?, ?, ?, 125000, 3, ?, ?, ?)")
    .bind(`prod-${slug}`, tripId, slug, `Product ${slug}`, status, now(), now()).run();
}

test("GET /api/profile/me answers the account and all of its trips", async () => {
  const { token, user } = await registerJastiper(app, { fullName: "Mira" });
  await addTrip(user.id, "mira1", true);
  await addTrip(user.id, "mira2", false);
  const res = await app.json("GET", "/api/profile/me", undefined, { token });
  assert.equal(res.status, 200);
  assert.deepEqual(Object.keys(res.body.user).sort(), ["avatar", "coverImage", "email", "id", "paymentDetails", "phone", "profileBio", "profileName", "slug", "uniqueCodes", "whatsappConnected"]);
  assert.deepEqual(res.body.user.paymentDetails, { bankName: null, bankAccount: null, bankHolder: null, gopay: null, ovo: null, dana: null, shopeepay: null, qrisImage: null });
  assert.equal(res.body.user.whatsappConnected, false);
  assert.equal(res.body.user.email, user.email);
  assert.deepEqual(res.body.trips.map((t) => t.slug).sort(), ["mira1", "mira2"]);
  assert.equal(res.headers.get("cache-control"), "no-store");
});

test("PATCH /api/profile/me changes exactly the allowed fields and normalises the phone", async () => {
  const { token } = await registerJastiper(app);
  const res = await app.json("PATCH", "/api/profile/me", {
    profileName: "  Jastip by Tina ", profileBio: "Korea & Jepang specialist\nSetiap bulan", phone: "0812-3456-789",
  }, { token });
  assert.equal(res.status, 200);
  assert.equal(res.body.user.profileName, "Jastip by Tina");
  assert.equal(res.body.user.profileBio, "Korea & Jepang specialist\nSetiap bulan");
  assert.equal(res.body.user.phone, "628123456789");
  // Images are set only by uploading them: a URL or a storage path is refused.
  for (const [field, value] of [["avatar", "https://cdn.example/a.jpg"], ["coverImage", "/media/covers/x.png"]]) {
    const refused = await app.json("PATCH", "/api/profile/me", { [field]: value }, { token });
    assert.equal(refused.status, 400, field);
    assert.ok(refused.body.fields[field], field);
  }
  const cleared = await app.json("PATCH", "/api/profile/me", { profileBio: null, avatar: "" }, { token });
  assert.equal(cleared.body.user.profileBio, null);
  assert.equal(cleared.body.user.avatar, null);
  assert.equal(cleared.body.user.phone, "628123456789", "absent fields are kept");
});

test("a PATCH with any invalid or forbidden field changes nothing", async () => {
  const { token, user } = await registerJastiper(app);
  const before = await snapshot(app.db);
  const cases = [
    [{ email: "new@example.com" }, "email"],
    [{ slug: "newslug" }, "slug"],
    [{ profileName: "ok", phone: "12345" }, "phone"],
    [{ profileName: "ok", avatar: "javascript:alert(1)" }, "avatar"],
    [{ profileBio: "x".repeat(501) }, "profileBio"],
    [{ profileName: 42 }, "profileName"],
    [{ coverImage: "http://insecure.example/c.jpg" }, "coverImage"],
  ];
  for (const [body, field] of cases) {
    const res = await app.json("PATCH", "/api/profile/me", body, { token });
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.ok(res.body.fields[field], `${field} named in ${JSON.stringify(res.body)}`);
  }
  assert.deepEqual(await snapshot(app.db), before);
  const me = await app.json("GET", "/api/profile/me", undefined, { token });
  assert.equal(me.body.user.email, user.email);
});

test("profile routes need a token", async () => {
  assert.equal((await app.json("PATCH", "/api/profile/me", { profileName: "x" })).status, 401);
});

test("one jastiper's token only ever changes their own profile", async () => {
  const a = await registerJastiper(app, { fullName: "Ani" });
  const b = await registerJastiper(app, { fullName: "Bayu" });
  await app.json("PATCH", "/api/profile/me", { profileName: "Changed by A" }, { token: a.token });
  const bView = await app.json("GET", "/api/profile/me", undefined, { token: b.token });
  assert.equal(bView.body.user.profileName, "Bayu");
  const pub = await app.json("GET", `/api/profile/${b.user.slug}`);
  assert.equal(pub.body.user.name, "Bayu");
});

test("GET /api/profile/:slug is public: active trips with visible products, never email or phone", async () => {
  const { token, user } = await registerJastiper(app, { fullName: "Tina Public" });
  await app.json("PATCH", "/api/profile/me", { profileBio: "Jepang", phone: "08123456789" }, { token });
  const active = await addTrip(user.id, "pub1", true);
  const hidden = await addTrip(user.id, "pub2", false);
  await addProduct(active, "pa1");
  await addProduct(active, "pa2", "sold_out");
  await addProduct(active, "pa3", "discontinued");
  await addProduct(hidden, "ph1");

  const res = await app.json("GET", `/api/profile/${user.slug.toUpperCase()}`);
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.user, { slug: user.slug, name: "Tina Public", bio: "Jepang", avatar: null, coverImage: null, rating: null });
  assert.equal(res.body.trips.length, 1);
  assert.equal(res.body.trips[0].slug, "pub1");
  assert.deepEqual(res.body.trips[0].products.map((p) => p.slug).sort(), ["pa1", "pa2"]);
  assert.equal(res.body.trips[0].products[0].price, 125000);
  const text = JSON.stringify(res.body);
  assert.ok(!text.includes(user.email) && !text.includes("628123456789"), "no email or phone leaks");
  assert.match(res.headers.get("cache-control"), /^public/);
});

test("unknown, reserved and malformed profile slugs are 404", async () => {
  for (const slug of ["nobody-here", "admin", "x", "%3Cscript%3E"]) {
    const res = await app.json("GET", `/api/profile/${slug}`);
    assert.equal(res.status, 404, slug);
    assert.deepEqual(res.body, { error: "Profile not found", code: "not_found" });
  }
});
