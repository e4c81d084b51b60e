//! `/api/bills*` and a trip's bills: one penitip's lines in one trip and
//! their money. Each handler: parse → service → view.

use serde_json::json;
use worker::{Request, Response};

use super::views::{Bill, BillBuyer};
use crate::ctx::Ctx;
use crate::error::ApiResult;
use crate::service::bills::{self, BillAccess, CancelForm};
use crate::service::trips;
use crate::web::auth::{link_token, require_user};
use crate::web::query::{params, Paging};
use crate::web::{body, respond};

/// The bill token of `?token=` or `X-Bill-Token`, else the signed-in owner.
fn bill_access(ctx: &Ctx, req: &Request) -> ApiResult<BillAccess> {
    match link_token(req, "x-bill-token") {
        Some(t) => Ok(BillAccess::Token(t)),
        None => require_user(ctx, req).map(BillAccess::Owner),
    }
}

/// `GET /api/bills/:id` (the bill's token, or its owner).
pub async fn get(ctx: &Ctx, req: &Request, id: &str) -> ApiResult<Response> {
    let v = bills::visible(ctx, id, &bill_access(ctx, req)?).await?;
    let buyer = BillBuyer { id: &v.bill.participant_id, name: v.buyer.as_ref().map_or("", |p| p.name.as_str()) };
    respond::json(200, &json!({ "bill": Bill::new(&v.bill, buyer, v.lines.iter()) }))
}

/// `GET /api/trips/:tripId/bills` (owner, paged, newest first).
pub async fn list_for_trip(ctx: &Ctx, req: &Request, trip_id: &str) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    let paging = Paging::from(&params(req))?;
    let trip = trips::owned(ctx, &me, trip_id).await?;
    let (page, buyers, lines) = bills::of_trip(ctx, &trip, paging.after.as_ref(), paging.limit).await?;
    let views: Vec<Bill<'_>> = page
        .iter()
        .map(|b| {
            let name = buyers.iter().find(|p| p.id == b.participant_id).map_or("", |p| p.name.as_str());
            let buyer = BillBuyer { id: &b.participant_id, name };
            Bill::new(b, buyer, lines.iter().filter(|l| l.order.bill_id.as_deref() == Some(b.id.as_str())))
        })
        .collect();
    let next = paging.next(&page, |b| (b.created_at.clone(), b.id.clone()));
    respond::json(200, &json!({ "bills": views, "nextCursor": next }))
}

/// `POST /api/bills/:id/cancel` `{ reason }` (owner): releases its stock.
pub async fn cancel(ctx: &Ctx, req: &mut Request, id: &str) -> ApiResult<Response> {
    let me = require_user(ctx, req)?;
    let form = CancelForm::parse(body::json(req).await?)?;
    let bill = bills::cancel(ctx, &me, id, form).await?;
    let v = bills::visible(ctx, &bill.id, &BillAccess::Owner(me)).await?;
    let buyer = BillBuyer { id: &v.bill.participant_id, name: v.buyer.as_ref().map_or("", |p| p.name.as_str()) };
    respond::json(200, &json!({ "bill": Bill::new(&v.bill, buyer, v.lines.iter()) }))
}
