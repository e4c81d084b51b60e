//! Processing what penitip send (one webhook event at a time, from the
//! inbound queue): records their last message, runs JOIN, INFO and STOP,
//! and applies status callbacks to the outbox.

use serde_json::json;

use super::outbox::{send_one, Draft};
use super::{accounts, notify, public};
use crate::ctx::Ctx;
use crate::domain::command::{choice_number, parse, Command, CONNECT_CODE_LEN};
use crate::domain::ids::{confirm_code, new_id};
use crate::domain::messages::{self, ProductLine};
use crate::domain::outbox::OutboxStatus;
use crate::domain::phone::Phone;
use crate::domain::whatsapp::{Events, Inbound, StatusUpdate};
use crate::domain::{fields, throttle};
use crate::error::ApiResult;
use crate::platform::queues::{enqueue_inbound, InboundJob, Queue};
use crate::store::outbox::{self as outbox_store, To};
use crate::store::participants::JoinedBy;
use crate::store::products::ProductRow;
use crate::store::trips::{self, TripRow};
use crate::store::webhook_messages::Claim;
use crate::store::{login_throttle, participants, users, webhook_messages};

/// A verified delivery: every message and status goes to the inbound queue,
/// and the webhook answers without touching D1. Meta re-delivers: the
/// consumer claims each message id once (`message`). Answers how many
/// messages and statuses were queued.
pub async fn accept(ctx: &Ctx, events: Events) -> ApiResult<(usize, usize)> {
    let (messages, statuses) = (events.messages.len(), events.statuses.len());
    let mut jobs: Vec<InboundJob> = events.messages.into_iter().map(InboundJob::Message).collect();
    jobs.extend(events.statuses.into_iter().map(InboundJob::Status));
    if !jobs.is_empty() {
        enqueue_inbound(&ctx.env, jobs).await?;
    }
    Ok((messages, statuses))
}

/// What the queue should do with an inbound job once it was looked at.
pub enum Processed {
    Done,
    /// Another attempt holds this message (a concurrent re-delivery, or one
    /// that crashed and whose claim has not run out): look again later.
    RetryIn(u32),
}

/// One event from the inbound queue.
pub async fn process(ctx: &Ctx, job: InboundJob) -> ApiResult<Processed> {
    match job {
        InboundJob::Message(m) => message(ctx, m).await,
        InboundJob::Status(s) => status(ctx, s).await.map(|()| Processed::Done),
        InboundJob::OrderDigest { trip_id } => notify::send_order_digest(ctx, &trip_id).await.map(|()| Processed::Done),
        InboundJob::Receipt { checkout_id } => notify::send_receipt(ctx, &checkout_id).await.map(|()| Processed::Done),
        InboundJob::PasswordReset { email } => accounts::send_reset(ctx, &email).await.map(|()| Processed::Done),
        InboundJob::InboxDigest { jastiper_id } => {
            super::inbox::send_digest(ctx, &jastiper_id).await.map(|()| Processed::Done)
        }
        InboundJob::PaymentRejected { payment_id } => {
            notify::send_payment_rejected(ctx, &payment_id).await.map(|()| Processed::Done)
        }
    }
}

async fn status(ctx: &Ctx, s: StatusUpdate) -> ApiResult<()> {
    let (Some(next), true) = (OutboxStatus::from_meta(&s.status), !s.wamid.is_empty()) else {
        return Ok(());
    };
    let at = s.timestamp.and_then(|t| chrono::DateTime::from_timestamp(t, 0)).unwrap_or(ctx.now);
    outbox_store::apply_status(&ctx.db, &s, next, &month_of(at), &ctx.now_iso()).await
}

/// The month (UTC, `YYYY-MM`) a message is charged in: Meta bills in UTC.
pub fn month_of(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m").to_string()
}

/// A message, processed once per message id: Meta's re-deliveries (even
/// concurrent ones) find it claimed or done. A failure gives the claim back
/// so the queue's retry processes it.
async fn message(ctx: &Ctx, m: Inbound) -> ApiResult<Processed> {
    match webhook_messages::claim(&ctx.db, &m.wamid, &ctx.now_iso(), ctx.now_secs()).await? {
        Claim::Claimed => {}
        Claim::Done => {
            worker::console_log!(
                "{}",
                json!({"level": "info", "msg": "inbound", "wamid": m.wamid, "outcome": "duplicate"})
            );
            return Ok(Processed::Done);
        }
        Claim::Busy => return Ok(Processed::RetryIn(30)),
    }
    let wamid = m.wamid.clone();
    match process_message(ctx, m).await {
        Ok(()) => Ok(Processed::Done),
        Err(e) => {
            webhook_messages::release(&ctx.db, &wamid).await?;
            Err(e)
        }
    }
}

async fn process_message(ctx: &Ctx, m: Inbound) -> ApiResult<()> {
    let now = ctx.now_iso();
    let phone = sender(ctx, &m).await?;
    if let Some(phone) = &phone {
        participants::touch_inbound(&ctx.db, phone, m.user_id.as_deref(), &now).await?;
    }
    let command = m.text.as_deref().and_then(parse);
    let outcome = match command {
        None => not_a_command(ctx, &m, phone.as_ref()).await?,
        Some(Command::Join { trip, name }) => join(ctx, &m, phone.as_ref(), &trip, name).await?,
        Some(Command::Info { trip }) => info(ctx, &m, &trip).await?,
        Some(Command::Stop { trip }) => stop(ctx, &m, phone.as_ref(), &trip).await?,
        Some(Command::Confirm { code }) => confirm(ctx, &m, phone.as_ref(), &code).await?,
        Some(Command::Order { items, notes, bad }) => {
            super::chat::order(ctx, &m, phone.as_ref(), &items, notes, bad.as_deref()).await?
        }
        Some(Command::Bill { trip }) => super::chat::bill(ctx, &m, phone.as_ref(), &trip).await?,
        Some(Command::Cancel { product }) => super::chat::cancel(ctx, &m, phone.as_ref(), &product).await?,
    };
    worker::console_log!(
        "{}",
        json!({"level": "info", "msg": "inbound", "wamid": m.wamid, "kind": m.kind, "outcome": outcome})
    );
    webhook_messages::done(&ctx.db, &m.wamid, outcome, &now).await
}

/// Who wrote: the number (`wa_id`); for a user known only by username, the
/// number an earlier message with both gave for the same BSUID, else the
/// BSUID itself (`Phone::from_bsuid`), so everything works keyed by it.
async fn sender(ctx: &Ctx, m: &Inbound) -> ApiResult<Option<Phone>> {
    if let Some(phone) = m.phone.as_deref().and_then(Phone::from_wa_id) {
        return Ok(Some(phone));
    }
    let Some(user_id) = m.user_id.as_deref() else {
        return Ok(None);
    };
    match participants::phone_of_user(&ctx.db, user_id).await? {
        Some(phone) => Ok(Some(phone)),
        None => Ok(Phone::from_bsuid(user_id)),
    }
}

/// Everything that is not a command: a photo (a payment proof), the answer
/// to "which bill?", or words for the jastiper's inbox.
async fn not_a_command(ctx: &Ctx, m: &Inbound, sender: Option<&Phone>) -> ApiResult<&'static str> {
    let Some(sender) = sender else {
        return Ok("ignored");
    };
    if let Some(media) = m.media_id.as_deref() {
        return super::chat_proof::photo(ctx, m, sender, media).await;
    }
    // "bukti:<id>:<n>" from a reply button, or a bare number typed.
    let choice = match m.reply_id.as_deref().and_then(|r| r.strip_prefix("bukti:")) {
        Some(rest) => rest.rsplit_once(':').and_then(|(id, n)| Some((Some(id), n.parse::<usize>().ok()?))),
        None => m.text.as_deref().and_then(choice_number).map(|n| (None, n)),
    };
    if let Some((id, n)) = choice {
        match super::chat_proof::chosen(ctx, m, sender, id, n).await? {
            Some(outcome) => return Ok(outcome),
            // A button of a photo already filed: nothing to file, nothing for the inbox.
            None if id.is_some() => return Ok("proof_taken"),
            None => {}
        }
    }
    let words = m.text.as_deref().or(m.reply_id.as_deref()).map(str::trim).filter(|t| !t.is_empty());
    match (words, m.kind.as_str()) {
        (Some(text), _) => super::inbox::receive(ctx, m, sender, text).await,
        // What the jastiper should know came, though only the phone shows it.
        (None, kind @ ("document" | "audio" | "video" | "location" | "contacts")) => {
            super::inbox::receive(ctx, m, sender, &format!("📎 [{kind}: buka WhatsApp untuk melihatnya]")).await
        }
        _ => Ok("ignored"), // a sticker, a reaction, an edit: nothing to do
    }
}

/// A reply to the message `m`, keyed by its id so it is written once.
pub(super) async fn reply(
    ctx: &Ctx,
    m: &Inbound,
    kind: &str,
    message: messages::Message,
    trip: Option<&TripRow>,
    participant: Option<&str>,
) -> ApiResult<()> {
    reply_with_buttons(ctx, m, kind, message, (trip, participant), &[]).await
}

/// `reply` with reply buttons (`[id, title]`, at most three; none: plain text).
pub(super) async fn reply_with_buttons(
    ctx: &Ctx,
    m: &Inbound,
    kind: &str,
    message: messages::Message,
    (trip, participant): (Option<&TripRow>, Option<&str>),
    buttons: &[(String, String)],
) -> ApiResult<()> {
    let Some(recipient) = m.phone.as_deref().or(m.user_id.as_deref()) else {
        return Ok(());
    };
    let key = format!("{kind}:{}", m.wamid);
    let to = To { key: &key, recipient, trip_id: trip.map(|t| t.id.as_str()), participant_id: participant };
    let draft = Draft { kind, queue: Queue::Confirmation, message, template: None };
    match buttons.is_empty() {
        true => send_one(ctx, &to, &draft).await?,
        false => super::outbox::send_buttons(ctx, &to, &draft, buttons).await?,
    };
    Ok(())
}

/// A command named a trip that does not exist (or is closed): say so politely.
async fn unknown_trip(ctx: &Ctx, m: &Inbound, slug: &str) -> ApiResult<&'static str> {
    reply(ctx, m, "unknown_trip", messages::unknown_trip(slug), None, None).await?;
    Ok("unknown_trip")
}

fn lines(products: &[ProductRow]) -> Vec<ProductLine<'_>> {
    products
        .iter()
        .map(|p| ProductLine { title: &p.title, price: p.price, slug: &p.slug, sold_out: !p.status.orderable(p.stock) })
        .collect()
}

async fn join(
    ctx: &Ctx,
    m: &Inbound,
    phone: Option<&Phone>,
    slug: &str,
    name: Option<String>,
) -> ApiResult<&'static str> {
    let Some(phone) = phone else {
        reply(ctx, m, "needs_phone", messages::needs_phone(), None, None).await?;
        return Ok("needs_phone");
    };
    let Some(trip) = public::open_trip_by_slug(ctx, slug).await? else {
        return unknown_trip(ctx, m, slug).await;
    };
    if trip.closed(ctx.now) {
        reply(ctx, m, "trip_closed", messages::trip_closed(&trip.slug), Some(&trip), None).await?;
        return Ok("trip_closed");
    }
    let name = name
        .or_else(|| m.profile_name.clone())
        .and_then(|n| fields::NAME.clean(&n).ok())
        .unwrap_or_else(|| "Penitip".into());
    let now = ctx.now_iso();
    let new = (new_id(), confirm_code());
    let p = participants::join(&ctx.db, JoinedBy::Message, (&new.0, &trip.id, phone, &name), &new.1, &now).await?;
    participants::touch_inbound(&ctx.db, phone, m.user_id.as_deref(), &now).await?;
    let base = &ctx.config.public_base_url;
    let link = format!("{base}/t/{}", trip.slug);
    let items = public::products_of(ctx, &trip, None, 100).await?;
    let welcome = messages::join_welcome(&p.name, &trip.slug, &trip.title, &link, &lines(&items), base);
    reply(ctx, m, "join_reply", welcome, Some(&trip), Some(&p.id)).await?;
    Ok("joined")
}

async fn info(ctx: &Ctx, m: &Inbound, slug: &str) -> ApiResult<&'static str> {
    let Some(trip) = public::open_trip_by_slug(ctx, slug).await? else {
        return unknown_trip(ctx, m, slug).await;
    };
    let base = &ctx.config.public_base_url;
    let items = public::products_of(ctx, &trip, None, 100).await?;
    let link = format!("{base}/t/{}", trip.slug);
    let text = messages::info_reply(&trip.title, trip.deadline.as_deref(), &lines(&items), &link, base);
    reply(ctx, m, "info_reply", text, Some(&trip), None).await?;
    Ok("info")
}

async fn stop(ctx: &Ctx, m: &Inbound, phone: Option<&Phone>, slug: &str) -> ApiResult<&'static str> {
    let Some(trip) = trips::by_id_or_slug(&ctx.db, slug).await?.filter(|t| t.slug.as_str() == slug) else {
        return unknown_trip(ctx, m, slug).await;
    };
    if let Some(phone) = phone {
        participants::unsubscribe_phone(&ctx.db, &trip.id, phone, &ctx.now_iso()).await?;
    }
    reply(ctx, m, "stop_reply", messages::stop_reply(&trip.slug), Some(&trip), None).await?;
    Ok("stopped")
}

/// `KONFIRMASI <code>` from the phone a web join or order named: confirms
/// it, and the welcome and pending orders' receipts go out now, inside the
/// window this very message opened. Every code a sender tries is counted
/// first (`throttle::CODE_TRIES`): past five an hour, a sender is told once
/// and then not listened to (a reply costs money), so nobody can guess codes.
async fn confirm(ctx: &Ctx, m: &Inbound, phone: Option<&Phone>, code: &str) -> ApiResult<&'static str> {
    let Some(sender) = phone.map(Phone::as_str).or(m.user_id.as_deref()) else {
        return Ok("unknown_code");
    };
    let now = ctx.now_secs();
    let attempt = login_throttle::reserve(&ctx.db, &throttle::code_key(sender), now, throttle::CODE_TRIES).await?;
    if attempt.locked_for(now).is_some() {
        if attempt.failures == throttle::CODE_TRIES.max + 1 {
            reply(ctx, m, "too_many_codes", messages::too_many_codes(), None, None).await?;
        }
        return Ok("code_locked");
    }
    let Some(phone) = phone else {
        reply(ctx, m, "unknown_code", messages::unknown_code(), None, None).await?;
        return Ok("unknown_code");
    };
    if code.len() == CONNECT_CODE_LEN && !phone.is_bsuid() {
        return connect_jastiper(ctx, m, phone, code).await;
    }
    let Some((p, _first)) = participants::confirm_by_code(&ctx.db, code, phone, &ctx.now_iso()).await? else {
        reply(ctx, m, "unknown_code", messages::unknown_code(), None, None).await?;
        return Ok("unknown_code");
    };
    let Some(trip) = trips::by_id_or_slug(&ctx.db, &p.trip_id).await? else {
        return Ok("unknown_code");
    };
    if !notify::participant_confirmed(ctx, &trip, &p).await? {
        // Confirmed before: say so rather than stay silent.
        let link = format!("{}/t/{}", ctx.config.public_base_url, trip.slug);
        let again = messages::join_reply(&p.name, &trip.slug, &trip.title, &link);
        reply(ctx, m, "join_reply", again, Some(&trip), Some(&p.id)).await?;
    }
    Ok("confirmed")
}

/// `KONFIRMASI <code>` with a jastiper's connect code (the dashboard's
/// "Hubungkan WhatsApp", live ten minutes): the sending number becomes her
/// notification number. A number it replaced is told, on that number, how
/// to undo it.
async fn connect_jastiper(ctx: &Ctx, m: &Inbound, phone: &Phone, code: &str) -> ApiResult<&'static str> {
    let Some(c) = users::connect_by_code(&ctx.db, code, phone, &ctx.now_iso(), ctx.now_secs()).await? else {
        reply(ctx, m, "unknown_code", messages::unknown_code(), None, None).await?;
        return Ok("unknown_code");
    };
    let name = c.user.profile_name.as_deref().unwrap_or(c.user.slug.as_str());
    let dashboard = format!("{}/dashboard", ctx.config.public_base_url);
    reply(ctx, m, "whatsapp_connected", messages::whatsapp_connected(name, &dashboard), None, None).await?;
    if let Some(old) = &c.replaced {
        let key = format!("number_changed:{}:{}", c.user.id, m.wamid);
        let to = To { key: &key, recipient: old.as_str(), trip_id: None, participant_id: None };
        let draft = Draft {
            kind: "number_changed",
            queue: Queue::Confirmation,
            message: messages::number_changed(phone.as_str(), &dashboard),
            template: Some(&ctx.config.wa.template_security),
        };
        send_one(ctx, &to, &draft).await?;
    }
    Ok("connected")
}
