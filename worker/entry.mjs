// The Worker's entry: the workers-rs bundle, with one safety net for panics.
//
// A Rust panic aborts the wasm instance. workers-rs logs it, marks
// `__worker_init_state.criticalError` and wasm-bindgen re-creates the
// instance on the next call. But a panic inside an async handler never
// settles that request's promise: the caller would wait until workerd
// cancels it. So every request in flight is tracked here, and the moment the
// instance is marked failed each of them is answered with the service's JSON
// 500 (no details; the panic itself is in the log).
import Worker from "../build/index.js";

const inFlight = new Set();
const state = globalThis.__worker_init_state;
let critical = state.criticalError;
Object.defineProperty(state, "criticalError", {
  get: () => critical,
  set(value) {
    critical = value;
    if (value) for (const answer of inFlight) answer(internalError());
  },
});

function internalError() {
  return Response.json(
    { error: "Something went wrong on our side", code: "internal_error" },
    { status: 500, headers: { "cache-control": "no-store" } },
  );
}

export default class Jastipin extends Worker {
  async fetch(request) {
    let answer;
    const aborted = new Promise((resolve) => { answer = resolve; });
    inFlight.add(answer);
    try {
      return await Promise.race([super.fetch(request), aborted]);
    } catch (err) {
      console.error(JSON.stringify({ level: "error", msg: "unhandled", error: String(err?.stack ?? err) }));
      return internalError();
    } finally {
      inFlight.delete(answer);
    }
  }
}
