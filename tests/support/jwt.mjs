// Hand-made JWTs, to prove the Worker refuses what it did not issue.
import crypto from "node:crypto";

const b64url = (v) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");

export function signJwt(payload, secret, header = { alg: "HS256", typ: "JWT" }) {
  const head = `${b64url(header)}.${b64url(payload)}`;
  const sig = crypto.createHmac("sha256", secret).update(head).digest("base64url");
  return `${head}.${sig}`;
}

export function unsignedJwt(payload) {
  return `${b64url({ alg: "none", typ: "JWT" })}.${b64url(payload)}.`;
}

export function decodeJwt(token) {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());
}
