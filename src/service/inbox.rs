//! The jastiper's inbox: what penitip write that is not a command reaches
//! her, under the trip they last wrote about or ordered from; she answers
//! from the dashboard while their 24-hour window is open. New messages are
//! told to her coalesced, like new orders.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::outbox::{send_one, Draft};
use super::AuthUser;
use crate::ctx::Ctx;
use crate::domain::fields;
use crate::domain::ids::new_id;
use crate::domain::messages;
use crate::domain::page::Cursor;
use crate::domain::phone::Phone;
use crate::domain::whatsapp::{in_window, Inbound};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::input::Input;
use crate::platform::queues::{enqueue_inbound_after, InboundJob, Queue};
use crate::store::inbox::{self as store, MessageRow, NewMessage, ThreadRow};
use crate::store::outbox::To;
use crate::store::users;

/// Longest message kept (WhatsApp allows 4096 characters).
const MAX_BODY: usize = 4096;

/// Free text from `sender`: into the inbox of the jastiper she deals with;
/// from somebody no jastiper knows, one help message a day.
pub async fn receive(ctx: &Ctx, m: &Inbound, sender: &Phone, text: &str) -> ApiResult<&'static str> {
    let Some(route) = store::route(&ctx.db, sender.as_str()).await? else {
        let day = ctx.now.format("%Y-%m-%d");
        let to = To {
            key: &format!("chat_help:{}:{day}", sender.as_str()),
            recipient: reply_to(m, sender),
            trip_id: None,
            participant_id: None,
        };
        send_one(
            ctx,
            &to,
            &Draft { kind: "chat_help", queue: Queue::Confirmation, message: messages::chat_help(), template: None },
        )
        .await?;
        return Ok("help");
    };
    let name = route
        .name
        .clone()
        .or_else(|| m.profile_name.clone())
        .and_then(|n| fields::NAME.clean(&n).ok())
        .unwrap_or_else(|| "Penitip".into());
    let body: String = text.trim().chars().take(MAX_BODY).collect();
    let now = ctx.now_iso();
    let new = NewMessage {
        new_thread_id: &new_id(),
        message_id: &new_id(),
        jastiper_id: &route.jastiper_id,
        sender: sender.as_str(),
        trip_id: route.trip_id.as_deref(),
        name: &name,
        body: &body,
        reference: &m.wamid,
        inbound: true,
        now: &now,
    };
    store::add(&ctx.db, &new).await?;
    schedule_digest(ctx, &route.jastiper_id).await?;
    Ok("inbox")
}

/// Where a reply goes: the number, or the BSUID of a user known by username.
fn reply_to<'a>(m: &'a Inbound, sender: &'a Phone) -> &'a str {
    m.phone.as_deref().unwrap_or(sender.as_str())
}

/// At most one notice about new inbox messages per jastiper per 5 minutes
/// (`ORDER_DIGEST_DELAY_SECONDS` to gather, as for new orders).
async fn schedule_digest(ctx: &Ctx, owner: &str) -> ApiResult<()> {
    let Some(last_sent) = store::claim_digest(&ctx.db, owner).await? else {
        return Ok(()); // one is on its way: this message joins it
    };
    let delay = super::notify::digest_delay(ctx, last_sent.as_deref());
    enqueue_inbound_after(&ctx.env, InboundJob::InboxDigest { jastiper_id: owner.to_string() }, delay).await
}

/// The coalesced notice: who wrote, with a link to the inbox.
pub async fn send_digest(ctx: &Ctx, owner: &str) -> ApiResult<()> {
    if !store::take_digest(&ctx.db, owner, &ctx.now_iso()).await? {
        return Ok(());
    }
    let Some(user) = users::by_id(&ctx.db, owner).await? else {
        return Ok(());
    };
    let Some(phone) = user.phone.filter(|_| user.phone_connected_at.is_some()) else {
        return Ok(()); // no number connected: the dashboard shows the unread count
    };
    let unread = store::unread_threads(&ctx.db, owner, 20).await?;
    let count: i64 = unread.iter().map(|t| t.unread).sum();
    if count == 0 {
        return Ok(());
    }
    let senders: Vec<String> = unread.iter().take(5).map(|t| t.name.clone()).collect();
    let link = format!("{}/dashboard/inbox", ctx.config.public_base_url);
    let key = format!("inbox_new:{owner}:{}", ctx.now_iso());
    let to = To { key: &key, recipient: phone.as_str(), trip_id: None, participant_id: None };
    let draft = Draft {
        kind: "inbox_new",
        queue: Queue::ProofNotify,
        message: messages::inbox_new(count, &senders, &link),
        template: Some(&ctx.config.wa.template_inbox),
    };
    send_one(ctx, &to, &draft).await?;
    worker::console_log!("{}", json!({"level": "info", "msg": "inbox_digest_sent", "owner": owner, "unread": count}));
    Ok(())
}

/// A conversation is open for free-form text within 24 hours of her last message.
pub fn can_reply(ctx: &Ctx, t: &ThreadRow) -> bool {
    in_window(t.last_inbound_at.as_deref().and_then(|at| at.parse::<DateTime<Utc>>().ok()), ctx.now)
}

pub async fn threads(ctx: &Ctx, me: &AuthUser, after: Option<&Cursor>, limit: i64) -> ApiResult<Vec<ThreadRow>> {
    let (rows,) = ctx.db.read((store::threads_query(&ctx.db, &me.id, after, limit)?,)).await?;
    Ok(rows)
}

/// One page of `me`'s conversations (latest first) and her unread messages
/// in all of them, in one batch.
pub async fn page(ctx: &Ctx, me: &AuthUser, after: Option<&Cursor>, limit: i64) -> ApiResult<(Vec<ThreadRow>, i64)> {
    let db = &ctx.db;
    let (rows, unread) =
        db.read((store::threads_query(db, &me.id, after, limit)?, store::unread_query(db, &me.id)?)).await?;
    Ok((rows, unread.into_iter().next().and_then(|u| u.n).unwrap_or(0)))
}

/// One conversation of `me`'s and its latest messages, marked read, in one
/// batch (the answer shows the unread count it had).
pub async fn open(ctx: &Ctx, me: &AuthUser, id: &str) -> ApiResult<(ThreadRow, Vec<MessageRow>)> {
    let db = &ctx.db;
    let (thread, messages, _) = db
        .read((
            store::thread_query(db, id, &me.id)?,
            store::messages_query(db, id, &me.id, 100)?,
            store::mark_read(db, id, &me.id)?,
        ))
        .await?;
    let thread = thread.into_iter().next().ok_or_else(|| ApiError::not_found("Conversation"))?;
    Ok((thread, messages))
}

/// One conversation of `me`'s; 404 otherwise.
pub async fn owned(ctx: &Ctx, me: &AuthUser, id: &str) -> ApiResult<ThreadRow> {
    ctx.db.first(store::thread_query(&ctx.db, id, &me.id)?).await?.ok_or_else(|| ApiError::not_found("Conversation"))
}

/// `{ message }`: her answer.
pub struct ReplyForm {
    pub message: String,
}

impl ReplyForm {
    pub fn parse(mut input: Input) -> ApiResult<ReplyForm> {
        input.only(&["message"]);
        let message = input.required_str("message").and_then(|m| input.check("message", fields::MESSAGE.clean(&m)));
        input.finish()?;
        message.map(|message| ReplyForm { message }).ok_or_else(|| ApiError::field("message", "is required"))
    }
}

/// Sends her answer as free-form text while the window is open; after it
/// a 409 `window_closed` (only an approved template may go, and none fits
/// a free answer).
pub async fn answer(ctx: &Ctx, me: &AuthUser, thread: &ThreadRow, form: ReplyForm) -> ApiResult<ThreadRow> {
    if !can_reply(ctx, thread) {
        return Err(ApiError::new(
            ErrorCode::WindowClosed,
            "The 24-hour window is closed: WhatsApp only allows an approved template now; she can write again to reopen it",
        ));
    }
    let outbox_id = new_id();
    let key = format!("inbox_reply:{outbox_id}");
    let to = To { key: &key, recipient: &thread.sender, trip_id: thread.trip_id.as_deref(), participant_id: None };
    let draft = Draft {
        kind: "inbox_reply",
        queue: Queue::Confirmation,
        message: messages::inbox_reply(&form.message),
        template: None,
    };
    super::outbox::send_one_as(ctx, &outbox_id, &to, &draft).await?;
    let now = ctx.now_iso();
    let out = NewMessage {
        new_thread_id: &thread.id,
        message_id: &new_id(),
        jastiper_id: &me.id,
        sender: &thread.sender,
        trip_id: thread.trip_id.as_deref(),
        name: &thread.name,
        body: &form.message,
        reference: &outbox_id,
        inbound: false,
        now: &now,
    };
    store::add(&ctx.db, &out).await?;
    // What `add` wrote, without reading it back: her words are the last ones.
    Ok(ThreadRow { last_body: form.message, last_at: now, ..thread.clone() })
}
