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

function internalError(request) {
  const headers = { "cache-control": "no-store" };
  if (isPagePath(new URL(request.url).pathname)) {
    return new Response(PAGE_500, { status: 500, headers: { ...headers, "content-type": "text/html; charset=utf-8" } });
  }
  return Response.json({ error: "Something went wrong on our side", code: "internal_error" }, { status: 500, headers });
}

export default class Jastipin extends Worker {
  async fetch(request) {
    let answer;
    const aborted = new Promise((resolve) => { answer = resolve; });
    inFlight.add(answer);
    try {
      const answered = await Promise.race([super.fetch(request), aborted]);
      return answered ?? internalError(request);
    } catch (err) {
      console.error(JSON.stringify({ level: "error", msg: "unhandled", error: String(err?.stack ?? err) }));
      return internalError(request);
    } finally {
      inFlight.delete(answer);
    }
  }
}
