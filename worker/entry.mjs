// The Worker's entry: the workers-rs bundle, with one safety net. A Rust
// panic aborts the wasm instance (wasm-bindgen re-creates it on the next
// call); without this wrapper the caller would get workerd's plain-text 500.
// Here it gets the service's JSON error, and the panic is logged.
import Worker from "../build/index.js";

export default class Jastipin extends Worker {
  async fetch(request) {
    try {
      return await super.fetch(request);
    } catch (err) {
      console.error(JSON.stringify({ level: "error", msg: "unhandled", error: String(err && err.stack || err) }));
      return Response.json(
        { error: "Something went wrong on our side", code: "internal_error" },
        { status: 500, headers: { "cache-control": "no-store" } },
      );
    }
  }
}
