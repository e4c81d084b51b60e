//! Jastipin: one Worker serving the REST API, the WhatsApp webhook,
//! shortlinks and the penitip's pages. The entry points only hand over:
//! pure logic lives in `domain`, SQL in `store`, HTTP in `http`.

pub mod config;
pub mod domain;
pub mod http;
pub mod store;

use worker::{event, Context, Env, Request, Response, Result};

#[event(start)]
fn start() {
    console_error_panic_hook::set_once();
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Response> {
    Ok(http::handle(req, env, ctx).await)
}
