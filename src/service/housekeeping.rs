//! What the cron does besides re-queueing lost outbox rows: expire unpaid
//! orders (their stock goes back, the buyer is told once) and prune the
//! tables that would otherwise grow forever.

use chrono::{Duration, SecondsFormat};
use serde_json::json;

use crate::ctx::Ctx;
use crate::domain::order::OrderStatus;
use crate::error::ApiResult;
use crate::store::{
    chat_proofs, login_throttle, orders, password_resets, refresh_tokens, sessions, trips, webhook_messages,
};

use super::notify;

/// Meta re-delivers a webhook for up to 7 days: ids are kept 8.
const WEBHOOK_IDS_KEPT_DAYS: i64 = 8;

/// Pending orders without a payment proof older than `ORDER_EXPIRY_HOURS`
/// (default 48) become rejected with a reason, releasing their stock; the
/// buyer hears of it once (`order_rejected:{orderId}`). At most 100 a run.
pub async fn expire_unpaid_orders(ctx: &Ctx) -> ApiResult<usize> {
    let before =
        (ctx.now - Duration::hours(ctx.config.order_expiry_hours)).to_rfc3339_opts(SecondsFormat::Millis, true);
    let reason = format!("Tidak dibayar dalam {} jam", ctx.config.order_expiry_hours);
    let mut expired = 0;
    for order in orders::unpaid_before(&ctx.db, &before, 100).await? {
        let moved = orders::transition(
            &ctx.db,
            &order,
            OrderStatus::Pending,
            OrderStatus::Rejected,
            Some(&reason),
            &ctx.now_iso(),
        )
        .await?;
        if moved {
            expired += 1;
            super::public_cache::trip_changed(ctx, &order.trip_id, None).await;
            if let Some(order) = orders::by_id(&ctx.db, &order.id).await? {
                notify::order_status_changed(ctx, &order).await?;
            }
        }
    }
    Ok(expired)
}

/// A photo sent in the chat waits two days for the penitip to say which
/// bill it pays; then it and its stored image go (at most 100 a run).
async fn prune_chat_proofs(ctx: &Ctx) -> ApiResult<usize> {
    let before = (ctx.now - Duration::days(2)).to_rfc3339_opts(SecondsFormat::Millis, true);
    let stale = chat_proofs::unchosen_before(&ctx.db, &before, 100).await?;
    let keys: Vec<String> = stale.iter().map(|s| s.proof_key.clone()).collect();
    if !keys.is_empty() {
        ctx.media().delete_quietly(&keys).await;
    }
    let ids: Vec<String> = stale.into_iter().map(|s| s.id).collect();
    chat_proofs::delete(&ctx.db, &ids, &before).await
}

/// Deletes what no longer protects anything: finished login throttles,
/// expired refresh tokens, browser sessions and reset codes, webhook ids
/// older than 8 days, chat photos nobody chose a bill for.
pub async fn prune(ctx: &Ctx) -> ApiResult<serde_json::Value> {
    let now = ctx.now_secs();
    let ids_before = (ctx.now - Duration::days(WEBHOOK_IDS_KEPT_DAYS)).to_rfc3339_opts(SecondsFormat::Millis, true);
    Ok(json!({
        "loginThrottle": login_throttle::prune(&ctx.db, now).await?,
        "refreshTokens": refresh_tokens::prune(&ctx.db, now).await?,
        "sessions": sessions::prune(&ctx.db, now).await?,
        "passwordResets": password_resets::prune(&ctx.db, now).await?,
        "webhookIds": webhook_messages::prune(&ctx.db, &ids_before).await?,
        "chatProofs": prune_chat_proofs(ctx).await?,
    }))
}

/// How long the proof of a shipped order is kept (the specification's rule).
const PROOFS_KEPT_DAYS: i64 = 90;

/// Trips whose deadline passed are closed, once per deadline, and their
/// people told (`notify::trip_closed`). Answers how many trips closed.
pub async fn close_due_trips(ctx: &Ctx) -> ApiResult<usize> {
    let mut closed = 0;
    for trip in trips::due_to_close(&ctx.db, &ctx.now_iso(), 50).await? {
        let Some(deadline) = trip.deadline.clone() else { continue };
        if trips::claim_close(&ctx.db, &trip.id, &deadline).await? {
            super::notify::trip_closed(ctx, &trip, &deadline).await?;
            closed += 1;
        }
    }
    Ok(closed)
}

/// Bills still owing some days after their goods arrived get their one
/// reminder (`notify::balance_reminder`). Answers how many were told.
pub async fn remind_balances(ctx: &Ctx) -> ApiResult<usize> {
    let now = ctx.now_iso();
    let mut told = 0;
    for bill in crate::store::bills::due_for_reminder(&ctx.db, &now, 100).await? {
        if crate::store::bills::claim_reminder(&ctx.db, &bill.id, &now).await?
            && super::notify::balance_reminder(ctx, &bill).await?
        {
            told += 1;
        }
    }
    Ok(told)
}

/// Proofs of orders shipped more than 90 days ago are deleted from R2; the
/// order remembers when (its page says the proof was archived).
pub async fn archive_old_proofs(ctx: &Ctx) -> ApiResult<usize> {
    let before = (ctx.now - Duration::days(PROOFS_KEPT_DAYS)).to_rfc3339_opts(SecondsFormat::Millis, true);
    let due = orders::proofs_to_archive(&ctx.db, &before, 200).await?;
    let keys: Vec<String> = due.iter().map(|(_, k)| k.clone()).collect();
    ctx.media().delete_quietly(&keys).await;
    for (id, _) in &due {
        orders::archive_proof(&ctx.db, id, &ctx.now_iso()).await?;
    }
    Ok(due.len())
}
