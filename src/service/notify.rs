//! The events that tell people something on WhatsApp. Every use case that
//! should tell somebody calls one function here; each writes outbox rows
//! (idempotency keys below) and queues them.

use serde_json::json;

use super::outbox::{fan_out, send_one, Draft};
use crate::ctx::Ctx;
use crate::domain::messages::{self, OrderInfo};
use crate::domain::order::OrderStatus;
use crate::domain::payment::PaymentStatus;
use crate::domain::product::ProductStatus;
use crate::domain::token::{bill_token, order_link_token, unsubscribe_token};
use crate::error::ApiResult;
use crate::platform::queues::{enqueue_inbound_after, InboundJob, Queue};
use crate::store::bills::{self, BillRow};
use crate::store::orders::{self, OrderRow};
use crate::store::outbox::To;
use crate::store::participants::{self, ParticipantRow};
use crate::store::payments::PaymentRow;
use crate::store::products::{self, ProductRow};
use crate::store::trips::{self, TripRow};
use crate::store::users;

fn event(ctx: &Ctx, name: &str, detail: serde_json::Value) {
    worker::console_log!(
        "{}",
        json!({"level": "info", "msg": "event", "event": name, "requestId": ctx.request_id, "detail": detail})
    );
}

/// The order's page, with a signed link token (the access token is stored hashed).
pub fn order_link(ctx: &Ctx, order_id: &str) -> ApiResult<String> {
    let token = order_link_token(ctx.config.jwt_key()?, order_id);
    Ok(format!("{}/order/{order_id}?token={token}", ctx.config.public_base_url))
}

/// The page a message about an order links to: its bill (the order's own
/// link leads there too), or the order's link for an order without one.
fn link_of(ctx: &Ctx, order: &OrderRow) -> ApiResult<String> {
    match &order.bill_id {
        Some(bill) => bill_link(ctx, bill),
        None => order_link(ctx, &order.id),
    }
}

/// What an order message names: the product's title and the order's bill.
async fn title_and_link(ctx: &Ctx, order: &OrderRow) -> ApiResult<(String, String)> {
    let product = products::by_id_or_slug(&ctx.db, &order.product_id).await?;
    Ok((product.map_or_else(|| "pesanan".into(), |p| p.title), link_of(ctx, order)?))
}

/// A product was added to an open trip: every subscribed participant hears
/// of it once (`product_new:{productId}:{participantId}`).
pub async fn product_created(ctx: &Ctx, trip: &TripRow, product: &ProductRow) -> ApiResult<()> {
    if !trip.is_active || product.status != ProductStatus::Active {
        return Ok(());
    }
    let link = format!("{}/o/{}", ctx.config.public_base_url, product.slug);
    let draft = Draft {
        kind: "product_new",
        queue: Queue::Notifications,
        message: messages::product_new(&product.title, product.price, &link),
        template: Some(&ctx.config.wa.template_product),
    };
    let queued = fan_out(ctx, &trip.id, &format!("product_new:{}", product.id), &draft).await?;
    event(ctx, "product_created", json!({"tripId": trip.id, "productId": product.id, "queued": queued}));
    Ok(())
}

/// A phone confirmed a web join or order with its code: a welcome, once
/// (`welcome:{participantId}`), and a receipt for each of its pending orders
/// (`receipt:{orderId}`). Answers whether anything new was queued. (A JOIN
/// on WhatsApp is answered by the inbound consumer instead.)
pub async fn participant_confirmed(ctx: &Ctx, trip: &TripRow, p: &ParticipantRow) -> ApiResult<bool> {
    let base = &ctx.config.public_base_url;
    let link = format!("{base}/t/{}", trip.slug);
    let stop = format!("{base}/u/{}?p={}&t={}", trip.slug, p.id, unsubscribe_token(ctx.config.jwt_key()?, &p.id));
    let key = format!("welcome:{}", p.id);
    let to = To { key: &key, recipient: p.phone.as_str(), trip_id: Some(&trip.id), participant_id: Some(&p.id) };
    let draft = Draft {
        kind: "welcome",
        queue: Queue::Notifications,
        message: messages::welcome(&p.name, &trip.title, &link, &stop),
        template: Some(&ctx.config.wa.template_welcome),
    };
    let mut queued = send_one(ctx, &to, &draft).await?;
    // One receipt per checkout that waited for this confirmation.
    let pending = orders::pending_of_participant(&ctx.db, &p.id).await?;
    let mut checkouts: Vec<&str> = pending.iter().filter_map(|(o, _)| o.checkout_id.as_deref()).collect();
    checkouts.dedup();
    for checkout in checkouts {
        let lines: Vec<(&OrderRow, &str)> = pending
            .iter()
            .filter(|(o, _)| o.checkout_id.as_deref() == Some(checkout))
            .map(|(o, t)| (o, t.as_str()))
            .collect();
        if let Some(bill) = match lines[0].0.bill_id.as_deref() {
            Some(id) => bills::by_id(&ctx.db, id).await?,
            None => None,
        } {
            queued |= receipt(ctx, checkout, &lines, &bill, p).await?;
        }
    }
    event(ctx, "participant_confirmed", json!({"tripId": trip.id, "participantId": p.id, "queued": queued}));
    Ok(queued)
}

/// One message to a bill's penitip about her own bill, once per `key` (sent
/// despite STOP: it is part of what she bought); `phone` when the caller
/// has read it already. True when queued.
async fn tell_penitip(
    ctx: &Ctx,
    bill: &BillRow,
    phone: Option<&str>,
    key: &str,
    kind: &str,
    queue: Queue,
    message: messages::Message,
) -> ApiResult<bool> {
    let read;
    let phone = match phone {
        Some(phone) => phone,
        None => {
            read = participants::by_id(&ctx.db, &bill.participant_id).await?;
            match &read {
                Some(p) => p.phone.as_str(),
                None => return Ok(false),
            }
        }
    };
    let to = To { key, recipient: phone, trip_id: Some(&bill.trip_id), participant_id: Some(&bill.participant_id) };
    send_one(ctx, &to, &Draft { kind, queue, message, template: Some(&ctx.config.wa.template_order) }).await
}

/// A bill was cancelled: its penitip is told once (`bill_cancelled:{billId}`), with the reason.
pub async fn bill_cancelled(ctx: &Ctx, bill: &BillRow) -> ApiResult<()> {
    let message = messages::bill_cancelled(bill.cancel_reason.as_deref(), &bill_link(ctx, &bill.id)?);
    let key = format!("bill_cancelled:{}", bill.id);
    tell_penitip(ctx, bill, None, &key, "bill_cancelled", Queue::Confirmation, message).await?;
    event(ctx, "bill_cancelled", json!({"billId": bill.id}));
    Ok(())
}

/// A payment was confirmed: its penitip hears what was received and what is
/// left, once (`payment_confirmed:{paymentId}`).
pub async fn payment_confirmed(ctx: &Ctx, bill: &BillRow, payment: &PaymentRow) -> ApiResult<()> {
    let message = messages::payment_confirmed(payment.shown_amount(), bill.balance(), &bill_link(ctx, &bill.id)?);
    let key = format!("payment_confirmed:{}", payment.id);
    tell_penitip(ctx, bill, None, &key, "payment_confirmed", Queue::Confirmation, message).await?;
    event(ctx, "payment_confirmed", json!({"billId": bill.id, "paymentId": payment.id}));
    Ok(())
}

/// A payment was rejected: its penitip hears why once the rejection can no
/// longer be taken back (`PAYMENT_UNDO_SECONDS`), through the inbound queue.
pub async fn schedule_payment_rejected(ctx: &Ctx, payment: &PaymentRow) -> ApiResult<()> {
    let job = InboundJob::PaymentRejected { payment_id: payment.id.clone() };
    enqueue_inbound_after(&ctx.env, job, ctx.config.wa.payment_undo_secs).await?;
    event(ctx, "payment_rejected", json!({"paymentId": payment.id, "tellInSeconds": ctx.config.wa.payment_undo_secs}));
    Ok(())
}

/// The delayed half of `schedule_payment_rejected`: told only if the payment
/// is still rejected, once per rejection (`payment_rejected:{id}:{decidedAt}`).
pub async fn send_payment_rejected(ctx: &Ctx, payment_id: &str) -> ApiResult<()> {
    let (payment, bill) = ctx
        .db
        .read((
            crate::store::payments::by_id_query(&ctx.db, payment_id)?,
            crate::store::Select::<BillRow>::new(
                &ctx.db,
                &format!(
                    "SELECT {} FROM bills b WHERE b.id = (SELECT bill_id FROM payments WHERE id = ?1)",
                    bills::COLUMNS
                ),
                &[payment_id.into()],
            )?,
        ))
        .await?;
    let (Some(payment), Some(bill)) = (payment.into_iter().next(), bill.into_iter().next()) else {
        return Ok(());
    };
    if payment.status != PaymentStatus::Rejected {
        event(ctx, "payment_rejected", json!({"paymentId": payment.id, "told": false, "why": "taken back"}));
        return Ok(());
    }
    let reason = payment.reject_reason.as_deref().unwrap_or("-");
    let message = messages::payment_rejected(payment.claimed, reason, &bill_link(ctx, &bill.id)?);
    let key = format!("payment_rejected:{}:{}", payment.id, payment.decided_at.as_deref().unwrap_or_default());
    tell_penitip(ctx, &bill, None, &key, "payment_rejected", Queue::Confirmation, message).await?;
    Ok(())
}

/// A bill was shipped: its penitip hears the courier and the resi, once (`bill_shipped:{billId}`).
pub async fn bill_shipped(ctx: &Ctx, bill: &BillRow) -> ApiResult<()> {
    let courier = bill.courier.as_deref().and_then(crate::domain::bill::courier_name).unwrap_or("kurir");
    let message = messages::bill_shipped(courier, bill.tracking_number.as_deref(), &bill_link(ctx, &bill.id)?);
    let key = format!("bill_shipped:{}", bill.id);
    tell_penitip(ctx, bill, None, &key, "bill_shipped", Queue::Confirmation, message).await?;
    event(ctx, "bill_shipped", json!({"billId": bill.id}));
    Ok(())
}

/// A line found short in the shop: its penitip hears how many came and
/// what her bill is now (with any refund due), once per change
/// (`line_found:{orderId}:{quantity}`).
pub async fn line_found_short(ctx: &Ctx, order: &OrderRow, ordered: i64) -> ApiResult<()> {
    let Some(bill_id) = order.bill_id.as_deref() else {
        return Ok(());
    };
    let Some(bill) = bills::by_id(&ctx.db, bill_id).await? else {
        return Ok(());
    };
    let (title, link) = title_and_link(ctx, order).await?;
    let found = if order.status == OrderStatus::Rejected { 0 } else { order.quantity };
    let message = messages::line_found_short(&title, found, ordered, bill.total, bill.refund_due(), &link);
    let key = format!("line_found:{}:{found}", order.id);
    tell_penitip(ctx, &bill, None, &key, "line_found_short", Queue::Confirmation, message).await?;
    Ok(())
}

/// What a bill still asks, in a message: its lines (title, quantity,
/// total; refused ones left out), the ongkir and what is left.
fn owing_message<'a>(
    ctx: &Ctx,
    trip: &TripRow,
    bill: &BillRow,
    lines: impl Iterator<Item = (&'a str, i64, i64, OrderStatus)>,
    reminder: bool,
) -> ApiResult<messages::Message> {
    let mut listed: Vec<String> = lines
        .filter(|(_, _, _, status)| *status != OrderStatus::Rejected)
        .map(|(title, quantity, total, _)| messages::order_line(title, quantity, total))
        .collect();
    if bill.shipping_cost > 0 {
        listed.push(format!("Ongkir {}", crate::domain::money::rupiah(bill.shipping_cost)));
    }
    Ok(messages::bill_owing(&trip.title, &listed, bill.balance(), &bill_link(ctx, &bill.id)?, reminder))
}

/// The goods arrived: every penitip whose bill still owes hears her lines,
/// the ongkir and what is left, once (`arrived:{billId}`); answers how many.
pub async fn arrived(ctx: &Ctx, trip: &TripRow) -> ApiResult<usize> {
    let owing = bills::owing_of_trip(&ctx.db, &trip.id).await?;
    if owing.is_empty() {
        return Ok(0);
    }
    let recap = bills::recap_of_trip(&ctx.db, &trip.id).await?;
    let mut told = 0;
    for bill in &owing {
        let mine: Vec<_> = recap.iter().filter(|r| r.bill_id == bill.id).collect();
        let Some(first) = mine.first() else { continue };
        let lines = mine.iter().map(|l| (l.product_title.as_str(), l.quantity, l.line_total, l.line_status));
        let message = owing_message(ctx, trip, bill, lines, false)?;
        let key = format!("arrived:{}", bill.id);
        if tell_penitip(ctx, bill, Some(&first.buyer_phone), &key, "bill_arrived", Queue::Notifications, message)
            .await?
        {
            told += 1;
        }
    }
    event(ctx, "trip_arrived", json!({"tripId": trip.id, "told": told}));
    Ok(told)
}

/// The one reminder of a bill still owing after the trip's reminder days (`reminder:{billId}`).
pub async fn balance_reminder(ctx: &Ctx, bill: &BillRow) -> ApiResult<bool> {
    reminder_with_key(ctx, bill, &format!("reminder:{}", bill.id)).await
}

/// A reminder of what `bill` still owes, once per `key`: its trip and its
/// own lines in one batch.
async fn reminder_with_key(ctx: &Ctx, bill: &BillRow, key: &str) -> ApiResult<bool> {
    let db = &ctx.db;
    let (trip, lines) = db.read((trips::of_bill_query(db, &bill.id)?, bills::lines_query(db, &bill.id)?)).await?;
    let (Some(trip), Some(first)) = (trip.first(), lines.first()) else {
        return Ok(false);
    };
    let listed =
        lines.iter().map(|l| (l.product_title.as_str(), l.order.quantity, l.order.total_price, l.order.status));
    let message = owing_message(ctx, trip, bill, listed, true)?;
    tell_penitip(ctx, bill, Some(&first.participant_phone), key, "bill_reminder", Queue::Notifications, message).await
}

/// A reminder the jastiper sends from the rekap: at most one per bill per day
/// (`reminder:{billId}:{date}`). True when queued.
pub async fn manual_reminder(ctx: &Ctx, bill: &BillRow) -> ApiResult<bool> {
    let day = ctx.now.format("%Y-%m-%d").to_string();
    reminder_with_key(ctx, bill, &format!("reminder:{}:{day}", bill.id)).await
}

/// A bill's page, with its token.
pub fn bill_link(ctx: &Ctx, bill_id: &str) -> ApiResult<String> {
    let token = bill_token(ctx.config.jwt_key()?, bill_id);
    Ok(format!("{}/b/{bill_id}?token={token}", ctx.config.public_base_url))
}

/// The receipt of one checkout, once (`receipt:{checkoutId}`): every line
/// and the bill's total, with the bill's link.
async fn receipt(
    ctx: &Ctx,
    checkout: &str,
    lines: &[(&OrderRow, &str)],
    bill: &BillRow,
    p: &ParticipantRow,
) -> ApiResult<bool> {
    let link = bill_link(ctx, &bill.id)?;
    let listed: Vec<(&str, i64, i64)> = lines.iter().map(|(o, title)| (*title, o.quantity, o.total_price)).collect();
    let key = format!("receipt:{checkout}");
    let to = To { key: &key, recipient: p.phone.as_str(), trip_id: Some(&bill.trip_id), participant_id: Some(&p.id) };
    let draft = Draft {
        kind: "order_receipt",
        queue: Queue::Confirmation,
        message: messages::checkout_receipt(
            &listed,
            bill.total,
            (bill.due().label(bill.dp_due), bill.due().amount()),
            &link,
        ),
        template: Some(&ctx.config.wa.template_order),
    };
    send_one(ctx, &to, &draft).await
}

/// A checkout was placed: its one receipt goes now when the buyer's phone
/// has confirmed this trip, else when it does (`participant_confirmed`); the
/// jastiper hears of it in the trip's next coalesced notice, whose claim
/// (`digest`) the checkout's own batch made. No D1 here: the receipt is a job
/// for the inbound consumer (`send_receipt`), so a checkout answers after its
/// two round trips however busy D1's writer is.
pub async fn checkout_placed(
    ctx: &Ctx,
    orders: &[OrderRow],
    bill: &BillRow,
    p: &ParticipantRow,
    digest: Option<Option<String>>,
) -> ApiResult<()> {
    if let Some(last_sent) = digest {
        schedule_order_digest(ctx, &bill.trip_id, last_sent.as_deref()).await?;
    }
    let Some(checkout) = orders.first().and_then(|o| o.checkout_id.as_deref()) else {
        return Ok(());
    };
    if p.confirmed_at.is_none() {
        event(ctx, "order_placed", json!({"billId": bill.id, "lines": orders.len(), "receipt": "after confirmation"}));
        return Ok(());
    }
    enqueue_inbound_after(&ctx.env, InboundJob::Receipt { checkout_id: checkout.to_string() }, 0).await?;
    event(ctx, "order_placed", json!({"billId": bill.id, "lines": orders.len(), "receipt": "queued"}));
    Ok(())
}

/// The receipt of a placed checkout (`InboundJob::Receipt`): its lines, its
/// bill as it stands now and its buyer in one batch, then the outbox row.
pub async fn send_receipt(ctx: &Ctx, checkout_id: &str) -> ApiResult<()> {
    let (lines, bill, p) = orders::receipt_of(&ctx.db, checkout_id).await?;
    let (Some(bill), Some(p)) = (bill, p) else {
        return Ok(()); // the trip was deleted meanwhile
    };
    let lines: Vec<(&OrderRow, &str)> = lines.iter().map(|(o, t)| (o, t.as_str())).collect();
    if !lines.is_empty() {
        receipt(ctx, checkout_id, &lines, &bill, &p).await?;
    }
    Ok(())
}

/// An order was confirmed, rejected or shipped: its penitip is told once per
/// status (`order_{status}:{orderId}`).
pub async fn order_status_changed(ctx: &Ctx, order: &OrderRow) -> ApiResult<()> {
    let Some(p) = participants::by_id(&ctx.db, &order.participant_id).await? else {
        return Ok(());
    };
    let (title, link) = title_and_link(ctx, order).await?;
    let info = OrderInfo { product: &title, quantity: order.quantity, total: order.total_price, link: &link };
    let kind = format!("order_{}", order.status);
    let key = format!("{kind}:{}", order.id);
    let to = To { key: &key, recipient: p.phone.as_str(), trip_id: Some(&order.trip_id), participant_id: Some(&p.id) };
    let draft = Draft {
        kind: &kind,
        queue: Queue::Confirmation,
        message: messages::order_update(order.status, &info, order.reject_reason.as_deref()),
        template: Some(&ctx.config.wa.template_order),
    };
    send_one(ctx, &to, &draft).await?;
    event(ctx, "order_status_changed", json!({"orderId": order.id, "status": order.status}));
    Ok(())
}

/// A penitip uploaded a payment proof: the jastiper is told on their own
/// WhatsApp number, once she connected it from the dashboard, with a link to
/// the order in her dashboard (`proof:{orderId}:{proofKey}`),
/// at most once per order in ten minutes however often a proof is replaced.
pub async fn proof_uploaded(ctx: &Ctx, order: &OrderRow) -> ApiResult<()> {
    let since = (ctx.now - chrono::Duration::minutes(10)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    if !orders::claim_proof_notice(&ctx.db, &order.id, &since, &ctx.now_iso()).await? {
        event(ctx, "proof_uploaded", json!({"orderId": order.id, "notified": false, "why": "told within 10 minutes"}));
        return Ok(());
    }
    let Some(trip) = trips::by_id_or_slug(&ctx.db, &order.trip_id).await? else {
        return Ok(());
    };
    let Some(phone) = jastiper_phone(ctx, &trip).await? else {
        event(
            ctx,
            "proof_uploaded",
            json!({"orderId": order.id, "notified": false, "why": "the jastiper has not connected WhatsApp"}),
        );
        return Ok(());
    };
    let penitip = participants::by_id(&ctx.db, &order.participant_id).await?.map(|p| p.name).unwrap_or_default();
    let (title, _) = title_and_link(ctx, order).await?;
    // The jastiper checks payments on the bill in her dashboard, not on the buyer's page.
    let link = match &order.bill_id {
        Some(bill) => format!("{}/dashboard/bills/{bill}", ctx.config.public_base_url),
        None => format!("{}/dashboard/orders/{}", ctx.config.public_base_url, order.id),
    };
    let info = OrderInfo { product: &title, quantity: order.quantity, total: order.total_price, link: &link };
    let key = format!("proof:{}:{}", order.id, order.proof_key.as_deref().unwrap_or_default());
    let to = To { key: &key, recipient: &phone, trip_id: Some(&trip.id), participant_id: None };
    let draft = Draft {
        kind: "proof_uploaded",
        queue: Queue::ProofNotify,
        message: messages::proof_uploaded(&penitip, &info),
        template: Some(&ctx.config.wa.template_proof),
    };
    send_one(ctx, &to, &draft).await?;
    event(ctx, "proof_uploaded", json!({"orderId": order.id, "notified": true}));
    Ok(())
}

/// The jastiper's connected number, if she connected one.
async fn jastiper_phone(ctx: &Ctx, trip: &TripRow) -> ApiResult<Option<String>> {
    let owner = users::by_id(&ctx.db, &trip.jastiper_id).await?;
    Ok(owner.filter(|u| u.phone_connected_at.is_some()).and_then(|u| u.phone).map(|p| p.as_str().to_string()))
}

/// When a coalesced notice (new orders, new inbox messages) goes: after
/// `ORDER_DIGEST_DELAY_SECONDS` of gathering, and never sooner than 5
/// minutes after the last one (`last_sent`), at most 15 minutes away.
pub(super) fn digest_delay(ctx: &Ctx, last_sent: Option<&str>) -> u32 {
    let gather = i64::from(ctx.config.wa.order_digest_delay_secs);
    let spacing = last_sent
        .and_then(|t| t.parse::<chrono::DateTime<chrono::Utc>>().ok())
        .map_or(0, |t| (t + chrono::Duration::minutes(5) - ctx.now).num_seconds());
    gather.max(spacing).clamp(0, 900) as u32
}

/// At most one notice about new orders per trip per 5 minutes: the first
/// order after a quiet spell schedules one (after `ORDER_DIGEST_DELAY_SECONDS`,
/// or 5 minutes after the last notice); orders placed meanwhile join it.
async fn schedule_order_digest(ctx: &Ctx, trip_id: &str, last_sent: Option<&str>) -> ApiResult<()> {
    let delay = digest_delay(ctx, last_sent);
    enqueue_inbound_after(&ctx.env, InboundJob::OrderDigest { trip_id: trip_id.to_string() }, delay).await?;
    event(ctx, "order_digest_scheduled", json!({"tripId": trip_id, "inSeconds": delay}));
    Ok(())
}

/// The coalesced notice: every order placed since the last one, in one
/// message to the jastiper with a link to the trip's orders in her dashboard.
pub async fn send_order_digest(ctx: &Ctx, trip_id: &str) -> ApiResult<()> {
    let Some(trip) = trips::by_id_or_slug(&ctx.db, trip_id).await? else {
        return Ok(());
    };
    let Some(through) = trips::take_order_digest(&ctx.db, &trip.id, &ctx.now_iso()).await? else {
        return Ok(());
    };
    let new = orders::of_trip_detailed(&ctx.db, &trip.id, false, through.as_deref().unwrap_or("")).await?;
    let (Some(last), Some(phone)) = (new.last(), jastiper_phone(ctx, &trip).await?) else {
        return Ok(());
    };
    trips::set_order_digest_through(&ctx.db, &trip.id, &last.order.created_at).await?;
    let lines: Vec<String> = new
        .iter()
        .map(|o| {
            format!(
                "{} — {}",
                o.participant_name,
                messages::order_line(&o.product_title, o.order.quantity, o.order.total_price)
            )
        })
        .collect();
    let link = format!("{}/dashboard/trips/{}/orders", ctx.config.public_base_url, trip.id);
    let key = format!("new_orders:{}:{}", trip.id, last.order.id);
    let to = To { key: &key, recipient: &phone, trip_id: Some(&trip.id), participant_id: None };
    let draft = Draft {
        kind: "new_orders",
        queue: Queue::ProofNotify,
        message: messages::new_orders(&trip.title, new.len(), &lines, &link),
        template: Some(&ctx.config.wa.template_new_orders),
    };
    send_one(ctx, &to, &draft).await?;
    event(ctx, "order_digest_sent", json!({"tripId": trip.id, "orders": new.len()}));
    Ok(())
}

/// A trip closed at its deadline: each penitip with open orders hears of
/// them and what happens next, once; the jastiper gets the trip's totals.
pub async fn trip_closed(ctx: &Ctx, trip: &TripRow, deadline: &str) -> ApiResult<usize> {
    let open = orders::of_trip_detailed(&ctx.db, &trip.id, true, "").await?;
    let mut told = 0;
    let mut buyers: Vec<&str> = open.iter().map(|o| o.order.participant_id.as_str()).collect();
    buyers.sort_unstable();
    buyers.dedup();
    for pid in buyers {
        let mine: Vec<_> = open.iter().filter(|o| o.order.participant_id == pid).collect();
        let lines: Vec<String> = mine
            .iter()
            .map(|o| messages::order_line(&o.product_title, o.order.quantity, o.order.total_price))
            .collect();
        let unpaid =
            mine.iter().filter(|o| o.order.status == crate::domain::order::OrderStatus::Pending).count() as i64;
        let first = mine[0];
        let bill = link_of(ctx, &first.order)?;
        let key = format!("trip_closed:{}:{deadline}:{pid}", trip.id);
        let to = To {
            key: &key,
            recipient: first.participant_phone.as_str(),
            trip_id: Some(&trip.id),
            participant_id: Some(pid),
        };
        let draft = Draft {
            kind: "trip_closed",
            queue: Queue::Notifications,
            message: messages::trip_closed_summary(&first.participant_name, &trip.title, &lines, unpaid, &bill),
            template: Some(&ctx.config.wa.template_trip_closed),
        };
        if send_one(ctx, &to, &draft).await? {
            told += 1;
        }
    }
    if let Some(phone) = jastiper_phone(ctx, trip).await? {
        let totals = orders::totals_of_trip(&ctx.db, &trip.id).await?;
        let sum = |pick: &dyn Fn(crate::domain::order::OrderStatus) -> bool| -> (i64, i64) {
            totals.iter().filter(|(s, _, _)| pick(*s)).fold((0, 0), |(n, t), (_, k, v)| (n + k, t + v))
        };
        use crate::domain::order::OrderStatus as S;
        let (count, _) = sum(&|s| s != S::Rejected);
        let (unpaid, _) = sum(&|s| s == S::Pending);
        let (_, revenue) = sum(&|s| matches!(s, S::Confirmed | S::Shipped));
        let dashboard = format!("{}/dashboard/trips/{}/orders", ctx.config.public_base_url, trip.id);
        let key = format!("trip_totals:{}:{deadline}", trip.id);
        let to = To { key: &key, recipient: &phone, trip_id: Some(&trip.id), participant_id: None };
        let draft = Draft {
            kind: "trip_totals",
            queue: Queue::ProofNotify,
            message: messages::trip_totals(&trip.title, count, unpaid, revenue, &dashboard),
            template: Some(&ctx.config.wa.template_trip_totals),
        };
        send_one(ctx, &to, &draft).await?;
    }
    event(ctx, "trip_closed", json!({"tripId": trip.id, "penitipTold": told}));
    Ok(told)
}
