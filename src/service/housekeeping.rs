//! What the cron does besides re-queueing lost outbox rows: expire unpaid
//! orders (their stock goes back, the buyer is told once) and prune the
//! tables that would otherwise grow forever.

use chrono::{Duration, SecondsFormat};
use serde_json::json;

use crate::ctx::Ctx;
use crate::domain::order::OrderStatus;
use crate::error::ApiResult;
use crate::store::{login_throttle, orders, password_resets, refresh_tokens, sessions, webhook_messages};

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
            if let Some(order) = orders::by_id(&ctx.db, &order.id).await? {
                notify::order_status_changed(ctx, &order).await?;
            }
        }
    }
    Ok(expired)
}

/// Deletes what no longer protects anything: finished login throttles,
/// expired refresh tokens, browser sessions and reset codes, webhook ids older than 8 days.
pub async fn prune(ctx: &Ctx) -> ApiResult<serde_json::Value> {
    let now = ctx.now_secs();
    let ids_before = (ctx.now - Duration::days(WEBHOOK_IDS_KEPT_DAYS)).to_rfc3339_opts(SecondsFormat::Millis, true);
    Ok(json!({
        "loginThrottle": login_throttle::prune(&ctx.db, now).await?,
        "refreshTokens": refresh_tokens::prune(&ctx.db, now).await?,
        "sessions": sessions::prune(&ctx.db, now).await?,
        "passwordResets": password_resets::prune(&ctx.db, now).await?,
        "webhookIds": webhook_messages::prune(&ctx.db, &ids_before).await?,
    }))
}
