// The Worker's entry: the workers-rs bundle, with one safety net for panics.
//
// A Rust panic aborts the wasm instance. workers-rs logs it, marks
// `__worker_init_state.criticalError` and wasm-bindgen re-creates the
// instance on the next call. But a panic inside an async handler never
// settles that request's promise: the caller would wait until workerd
// cancels it. So every request in flight is tracked here, and the moment the
// instance is marked failed each of them is answered with the service's 500:
// the JSON error for the API, an Indonesian page for a page (no details; the
// panic itself is in the log).
import Worker from "../build/index.js";
import { RELEASE } from "../build/release.js";

const inFlight = new Set();
const state = globalThis.__worker_init_state;
let critical = state.criticalError;
Object.defineProperty(state, "criticalError", {
  get: () => critical,
  set(value) {
    critical = value;
    if (value) for (const answer of inFlight) answer();
  },
});

// The same split as the Rust side (http::router::is_page_path): the API and
// media answer JSON, pages answer an Indonesian HTML page.
function isPagePath(path) {
  return !(path === "/api" || path.startsWith("/api/") || path.startsWith("/media/"));
}

const PAGE_500 = "<!doctype html><html lang=\"id\"><head><meta charset=\"utf-8\">" +
  "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>Maaf, ada gangguan · Jastipin</title></head>" +
  "<body style=\"font-family:system-ui,sans-serif;max-width:640px;margin:2rem auto;padding:0 16px\">" +
  "<h1>Maaf, ada gangguan</h1><p>Ada masalah di sisi kami. Coba lagi sebentar lagi.</p><p><a href=\"/\">Ke beranda Jastipin</a></p></body></html>";

function internalError(request, requestId) {
  const headers = { "cache-control": "no-store", "x-request-id": requestId };
  if (isPagePath(new URL(request.url).pathname)) {
    return new Response(PAGE_500, { status: 500, headers: { ...headers, "content-type": "text/html; charset=utf-8" } });
  }
  return Response.json({ error: "Something went wrong on our side", code: "internal_error" }, { status: 500, headers });
}

// A panic is reported to Sentry from here (the Rust side died with it), the
// same way src/platform/sentry.rs reports everything else: an envelope over
// HTTP after the answer, with the request id, route, environment and
// release, and nothing that could name a person (no query, no body, digit
// runs of phone length replaced).
function sentryDsn(raw) {
  const m = /^(https?):\/\/([^:@/]+)(?::[^@]*)?@(.+)\/([^/]+)$/.exec((raw ?? "").trim());
  return m && { endpoint: `${m[1]}://${m[3]}/api/${m[4]}/envelope/`, key: m[2], raw: raw.trim() };
}

function scrubPath(path) {
  return path.replace(/\+?\d{8,}/g, "[phone]");
}

async function reportPanic(env, requestId, request) {
  const dsn = sentryDsn(env?.SENTRY_DSN);
  if (!dsn) return;
  const eventId = crypto.randomUUID().replaceAll("-", "");
  const now = new Date().toISOString();
  const route = `${request.method} ${scrubPath(new URL(request.url).pathname)}`;
  const event = {
    event_id: eventId, timestamp: now, platform: "other", level: "fatal", logger: "panic",
    environment: env?.ENVIRONMENT || "production", release: RELEASE, transaction: route,
    message: { formatted: "panic: the Worker's Rust code panicked while answering (its message is in the log)" },
    tags: { kind: "panic", request_id: requestId, route },
  };
  const body = `${JSON.stringify({ event_id: eventId, sent_at: now, dsn: dsn.raw })}\n${JSON.stringify({ type: "event", content_type: "application/json" })}\n${JSON.stringify(event)}\n`;
  try {
    await fetch(dsn.endpoint, {
      method: "POST", body,
      headers: { "content-type": "application/x-sentry-envelope", "x-sentry-auth": `Sentry sentry_version=7, sentry_key=${dsn.key}, sentry_client=jastipin/1` },
    });
  } catch (err) {
    console.error(JSON.stringify({ level: "error", msg: "sentry unreachable", error: String(err) }));
  }
}

function newRequestId() {
  return crypto.randomUUID().replaceAll("-", "").slice(0, 16);
}

export default class Jastipin extends Worker {
  async fetch(request) {
    // The request's id: Cloudflare's cf-ray, which the Rust side uses too (so
    // in production a panic's report and the logs name the same request).
    // The request itself is passed on untouched: a copy made to add a header
    // broke requests whose body the Worker does not read (503 under wrangler dev).
    const requestId = request.headers.get("cf-ray") || newRequestId();
    let answer;
    const aborted = new Promise((resolve) => { answer = resolve; });
    inFlight.add(answer);
    try {
      const answered = await Promise.race([super.fetch(request), aborted]);
      if (answered) return answered;
      this.ctx?.waitUntil(reportPanic(this.env, requestId, request));
      return internalError(request, requestId);
    } catch (err) {
      console.error(JSON.stringify({ level: "error", msg: "unhandled", requestId, error: String(err?.stack ?? err) }));
      this.ctx?.waitUntil(reportPanic(this.env, requestId, request));
      return internalError(request, requestId);
    } finally {
      inFlight.delete(answer);
    }
  }
}
