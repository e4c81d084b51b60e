// spawnApp(): the built bundle in workerd (Miniflare) with fresh local D1, R2
// and Queues, configured from wrangler.toml itself, plus a fake Graph API.
// Every test file gets its own; `close()` tears everything down.
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions, unstable_readConfig, unstable_splitSqlQuery } from "wrangler";
import { startFakeGraph } from "./fake-graph.mjs";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const JWT_SECRET = "test-secret-test-secret-test-secret-0123";
export const WA_APP_SECRET = "test-app-secret";
export const WA_VERIFY_TOKEN = "test-verify-token";

export function migrationStatements(file) {
  const sql = fs.readFileSync(file, "utf8");
  return unstable_splitSqlQuery(sql).map((s) => s.trim()).filter(Boolean);
}

export function migrationFiles() {
  const dir = path.join(ROOT, "migrations");
  return fs.readdirSync(dir).filter((f) => f.endsWith(".sql")).sort().map((f) => path.join(dir, f));
}

export async function applySql(db, statements) {
  if (statements.length) await db.batch(statements.map((s) => db.prepare(s)));
}

export function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** `selfBaseUrl`: PUBLIC_BASE_URL is the app's own address (for a browser to follow links to images). */
export async function spawnApp({ bindings = {}, migrate = true, selfBaseUrl = false } = {}) {
  const graph = await startFakeGraph();
  const port = selfBaseUrl ? await freePort() : undefined;
  const config = unstable_readConfig({ config: path.join(ROOT, "wrangler.toml") });
  const { workerOptions } = unstable_getMiniflareWorkerOptions(config, undefined, { envFiles: [] });
  const mf = new Miniflare({
    ...workerOptions,
    name: "jastipin",
    modules: true,
    scriptPath: path.join(ROOT, "worker/entry.mjs"),
    modulesRoot: ROOT,
    modulesRules: [
      { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
      ...workerOptions.modulesRules,
    ],
    bindings: {
      // wrangler.toml's [vars] only: a developer's .dev.vars never leaks into tests.
      ...config.vars,
      JWT_SECRET,
      WA_APP_SECRET,
      WA_VERIFY_TOKEN,
      WA_ACCESS_TOKEN: "test-access-token",
      WA_PHONE_ID: "1234567890",
      WA_API_BASE: graph.url,
      PUBLIC_BASE_URL: port ? `http://127.0.0.1:${port}` : "https://jastipin.test",
      // Links to 127.0.0.1 are refused outside development (config.rs check_links).
      ENVIRONMENT: "development",
      ...bindings,
    },
    cf: false,
    ...(port ? { host: "127.0.0.1", port } : {}),
    // The Worker's JSON log lines are noise in a passing run; JASTIPIN_TEST_LOGS=1 shows them.
    handleRuntimeStdio(stdout, stderr) {
      if (process.env.JASTIPIN_TEST_LOGS === "1") { stdout.pipe(process.stdout); stderr.pipe(process.stderr); }
      else { stdout.resume(); stderr.resume(); }
    },
  });
  const url = (await mf.ready).toString().replace(/\/$/, "");
  const db = await mf.getD1Database("DB");
  if (migrate) {
    for (const file of migrationFiles()) await applySql(db, migrationStatements(file));
  }
  const app = {
    url, mf, db, graph,
    bucket: () => mf.getR2Bucket("BUCKET"),
    /**
     * fetch(path, init): a real HTTP request to the Worker. A body refused
     * before it was read (413 on Content-Length) leaves its keep-alive socket
     * to be closed by workerd; a request that meets that closed socket never
     * reached the Worker, so it is sent once more on a fresh one.
     */
    async fetch(p, init) {
      try {
        return await fetch(url + p, { redirect: "manual", ...init });
      } catch (e) {
        const code = e?.cause?.code;
        const streamed = init?.body && typeof init.body.getReader === "function";
        if (streamed || !["UND_ERR_SOCKET", "ECONNRESET", "UND_ERR_CLOSED"].includes(code)) throw e;
        return fetch(url + p, { redirect: "manual", ...init });
      }
    },
    async json(method, p, body, { token, headers = {} } = {}) {
      const h = { ...headers };
      if (body !== undefined) h["content-type"] = "application/json";
      if (token) h.authorization = `Bearer ${token}`;
      const res = await app.fetch(p, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      let data = null;
      try { data = text ? JSON.parse(text) : null; } catch { data = text; }
      return { status: res.status, headers: res.headers, body: data };
    },
    async close() {
      await mf.dispose();
      await graph.close();
    },
  };
  return app;
}

let seq = 0;
/** Registers a fresh jastiper and returns their token and user. */
export async function registerJastiper(app, overrides = {}) {
  seq += 1;
  const n = `${process.pid}${seq}`;
  const body = { email: `jastiper${n}@example.com`, password: "rahasia-123", fullName: `Jastiper ${n}`, ...overrides };
  const res = await app.json("POST", "/api/auth/register", body);
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { token: res.body.token, user: res.body.user, password: body.password, cookie: refreshCookie(res.headers) };
}

export function refreshCookie(headers) {
  const set = headers.getSetCookie ? headers.getSetCookie() : [headers.get("set-cookie")];
  const c = set.find((s) => s && s.startsWith("jastipin_refresh="));
  return c ? c.split(";")[0] : null;
}

/** Every table's rows, to prove a rejected request changed nothing. */
export async function snapshot(db) {
  // send_pacer is the send clock, moved by any message still going out from an earlier test.
  const tables = (await db.prepare("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'send_pacer' ORDER BY name").all()).results;
  const out = {};
  for (const { name } of tables) out[name] = (await db.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all()).results;
  return out;
}
