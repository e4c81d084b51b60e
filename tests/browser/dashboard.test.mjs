// The jastiper's whole journey in a real headless Chromium, at phone width
// and at desktop width: register → profile with payment details and an
// avatar → connect WhatsApp (a signed webhook delivery) → a trip → a product
// with a 4000×3000 photo (resized in the browser) → a penitip orders and
// uploads a proof → the jastiper sees it and confirms → the outbox shows the
// confirmation → shipped → analytics and totals → the invoice prints.
// axe-core runs on every dashboard page. Screenshots go to test-artifacts/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { launchChromium } from "../support/browser.mjs";
import { spawnApp, ROOT } from "../support/app.mjs";
import { PNG_1x1 } from "../support/fixtures.mjs";
import { deliver, textDelivery, eventually } from "../support/whatsapp.mjs";

const SHOTS = path.join(ROOT, "test-artifacts/dashboard");
const AXE = fs.readFileSync(path.join(ROOT, "node_modules/axe-core/axe.min.js"), "utf8");
let app, browser;
const axeResults = {};

before(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  app = await spawnApp({ selfBaseUrl: true });
  browser = await launchChromium();
});

after(async () => {
  fs.writeFileSync(path.join(SHOTS, "axe.json"), JSON.stringify(axeResults, null, 2));
  await browser?.close();
  await app?.close();
});

/** A solid 4000×3000 PNG (a phone photo's size; small on disk). */
function bigPng(w = 4000, h = 3000) {
  const row = Buffer.alloc(1 + w * 3);
  for (let x = 0; x < w; x++) row.set([230, 120 + (x % 50), 60], 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: h }, () => row));
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(zlib.crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", zlib.deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

/** Width and height of a JPEG, PNG or WebP from its header. */
function dimensions(b) {
  if (b[0] === 0x89) return [b.readUInt32BE(16), b.readUInt32BE(20)];
  if (b[0] === 0xff) {
    let at = 2;
    while (at < b.length) {
      while (b[at] === 0xff) at++;
      const marker = b[at++];
      const len = b.readUInt16BE(at);
      if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) return [b.readUInt16BE(at + 5), b.readUInt16BE(at + 3)];
      at += len;
    }
  }
  throw new Error("unknown image");
}

async function audit(page, name) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  const bad = result.violations.filter((v) => ["serious", "critical"].includes(v.impact));
  axeResults[name] = { violations: result.violations.map((v) => `${v.id} (${v.impact}, ${v.nodes.length})`) };
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(", ")}`), [], `axe on ${name}`);
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll("input:not([type=hidden]),textarea,select")]
    .filter((el) => !(el.labels?.length || el.getAttribute("aria-label"))).map((el) => el.name || el.id));
  assert.deepEqual(unlabelled, [], `every input of ${name} has a label`);
}

for (const [label, viewport, mobile] of [["phone", { width: 390, height: 844 }, true], ["desktop", { width: 1280, height: 900 }, false]]) {
  test(`a jastiper runs a trip from the dashboard (${label} ${viewport.width}×${viewport.height})`, async () => {
    const context = await browser.newContext({ viewport, isMobile: mobile, hasTouch: mobile, locale: "id-ID", deviceScaleFactor: 1 });
    const page = await context.newPage();
    const errors = [];
    const foreign = [];
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("request", (r) => { if (!r.url().startsWith(app.url) && !r.url().startsWith("data:")) foreign.push(r.url()); });
    const shot = (name) => page.screenshot({ path: path.join(SHOTS, `${label}-${name}.png`), fullPage: true });
    const check = async (name) => {
      await audit(page, `${label}:${name}`);
      await shot(name);
      if (mobile) {
        // Every page works at 360 px, the narrowest common phone: nothing scrolls sideways.
        await page.setViewportSize({ width: 360, height: 800 });
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `${name} overflows 360 px by ${overflow} px`);
        await page.setViewportSize(viewport);
      }
    };
    const tag = label[0];

    // Register.
    await page.goto(`${app.url}/dashboard`);
    await page.waitForURL(/\/login\?next=%2Fdashboard$/);
    await check("login");
    await page.getByRole("link", { name: "Daftar gratis" }).click();
    await page.getByLabel("Nama toko / nama kamu").fill(`Jastip Tina ${label}`);
    await page.getByLabel("Email").fill(`tina-${label}@example.com`);
    await page.getByLabel("Kata sandi (min. 8 karakter)").fill("rahasia-123");
    await page.getByLabel(/Link profil/).fill(`tina${label}`);
    await check("register");
    await page.getByRole("button", { name: "Daftar" }).click();
    await page.waitForURL(`${app.url}/dashboard`);
    await page.getByText("Notifikasi belum aktif.").waitFor();
    await check("home-empty");

    // Profile with payment details and an avatar.
    await page.getByRole("link", { name: "Profil" }).click();
    await page.getByLabel("Bio").fill("Titip barang Jepang ✈️");
    await page.getByLabel("Nama bank").fill("BCA");
    await page.getByLabel("Nomor rekening").fill("1234567890");
    await page.getByLabel("Atas nama").fill("Tina Wijaya");
    await page.getByLabel("Nomor GoPay").fill("081211112222");
    await page.getByRole("button", { name: "Simpan profil" }).click();
    await page.getByText("Tersimpan ✓").waitFor();
    await page.setInputFiles("#avatar-image", { name: "me.png", mimeType: "image/png", buffer: PNG_1x1 });
    await page.getByRole("button", { name: "Unggah foto profil" }).click();
    await page.getByAltText("Foto profil sekarang").waitFor();
    await page.setInputFiles("#cover-image", { name: "cover.png", mimeType: "image/png", buffer: PNG_1x1 });
    await page.getByRole("button", { name: "Unggah foto sampul" }).click();
    await page.getByAltText("Foto sampul sekarang").waitFor();
    await check("profile");

    // Connect WhatsApp: the code, sent from the jastiper's phone.
    await page.getByRole("link", { name: "Dashboard" }).click();
    await page.getByRole("button", { name: "Buat kode" }).click();
    const text = await page.getByText(/^KONFIRMASI [A-Z0-9]{10}$/).textContent();
    const jastiperPhone = `62812${viewport.width}0001`;
    assert.equal((await deliver(app, textDelivery(text, { from: jastiperPhone }).body)).status, 200);
    await eventually(async () => { await page.reload(); return page.getByText(`Aktif: kabar bukti bayar dikirim ke +${jastiperPhone}`).isVisible(); }, { what: "connected" });

    // A trip.
    await page.getByRole("link", { name: "+ Buat trip" }).click();
    await page.getByLabel("Judul trip").fill("Jastip Jepang Desember");
    await page.getByLabel(/Kode trip/).fill(`jp${tag}25`);
    await page.getByLabel(/Batas pesan/).fill("2099-12-20");
    await check("trip-new");
    await page.getByRole("button", { name: "Buat trip" }).click();
    await page.waitForURL(/\/dashboard\/trips\/[0-9a-f]{32}$/);
    const tripUrl = page.url();

    // A product with a 4000×3000 photo: resized to 1600 px before upload.
    await page.getByRole("link", { name: "+ Tambah produk" }).click();
    await page.getByLabel("Nama produk").fill("Royce Nama Chocolate");
    await page.getByLabel("Harga (Rp)").fill("185000");
    await page.getByLabel("Stok").fill("10");
    await page.setInputFiles("#image", { name: "royce.png", mimeType: "image/png", buffer: bigPng() });
    await check("product-new");
    await page.getByRole("button", { name: "Tambah produk" }).click();
    await page.waitForURL(tripUrl);
    const src = await page.locator("#products img").getAttribute("src");

    const stored = Buffer.from(await (await fetch(new URL(src, app.url))).arrayBuffer());
    const [w, h] = dimensions(stored);
    assert.ok(Math.max(w, h) <= 1600 && w === 1600 && h === 1200, `stored ${w}×${h}`);
    assert.equal(stored[0], 0xff, "stored as JPEG");
    await check("trip");

    // A penitip orders through the public page and uploads a proof.
    const buyer = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    await buyer.goto(`${app.url}/t/jp${tag}25`);
    await buyer.getByRole("link", { name: /Royce Nama Chocolate/ }).click();
    await buyer.getByLabel("Nama").fill("Siti Aminah");
    const buyerPhone = `0813${viewport.width}0002`;
    await buyer.getByLabel("Nomor WhatsApp").fill(buyerPhone);
    await buyer.getByLabel("Jumlah").fill("2");
    await buyer.getByRole("button", { name: "Pesan sekarang" }).click();
    await buyer.waitForURL(/\/b\/[0-9a-f]{32}\?token=b\./);
    assert.ok(await buyer.getByText("1234567890").isVisible(), "the buyer sees the bank account");
    const confirmText = (await buyer.locator("#confirm-card b").textContent()).trim();
    assert.equal((await deliver(app, textDelivery(confirmText, { from: `62${buyerPhone.slice(1)}` }).body)).status, 200);
    await buyer.setInputFiles("#image", { name: "bukti.png", mimeType: "image/png", buffer: PNG_1x1 });
    await buyer.getByRole("button", { name: "Kirim bukti bayar" }).click();
    await buyer.locator("#bill-status").getByText("Menunggu dicek jastiper").waitFor();
    const billUrl = buyer.url();

    // The jastiper is told, with a link to the order in her dashboard.
    const notice = await eventually(() => app.graph.sends().find((s) => s.body.to === jastiperPhone && s.body.type === "template"), { what: "proof notice" });
    const link = JSON.stringify(notice.body).match(/\/dashboard\/bills\/[0-9a-f]{32}/)[0];
    await page.goto(`${app.url}${link}`);
    const proofImg = page.locator("#payments img.proof");
    await proofImg.waitFor();
    assert.ok(await proofImg.evaluate((img) => img.complete && img.naturalWidth > 0), "the proof image loads");
    assert.equal(await page.getByLabel("Jumlah yang masuk ke rekening (Rp)").inputValue(), "370000", "the amount the buyer wrote");
    await check("bill");
    await page.getByRole("button", { name: "Konfirmasi pembayaran" }).click();
    await page.getByText("Pembayaran dikonfirmasi").waitFor();
    assert.equal(await page.locator("#bill-status").getAttribute("data-status"), "paid");
    const orderId = (await page.locator("#lines a").first().getAttribute("href")).split("/").pop();

    // The outbox shows the confirmation to the buyer.
    await page.goto(`${tripUrl}/messages`);
    await eventually(async () => { await page.reload(); return (await page.locator("#outbox li", { hasText: "payment_confirmed" }).count()) === 1; }, { what: "confirmation in the outbox" });
    await check("messages");
    await page.getByLabel(/Pesan untuk semua penitip/).fill("Barang sudah sampai di Jakarta!\nDikirim besok.");
    await page.getByRole("button", { name: "Lihat biaya" }).click();
    await page.locator("#preview").waitFor();
    await check("broadcast-preview");

    // Shipped; the numbers match the orders.
    await page.goto(`${app.url}/dashboard/orders/${orderId}`);
    await page.getByRole("button", { name: "Tandai sudah dikirim" }).click();
    await page.getByText("Dikirim", { exact: true }).waitFor();
    await page.goto(`${tripUrl}/orders`);
    assert.equal(await page.locator('#totals tr[data-status="shipped"] td.n').textContent(), "1");
    assert.equal(await page.locator('#totals tr[data-status="shipped"] td.sum').textContent(), "Rp 370.000");
    assert.equal(await page.locator('#totals tr[data-status="pending"] td.n').textContent(), "0");
    await check("orders");
    await page.goto(`${tripUrl}/participants`);
    await page.getByText("Siti Aminah").waitFor();
    await check("participants");
    await page.goto(`${app.url}/dashboard`);
    assert.equal(await page.locator("#kpi-revenue").textContent(), "Rp 370.000");
    assert.equal(await page.locator("#kpi-orders").textContent(), "1");
    assert.equal(await page.locator("#kpi-people").textContent(), "1");
    await check("home");

    // Keyboard: Tab reaches the trip list's links.
    await page.keyboard.press("Tab");
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      reached = await page.evaluate(() => document.activeElement?.textContent === "+ Buat trip");
      if (!reached) await page.keyboard.press("Tab");
    }
    assert.ok(reached, "the keyboard reaches + Buat trip");

    // The buyer's bill is her invoice: it says shipped, asks for nothing, and prints without the page furniture.
    const invoice = await context.newPage();
    await invoice.goto(billUrl);
    assert.equal(await invoice.locator("#bill-total").textContent(), "Rp 370.000");
    assert.equal(await invoice.locator("#bill-status").getAttribute("data-status"), "shipped");
    assert.ok(await invoice.locator("#nothing-to-pay").isVisible());
    await audit(invoice, `${label}:invoice`);
    await invoice.emulateMedia({ media: "print" });
    assert.equal(await invoice.getByRole("button", { name: "Cetak / simpan PDF" }).isVisible(), false, "no buttons on paper");
    await invoice.pdf({ path: path.join(SHOTS, `${label}-invoice.pdf`) });
    await invoice.screenshot({ path: path.join(SHOTS, `${label}-invoice.png`), fullPage: true });

    assert.deepEqual(errors, [], "no console errors");
    assert.deepEqual(foreign, [], "no request leaves the service");
    await context.close();
  });
}
