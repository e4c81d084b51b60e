// npm run wa -- "JOIN jpn25 | Nama: Siti" --from 628123456789 [--name Siti] [--url http://127.0.0.1:8787]
// Posts a correctly signed WhatsApp Cloud API delivery of one text message to
// the local service, so the JOIN/INFO/STOP flow can be tried without Meta.
// The signature uses WA_APP_SECRET from .dev.vars.
import crypto from "node:crypto";
import fs from "node:fs";

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args.splice(i, 2)[1] : fallback;
};
const from = flag("from", "628123456789");
const name = flag("name", "Penitip");
const base = flag("url", process.env.JASTIPIN_URL ?? `http://127.0.0.1:${process.env.PORT ?? 8787}`);
const text = args.join(" ");
if (!text) {
  console.error('usage: npm run wa -- "JOIN jpn25 | Nama: Siti" --from 628123456789');
  process.exit(2);
}
const vars = fs.existsSync(".dev.vars") ? fs.readFileSync(".dev.vars", "utf8") : "";
const secret = process.env.WA_APP_SECRET ?? (vars.match(/^WA_APP_SECRET=(.*)$/m)?.[1] ?? "").trim();
if (!secret) {
  console.error("WA_APP_SECRET is empty: set it in .dev.vars");
  process.exit(2);
}
const wamid = `wamid.local${Date.now()}`;
const body = {
  object: "whatsapp_business_account",
  entry: [{ id: "local", changes: [{ field: "messages", value: {
    messaging_product: "whatsapp",
    metadata: { display_phone_number: "6281100000000", phone_number_id: "local" },
    contacts: [{ profile: { name }, wa_id: from }],
    messages: [{ from, id: wamid, timestamp: String(Math.floor(Date.now() / 1000)), type: "text", text: { body: text } }],
  } }] }],
};
// Meta escapes non-ASCII characters; sign exactly the bytes sent.
const raw = JSON.stringify(body).replace(/[\u007f-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
const signature = "sha256=" + crypto.createHmac("sha256", secret).update(raw).digest("hex");
const res = await fetch(`${base}/api/webhooks/whatsapp`, {
  method: "POST",
  headers: { "content-type": "application/json", "x-hub-signature-256": signature },
  body: raw,
});
console.log(`${res.status} ${await res.text()}  (${wamid} from ${from})`);
console.log("Replies are in the outbox: GET /api/trips/<tripId>/messages (as the trip's owner), or the service's log.");
