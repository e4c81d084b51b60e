//! Ordering in the chat (`PESAN`, `REKAP`/`TAGIHAN`, `BATAL`) from a
//! penitip's phone: the same checkout, bill and rules as the web; every
//! command gets one answer, never silence. A message from the phone is its
//! consent, so it joins (confirmed) the trip it orders from; the checkout's
//! receipt is the answer to an order.

use super::inbound::reply;
use super::orders::{self, BuyerForm, Item, OrderForm};
use crate::ctx::Ctx;
use crate::domain::fields;
use crate::domain::ids::{confirm_code, new_id};
use crate::domain::messages::{self, order_line};
use crate::domain::order::OrderStatus;
use crate::domain::phone::Phone;
use crate::domain::whatsapp::Inbound;
use crate::error::{ApiResult, ErrorCode};
use crate::store::participants::{self, JoinedBy};
use crate::store::products::{self, ProductRow};
use crate::store::trips::{self, TripRow};
use crate::store::{bills, orders as order_store};

fn trip_link(ctx: &Ctx, trip: &TripRow) -> String {
    format!("{}/t/{}", ctx.config.public_base_url, trip.slug)
}

async fn needs_phone(ctx: &Ctx, m: &Inbound) -> ApiResult<&'static str> {
    reply(ctx, m, "needs_phone", messages::needs_phone(), None, None).await?;
    Ok("needs_phone")
}

/// What a refused chat order says: the stock left, the limit, the deadline.
fn refusal_words(code: ErrorCode, lines: &[(&ProductRow, i64)]) -> String {
    match code {
        ErrorCode::OutOfStock => {
            let short: Vec<String> = lines
                .iter()
                .filter(|(p, q)| p.stock < *q)
                .map(|(p, _)| format!("stok {} tinggal {}", p.title, p.stock))
                .collect();
            if short.is_empty() {
                "stok tidak cukup".into()
            } else {
                short.join(", ")
            }
        }
        ErrorCode::ProductUnavailable => "ada barang yang sudah tidak dijual".into(),
        ErrorCode::LimitPerBuyer => "jumlahnya melebihi batas per penitip".into(),
        ErrorCode::TooManyPendingOrders => "selesaikan dulu pembayaran pesanan sebelumnya".into(),
        ErrorCode::TripClosed => "trip ini sudah tutup".into(),
        _ => "pesanannya belum bisa diproses".into(),
    }
}

/// `PESAN <kode> <jumlah>, …`: one checkout of every item, all or nothing.
pub async fn order(
    ctx: &Ctx,
    m: &Inbound,
    phone: Option<&Phone>,
    items: &[(String, i64)],
    notes: Option<String>,
    bad: Option<&str>,
) -> ApiResult<&'static str> {
    let Some(phone) = phone else { return needs_phone(ctx, m).await };
    if bad.is_some() || items.is_empty() {
        reply(ctx, m, "order_help", messages::order_help(bad), None, None).await?;
        return Ok("order_help");
    }
    let codes: Vec<&str> = items.iter().map(|(c, _)| c.as_str()).collect();
    let found = products::by_slugs(&ctx.db, &codes).await?;
    let unknown: Vec<&str> = codes.iter().copied().filter(|c| !found.iter().any(|p| p.slug.as_str() == *c)).collect();
    if !unknown.is_empty() {
        reply(ctx, m, "order_problem", messages::unknown_codes(&unknown), None, None).await?;
        return Ok("unknown_product");
    }
    let trip_id = &found[0].trip_id;
    let trip = match trips::by_id_or_slug(&ctx.db, trip_id).await? {
        Some(t) if t.is_active && found.iter().all(|p| p.trip_id == *trip_id) => t,
        Some(t) if t.is_active => {
            let why = "satu pesan untuk barang dari satu trip saja";
            reply(ctx, m, "order_problem", messages::order_refused(why, &trip_link(ctx, &t)), Some(&t), None).await?;
            return Ok("several_trips");
        }
        _ => {
            reply(ctx, m, "order_problem", messages::unknown_codes(&codes), None, None).await?;
            return Ok("unknown_product");
        }
    };
    if trip.closed(ctx.now) {
        reply(ctx, m, "trip_closed", messages::trip_closed(&trip.slug), Some(&trip), None).await?;
        return Ok("trip_closed");
    }
    // The phone wrote: it joins, confirmed, so the receipt can answer it.
    let name = m.profile_name.clone().and_then(|n| fields::NAME.clean(&n).ok()).unwrap_or_else(|| "Penitip".into());
    let now = ctx.now_iso();
    let new = (new_id(), confirm_code());
    let p = participants::join(&ctx.db, JoinedBy::Message, (&new.0, &trip.id, phone, &name), &new.1, &now).await?;
    let lines: Vec<(&ProductRow, i64)> =
        items.iter().filter_map(|(c, q)| found.iter().find(|p| p.slug.as_str() == c).map(|p| (p, *q))).collect();
    let form = OrderForm {
        items: lines.iter().map(|(p, q)| Item { product: p.id.clone(), quantity: *q, notes: None }).collect(),
        buyer: BuyerForm::Person { phone: phone.clone(), name: p.name.clone() },
        notes,
        key: Some(m.wamid.clone()),
    };
    match orders::place(ctx, None, form).await {
        Ok(_) => Ok("ordered"),
        Err(e) if e.status() < 500 => {
            let why = refusal_words(e.code, &lines);
            reply(
                ctx,
                m,
                "order_problem",
                messages::order_refused(&why, &trip_link(ctx, &trip)),
                Some(&trip),
                Some(&p.id),
            )
            .await?;
            Ok("order_refused")
        }
        Err(e) => Err(e),
    }
}

/// `REKAP <trip>` / `TAGIHAN <trip>`: the sender's bill there.
pub async fn bill(ctx: &Ctx, m: &Inbound, phone: Option<&Phone>, slug: &str) -> ApiResult<&'static str> {
    let Some(phone) = phone else { return needs_phone(ctx, m).await };
    let Some(trip) = trips::by_id_or_slug(&ctx.db, slug).await?.filter(|t| t.slug.as_str() == slug) else {
        reply(ctx, m, "unknown_trip", messages::unknown_trip(slug), None, None).await?;
        return Ok("unknown_trip");
    };
    let (bill, lines) = bills::of_phone(&ctx.db, &trip.id, phone.as_str()).await?;
    let Some(bill) = bill.into_iter().next() else {
        reply(ctx, m, "bill_reply", messages::no_bill(&trip.title, &trip_link(ctx, &trip)), Some(&trip), None).await?;
        return Ok("no_bill");
    };
    let listed: Vec<String> = lines
        .iter()
        .filter(|l| l.order.status != OrderStatus::Rejected)
        .map(|l| order_line(&l.product_title, l.order.quantity, l.order.total_price))
        .collect();
    let link = super::notify::bill_link(ctx, &bill.id)?;
    let due = bill.due();
    let text = messages::bill_summary(&trip.title, &listed, bill.total, (due.label(bill.dp_due), due.amount()), &link);
    reply(ctx, m, "bill_reply", text, Some(&trip), Some(&bill.participant_id)).await?;
    Ok("bill")
}

/// `BATAL <kode>`: the sender's unpaid line of that product leaves her bill.
pub async fn cancel(ctx: &Ctx, m: &Inbound, phone: Option<&Phone>, code: &str) -> ApiResult<&'static str> {
    let Some(phone) = phone else { return needs_phone(ctx, m).await };
    let Some(product) = products::by_slugs(&ctx.db, &[code]).await?.into_iter().next() else {
        reply(ctx, m, "order_problem", messages::unknown_codes(&[code]), None, None).await?;
        return Ok("unknown_product");
    };
    let Some(trip) = trips::by_id_or_slug(&ctx.db, &product.trip_id).await? else {
        return Ok("unknown_product");
    };
    let (bill, lines) = bills::of_phone(&ctx.db, &trip.id, phone.as_str()).await?;
    let Some(bill) = bill.into_iter().next() else {
        reply(ctx, m, "bill_reply", messages::no_bill(&trip.title, &trip_link(ctx, &trip)), Some(&trip), None).await?;
        return Ok("no_bill");
    };
    let line = lines.iter().find(|l| l.order.product_id == product.id && l.order.status == OrderStatus::Pending);
    let Some(line) = line.filter(|_| bill.status.takes_payment() && bill.paid == 0) else {
        reply(ctx, m, "bill_reply", messages::cannot_cancel(&product.title), Some(&trip), Some(&bill.participant_id))
            .await?;
        return Ok("cannot_cancel");
    };
    let now = ctx.now_iso();
    let moved = order_store::transition(
        &ctx.db,
        &line.order,
        OrderStatus::Pending,
        OrderStatus::Rejected,
        Some("Dibatalkan penitip"),
        &now,
    )
    .await?;
    if !moved {
        reply(ctx, m, "bill_reply", messages::cannot_cancel(&product.title), Some(&trip), Some(&bill.participant_id))
            .await?;
        return Ok("cannot_cancel");
    }
    super::public_cache::trip_changed(ctx, &trip.id, Some(product.slug.as_str())).await;
    let after = bills::by_id(&ctx.db, &bill.id).await?.map_or(0, |b| b.total);
    let link = super::notify::bill_link(ctx, &bill.id)?;
    reply(
        ctx,
        m,
        "bill_reply",
        messages::line_cancelled(&product.title, after, &link),
        Some(&trip),
        Some(&bill.participant_id),
    )
    .await?;
    Ok("cancelled")
}
