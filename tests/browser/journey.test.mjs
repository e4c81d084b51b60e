// The penitip's journey in a real headless Chromium at phone width:
// /<jastiper> → a trip → a product → order → the order page → proof upload
// → the status changes after the jastiper confirms through the API.
// Screenshots of every page go to test-artifacts/screenshots/ (not committed).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { launchChromium } from "../support/browser.mjs";
import { spawnApp, registerJastiper, ROOT } from "../support/app.mjs";
import { createTrip, upload, form, PNG_1x1 } from "../support/fixtures.mjs";

const SHOTS = path.join(ROOT, "test-artifacts/screenshots");
let app, browser, context, page;
const consoleErrors = [];
const foreignRequests = [];

before(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  app = await spawnApp({ selfBaseUrl: true });
  browser = await launchChromium();
  context = await browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: "id-ID",
    userAgent: "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Mobile Safari/537.36",
  });
  page = await context.newPage();
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  page.on("request", (r) => { if (!r.url().startsWith(app.url) && !r.url().startsWith("data:")) foreignRequests.push(r.url()); });
});

after(async () => {
  await browser?.close();
  await app?.close();
});

async function shot(name) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

test("a penitip goes from the jastiper's link to a confirmed order", async () => {
  const tina = await registerJastiper(app, { slug: "tina", fullName: "Jastip by Tina" });
  await app.json("PATCH", "/api/profile/me", { profileBio: "Titip barang Jepang & Korea ✈️", phone: "081234567890" }, { token: tina.token });
  await upload(app, "POST", "/api/profile/me/avatar", form({}, PNG_1x1), { token: tina.token });
  const trip = await createTrip(app, tina.token, { slug: "jpn25", title: "Jastip Jepang Desember", description: "Tokyo & Osaka", deadline: new Date(Date.now() + 5 * 864e5 + 3600e3).toISOString() });
  for (const [title, price, slug] of [["Tokyo Banana (isi 8)", 125000, "tkbnn"], ["Royce Nama Chocolate", 185000, "royce"]]) {
    const res = await upload(app, "POST", `/api/trips/${trip.id}/products`, form({ title, price, stock: 10, slug }, PNG_1x1), { token: tina.token });
    assert.equal(res.status, 201);
  }

  // 1. The shared link: /tina redirects to the profile.
  await page.goto(`${app.url}/tina`);
  assert.equal(new URL(page.url()).pathname + new URL(page.url()).search, "/profile?user=tina");
  await page.getByRole("heading", { name: "Jastip by Tina" }).waitFor();
  assert.ok(await page.getByText("Tutup dalam 5 hari").isVisible());
  await shot("1-profile");

  // 2. The trip: its join page, with the WhatsApp link following the name typed.
  await page.getByRole("link", { name: "Ikut trip jpn25" }).click();
  await page.waitForURL(/\/join\?trip=jpn25$/);
  await page.getByLabel("Nama kamu").fill("Siti Aminah");
  const wa = await page.getByRole("link", { name: "Ikut via WhatsApp" }).getAttribute("href");
  assert.equal(wa, "https://wa.me/6281100000000?text=JOIN%20jpn25%20%7C%20Nama%3A%20Siti%20Aminah");
  await shot("2-join");

  // 3. A product, and its order form.
  await page.getByRole("link", { name: /Royce Nama Chocolate/ }).click();
  await page.waitForURL(/\/order\?product=royce$/);
  assert.ok(await page.getByText("Rp 185.000").first().isVisible());
  await page.getByLabel("Nama").fill("Siti Aminah");
  await page.getByLabel("Nomor WhatsApp").fill("0812-3456-789");
  await page.getByLabel("Jumlah").fill("2");
  await page.getByLabel("Catatan (opsional)").fill("Yang original ya kak");
  await shot("3-order-form");
  await page.getByRole("button", { name: "Pesan sekarang" }).click();

  // 4. Her bill: the line, what to pay now, the payment details.
  await page.waitForURL(/\/b\/[0-9a-f]{32}\?token=b\./);
  assert.equal(await page.locator("#bill-total").textContent(), "Rp 370.000");
  assert.equal(await page.locator("#bill-status").getAttribute("data-status"), "unpaid");
  assert.ok(await page.getByRole("heading", { name: "Bayar sekarang" }).isVisible());
  await shot("4-bill-page");

  // 5. The payment proof.
  await page.setInputFiles("#image", { name: "bukti.png", mimeType: "image/png", buffer: PNG_1x1 });
  await page.getByRole("button", { name: "Kirim bukti bayar" }).click();
  await page.locator("#bill-status").getByText("Menunggu dicek jastiper").waitFor();
  await shot("5-proof-received");
  const billId = new URL(page.url()).pathname.split("/")[2];
  const billToken = new URL(page.url()).searchParams.get("token");
  const orderId = (await app.json("GET", `/api/bills/${billId}?token=${billToken}`)).body.bill.items[0].orderId;

  // 6. The jastiper confirms through the API; the penitip sees it.
  const confirmed = await app.json("PATCH", `/api/orders/${orderId}/confirm`, undefined, { token: tina.token });
  assert.equal(confirmed.status, 200);
  await page.goto(`${app.url}/b/${billId}?token=${billToken}`);
  assert.equal(await page.locator("#bill-status").getAttribute("data-status"), "paid");
  assert.ok(await page.getByText("Lunas ✓").isVisible());
  assert.equal(await page.getByRole("heading", { name: "Bayar sekarang" }).count(), 0, "nothing more to pay");
  await shot("6-confirmed");

  assert.deepEqual(consoleErrors, [], "no console errors");
  assert.deepEqual(foreignRequests, [], "no requests outside the service");
});

test("a penitip orders two products in one checkout at phone width and sees one bill", async () => {
  const rina = await registerJastiper(app, { slug: "rinajastip", fullName: "Jastip Rina" });
  const trip = await createTrip(app, rina.token, { slug: "kor26", title: "Jastip Korea", currency: "KRW", exchangeRate: 11.5, feePercent: 10, roundTo: 1000 });
  for (const [title, priceOriginal] of [["Cosrx Snail Mucin", 21000], ["Honey Butter Chips", 3500]]) {
    const res = await app.json("POST", `/api/trips/${trip.id}/products`, { title, priceOriginal, stock: 10 }, { token: rina.token });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }
  await page.goto(`${app.url}/t/kor26`);
  await page.waitForURL(/\/join\?trip=kor26$/);
  await page.getByLabel(/Cosrx Snail Mucin/).fill("1");
  await page.getByLabel(/Honey Butter Chips/).fill("3");
  await page.locator("#buyerName").fill("Rina Putri");
  await page.locator("#buyerPhone").fill("0812-7777-1234");
  await shot("8-cart");
  await page.getByRole("button", { name: "Pesan & lihat tagihan" }).click();
  await page.waitForURL(/\/b\/[0-9a-f]{32}\?token=b\./);
  // ₩21.000 × 11,5 × 1,1 = 265.650 → 266.000; ₩3.500 × 11,5 × 1,1 = 44.275 → 45.000 (× 3).
  assert.equal(await page.locator("#bill-lines tbody tr").count(), 2, "one bill with both lines");
  assert.ok(await page.getByText("Rp 401.000").first().isVisible(), "the bill's total");
  assert.ok(await page.getByText("Belum dibayar").isVisible());
  assert.ok(await page.getByRole("button", { name: "Kirim bukti bayar" }).isVisible());
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 390, `no sideways scrolling at 390 px (${wide})`);
  await shot("9-bill");
  const bills = await app.json("GET", `/api/trips/${trip.id}/bills`, undefined, { token: rina.token });
  assert.equal(bills.body.bills.length, 1);
  assert.deepEqual(consoleErrors, [], "no console errors");
});

test("the friendly 404 page renders without errors", async () => {
  const res = await page.goto(`${app.url}/profile?user=nobody-here`);
  assert.equal(res.status(), 404);
  await page.getByRole("heading", { name: "Jastiper tidak ditemukan" }).waitFor();
  await shot("7-not-found");
  assert.deepEqual(consoleErrors.filter((e) => !e.includes("404")), []);
});
