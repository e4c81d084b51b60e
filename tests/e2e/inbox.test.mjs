// The inbox (issue 20): free text from a penitip reaches her jastiper,
// under the trip she last ordered from, with unread counts and a reply box
// that works only while the 24-hour window is open; the jastiper hears of
// new messages coalesced; a stranger gets one help message a day; a user
// known only by username (no wa_id) is kept apart by her BSUID.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnApp, registerJastiper } from "../support/app.mjs";
import { createTrip, createProduct } from "../support/fixtures.mjs";
import { deliver, textDelivery, eventually, connectCode } from "../support/whatsapp.mjs";
import { Browser } from "../support/browser-session.mjs";

/** The jastiper signed in to the dashboard. */
async function dashboardSession(app, who) {
  const b = new Browser(app);
  const r = await b.post("/login", { email: who.user.email, password: who.password }, { csrf: false });
  assert.equal(r.status, 303, "signed in");
  return b;
}

let app, j, other, trip, tripB;
const JASTIPER_PHONE = "6281570009999";
before(async () => {
  app = await spawnApp({ bindings: { ORDER_DIGEST_DELAY_SECONDS: "1" } });
  j = await registerJastiper(app);
  other = await registerJastiper(app);
  trip = await createTrip(app, j.token, { slug: "inbx25", title: "Jastip Osaka" });
  tripB = await createTrip(app, j.token, { slug: "inbx26", title: "Jastip Seoul" });
  await createProduct(app, j.token, trip.id, { title: "Royce", price: 100000, stock: 50, slug: "royce" });
  await createProduct(app, j.token, tripB.id, { title: "Masker", price: 20000, stock: 50, slug: "maskr" });
  // Her own number is connected: notices reach it.
  const code = await connectCode(app, j.token);
  await say(`KONFIRMASI ${code}`, JASTIPER_PHONE);
  await eventually(() => texts(JASTIPER_PHONE).length >= 1, { what: "connected" });
});
after(async () => { await app?.close(); });

const texts = (to) => app.graph.sends().filter((s) => (s.body.to ?? s.body.recipient) === to).map((s) => s.body.text?.body ?? s.body.interactive?.body?.text ?? JSON.stringify(s.body));
async function say(text, from, opts = {}) {
  const d = textDelivery(text, { from, name: "Wulan Sari", ...opts });
  assert.equal((await deliver(app, d.body)).status, 200);
  return d;
}
const outcome = async (wamid) => (await eventually(async () => {
  const r = await app.db.prepare("SELECT outcome FROM processed_webhook_messages WHERE wamid = ? AND processed_at IS NOT NULL").bind(wamid).first();
  return r?.outcome;
}, { what: `processing ${wamid}` }));

describe("free text reaches the jastiper", () => {
  test("a penitip's question lands in her inbox under the trip she ordered from, unread, and the answer goes back as chat", async () => {
    const phone = "6281570000001";
    await say("PESAN royce 1", phone);
    await eventually(() => texts(phone).length >= 1, { what: "receipt" });
    const q = await say("Kak, Royce yang matcha ada?", phone);
    assert.equal(await outcome(q.wamid), "inbox");
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(texts(phone).length, 1, "no automatic answer: the jastiper answers");

    const list = await app.json("GET", "/api/inbox", undefined, { token: j.token });
    assert.equal(list.status, 200);
    const t = list.body.threads.find((x) => x.sender === phone);
    assert.deepEqual([t.name, t.tripTitle, t.unread, t.lastMessage, t.canReply], ["Wulan Sari", "Jastip Osaka", 1, "Kak, Royce yang matcha ada?", true]);
    assert.equal((await app.json("GET", "/api/inbox", undefined, { token: other.token })).body.threads.length, 0, "another jastiper sees nothing");
    assert.equal((await app.json("GET", `/api/inbox/${t.id}`, undefined, { token: other.token })).status, 404);
    assert.equal((await app.json("POST", `/api/inbox/${t.id}/reply`, { message: "hai" }, { token: other.token })).status, 404);

    // The dashboard: unread on the home page and per trip; opening reads it.
    const s = await dashboardSession(app, j);
    const home = await s.get("/dashboard");
    assert.match(home.html, /id="kpi-unread"[^]*?1 belum dibaca/);
    const inbox = await s.get("/dashboard/inbox");
    assert.match(inbox.html, /Jastip Osaka[^]*?1 baru[^]*?Wulan Sari/);
    const page = await s.get(`/dashboard/inbox/${t.id}`);
    assert.match(page.html, /Royce yang matcha ada\?/);
    assert.match(page.html, /id="reply"/);
    assert.equal((await app.json("GET", "/api/inbox", undefined, { token: j.token })).body.threads.find((x) => x.id === t.id).unread, 0, "read once opened");

    // Her answer, from the dashboard's reply box: free-form text to the buyer.
    const sent = await s.post(`/dashboard/inbox/${t.id}/reply`, { message: "Ada kak, 2 varian" });
    assert.equal(sent.status, 303);
    const reply = await eventually(() => texts(phone).find((b) => b === "Ada kak, 2 varian"), { what: "the answer" });
    assert.ok(reply);
    const shown = await app.json("GET", `/api/inbox/${t.id}`, undefined, { token: j.token });
    assert.deepEqual(shown.body.messages.map((m) => [m.direction, m.body]), [["in", "Kak, Royce yang matcha ada?"], ["out", "Ada kak, 2 varian"]]);
    assert.equal(shown.body.thread.unread, 0, "her own answer is not unread");
  });

  test("after 24 hours the reply is refused with window_closed and the page says a template is needed; a bad reply is a 400 that sends nothing", async () => {
    const phone = "6281570000002";
    await say("PESAN royce 1", phone);
    await eventually(() => texts(phone).length >= 1, { what: "receipt" });
    const q = await say("kak kapan sampai?", phone);
    await outcome(q.wamid);
    const t = (await app.json("GET", "/api/inbox", undefined, { token: j.token })).body.threads.find((x) => x.sender === phone);
    for (const body of [{}, { message: "" }, { message: "x".repeat(1001) }, { message: "ok", extra: 1 }]) {
      assert.equal((await app.json("POST", `/api/inbox/${t.id}/reply`, body, { token: j.token })).status, 400, JSON.stringify(body));
    }
    const old = new Date(Date.now() - 25 * 3600 * 1000).toISOString();
    await app.db.prepare("UPDATE inbox_threads SET last_inbound_at = ? WHERE id = ?").bind(old, t.id).run();
    const before = texts(phone).length;
    const late = await app.json("POST", `/api/inbox/${t.id}/reply`, { message: "Besok kak" }, { token: j.token });
    assert.equal(late.status, 409);
    assert.equal(late.body.code, "window_closed");
    const s = await dashboardSession(app, j);
    const page = await s.get(`/dashboard/inbox/${t.id}`);
    assert.match(page.html, /id="window-closed"[^]*Jendela 24 jam sudah tutup[^]*template/);
    assert.doesNotMatch(page.html, /id="reply"/);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(texts(phone).length, before, "nothing was sent");
  });

  test("she files under the trip she ordered from last; the jastiper is told once for several messages", async () => {
    // Another jastiper, whose number had no notice yet (one per 5 minutes at most).
    const k = await registerJastiper(app);
    const kPhone = "6281570008888";
    const code = await connectCode(app, k.token);
    await say(`KONFIRMASI ${code}`, kPhone);
    await eventually(() => texts(kPhone).length >= 1, { what: "connected" });
    const t1 = await createTrip(app, k.token, { slug: "inbx27", title: "Jastip Kyoto" });
    const t2 = await createTrip(app, k.token, { slug: "inbx28", title: "Jastip Busan" });
    await createProduct(app, k.token, t1.id, { title: "Matcha", price: 100000, stock: 50, slug: "mtcha" });
    await createProduct(app, k.token, t2.id, { title: "Kimchi", price: 20000, stock: 50, slug: "kmchi" });
    const phone = "6281570000003";
    await say("PESAN mtcha 1", phone);
    await eventually(() => texts(phone).length >= 1, { what: "receipt 1" });
    await new Promise((r) => setTimeout(r, 20));
    await say("PESAN kmchi 2", phone);
    await eventually(() => texts(phone).length >= 2, { what: "receipt 2" });
    // Her number has no open window (notices to a jastiper go as templates).
    const notices = () => app.graph.sends().filter((x) => x.body.to === kPhone && x.body.template?.name === "jastipin_inbox_new")
      .map((x) => x.body.template.components[0].parameters.map((p) => p.text).join(" | "));
    const before = notices().length;
    for (const words of ["kak kimchi yang pedas ya", "sama yang original 1"]) await outcome((await say(words, phone)).wamid);
    const t = (await app.json("GET", "/api/inbox", undefined, { token: k.token })).body.threads.find((x) => x.sender === phone);
    assert.deepEqual([t.tripTitle, t.unread], ["Jastip Busan", 2]);
    const notice = await eventually(() => notices().length > before && notices().at(-1), { what: "the coalesced notice", ms: 20000 });
    assert.equal(notice, "2 | Wulan Sari | https://jastipin.test/dashboard/inbox");
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(notices().length, before + 1, "one notice for both messages");
  });

  test("a stranger's words get one help message a day and reach nobody's inbox", async () => {
    const phone = "6281570000004";
    const first = await say("halo kak, masih buka?", phone);
    assert.equal(await outcome(first.wamid), "help");
    const help = await eventually(() => texts(phone)[0], { what: "help" });
    assert.match(help, /JOIN <kode trip>[^]*PESAN <kode barang> <jumlah>[^]*foto bukti transfer/);
    await outcome((await say("halo??", phone)).wamid);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(texts(phone).length, 1, "one help a day");
    assert.equal((await app.db.prepare("SELECT COUNT(*) AS n FROM inbox_threads WHERE sender = ?").bind(phone).first()).n, 0);
  });
});

describe("a user known only by username", () => {
  test("without a wa_id she joins, orders, sees her bill and writes to the inbox, all keyed by her BSUID; replies go to `recipient`", async () => {
    const bsuid = "ID.7788990011223344";
    const opts = { from: null, userId: bsuid, name: "Anon Sakura" };
    await say("JOIN inbx25", null, opts);
    await eventually(() => texts(bsuid).length >= 1, { what: "the welcome" });
    await say("PESAN royce 2", null, opts);
    const receipt = await eventually(() => texts(bsuid).length >= 2 && texts(bsuid)[1], { what: "receipt" });
    assert.match(receipt, /Royce ×2[^]*Rp 200\.000/);
    await say("REKAP inbx25", null, opts);
    const bill = await eventually(() => texts(bsuid).length >= 3 && texts(bsuid)[2], { what: "bill" });
    assert.match(bill, /Tagihanmu di Jastip Osaka/);
    const sends = app.graph.sends().filter((s) => s.body.recipient === bsuid);
    assert.ok(sends.length >= 3 && sends.every((s) => s.body.to === undefined), "to a BSUID: `recipient`, never `to`");
    const p = await app.db.prepare("SELECT phone, confirmed_at FROM participants WHERE trip_id = ? AND phone = ?").bind(trip.id, bsuid).first();
    assert.ok(p?.confirmed_at, "a participant keyed by the BSUID");
    const q = await say("kak aku pakai username ya", null, opts);
    assert.equal(await outcome(q.wamid), "inbox");
    const t = (await app.json("GET", "/api/inbox", undefined, { token: j.token })).body.threads.find((x) => x.sender === bsuid);
    assert.deepEqual([t.name, t.tripTitle, t.canReply], ["Anon Sakura", "Jastip Osaka", true]);
    const s = await dashboardSession(app, j);
    const people = await s.get(`/dashboard/trips/${trip.id}/participants`);
    assert.ok(people.html.includes(bsuid) && !people.html.includes(`wa.me/${bsuid}`), "no wa.me link for a username user");
    assert.equal((await app.json("POST", `/api/inbox/${t.id}/reply`, { message: "Siap kak" }, { token: j.token })).status, 201);
    await eventually(() => texts(bsuid).includes("Siap kak"), { what: "the answer to the BSUID" });
  });

  test("a BSUID that came with a number before is the same buyer", async () => {
    const phone = "6281570000005", bsuid = "ID.5566";
    await say("JOIN inbx25", phone, { userId: bsuid });
    await eventually(() => texts(phone).length >= 1, { what: "welcome" });
    await say("PESAN royce 1", null, { from: null, userId: bsuid });
    // The receipt goes to the number she gave (the bill's buyer).
    await eventually(() => texts(phone).length >= 2, { what: "receipt of the order by username" });
    const n = await app.db.prepare("SELECT COUNT(*) AS n FROM participants WHERE trip_id = ? AND phone IN (?, ?)").bind(trip.id, phone, bsuid).first();
    assert.equal(n.n, 1, "one participant: the number she gave before");
    const bills = await app.db.prepare("SELECT COUNT(*) AS n FROM bills b JOIN participants p ON p.id = b.participant_id WHERE p.phone = ?").bind(phone).first();
    assert.equal(bills.n, 1);
  });
});
