//! Writing outbound messages: an outbox row first (its idempotency key makes
//! a repeat a no-op), then a queue message carrying its id. A queue message
//! delivered twice finds the row already sent and sends nothing.

use crate::ctx::Ctx;
use crate::domain::ids::new_id;
use crate::domain::messages::Message;
use crate::error::ApiResult;
use crate::platform::queues::{enqueue_outbox, Queue};
use crate::store::outbox::{self, Content, To};

/// Kinds of message that answer something the penitip just wrote: always
/// free-form, and sent even to someone who unsubscribed (they asked).
pub const REPLY_KINDS: &[&str] = &[
    "join_reply",
    "whatsapp_connected",
    "info_reply",
    "stop_reply",
    "unknown_trip",
    "needs_phone",
    "unknown_code",
    "too_many_codes",
    "trip_closed",
    "order_help",
    "order_problem",
    "bill_reply",
    "proof_received",
    "proof_problem",
    "proof_choice",
    "chat_help",
];

/// The one-time password reset code, sent with the authentication template.
/// Its row holds `RESET_CODE_PLACEHOLDER` where the code goes: the delivery
/// derives the code from the row id (`domain::token::reset_code`).
pub const PASSWORD_RESET_KIND: &str = "password_reset";
pub const RESET_CODE_PLACEHOLDER: &str = "••••••";

/// A message to be written: its kind, queue, words and template.
pub struct Draft<'a> {
    pub kind: &'a str,
    pub queue: Queue,
    pub message: Message,
    /// The approved template used outside the 24-hour window.
    pub template: Option<&'a str>,
}

fn content<'a>(ctx: &'a Ctx, d: &'a Draft<'a>, params: &'a str, buttons: Option<&'a str>) -> Content<'a> {
    Content {
        kind: d.kind,
        queue: d.queue.name(),
        body: &d.message.body,
        template_name: d.template,
        template_language: &ctx.config.wa.template_language,
        template_params: params,
        buttons,
    }
}

/// One message to one recipient; false when `to.key` was used before.
pub async fn send_one(ctx: &Ctx, to: &To<'_>, draft: &Draft<'_>) -> ApiResult<bool> {
    send_one_as(ctx, &new_id(), to, draft).await
}

/// `send_one` with the outbox row id chosen by the caller (a reset code is
/// derived from it).
pub async fn send_one_as(ctx: &Ctx, id: &str, to: &To<'_>, draft: &Draft<'_>) -> ApiResult<bool> {
    insert_and_queue(ctx, id, to, draft, None).await
}

/// A free-form reply with reply buttons (`[id, title]`, at most three).
pub async fn send_buttons(ctx: &Ctx, to: &To<'_>, draft: &Draft<'_>, buttons: &[(String, String)]) -> ApiResult<bool> {
    let buttons = serde_json::to_string(buttons)?;
    insert_and_queue(ctx, &new_id(), to, draft, Some(&buttons)).await
}

async fn insert_and_queue(
    ctx: &Ctx,
    id: &str,
    to: &To<'_>,
    draft: &Draft<'_>,
    buttons: Option<&str>,
) -> ApiResult<bool> {
    let params = serde_json::to_string(&draft.message.params)?;
    let inserted = outbox::insert(&ctx.db, id, to, &content(ctx, draft, &params, buttons), &ctx.now_iso()).await?;
    match inserted {
        Some(id) => {
            enqueue_outbox(&ctx.env, draft.queue, &[id]).await?;
            Ok(true)
        }
        None => Ok(false),
    }
}

/// One message per subscribed participant of a trip; answers how many were queued.
pub async fn fan_out(ctx: &Ctx, trip_id: &str, key_prefix: &str, draft: &Draft<'_>) -> ApiResult<usize> {
    let params = serde_json::to_string(&draft.message.params)?;
    let ids =
        outbox::fan_out(&ctx.db, trip_id, key_prefix, &content(ctx, draft, &params, None), &ctx.now_iso()).await?;
    enqueue_outbox(&ctx.env, draft.queue, &ids).await?;
    Ok(ids.len())
}
