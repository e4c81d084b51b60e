//! Jastipin: one Worker serving the REST API, the WhatsApp webhook, the
//! queue consumers, the cron, shortlinks, the penitip's pages and the
//! jastiper's dashboard.
//!
//! # Layers (docs/ARCHITECTURE.md walks through them)
//!
//! - `router` is the outermost HTTP edge: request id, edge cache, one
//!   spelling per URL, and the choice of edge by path: `http` (the API and
//!   media, JSON errors), `pages` (the penitip's HTML) or `dashboard` (the
//!   jastiper's HTML). This file builds the `Ctx` for queue and cron and
//!   hands fetch to `router`.
//! - The edges parse, call one use case of `service`, and answer: `http`,
//!   `pages`, `dashboard`, and `whatsapp` (Meta's webhook, routed by `http`,
//!   and the queue consumers).
//! - `service` is what the product does (place an order, join a trip, attach
//!   a proof, move an order along, tell people on WhatsApp …).
//! - `store` is all SQL (D1), `platform` the other bindings (Queues, R2,
//!   rate limits, the edge cache) and Meta's Graph API, `domain` the pure rules.
//! - `web` is what the HTTP edges share and no use case: bodies, uploads,
//!   who is calling, responses, and the HTML kit of both page edges
//!   (`web::page` shell, CSP and error page; `web::form` forms; `web::html`).
//!   `error`, `input`, `config` and `ctx` are used everywhere.
//!
//! The rules, each checked by a grep in docs/ARCHITECTURE.md: edges call
//! `service`; `service` calls `store`, `platform` and `domain`; no edge
//! imports another (the API's router hands `/api/webhooks/whatsapp` to
//! `whatsapp::webhook`, the one dispatch); `web` imports no `service`;
//! `ctx` uses `platform`, `platform` never `ctx`; `domain` imports no
//! `worker` and knows no HTTP status.

pub mod config;
pub mod ctx;
pub mod dashboard;
pub mod domain;
pub mod error;
pub mod http;
pub mod input;
pub mod pages;
pub mod platform;
pub mod router;
pub mod service;
pub mod store;
pub mod web;
pub mod whatsapp;

use worker::{event, Context, Env, MessageBatch, Request, Response, Result, ScheduleContext, ScheduledEvent};

use ctx::Ctx;

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
    Ok(router::handle(req, env, ctx).await)
}

#[event(queue)]
async fn queue(batch: MessageBatch<serde_json::Value>, env: Env, _ctx: Context) -> Result<()> {
    let ctx = Ctx::new(env, format!("queue:{}", batch.queue())).map_err(|e| worker::Error::RustError(e.to_string()))?;
    let handled = match ctx.config.check_links() {
        Ok(()) => whatsapp::consumer::handle(batch, &ctx).await,
        Err(e) => {
            // Messages would carry links to a loopback address: not sent, retried later.
            ctx.report("config", &ctx.request_id.clone(), e.internal.clone().unwrap_or_default());
            batch.retry_all();
            Ok(())
        }
    };
    ctx.flush_reports().await;
    handled.map_err(|e| worker::Error::RustError(e.to_string()))
}

#[event(scheduled)]
async fn scheduled(event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    let every_minute = event.cron() == EVERY_MINUTE;
    let outcome = match Ctx::new(env, "cron".into()) {
        Ok(ctx) => {
            let done = match ctx.config.check_links() {
                Ok(()) => cron(&ctx, every_minute).await,
                Err(e) => Err(e),
            };
            if let Err(e) = &done {
                ctx.report("cron_failed", "cron", e.internal.clone().unwrap_or_else(|| e.to_string()));
            }
            ctx.flush_reports().await;
            done
        }
        Err(e) => Err(e),
    };
    match outcome {
        Ok(done) => worker::console_log!("{}", serde_json::json!({"level": "info", "msg": "cron", "done": done})),
        Err(e) => worker::console_error!(
            "{}",
            serde_json::json!({"level": "error", "msg": "cron failed", "error": e.to_string()})
        ),
    }
}

/// The cron that runs every minute (wrangler.toml): recovery and deadlines.
const EVERY_MINUTE: &str = "* * * * *";

/// Every minute: outbox rows whose queue message was lost back into their
/// queues (at once when sends stalled, e.g. after a crash), trips past their
/// deadline closed. Every ten minutes also: unpaid orders expired, old proofs
/// archived, balances reminded once after their trip's reminder days, old rows pruned.
async fn cron(ctx: &Ctx, every_minute: bool) -> error::ApiResult<serde_json::Value> {
    use service::housekeeping as h;
    let requeued = service::delivery::requeue_stale(ctx).await?;
    let closed = h::close_due_trips(ctx).await?;
    if every_minute {
        return Ok(serde_json::json!({ "requeued": requeued, "closedTrips": closed }));
    }
    let expired = h::expire_unpaid_orders(ctx).await?;
    let archived = h::archive_old_proofs(ctx).await?;
    let reminded = h::remind_balances(ctx).await?;
    let pruned = h::prune(ctx).await?;
    Ok(serde_json::json!({
        "requeued": requeued, "closedTrips": closed, "expiredOrders": expired, "archivedProofs": archived,
        "reminded": reminded, "pruned": pruned
    }))
}
