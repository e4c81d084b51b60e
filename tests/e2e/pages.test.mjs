// Shortlinks and the penitip's pages over HTTP: redirects, content, 404s,
// previews, escaping, forms, cache headers, robots and sitemap.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { spawnApp, registerJastiper, JWT_SECRET } from "../support/app.mjs";
import { createTrip, createProduct, upload, form, PNG_1x1, GIF_TINY } from "../support/fixtures.mjs";

let app, tina, trip, product;
before(async () => {
  app = await spawnApp();
  tina = await registerJastiper(app, { slug: "tina", fullName: "Jastip by Tina", email: "tina@example.com" });
  await app.json("PATCH", "/api/profile/me", { profileBio: "Korea & Jepang specialist", phone: "081234567890" }, { token: tina.token });
  trip = await createTrip(app, tina.token, { slug: "jpn25", title: "Jastip Jepang Desember", deadline: new Date(Date.now() + 3 * 864e5 + 3600e3).toISOString() });
  product = (await upload(app, "POST", `/api/trips/${trip.id}/products`, form({ title: "Tokyo Banana", price: 1250000, stock: 7, slug: "tkbnn" }, PNG_1x1), { token: tina.token })).body.product;
});
after(async () => { await app?.close(); });

const get = async (path) => { const r = await app.fetch(path); return { status: r.status, headers: r.headers, html: await r.text() }; };
const postForm = async (path, fields) => {
  const r = await app.fetch(path, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields).toString() });
  return { status: r.status, headers: r.headers, html: await r.text() };
};

describe("shortlinks", () => {
  test("the four shortlinks redirect with 302", async () => {
    for (const [from, to] of [["/tina", "/profile?user=tina"], ["/t/jpn25", "/join?trip=jpn25"], ["/o/tkbnn", "/order?product=tkbnn"], ["/u/jpn25", "/unsubscribe?trip=jpn25"]]) {
      const r = await app.fetch(from);
      assert.equal(r.status, 302, from);
      assert.equal(r.headers.get("location"), to, from);
    }
  });

  test("an unsubscribe shortlink keeps its query; slugs are URL-encoded in the target", async () => {
    assert.equal((await app.fetch("/u/jpn25?p=abc&t=xyz")).headers.get("location"), "/unsubscribe?trip=jpn25&p=abc&t=xyz");
    assert.equal((await app.fetch("/t%C3%ADna")).headers.get("location"), "/profile?user=t%C3%ADna");
    assert.equal((await app.fetch("/t/a%26b")).headers.get("location"), "/join?trip=a%26b");
  });

  test("reserved paths are never treated as profiles", async () => {
    for (const path of ["/login", "/register"]) {
      const r = await app.fetch(path);
      assert.equal(r.status, 200, `${path} is the dashboard's own page`);
      assert.match(await r.text(), /<form class="card" method="post"/);
    }
    assert.equal((await app.fetch("/dashboard")).headers.get("location"), "/login?next=%2Fdashboard");
    for (const path of ["/auth", "/invite", "/assets", "/favicon.ico", "/_next", "/admin"]) {
      const r = await app.fetch(path);
      assert.notEqual(r.status, 302, path);
      assert.equal(r.status, 404, path);
    }
    assert.equal((await app.fetch("/api")).status, 404);
    assert.equal((await app.fetch("/api")).headers.get("content-type"), "application/json");
  });
});

describe("pages", () => {
  test("the profile: name, bio, stats, open trip with countdown, products in rupiah, never the email", async () => {
    const { status, html, headers } = await get("/profile?user=tina");
    assert.equal(status, 200);
    assert.match(headers.get("content-type"), /^text\/html/);
    assert.match(headers.get("cache-control"), /^public/);
    for (const text of ["Jastip by Tina", "Korea &amp; Jepang specialist", "Jastip Jepang Desember", "Tutup dalam 3 hari", "Rp 1.250.000", "Tokyo Banana", "trip aktif", "pesanan selesai", "href=\"/t/jpn25\"", "href=\"/o/tkbnn\""]) {
      assert.ok(html.includes(text), text);
    }
    assert.ok(!html.includes("tina@example.com") && !html.includes("6281234567890"), "no email or phone");
    assert.ok(html.length < 20_000, `small page: ${html.length} bytes`);
  });

  test("the join page: products, the WhatsApp link and the web form", async () => {
    const { status, html } = await get("/join?trip=jpn25");
    assert.equal(status, 200);
    assert.ok(html.includes("href=\"https://wa.me/6281100000000?text=JOIN%20jpn25%20%7C%20Nama%3A%20\""), "the WhatsApp link carries the JOIN text");
    assert.ok(html.includes("Ikut via WhatsApp"));
    assert.ok(html.includes("action=\"/join?trip=jpn25\""));
    assert.ok(html.includes("Tokyo Banana"));
  });

  test("the product page: photo, price, stock and the order form", async () => {
    const { status, html } = await get("/order?product=tkbnn");
    assert.equal(status, 200);
    for (const text of ["Tokyo Banana", "Rp 1.250.000", "Sisa stok: 7", "action=\"/order?product=tkbnn\"", product.image]) assert.ok(html.includes(text), text);
  });

  test("Open Graph and Twitter tags make a rich preview", async () => {
    for (const path of ["/profile?user=tina", "/join?trip=jpn25", "/order?product=tkbnn"]) {
      const { html } = await get(path);
      for (const tag of ["og:title", "og:description", "og:url", "og:image", "twitter:card", "twitter:title", "twitter:image"]) {
        assert.match(html, new RegExp(`(property|name)="${tag}" content="[^"]+"`), `${tag} on ${path}`);
      }
    }
    const { html } = await get("/order?product=tkbnn");
    assert.ok(html.includes(`<meta property="og:image" content="${product.image}">`));
  });

  test("unknown profile, trip and product: a friendly 404 page", async () => {
    for (const [path, text] of [["/profile?user=nobody", "Jastiper tidak ditemukan"], ["/join?trip=nope1", "Trip tidak ditemukan"], ["/order?product=nope1", "Produk tidak ditemukan"], ["/somewhere/else/deep", "Halaman tidak ditemukan"], ["/order/abc?token=x", "Pesanan tidak ditemukan"]]) {
      const { status, html, headers } = await get(path);
      assert.equal(status, 404, path);
      assert.match(headers.get("content-type"), /^text\/html/, path);
      assert.ok(html.includes(text), path);
    }
  });

  test("robots.txt and a sitemap of public profiles", async () => {
    const robots = await get("/robots.txt");
    assert.equal(robots.status, 200);
    assert.match(robots.html, /Disallow: \/api\//);
    assert.match(robots.html, /Sitemap: https:\/\/jastipin\.test\/sitemap\.xml/);
    await registerJastiper(app, { slug: "noopentrip" });
    const sitemap = await get("/sitemap.xml");
    assert.match(sitemap.headers.get("content-type"), /application\/xml/);
    assert.ok(sitemap.html.includes("<loc>https://jastipin.test/tina</loc>"));
    assert.ok(!sitemap.html.includes("noopentrip"), "only profiles with an open trip");
  });

  test("HEAD is answered like GET, without a body", async () => {
    const r = await app.fetch("/profile?user=tina", { method: "HEAD" });
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-type"), /^text\/html/);
    assert.equal((await r.text()).length, 0);
  });

  test("pages send a strict content security policy", async () => {
    const { headers } = await get("/join?trip=jpn25");
    assert.match(headers.get("content-security-policy"), /default-src 'none'/);
    assert.equal(headers.get("x-content-type-options"), "nosniff");
  });
});

describe("escaping", () => {
  test("hostile names, bios, titles and slugs are shown as text, never as markup", async () => {
    const evil = await registerJastiper(app, { slug: "evil", fullName: "<script>alert('name')</script>" });
    await app.json("PATCH", "/api/profile/me", { profileBio: "\"><img src=x onerror=alert('bio')>" }, { token: evil.token });
    const t = await createTrip(app, evil.token, { slug: "evil1", title: "</title><script>alert('trip')</script>", description: "<b onclick=alert(1)>x</b>" });
    await createProduct(app, evil.token, t.id, { title: "\" onmouseover=\"alert('product')", slug: "evil2", description: "<iframe src=javascript:alert(1)>" });
    for (const path of ["/profile?user=evil", "/join?trip=evil1", "/order?product=evil2"]) {
      const { html } = await get(path);
      assert.ok(!/<script>alert/.test(html), `${path}: no injected script`);
      assert.ok(!html.includes("<img src=x"), path);
      assert.ok(!html.includes("<iframe"), path);
      assert.ok(!html.includes("<b onclick"), path);
      assert.ok(!/" onmouseover="alert/.test(html), `${path}: no attribute break-out`);
      const scripts = html.match(/<script>/g) ?? [];
      assert.ok(scripts.length <= 1, `${path}: only our own script`);
    }
    const { html } = await get("/profile?user=evil");
    // The name is shown as text. maud escapes & < > " (every attribute is double-quoted, so ' is inert).
    assert.ok(html.includes("&lt;script&gt;alert('name')&lt;/script&gt;"));
  });

  test("a hostile slug in a shortlink or query is encoded and escaped", async () => {
    const r = await app.fetch("/t/%22%3E%3Cscript%3E");
    assert.equal(r.headers.get("location"), "/join?trip=%22%3E%3Cscript%3E");
    const page = await get("/join?trip=%22%3E%3Cscript%3Ealert(1)%3C/script%3E");
    assert.equal(page.status, 404);
    assert.ok(!page.html.includes("<script>alert(1)"));
    const unsub = await get("/unsubscribe?trip=%22%3E%3Cscript%3Ealert(1)%3C/script%3E");
    assert.ok(!unsub.html.includes("<script>alert(1)"));
  });
});

describe("forms", () => {
  test("an order form with mistakes comes back with Indonesian messages and the values kept", async () => {
    const r = await postForm("/order?product=tkbnn", { name: "<Siti>", phone: "123", quantity: "0", notes: "" });
    assert.equal(r.status, 400);
    assert.ok(r.html.includes("Nomor WhatsApp tidak valid"));
    assert.ok(r.html.includes("Jumlah minimal 1."));
    assert.ok(r.html.includes("value=\"&lt;Siti&gt;\""), "the typed name is kept, escaped");
    const tooMany = await postForm("/order?product=tkbnn", { name: "Siti", phone: "08123456789", quantity: "99" });
    assert.equal(tooMany.status, 409);
    assert.ok(tooMany.html.includes("stok tidak cukup"));
  });

  test("a placed order leads to its bill; an order's own link leads there too; a proof posted on either waits for the jastiper", async () => {
    const r = await app.fetch("/order?product=tkbnn", { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "name=Siti&phone=08123456789&quantity=2&notes=pink" });
    assert.equal(r.status, 303);
    const location = r.headers.get("location");
    assert.match(location, /^\/b\/[0-9a-f]{32}\?token=b\./, "the order form lands on the bill");
    const page = await get(location);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("cache-control"), /no-store/);
    assert.ok(page.html.includes("Rp 2.500.000"));
    assert.ok(page.html.includes("data-status=\"pending\""), "the line waits");
    assert.ok(page.html.includes("Belum dibayar"));
    assert.ok(page.html.includes("href=\"https://wa.me/6281234567890\""), "the jastiper's WhatsApp");
    const bad = await upload(app, "POST", location.replace("?token=", "/proof?token="), form({}, GIF_TINY, { type: "image/gif" }));
    assert.equal(bad.status, 415);
    assert.ok(bad.body.includes("JPEG, PNG atau WebP"));
    // A link sent before bills existed (/order/<id>) opens the same bill, and its proof form still works.
    const placed = await app.json("POST", "/api/orders", { productSlug: "tkbnn", quantity: 1, name: "Siti", phone: "08123456789" });
    const { order, bill } = placed.body;
    assert.equal(bill.url.split("?")[0].endsWith(location.split("?")[0]), true, "the same penitip's second order joins her bill");
    const old = await app.fetch(`/order/${order.id}?token=${encodeURIComponent(order.accessToken)}`);
    assert.equal(old.status, 303);
    assert.equal(old.headers.get("location"), location, "one canonical link: the bill");
    const viaOld = await app.fetch(`/order/${order.id}/proof?token=${encodeURIComponent(order.accessToken)}`, { method: "POST", body: form({ amount: "3.750.000" }, PNG_1x1) });
    assert.equal(viaOld.status, 307, "the upload is repeated on the bill's form");
    assert.equal(viaOld.headers.get("location"), location.replace("?token=", "/proof?token="));
    const ok = await app.fetch(viaOld.headers.get("location"), { method: "POST", body: form({ amount: "3.750.000" }, PNG_1x1) });
    assert.equal(ok.status, 303);
    const after = await get(ok.headers.get("location"));
    assert.ok(after.html.includes("Menunggu dicek jastiper"));
    assert.ok(after.html.includes("Bukti bayar terkirim"));
    assert.ok(after.html.includes("Rp 3.750.000"), "both orders on one bill");
    assert.equal((await app.fetch(`/order/${order.id}?token=l.forged`)).status, 404);
  });

  test("the web join form joins; a bad number is explained", async () => {
    const bad = await postForm("/join?trip=jpn25", { name: "Rina", phone: "12" });
    assert.equal(bad.status, 400);
    assert.ok(bad.html.includes("Nomor WhatsApp tidak valid"));
    const ok = await postForm("/join?trip=jpn25", { name: "Rina", phone: "081277778888" });
    assert.equal(ok.status, 200);
    assert.ok(ok.html.includes("Terima kasih Rina!"));
    const p = await app.db.prepare("SELECT name, confirm_code, confirmed_at FROM participants WHERE phone = '6281277778888'").first();
    assert.equal(p.name, "Rina");
    assert.equal(p.confirmed_at, null, "waiting for the phone's own message");
    assert.ok(ok.html.includes(`href="https://wa.me/6281100000000?text=KONFIRMASI%20${p.confirm_code}"`), "a Konfirmasi via WhatsApp button");
    assert.ok(ok.html.includes("Konfirmasi via WhatsApp"));
    // Somebody else typing the same number learns nothing stored: not the name Rina gave.
    const other = await postForm("/join?trip=jpn25", { name: "Orang Lain", phone: "081277778888" });
    assert.ok(other.html.includes("Terima kasih Orang Lain!") && !other.html.includes("Rina"));
  });

  test("the unsubscribe link confirms, then unsubscribes; a forged one does not", async () => {
    const joined = await app.json("POST", "/api/trips/jpn25/join", { phone: "081266665555", name: "Dina" }, { token: tina.token });
    const pid = joined.body.participant.id;
    const t = crypto.createHmac("sha256", JWT_SECRET).update(`unsubscribe:${pid}`).digest().subarray(0, 16).toString("base64url");
    const confirm = await get(`/unsubscribe?trip=jpn25&p=${pid}&t=${t}`);
    assert.equal(confirm.status, 200);
    assert.ok(confirm.html.includes("Ya, berhenti"));
    const forged = await postForm(`/unsubscribe?trip=jpn25&p=${pid}&t=forged`, {});
    assert.equal(forged.status, 400);
    assert.ok(forged.html.includes("STOP jpn25"));
    assert.equal((await app.db.prepare("SELECT unsubscribed_at FROM participants WHERE id = ?").bind(pid).first()).unsubscribed_at, null);
    const done = await postForm(`/unsubscribe?trip=jpn25&p=${pid}&t=${t}`, {});
    assert.equal(done.status, 200);
    assert.ok(done.html.includes("Kamu sudah berhenti menerima pesan dari Jastip Jepang Desember"));
    assert.ok((await app.db.prepare("SELECT unsubscribed_at FROM participants WHERE id = ?").bind(pid).first()).unsubscribed_at);
    const plain = await get("/unsubscribe?trip=jpn25");
    assert.ok(plain.html.includes("href=\"https://wa.me/6281100000000?text=STOP%20jpn25\""));
  });
});

describe("error pages", () => {
  test("a page that cannot answer says why in Indonesian, as HTML with the API's status", async () => {
    const wrongMethod = await app.fetch("/profile?user=tina", { method: "DELETE" });
    assert.equal(wrongMethod.status, 405);
    assert.match(wrongMethod.headers.get("content-type"), /^text\/html/);
    const html = await wrongMethod.text();
    assert.ok(html.includes("<html lang=\"id\">"));
    assert.ok(html.includes("Halaman ini tidak menerima permintaan seperti itu."));

    const big = await app.fetch("/join?trip=jpn25", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "name=" + "x".repeat(70 * 1024),
    });
    assert.equal(big.status, 413);
    assert.match(big.headers.get("content-type"), /^text\/html/);
    assert.ok((await big.text()).includes("Kiriman ini terlalu besar"));
  });

  test("the API keeps answering JSON errors", async () => {
    const r = await app.fetch("/api/trips", { method: "PUT" });
    assert.equal(r.status, 405);
    assert.deepEqual(await r.json(), { error: "This method is not allowed on this path", code: "method_not_allowed" });
  });

  test("a failure on our side is an Indonesian 500 page, not JSON", async () => {
    // A misconfigured secret makes checking a link token fail on our side.
    const broken = await spawnApp({ bindings: { JWT_SECRET: "too-short" } });
    try {
      const r = await broken.fetch("/order/0123456789abcdef0123456789abcdef?token=l.abc");
      assert.equal(r.status, 500);
      assert.match(r.headers.get("content-type"), /^text\/html/);
      const html = await r.text();
      assert.ok(html.includes("Maaf, ada gangguan"));
      assert.ok(!html.includes("JWT_SECRET"), "no internal detail");
    } finally {
      await broken.close();
    }
  });
});
