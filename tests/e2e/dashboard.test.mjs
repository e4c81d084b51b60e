// The jastiper's dashboard over HTTP: sessions, CSRF, ownership, payment
// details, connecting WhatsApp, trips, products, orders, broadcasts.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnApp } from "../support/app.mjs";
import { Browser } from "../support/browser-session.mjs";
import { PNG_1x1, form, placeOrder, upload } from "../support/fixtures.mjs";
import { deliver, textDelivery, eventually } from "../support/whatsapp.mjs";

let app;
before(async () => { app = await spawnApp(); });
after(async () => { await app?.close(); });

/** A product added through the dashboard's form; answers its row. */
async function productOf(b, tripId, fields) {
  const fd = new FormData();
  for (const [k, v] of Object.entries({ price: "20000", stock: "5", maxPerBuyer: "10", status: "active", ...fields })) fd.set(k, v);
  assert.equal((await b.postMultipart(`/dashboard/trips/${tripId}/products/new`, fd)).status, 303);
  return app.db.prepare("SELECT id, slug FROM products WHERE trip_id = ? ORDER BY created_at DESC LIMIT 1").bind(tripId).first();
}

async function tripOf(b, fields = {}) {
  const slug = fields.slug ?? `t${Math.random().toString(36).slice(2, 8)}`;
  const r = await b.post("/dashboard/trips/new", { title: "Jastip Jepang", slug, description: "", deadline: "", isActive: "on", ...fields });
  assert.equal(r.status, 303, r.html.slice(0, 400));
  return { id: r.location.split("/").pop(), slug };
}

describe("sessions", () => {
  test("the dashboard asks to log in, and comes back after it", async () => {
    const b = new Browser(app);
    const r = await b.get("/dashboard/profile");
    assert.equal(r.status, 303);
    assert.equal(r.location, "/login?next=%2Fdashboard%2Fprofile");
    await b.register("sesi@example.com");
    const out = await b.post("/logout", {});
    assert.equal(out.location, "/login");
    const login = await b.post("/login?next=%2Fdashboard%2Fprofile", { email: "sesi@example.com", password: "rahasia-123" }, { csrf: false });
    assert.equal(login.status, 303);
    assert.equal(login.location, "/dashboard/profile");
    assert.match(login.res.headers.get("set-cookie"), /__Host-jastipin=[^;]+; Path=\/; HttpOnly; Secure; SameSite=Lax/);
    assert.equal((await b.get("/dashboard/profile")).status, 200);
  });

  test("a wrong password is shown next to the form with the email kept; an open redirect is refused", async () => {
    const b = new Browser(app);
    await b.register("salah@example.com");
    const anon = new Browser(app);
    const r = await anon.post("/login?next=https://evil.example/", { email: "salah@example.com", password: "bukan-ini-123" }, { csrf: false });
    assert.equal(r.status, 401);
    assert.match(r.html, /Email atau kata sandi salah/);
    assert.match(r.html, /value="salah@example.com"/);
    const ok = await anon.post("/login?next=https://evil.example/", { email: "salah@example.com", password: "rahasia-123" }, { csrf: false });
    assert.equal(ok.location, "/dashboard");
  });

  test("registration errors stay next to their fields with the typed values", async () => {
    const b = new Browser(app);
    await b.register("ada@example.com");
    const again = new Browser(app);
    const r = await again.post("/register", { fullName: "Tina Dua", email: "ada@example.com", password: "pendek", slug: "" }, { csrf: false });
    assert.equal(r.status, 400);
    assert.match(r.html, /Kata sandi minimal 8 karakter/);
    assert.match(r.html, /value="Tina Dua"/);
    const taken = await again.post("/register", { fullName: "Tina Dua", email: "ada@example.com", password: "panjang-sekali", slug: "" }, { csrf: false });
    assert.equal(taken.status, 409);
    assert.match(taken.html, /Email ini sudah terdaftar/);
  });

  test("a stolen cookie stops working after logout, and logout-everywhere ends every browser", async () => {
    const b = new Browser(app);
    await b.register("curi@example.com");
    const thief = new Browser(app);
    thief.cookie = b.cookie;
    assert.equal((await thief.get("/dashboard")).status, 200);
    await b.post("/logout", {});
    assert.equal((await thief.get("/dashboard")).status, 303, "the copied cookie is dead");

    const phone = new Browser(app);
    await phone.post("/login", { email: "curi@example.com", password: "rahasia-123" }, { csrf: false });
    const laptop = new Browser(app);
    await laptop.post("/login", { email: "curi@example.com", password: "rahasia-123" }, { csrf: false });
    const r = await laptop.post("/dashboard/logout-everywhere", {});
    assert.equal(r.location, "/login");
    assert.equal((await phone.get("/dashboard")).status, 303);
  });

  test("a password change ends the other sessions and keeps this one", async () => {
    const b = new Browser(app);
    await b.register("ganti@example.com");
    const other = new Browser(app);
    await other.post("/login", { email: "ganti@example.com", password: "rahasia-123" }, { csrf: false });
    const wrong = await b.post("/dashboard/password", { currentPassword: "keliru-123", newPassword: "baru-sekali-1" });
    assert.equal(wrong.status, 403);
    assert.match(wrong.html, /Kata sandi sekarang salah/);
    const ok = await b.post("/dashboard/password", { currentPassword: "rahasia-123", newPassword: "baru-sekali-1" });
    assert.equal(ok.location, "/dashboard/profile?saved=password");
    assert.equal((await b.get("/dashboard")).status, 200);
    assert.equal((await other.get("/dashboard")).status, 303);
  });
});

describe("cross-site requests", () => {
  test("a form from another site, or without the session's token, changes nothing", async () => {
    const b = new Browser(app);
    await b.register("csrf@example.com");
    const before = await app.db.prepare("SELECT COUNT(*) AS n FROM trips").first();
    const evil = await b.post("/dashboard/trips/new", { title: "Palsu", slug: "palsu1", isActive: "on" }, { headers: { "sec-fetch-site": "cross-site", origin: "https://evil.example" } });
    assert.equal(evil.status, 403);
    const origin = await b.post("/dashboard/trips/new", { title: "Palsu", slug: "palsu2", isActive: "on" }, { headers: { origin: "https://evil.example" } });
    assert.equal(origin.status, 403);
    const noToken = await b.post("/dashboard/trips/new", { title: "Palsu", slug: "palsu3", isActive: "on", csrf: "" });
    assert.equal(noToken.status, 403);
    const otherToken = new Browser(app);
    await otherToken.register("csrf2@example.com");
    const stale = await b.post("/dashboard/trips/new", { title: "Palsu", slug: "palsu4", isActive: "on", csrf: await otherToken.token() });
    assert.equal(stale.status, 403);
    assert.deepEqual(await app.db.prepare("SELECT COUNT(*) AS n FROM trips").first(), before);
    const sameSite = await b.post("/dashboard/trips/new", { title: "Asli", slug: "asli01", isActive: "on" }, { headers: { "sec-fetch-site": "same-origin" } });
    assert.equal(sameSite.status, 303);
  });
});

describe("another jastiper's things", () => {
  test("their trip, product, order, proof and invoice answer the not-found page", async () => {
    const tina = new Browser(app);
    await tina.register("tina-own@example.com");
    const trip = await tripOf(tina);
    const product = await productOf(tina, trip.id, { title: "Royce", price: "185000", description: "" });
    const order = (await placeOrder(app, product.id, { phone: "081277001100", name: "Sari" })).body.order;
    await upload(app, "POST", `/api/orders/${order.id}/proof?token=${order.accessToken}`, form({}, PNG_1x1));

    const eve = new Browser(app);
    await eve.register("eve-own@example.com");
    for (const path of [`/dashboard/trips/${trip.id}`, `/dashboard/trips/${trip.id}/orders`, `/dashboard/trips/${trip.id}/participants`,
      `/dashboard/trips/${trip.id}/messages`, `/dashboard/products/${product.id}`, `/dashboard/orders/${order.id}`,
      `/dashboard/orders/${order.id}/proof`, `/invoice/${order.id}`]) {
      const r = await eve.get(path);
      assert.equal(r.status, 404, path);
      assert.match(r.html, /tidak ditemukan/, path);
    }
    const confirm = await eve.post(`/dashboard/orders/${order.id}/confirm`, {});
    assert.equal(confirm.status, 404);
    const del = await eve.post(`/dashboard/trips/${trip.id}/delete`, { sure: "on" });
    assert.equal(del.status, 404);
    assert.equal((await app.db.prepare("SELECT status FROM orders WHERE id = ?").bind(order.id).first()).status, "pending");
    assert.ok(await app.db.prepare("SELECT id FROM trips WHERE id = ?").bind(trip.id).first());

    const own = await tina.get(`/dashboard/orders/${order.id}/proof`);
    assert.equal(own.status, 200);
    assert.equal(own.res.headers.get("content-type"), "image/png");
    assert.equal(own.res.headers.get("cache-control"), "private, no-store");
    assert.equal((await new Browser(app).get(`/invoice/${order.id}?token=${order.accessToken}`)).status, 200, "the buyer's link opens the invoice");
    assert.equal((await new Browser(app).get(`/invoice/${order.id}`)).status, 404);
  });
});

describe("profile and WhatsApp", () => {
  test("payment details are saved, validated per field, and shown on the buyer's order page and invoice", async () => {
    const b = new Browser(app);
    await b.register("bayar@example.com", { slug: "bayarin" });
    const bad = await b.post("/dashboard/profile", { profileName: "Bayar Shop", profileBio: "", bankName: "BCA", bankAccount: "12ab", bankHolder: "Tina", gopay: "021555", ovo: "", dana: "", shopeepay: "" });
    assert.equal(bad.status, 400);
    assert.match(bad.html, /Nomor rekening 5–20 angka/);
    assert.match(bad.html, /Nomor HP Indonesia tidak valid/);
    assert.match(bad.html, /value="12ab"/, "typed values are kept");
    const ok = await b.post("/dashboard/profile", { profileName: "Bayar Shop", profileBio: "Jepang", bankName: "BCA", bankAccount: "123-456-7890", bankHolder: "Tina Wijaya", gopay: "+62 812 1111 2222", ovo: "", dana: "", shopeepay: "" });
    assert.equal(ok.location, "/dashboard/profile?saved=profile");
    const qris = new FormData();
    qris.set("qris-image", new Blob([PNG_1x1], { type: "image/png" }), "qris.png");
    assert.equal((await b.postMultipart("/dashboard/profile/qris", qris)).location, "/dashboard/profile?saved=image");

    const me = await app.json("POST", "/api/auth/login", { email: "bayar@example.com", password: "rahasia-123" });
    const profile = await app.json("GET", "/api/profile/me", undefined, { token: me.body.token });
    assert.deepEqual({ ...profile.body.user.paymentDetails, qrisImage: profile.body.user.paymentDetails.qrisImage?.replace(/.*\/media\//, "") }, {
      bankName: "BCA", bankAccount: "1234567890", bankHolder: "Tina Wijaya", gopay: "081211112222", ovo: null, dana: null, shopeepay: null,
      qrisImage: profile.body.user.paymentDetails.qrisImage.replace(/.*\/media\//, ""),
    });
    assert.match(profile.body.user.paymentDetails.qrisImage, /\/media\/qris\//);
    assert.equal(profile.body.user.whatsappConnected, false);

    const trip = await tripOf(b);
    const product = await productOf(b, trip.id, { title: "Kitkat", price: "50000" });
    const order = (await placeOrder(app, product.id, { phone: "081277002200", name: "Rina" })).body.order;
    const page = await (await app.fetch(`/order/${order.id}?token=${order.accessToken}`, { redirect: "follow" })).text();
    assert.match(page, /Transfer BCA: <b class="acct">1234567890<\/b> a\.n\. Tina Wijaya/);
    assert.match(page, /GoPay: <b class="acct">081211112222<\/b>/);
    assert.match(page, /alt="QRIS untuk membayar"/);
    const invoice = await (await app.fetch(`/invoice/${order.id}?token=${order.accessToken}`)).text();
    assert.match(invoice, /1234567890/);
    assert.match(invoice, /Rp 50\.000/);
  });

  test("connecting WhatsApp: the code sent from the phone links it, and proof notices then go there with a dashboard link", async () => {
    const b = new Browser(app);
    await b.register("hubung@example.com");
    let home = await b.get("/dashboard");
    assert.match(home.html, /Notifikasi belum aktif/);
    assert.doesNotMatch(home.html, /KONFIRMASI [A-Z0-9]/, "no code until she asks for one");
    assert.equal((await b.post("/dashboard/whatsapp", {})).status, 303);
    home = await b.get("/dashboard");
    const code = home.html.match(/KONFIRMASI ([A-Z0-9]{10})/)[1];
    assert.match(home.html, /Kode berlaku 10 menit/);
    assert.match(home.html, new RegExp(`href="https://wa.me/6281100000000\\?text=KONFIRMASI%20${code}"`));
    assert.equal((await deliver(app, textDelivery(`KONFIRMASI ${code}`, { from: "6281299990000" }).body)).status, 200);
    await eventually(async () => /Aktif: kabar bukti bayar dikirim ke \+6281299990000/.test((await b.get("/dashboard")).html), { what: "connected" });
    const reply = await eventually(() => app.graph.sends().find((s) => s.body.to === "6281299990000"), { what: "connected reply" });
    assert.match(reply.body.text.body, /sudah terhubung/);

    const trip = await tripOf(b);
    const product = await productOf(b, trip.id, { title: "Pocky", price: "20000" });
    const placed = (await placeOrder(app, product.id, { phone: "081277003300", name: "Dina" })).body;
    const order = placed.order;
    await upload(app, "POST", `/api/orders/${order.id}/proof?token=${order.accessToken}`, form({}, PNG_1x1));
    const notice = await eventually(() => app.graph.sends().find((s) => s.body.to === "6281299990000" && s.body.type === "template"), { what: "proof notice" });
    assert.ok(JSON.stringify(notice.body).includes(`/dashboard/bills/${placed.bill.id}`), "links to the bill in the dashboard");
    const billPage = await b.get(`/dashboard/bills/${placed.bill.id}`);
    assert.ok(billPage.html.includes("Konfirmasi pembayaran") && billPage.html.includes("Rp 20.000"), "where the proof waits, with its amount");

    await b.post("/dashboard/whatsapp", {});
    home = await b.get("/dashboard");
    const fresh = home.html.match(/KONFIRMASI ([A-Z0-9]{10})/)[1];
    assert.notEqual(fresh, code, "a new code replaces the used one");
  });
});

describe("trips, products and orders", () => {
  test("a trip is created, edited, its products added and restocked, its orders confirmed, rejected and shipped, then deleted", async () => {
    const b = new Browser(app);
    await b.register("alur@example.com");
    const missing = await b.post("/dashboard/trips/new", { title: "", slug: "x", isActive: "on" });
    assert.equal(missing.status, 400);
    assert.match(missing.html, /Isi judul/);
    const trip = await tripOf(b, { slug: "alur1", title: "Jastip Korea" });
    const edited = await b.post(`/dashboard/trips/${trip.id}`, { title: "Jastip Korea Desember", description: "Seoul", deadline: "2099-12-31" });
    assert.equal(edited.status, 303);
    const row = await app.db.prepare("SELECT title, is_active, deadline FROM trips WHERE id = ?").bind(trip.id).first();
    assert.deepEqual(row, { title: "Jastip Korea Desember", is_active: 0, deadline: "2099-12-31T16:59:59.000Z" }, "an unticked box hides the trip");
    await b.post(`/dashboard/trips/${trip.id}`, { title: "Jastip Korea Desember", description: "Seoul", deadline: "2099-12-31", isActive: "on" });
    const page = await b.get(`/dashboard/trips/${trip.id}`);
    assert.match(page.html, /value="2099-12-31"/, "the deadline shows as the date typed");
    assert.match(page.html, /<input id="isActive" type="checkbox" name="isActive" value="on" checked>/);

    const fd = new FormData();
    for (const [k, v] of Object.entries({ title: "Masker", price: "abc", stock: "2", maxPerBuyer: "10", status: "active" })) fd.set(k, v);
    const badPrice = await b.postMultipart(`/dashboard/trips/${trip.id}/products/new`, fd);
    assert.equal(badPrice.status, 400);
    assert.match(badPrice.html, /Harga dalam Rupiah/);
    fd.set("price", "30000");
    fd.set("image", new Blob([Buffer.from("not an image")], { type: "image/png" }), "x.png");
    const badImage = await b.postMultipart(`/dashboard/trips/${trip.id}/products/new`, fd);
    assert.equal(badImage.status, 415);
    fd.delete("image");
    assert.equal((await b.postMultipart(`/dashboard/trips/${trip.id}/products/new`, fd)).status, 303);
    const product = await app.db.prepare("SELECT id FROM products WHERE trip_id = ?").bind(trip.id).first();

    const [a, c] = [(await placeOrder(app, product.id, { phone: "081277004401", name: "Ani" })).body.order, (await placeOrder(app, product.id, { phone: "081277004402", name: "Cici" })).body.order];
    assert.equal((await app.db.prepare("SELECT stock, status FROM products WHERE id = ?").bind(product.id).first()).stock, 0);
    const restock = new FormData();
    for (const [k, v] of Object.entries({ title: "Masker", price: "30000", stock: "4", maxPerBuyer: "10", description: "" })) restock.set(k, v);
    // The form sends the status select as it stands (sold out); new stock still puts it back on sale.
    restock.set("status", "sold_out");
    await app.db.prepare("UPDATE products SET status = 'sold_out' WHERE id = ?").bind(product.id).run();
    assert.equal((await b.postMultipart(`/dashboard/products/${product.id}`, restock)).status, 303);
    assert.deepEqual(await app.db.prepare("SELECT stock, status FROM products WHERE id = ?").bind(product.id).first(), { stock: 4, status: "active" }, "restocking a sold-out product puts it on sale");

    assert.equal((await b.post(`/dashboard/orders/${a.id}/confirm`, {})).location, `/dashboard/orders/${a.id}`);
    assert.equal((await b.post(`/dashboard/orders/${c.id}/reject`, { reason: "Stok di toko habis" })).status, 303);
    assert.equal((await b.post(`/dashboard/orders/${a.id}/ship`, {})).status, 303);
    const again = await b.post(`/dashboard/orders/${c.id}/confirm`, {});
    assert.equal(again.status, 200);
    assert.match(again.html, /Status pesanan ini sudah berubah/);

    const list = await b.get(`/dashboard/trips/${trip.id}/orders`);
    const totals = Object.fromEntries([...list.html.matchAll(/<tr data-status="(\w+)"><th scope="row">[^<]+<\/th><td class="n">(\d+)<\/td><td class="sum">([^<]+)<\/td>/g)].map((m) => [m[1], [Number(m[2]), m[3]]]));
    assert.deepEqual(totals, { pending: [0, "Rp 0"], confirmed: [0, "Rp 0"], rejected: [1, "Rp 30.000"], shipped: [1, "Rp 30.000"] });
    const shipped = await b.get(`/dashboard/trips/${trip.id}/orders?status=shipped`);
    assert.equal([...shipped.html.matchAll(/<li class="card" data-status="shipped"/g)].length, 1);
    assert.doesNotMatch(shipped.html, /data-status="rejected"><a/);

    const people = await b.get(`/dashboard/trips/${trip.id}/participants`);
    assert.match(people.html, /Ani/);
    assert.match(people.html, /Cici/);

    assert.equal((await b.post(`/dashboard/trips/${trip.id}/delete`, { sure: "on" })).location, "/dashboard");
    assert.equal(await app.db.prepare("SELECT id FROM trips WHERE id = ?").bind(trip.id).first(), null);
  });

  test("a broadcast shows its cost before it goes, then lands in the outbox; a failed message can be resent", async () => {
    const b = new Browser(app);
    await b.register("siar@example.com");
    const trip = await tripOf(b);
    const now = new Date().toISOString();
    await app.db.batch([1, 2, 3].map((i) => app.db.prepare("INSERT INTO participants (id, trip_id, phone, name, joined_at, confirmed_at, last_inbound_at) VALUES (?, ?, ?, ?, ?, ?, ?)").bind(`sp${i}`, trip.id, `62815700000${i}`, `P${i}`, now, now, i === 1 ? now : null)));
    const preview = await b.post(`/dashboard/trips/${trip.id}/messages`, { step: "preview", message: "Barang sudah sampai!\nCek ya" });
    assert.equal(preview.status, 200);
    // 1 inside the window (a service message, 294,5) + 2 templates (marketing, 637,05 each) = 1.568,6.
    assert.match(preview.html, /Ke <b>3 penitip<\/b>: 1 × layanan \(chat 24 jam\) @ Rp 295 \+ 2 × marketing @ Rp 637 = <b>Rp 1\.569<\/b>/);
    assert.equal((await app.db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE trip_id = ?").bind(trip.id).first()).n, 0, "nothing sent by a preview");
    const sent = await b.post(`/dashboard/trips/${trip.id}/messages`, { step: "send", message: "Barang sudah sampai!\nCek ya" });
    assert.equal(sent.location, `/dashboard/trips/${trip.id}/messages`);
    await eventually(async () => (await app.db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE trip_id = ? AND status != 'queued'").bind(trip.id).first()).n === 3, { what: "sent" });
    await app.db.prepare("UPDATE outbox SET status = 'failed', last_error = '131026: Message undeliverable' WHERE recipient = '628157000003'").run();
    const page = await b.get(`/dashboard/trips/${trip.id}/messages`);
    assert.match(page.html, /Meta: 131026: Message undeliverable/);
    const id = (await app.db.prepare("SELECT id FROM outbox WHERE recipient = '628157000003'").first()).id;
    assert.equal((await b.post(`/dashboard/messages/${id}/resend`, {})).status, 303);
    assert.notEqual((await app.db.prepare("SELECT status FROM outbox WHERE id = ?").bind(id).first()).status, "failed");
  });
});
