// Smoke test through `wrangler dev` itself: wrangler.toml's bindings, its
// migrations_dir and the bundle exactly as `npm run dev` serves them.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { ROOT } from "../support/app.mjs";

const wrangler = path.join(ROOT, "node_modules/.bin/wrangler");
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", JASTIPIN_SKIP_BUILD: "1", CI: "true" };
let child, base, state;

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

before(async () => {
  state = fs.mkdtempSync(path.join(os.tmpdir(), "jastipin-smoke-"));
  execFileSync(wrangler, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", state], { cwd: ROOT, env, stdio: "pipe" });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  child = spawn(wrangler, [
    "dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", state,
    "--var", "JWT_SECRET:smoke-secret-smoke-secret-smoke-secret", "--var", "PUBLIC_BASE_URL:" + base, "--var", "ENVIRONMENT:development",
    // Never a real send from a test, whatever a developer's .dev.vars holds.
    "--var", "WA_ACCESS_TOKEN:", "--var", "WA_API_BASE:http://127.0.0.1:9", "--var", "WA_APP_SECRET:smoke-app-secret",
  ], { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${base}/api/health`);
      if (res.status === 200) return;
    } catch {}
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`wrangler dev did not become healthy:\n${log}`);
});

after(() => {
  if (child && child.exitCode === null) {
    try { process.kill(-child.pid, "SIGTERM"); } catch {}
  }
  if (state) fs.rmSync(state, { recursive: true, force: true });
});

test("wrangler dev serves health from the migrated local D1", async () => {
  const res = await fetch(`${base}/api/health`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: "ok" });
});

test("a jastiper registers, signs in and reads their profile through wrangler dev", async () => {
  const email = `smoke${Date.now()}@example.com`;
  const reg = await fetch(`${base}/api/auth/register`, {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: "rahasia-123", fullName: "Smoke Test" }),
  });
  assert.equal(reg.status, 201);
  const login = await fetch(`${base}/api/auth/login`, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password: "rahasia-123" }),
  });
  assert.equal(login.status, 200);
  const { token } = await login.json();
  const me = await fetch(`${base}/api/profile/me`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal((await me.json()).user.email, email);
});

test("npm run wa: a signed JOIN goes through wrangler dev's queues and is answered (simulated)", async () => {
  const email = `wa${Date.now()}@example.com`;
  const reg = await fetch(`${base}/api/auth/register`, {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: "rahasia-123", fullName: "WA Smoke" }),
  });
  const { token } = await reg.json();
  const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const trip = await (await fetch(`${base}/api/trips`, { method: "POST", headers: auth, body: JSON.stringify({ title: "Smoke", slug: "smk25", isActive: true }) })).json();
  const out = execFileSync("node", ["scripts/wa.mjs", "JOIN smk25 | Nama: Siti", "--from", "628123450000", "--url", base], {
    cwd: ROOT, env: { ...process.env, WA_APP_SECRET: "smoke-app-secret" }, encoding: "utf8",
  });
  assert.match(out, /^200 /);
  let messages = [];
  for (let i = 0; i < 80 && messages.length < 1; i++) {
    await new Promise((r) => setTimeout(r, 250));
    const res = await fetch(`${base}/api/trips/${trip.trip.id}/messages?status=simulated`, { headers: auth });
    messages = (await res.json()).messages;
  }
  assert.deepEqual(messages.map((m) => m.kind), ["join_reply"], "one answer to a JOIN");
  assert.ok(messages.every((m) => m.recipient === "628123450000"));
});

test("shortlinks and pages through wrangler dev", async () => {
  const r = await fetch(`${base}/t/smk25`, { redirect: "manual" });
  assert.equal(r.status, 302);
  assert.equal(r.headers.get("location"), "/join?trip=smk25");
  const page = await fetch(`${base}/join?trip=smk25`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /Ikut via WhatsApp/);
});

test("a request whose body the Worker never reads is still answered (405, never wrangler's 503)", async () => {
  // A copy of the request made in worker/entry.mjs once broke exactly these under wrangler dev.
  const statuses = [];
  for (let i = 0; i < 60; i++) {
    const res = await fetch(`${base}/api/auth/login`, {
      method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "", password: "x" }),
    });
    statuses.push(res.status);
    await res.arrayBuffer();
  }
  assert.deepEqual([...new Set(statuses)], [405]);
});
