//! Jastipin: one Worker serving the REST API, the WhatsApp webhook,
//! shortlinks and the penitip's pages. The entry points only hand over:
//! pure logic lives in `domain`, SQL in `store`, HTTP in `http`.

pub mod config;
pub mod domain;
pub mod http;
pub mod notify;
pub mod store;

use worker::{event, Context, Env, Request, Response, Result};

#[event(start)]
fn start() {
    // Log the panic with its message and location, then let workers-rs' own
    // hook mark the instance failed (worker/entry.mjs answers the requests in
    // flight with a JSON 500 and the instance is re-created).
    let workers_rs_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        console_error_panic_hook::hook(info);
        workers_rs_hook(info);
    }));
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Response> {
    Ok(http::handle(req, env, ctx).await)
}
