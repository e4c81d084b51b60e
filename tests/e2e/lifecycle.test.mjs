// The trip lifecycle: past its deadline a trip takes no more joins or
// orders, from the API, the pages or WhatsApp (its owner still may add them).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnApp, registerJastiper } from "../support/app.mjs";
import { createTrip, createProduct, placeOrder } from "../support/fixtures.mjs";
import { deliver, eventually, textDelivery } from "../support/whatsapp.mjs";

let app, owner, trip, product;
before(async () => {
  app = await spawnApp();
  owner = await registerJastiper(app);
  trip = await createTrip(app, owner.token, { slug: "tutup1", deadline: "2099-01-01" });
  product = await createProduct(app, owner.token, trip.id, { slug: "ttp01", title: "Shiroi Koibito" });
  // The deadline passes (a deadline in the past cannot be set through the API).
  await app.db.prepare("UPDATE trips SET deadline = ? WHERE id = ?").bind(new Date(Date.now() - 60e3).toISOString(), trip.id).run();
});
after(async () => { await app?.close(); });

const form = (path, fields) => app.fetch(path, {
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(fields).toString(),
});

test("after the deadline the API refuses joins and orders with 409 trip_closed; the owner may still add people", async () => {
  const join = await app.json("POST", "/api/trips/tutup1/join", { phone: "081211110101", name: "Telat" });
  assert.equal(join.status, 409);
  assert.equal(join.body.code, "trip_closed");
  const order = await placeOrder(app, product.id, { phone: "081211110101", name: "Telat" });
  assert.equal(order.status, 409);
  assert.equal(order.body.code, "trip_closed");
  assert.equal((await app.db.prepare("SELECT COUNT(*) AS n FROM participants WHERE trip_id = ?").bind(trip.id).first()).n, 0, "nothing written");
  const added = await app.json("POST", "/api/trips/tutup1/join", { phone: "081211110102", name: "Teman" }, { token: owner.token });
  assert.equal(added.status, 201);
});

test("the pages say the trip is closed and offer no form; a form posted anyway is refused", async () => {
  const page = await app.fetch("/join?trip=tutup1");
  const html = await page.text();
  assert.equal(page.status, 200);
  assert.ok(html.includes("Trip ini sudah tutup"));
  assert.ok(html.includes("Sudah tutup"));
  assert.ok(!html.includes('id="webjoin"') && !html.includes("<script>"), "no join form, no script");
  const posted = await form("/join?trip=tutup1", { name: "Telat", phone: "081211110103" });
  assert.equal(posted.status, 409);
  assert.ok((await posted.text()).includes("Trip ini sudah tutup"));

  const productPage = await (await app.fetch("/order?product=ttp01")).text();
  assert.ok(productPage.includes("Trip ini sudah tutup") && !productPage.includes("Pesan sekarang"));
  const ordered = await form("/order?product=ttp01", { name: "Telat", phone: "081211110103", quantity: "1" });
  assert.equal(ordered.status, 409);
  assert.equal((await app.db.prepare("SELECT COUNT(*) AS n FROM orders WHERE product_id = ?").bind(product.id).first()).n, 0);
});

test("a WhatsApp JOIN after the deadline gets a polite reply and joins nobody", async () => {
  const d = textDelivery("JOIN tutup1 | Nama: Telat", { from: "6281211110104" });
  assert.equal((await deliver(app, d.body)).status, 200);
  const [reply] = await eventually(() => app.graph.sends().filter((s) => s.body.to === "6281211110104").length && app.graph.sends().filter((s) => s.body.to === "6281211110104"), { what: "reply" });
  assert.match(reply.body.text.body, /sudah tutup/);
  assert.equal(await app.db.prepare("SELECT id FROM participants WHERE phone = '6281211110104'").first(), null);
});
