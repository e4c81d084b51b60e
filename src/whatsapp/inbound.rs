//! Processing what penitip send: records their last message, runs JOIN,
//! INFO and STOP, and applies status callbacks to the outbox.

use serde_json::json;

use super::outbox::{send_one, Draft};
use super::webhook::InboundJob;
use super::Queue;
use crate::domain::command::{parse, Command};
use crate::domain::error::ApiResult;
use crate::domain::ids::new_id;
use crate::domain::messages::{self, ProductLine};
use crate::domain::text;
use crate::domain::whatsapp::{outbox_status, status_rank, Inbound, StatusUpdate};
use crate::http::app::App;
use crate::store::outbox::{self as outbox_store, To};
use crate::store::products::{self, ProductRow};
use crate::store::trips::{self, TripRow};
use crate::store::{participants, webhook_messages};

pub async fn process(app: &App, job: InboundJob) -> ApiResult<()> {
    match job {
        InboundJob::Message(m) => message(app, m).await,
        InboundJob::Status(s) => status(app, s).await,
    }
}

async fn status(app: &App, s: StatusUpdate) -> ApiResult<()> {
    let (Some(next), true) = (outbox_status(&s.status), !s.wamid.is_empty()) else {
        return Ok(());
    };
    let rank = status_rank(next).unwrap_or(0);
    outbox_store::apply_status(&app.db, &s, next, rank, &app.now_iso()).await?;
    Ok(())
}

async fn message(app: &App, m: Inbound) -> ApiResult<()> {
    let now = app.now_iso();
    if let Some(phone) = &m.phone {
        participants::touch_inbound(&app.db, phone, m.user_id.as_deref(), &now).await?;
    }
    let command = m.text.as_deref().and_then(parse);
    let outcome = match command {
        None => "ignored",
        Some(Command::Join { trip, name }) => join(app, &m, &trip, name).await?,
        Some(Command::Info { trip }) => info(app, &m, &trip).await?,
        Some(Command::Stop { trip }) => stop(app, &m, &trip).await?,
    };
    worker::console_log!(
        "{}",
        json!({"level": "info", "msg": "inbound", "wamid": m.wamid, "kind": m.kind, "outcome": outcome})
    );
    webhook_messages::done(&app.db, &m.wamid, outcome, &now).await
}

/// A reply to the message `m`, keyed by its id so it is written once.
async fn reply(
    app: &App,
    m: &Inbound,
    kind: &str,
    message: messages::Message,
    trip: Option<&TripRow>,
    participant: Option<&str>,
) -> ApiResult<()> {
    let Some(recipient) = m.phone.as_deref().or(m.user_id.as_deref()) else {
        return Ok(());
    };
    let key = format!("{kind}:{}", m.wamid);
    let to = To { key: &key, recipient, trip_id: trip.map(|t| t.id.as_str()), participant_id: participant };
    send_one(app, &to, &Draft { kind, queue: Queue::Confirmation, message, template: None }).await?;
    Ok(())
}

/// A command named a trip that does not exist (or is closed): say so politely.
async fn unknown_trip(app: &App, m: &Inbound, slug: &str) -> ApiResult<&'static str> {
    reply(app, m, "unknown_trip", messages::unknown_trip(slug), None, None).await?;
    Ok("unknown_trip")
}

async fn open_trip(app: &App, slug: &str) -> ApiResult<Option<TripRow>> {
    Ok(trips::by_id_or_slug(&app.db, slug).await?.filter(|t| t.is_active == 1 && t.slug == slug))
}

fn lines(products: &[ProductRow]) -> Vec<ProductLine<'_>> {
    products
        .iter()
        .map(|p| ProductLine {
            title: &p.title,
            price: p.price,
            slug: &p.slug,
            sold_out: p.status != "active" || p.stock == 0,
        })
        .collect()
}

async fn join(app: &App, m: &Inbound, slug: &str, name: Option<String>) -> ApiResult<&'static str> {
    let Some(phone) = m.phone.as_deref() else {
        reply(app, m, "needs_phone", messages::needs_phone(), None, None).await?;
        return Ok("needs_phone");
    };
    let Some(trip) = open_trip(app, slug).await? else {
        return unknown_trip(app, m, slug).await;
    };
    let name = name
        .or_else(|| m.profile_name.clone())
        .and_then(|n| text::clean(&n, 1, 100, false).ok())
        .unwrap_or_else(|| "Penitip".into());
    let now = app.now_iso();
    let p = participants::join(&app.db, &new_id(), &trip.id, phone, &name, &now).await?;
    participants::touch_inbound(&app.db, phone, m.user_id.as_deref(), &now).await?;
    let base = &app.config.public_base_url;
    let link = format!("{base}/t/{}", trip.slug);
    let thanks = messages::join_reply(&p.name, &trip.slug, &trip.title, &link);
    reply(app, m, "join_reply", thanks, Some(&trip), Some(&p.id)).await?;
    let items = products::public_page(&app.db, &trip.id, None, 100).await?;
    let list = messages::product_list(&trip.title, &lines(&items), base);
    reply(app, m, "join_products", list, Some(&trip), Some(&p.id)).await?;
    Ok("joined")
}

async fn info(app: &App, m: &Inbound, slug: &str) -> ApiResult<&'static str> {
    let Some(trip) = open_trip(app, slug).await? else {
        return unknown_trip(app, m, slug).await;
    };
    let base = &app.config.public_base_url;
    let items = products::public_page(&app.db, &trip.id, None, 100).await?;
    let link = format!("{base}/t/{}", trip.slug);
    let text = messages::info_reply(&trip.title, trip.deadline.as_deref(), &lines(&items), &link, base);
    reply(app, m, "info_reply", text, Some(&trip), None).await?;
    Ok("info")
}

async fn stop(app: &App, m: &Inbound, slug: &str) -> ApiResult<&'static str> {
    let Some(trip) = trips::by_id_or_slug(&app.db, slug).await?.filter(|t| t.slug == slug) else {
        return unknown_trip(app, m, slug).await;
    };
    if let Some(phone) = m.phone.as_deref() {
        participants::unsubscribe_phone(&app.db, &trip.id, phone, &app.now_iso()).await?;
    }
    reply(app, m, "stop_reply", messages::stop_reply(&trip.slug), Some(&trip), None).await?;
    Ok("stopped")
}
