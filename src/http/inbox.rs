//! The jastiper's inbox: conversations with penitip, and her answers.

use serde::Serialize;
use serde_json::json;
use worker::{Request, Response};

use crate::ctx::Ctx;
use crate::error::ApiResult;
use crate::service::inbox::{self, ReplyForm};
use crate::store::inbox::{MessageRow, ThreadRow};
use crate::web::auth::require_user;
use crate::web::query::{params, Paging};
use crate::web::{body, respond};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Thread<'a> {
    id: &'a str,
    /// A phone number, or a BSUID for a user known only by username.
    sender: &'a str,
    name: &'a str,
    trip_id: Option<&'a str>,
    /// `null`: "tanpa trip".
    trip_title: Option<&'a str>,
    last_message: &'a str,
    last_at: &'a str,
    last_inbound_at: Option<&'a str>,
    unread: i64,
    /// Whether a free-form answer can go now (the 24-hour window is open).
    can_reply: bool,
}

fn thread<'a>(ctx: &Ctx, t: &'a ThreadRow) -> Thread<'a> {
    Thread {
        id: &t.id,
        sender: &t.sender,
        name: &t.name,
        trip_id: t.trip_id.as_deref(),
        trip_title: t.trip_title.as_deref(),
        last_message: &t.last_body,
        last_at: &t.last_at,
        last_inbound_at: t.last_inbound_at.as_deref(),
        unread: t.unread,
        can_reply: inbox::can_reply(ctx, t),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Message<'a> {
    id: &'a str,
    direction: &'a str,
    body: &'a str,
    created_at: &'a str,
}

fn message(m: &MessageRow) -> Message<'_> {
    Message { id: &m.id, direction: &m.direction, body: &m.body, created_at: &m.created_at }
}

/// `GET /api/inbox?limit=&cursor=`: her conversations, latest first.
pub async fn list(ctx: &Ctx, req: &Request) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    let paging = Paging::from(&params(req))?;
    let rows = inbox::threads(ctx, &me, paging.after.as_ref(), paging.limit).await?;
    let next = paging.next(&rows, |t| (t.last_at.clone(), t.id.clone()));
    let threads: Vec<Thread> = rows.iter().map(|t| thread(ctx, t)).collect();
    respond::json(200, &json!({ "threads": threads, "nextCursor": next }))
}

/// `GET /api/inbox/:threadId`: one conversation (marked read) and its latest 100 messages.
pub async fn show(ctx: &Ctx, req: &Request, id: &str) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    let (t, messages) = inbox::open(ctx, &me, id).await?;
    let messages: Vec<Message> = messages.iter().map(message).collect();
    respond::json(200, &json!({ "thread": thread(ctx, &t), "messages": messages }))
}

/// `POST /api/inbox/:threadId/reply` `{ message }`.
pub async fn reply(ctx: &Ctx, req: &mut Request, id: &str) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    let t = inbox::owned(ctx, &me, id).await?;
    let form = ReplyForm::parse(body::json(req).await?)?;
    let t = inbox::answer(ctx, &me, &t, form).await?;
    respond::json(201, &json!({ "thread": thread(ctx, &t) }))
}
