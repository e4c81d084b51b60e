//! Jastipin: one Worker serving the REST API, the WhatsApp webhook,
//! shortlinks and the penitip's pages. The entry points only hand over:
//! pure logic lives in `domain`, SQL in `store`, HTTP in `http`.

pub mod config;
pub mod domain;
pub mod http;
pub mod notify;
pub mod pages;
pub mod store;
pub mod whatsapp;

use worker::{event, Context, Env, MessageBatch, Request, Response, Result, ScheduleContext, ScheduledEvent};

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

#[event(queue)]
async fn queue(batch: MessageBatch<serde_json::Value>, env: Env, _ctx: Context) -> Result<()> {
    let app = http::app::App::new(env, format!("queue:{}", batch.queue()))
        .map_err(|e| worker::Error::RustError(e.to_string()))?;
    whatsapp::consumer::handle(batch, &app).await.map_err(|e| worker::Error::RustError(e.to_string()))
}

#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    let outcome = match http::app::App::new(env, "cron".into()) {
        Ok(app) => whatsapp::consumer::requeue_stale(&app).await,
        Err(e) => Err(e),
    };
    match outcome {
        Ok(n) => worker::console_log!("{}", serde_json::json!({"level": "info", "msg": "cron", "requeued": n})),
        Err(e) => worker::console_error!(
            "{}",
            serde_json::json!({"level": "error", "msg": "cron failed", "error": e.to_string()})
        ),
    }
}
