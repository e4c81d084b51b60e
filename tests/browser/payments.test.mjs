// DP → lunas → shipped in a real headless Chromium at 390 px: the penitip
// checks out on a 50 % DP trip, pays the DP with its amount, the jastiper
// confirms it in her dashboard, the goods arrive, the penitip pays the rest
// and gives her address, the jastiper adds the ongkir, confirms and ships
// with courier and resi from the rekap; the penitip's bill says so. axe-core
// finds 0 violations (any impact) on every new page. Then the inbox: a
// penitip's question read and answered from the dashboard at 390 px.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { launchChromium } from "../support/browser.mjs";
import { spawnApp, registerJastiper, ROOT } from "../support/app.mjs";
import { createTrip, createProduct, PNG_1x1 } from "../support/fixtures.mjs";

const SHOTS = path.join(ROOT, "test-artifacts/payments");
const AXE = fs.readFileSync(path.join(ROOT, "node_modules/axe-core/axe.min.js"), "utf8");
let app, browser;
const errors = [];

before(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  app = await spawnApp({ selfBaseUrl: true });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await app?.close();
});

async function phone() {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: "id-ID" });
  const page = await context.newPage();
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  return page;
}

/** Every axe violation, of any impact, and every input without a label; then a screenshot. */
async function check(page, name) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  assert.deepEqual(result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target).join(", ")}`), [], `axe on ${name}`);
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll("input:not([type=hidden]),textarea,select")]
    .filter((el) => !(el.labels?.length || el.getAttribute("aria-label"))).map((el) => el.name || el.id));
  assert.deepEqual(unlabelled, [], `every input of ${name} has a label`);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 390, `${name}: no sideways scrolling at 390 px (${wide})`);
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

test("a 50 % DP bill goes DP → lunas → shipped, both sides in the browser at 390 px", async () => {
  const j = await registerJastiper(app, { slug: "dptina", fullName: "Jastip DP Tina", email: "dp-tina@example.com" });
  await app.json("PATCH", "/api/profile/me", { bankName: "BCA", bankAccount: "1234567890", bankHolder: "Tina Wijaya" }, { token: j.token });
  const trip = await createTrip(app, j.token, { slug: "dpjpn", title: "Jastip Jepang DP", dpPercent: 50 });
  await createProduct(app, j.token, trip.id, { title: "Tokyo Banana", price: 150000, stock: 10 });
  await createProduct(app, j.token, trip.id, { title: "Kitkat Matcha", price: 100000, stock: 10 });

  // The penitip: a cart, then her bill asks the DP.
  const buyer = await phone();
  await buyer.goto(`${app.url}/t/dpjpn`);
  await buyer.getByLabel(/Tokyo Banana/).fill("1");
  await buyer.getByLabel(/Kitkat Matcha/).fill("1");
  await buyer.locator("#buyerName").fill("Siti Aminah");
  await buyer.locator("#buyerPhone").fill("0812-5555-0101");
  await buyer.getByRole("button", { name: "Pesan & lihat tagihan" }).click();
  await buyer.waitForURL(/\/b\/[0-9a-f]{32}\?token=b\./);
  const billUrl = buyer.url();
  await buyer.getByRole("heading", { name: "Bayar DP" }).waitFor();
  assert.equal(await buyer.locator("#pay-amount").inputValue(), "125000");
  await check(buyer, "1-bill-dp");
  await buyer.setInputFiles("#image", { name: "dp.png", mimeType: "image/png", buffer: PNG_1x1 });
  await buyer.getByRole("button", { name: "Kirim bukti bayar" }).click();
  await buyer.locator("#bill-status").getByText("Menunggu dicek jastiper").waitFor();
  await check(buyer, "2-bill-dp-sent");

  // The jastiper: signs in, finds the payment waiting, confirms it with the amount that came in.
  const desk = await phone();
  await desk.goto(`${app.url}/login`);
  await desk.getByLabel("Email").fill("dp-tina@example.com");
  await desk.getByLabel("Kata sandi").fill(j.password);
  await desk.getByRole("button", { name: "Masuk" }).click();
  await desk.waitForURL(`${app.url}/dashboard`);
  await desk.goto(`${app.url}/dashboard/trips/${trip.id}/payments`);
  await check(desk, "3-payments-waiting");
  await desk.locator("#waiting a").first().click();
  await desk.waitForURL(/\/dashboard\/bills\//);
  await check(desk, "4-dashboard-bill");
  assert.equal(await desk.getByLabel("Jumlah yang masuk ke rekening (Rp)").inputValue(), "125000");
  await desk.getByRole("button", { name: "Konfirmasi pembayaran" }).click();
  await desk.getByText("Pembayaran dikonfirmasi").waitFor();
  assert.equal(await desk.locator("#bill-status").getAttribute("data-status"), "dp_paid");

  // The goods arrive: one message to each penitip still owing.
  await desk.goto(`${app.url}/dashboard/trips/${trip.id}/recap`);
  await check(desk, "5-recap");
  await desk.getByRole("button", { name: "Barang sudah sampai — kabari penitip" }).click();
  await desk.getByText("1 penitip dikabari").waitFor();

  // The penitip gives her address and pays the rest (pelunasan).
  await buyer.goto(billUrl);
  await buyer.getByRole("heading", { name: "Pelunasan" }).waitFor();
  await buyer.getByLabel(/Alamat lengkap/).fill("Jl. Melati No. 5, Tebet, Jakarta Selatan 12810");
  await buyer.getByRole("button", { name: "Simpan alamat" }).click();
  await buyer.waitForURL(/#ship-to$/);
  await buyer.setInputFiles("#image", { name: "lunas.png", mimeType: "image/png", buffer: Buffer.concat([PNG_1x1, Buffer.from("lunas")]) });
  await buyer.getByRole("button", { name: "Kirim bukti bayar" }).click();
  await buyer.locator("#bill-status").getByText("Menunggu dicek jastiper").waitFor();

  // The jastiper adds the ongkir; the pelunasan came with it; ships from the rekap with the resi.
  await desk.goto(`${app.url}/dashboard/trips/${trip.id}/payments`);
  await desk.locator("#waiting a").first().click();
  await desk.waitForURL(/\/dashboard\/bills\//);
  await desk.getByLabel("Ongkir (Rp)").fill("20.000");
  await desk.getByRole("button", { name: "Simpan ongkir" }).click();
  await desk.getByText("Ongkir disimpan.").waitFor();
  await desk.getByLabel("Jumlah yang masuk ke rekening (Rp)").fill("145.000");
  await desk.getByRole("button", { name: "Konfirmasi pembayaran" }).click();
  await desk.getByText("Pembayaran dikonfirmasi").waitFor();
  assert.equal(await desk.locator("#bill-status").getAttribute("data-status"), "paid");
  await desk.goto(`${app.url}/dashboard/trips/${trip.id}/recap?status=paid`);
  await desk.locator('#recap input[type="checkbox"]').first().check();
  await desk.getByLabel(/Resi untuk/).fill("JP1234567890");
  await desk.getByLabel("Kurir untuk yang dipilih").selectOption("jnt");
  await desk.getByRole("button", { name: "Tandai dikirim" }).click();
  await desk.getByText("1 tagihan ditandai dikirim.").waitFor();
  await check(desk, "6-recap-shipped");
  await desk.goto(`${app.url}/dashboard/trips/${trip.id}/shopping`);
  await check(desk, "7-shopping");

  // The penitip's bill: shipped with J&T and the resi, nothing to pay.
  await buyer.goto(billUrl);
  assert.equal(await buyer.locator("#bill-status").getAttribute("data-status"), "shipped");
  assert.equal(await buyer.locator("#resi").textContent(), "JP1234567890");
  assert.ok(await buyer.locator("#nothing-to-pay").isVisible());
  assert.equal(await buyer.locator("#bill-total").textContent(), "Rp 270.000");
  await check(buyer, "8-bill-shipped");
  assert.deepEqual(errors, [], "no console errors");
});

test("the inbox at 390 px: a penitip's question under its trip, unread, read and answered from the reply box", async () => {
  const { deliver, textDelivery, eventually } = await import("../support/whatsapp.mjs");
  const j = await registerJastiper(app, { slug: "inboxtina", fullName: "Jastip Inbox Tina", email: "inbox-tina@example.com" });
  const trip = await createTrip(app, j.token, { slug: "inbxjp", title: "Jastip Jepang Inbox" });
  await createProduct(app, j.token, trip.id, { title: "Royce", price: 100000, stock: 10, slug: "roysb" });
  const sender = "6281590000001";
  await deliver(app, textDelivery("PESAN roysb 1", { from: sender, name: "Sari" }).body);
  await deliver(app, textDelivery("Kak, Royce-nya yang original ya 🙏", { from: sender, name: "Sari" }).body);
  await eventually(async () => (await app.db.prepare("SELECT COUNT(*) AS n FROM inbox_messages").first()).n >= 1, { what: "in the inbox" });

  const desk = await phone();
  await desk.goto(`${app.url}/login`);
  await desk.fill("input[name=email]", "inbox-tina@example.com");
  await desk.fill("input[name=password]", j.password);
  await desk.click("button[type=submit]");
  await desk.waitForURL(/\/dashboard$/);
  assert.match(await desk.locator("#kpi-unread").textContent(), /1 belum dibaca/);
  await desk.goto(`${app.url}/dashboard/inbox`);
  assert.match(await desk.locator("section.inbox-trip h2").first().textContent(), /Jastip Jepang Inbox\s+1 baru/);
  await check(desk, "9-inbox");
  await desk.click("text=Sari");
  await desk.locator("#messages").getByText("Royce-nya yang original").waitFor();
  await check(desk, "10-conversation");
  await desk.fill("textarea[name=message]", "Siap kak, original ya");
  await desk.click("#reply button[type=submit]");
  await desk.locator("#messages li[data-direction=out]").getByText("Siap kak, original ya").waitFor();
  await eventually(() => app.graph.sends().some((s) => s.body.to === sender && s.body.text?.body === "Siap kak, original ya"), { what: "the answer sent" });
  assert.deepEqual(errors, [], "no console errors");
});
