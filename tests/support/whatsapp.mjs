// Signed WhatsApp Cloud API deliveries, as Meta sends them.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { ROOT, WA_APP_SECRET } from "./app.mjs";

/** JSON with every non-ASCII character escaped as \uXXXX, the way Meta serialises. */
export function metaJson(value) {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}

export function sign(raw, secret = WA_APP_SECRET) {
  return "sha256=" + crypto.createHmac("sha256", secret).update(raw).digest("hex");
}

let seq = 0;
export function textDelivery(text, { from = "628123456789", name = "Siti", wamid, userId, timestamp } = {}) {
  seq += 1;
  const id = wamid ?? `wamid.test${Date.now()}${seq}`;
  const contact = { profile: { name }, wa_id: from ?? undefined, user_id: userId };
  const message = { from: from ?? undefined, from_user_id: from ? undefined : userId, id, timestamp: String(timestamp ?? Math.floor(Date.now() / 1000)), type: "text", text: { body: text } };
  return {
    wamid: id,
    body: {
      object: "whatsapp_business_account",
      entry: [{ id: "WABA", changes: [{ field: "messages", value: { messaging_product: "whatsapp", metadata: { display_phone_number: "6281100000000", phone_number_id: "1234567890" }, contacts: [contact], messages: [message] } }] }],
    },
  };
}

/** A delivery of one message of another type (`fields`: its `type` and body). */
export function messageDelivery(fields, { from = "628123456789", name = "Siti", wamid, userId } = {}) {
  const d = textDelivery("", { from, name, wamid, userId });
  const m = d.body.entry[0].changes[0].value.messages[0];
  delete m.text;
  Object.assign(m, fields);
  return d;
}

/** An image message, as Meta sends it (the media id to fetch, an optional caption). */
export function imageDelivery(mediaId, { caption, ...opts } = {}) {
  return messageDelivery({ type: "image", image: { id: mediaId, mime_type: "image/png", sha256: "x", ...(caption ? { caption } : {}) } }, opts);
}

/** A tap on a reply button. */
export function buttonDelivery(id, title, opts = {}) {
  return messageDelivery({ type: "interactive", interactive: { type: "button_reply", button_reply: { id, title } } }, opts);
}

export function statusDelivery(wamid, status, { pricing, errors } = {}) {
  const s = { id: wamid, status, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: "628123456789" };
  if (pricing) s.pricing = pricing;
  if (errors) s.errors = errors;
  return { object: "whatsapp_business_account", entry: [{ id: "WABA", changes: [{ field: "messages", value: { messaging_product: "whatsapp", metadata: { phone_number_id: "1234567890" }, statuses: [s] } }] }] };
}

/** POSTs a delivery signed over its exact bytes (or with the given signature). */
export async function deliver(app, body, { signature, raw } = {}) {
  const bytes = raw ?? metaJson(body);
  const headers = { "content-type": "application/json" };
  const sig = signature === undefined ? sign(bytes) : signature;
  if (sig !== null) headers["x-hub-signature-256"] = sig;
  const res = await app.fetch("/api/webhooks/whatsapp", { method: "POST", headers, body: bytes });
  return { status: res.status, body: await res.json().catch(() => null) };
}

export function pywaSamples() {
  const dir = path.join(ROOT, "tests/fixtures/whatsapp-pywa");
  const out = [];
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    const raw = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
    for (const [name, body] of Object.entries(raw)) out.push({ name: `${file}:${name}`, body });
  }
  return out;
}

/** Polls `check` until it returns a truthy value or `ms` pass. */
export async function eventually(check, { ms = 15000, every = 100, what = "condition" } = {}) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    last = await check();
    if (last) return last;
    await new Promise((r) => setTimeout(r, every));
  }
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}

/** A connect code the jastiper asked for (the dashboard's "Buat kode", through the API). */
export async function connectCode(app, token) {
  const res = await app.json("POST", "/api/profile/me/whatsapp", undefined, { token });
  if (res.status !== 201) throw new Error(`connect code: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.connect.code;
}
