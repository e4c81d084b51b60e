//! Orders: placing one (stock reserved atomically), who may see one, moving
//! it along its states, and its payment proof.

use crate::ctx::Ctx;
use crate::domain::fields;
use crate::domain::ids::{confirm_code, new_id, new_secret};
use crate::domain::image::PROOF_MAX;
use crate::domain::order::{check_buyer_limits, check_orderable, Action, OrderRefusal, OrderStatus, MAX_QUANTITY};
use crate::domain::page::Cursor;
use crate::domain::phone::Phone;
use crate::domain::token::{bill_token, check_order_link_token, hash_secret};
use crate::error::{ApiError, ApiResult, ConstraintKind, ErrorCode};
use crate::input::{Input, Patch};
use crate::platform::r2::Upload;
use crate::store::bills::{self, BillRow};
use crate::store::orders::{self, Buyer, CartLine, Checkout, NewCheckout, OrderDetailRow, OrderRow};
use crate::store::participants::ParticipantRow;
use crate::store::products::ProductRow;
use crate::store::trips::TripRow;
use crate::store::users::UserRow;
use crate::store::{participants, products, trips, users};

use super::{notify, AuthUser};

/// The largest payment proof accepted.
pub const PROOF_LIMIT: usize = PROOF_MAX;

/// Who an order is for.
#[derive(Debug)]
pub enum BuyerForm {
    /// The trip's owner ordering for one of their participants.
    Participant(String),
    /// A penitip, found or added by phone.
    Person { phone: Phone, name: String },
}

/// One line of a cart: a product (id or slug) and how many.
#[derive(Debug)]
pub struct Item {
    pub product: String,
    pub quantity: i64,
    pub notes: Option<String>,
}

/// `{ items: [{ productId | productSlug, quantity, notes? }], phone, name, notes?, checkoutKey? }`,
/// the one-product form `{ productId | productSlug, quantity, phone, name, notes? }`, or the
/// owner's, with `participantId` instead of phone and name.
#[derive(Debug)]
pub struct OrderForm {
    pub items: Vec<Item>,
    pub buyer: BuyerForm,
    pub notes: Option<String>,
    /// The form's one-time key: the same key (for the same buyer and cart) places once.
    pub key: Option<String>,
}

pub const ORDER_FIELDS: &[&str] =
    &["items", "productId", "productSlug", "participantId", "phone", "name", "quantity", "notes", "checkoutKey"];

/// The most lines one checkout may have.
pub const MAX_ITEMS: usize = 20;

fn product_key(input: &mut Input, key: &str) -> Option<String> {
    match (input.optional_str("productId"), input.optional_str("productSlug")) {
        (Some(k), None) | (None, Some(k)) => Some(k),
        (Some(_), Some(_)) => {
            input.error(key, "send productId or productSlug, not both");
            None
        }
        (None, None) => {
            input.error(key, "is required (or productSlug)");
            None
        }
    }
}

fn quantity(input: &mut Input, key: &str) -> Option<i64> {
    match input.patch_int("quantity", 1, MAX_QUANTITY) {
        Patch::Set(q) => Some(q),
        Patch::Absent | Patch::Null => {
            input.error(key, "is required");
            None
        }
    }
}

/// The lines of `items`, each read as its own small form; problems are
/// reported as `items` with the line's number.
fn items(input: &mut Input, raw: &serde_json::Value) -> Vec<Item> {
    let Some(list) = raw.as_array().filter(|l| (1..=MAX_ITEMS).contains(&l.len())) else {
        input.error("items", format!("must be a list of 1 to {MAX_ITEMS} items"));
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let Some(map) = item.as_object() else {
            input.error("items", format!("item {} must be an object", i + 1));
            continue;
        };
        let mut line = Input::from_map(map.clone());
        line.only(&["productId", "productSlug", "quantity", "notes"]);
        let product = product_key(&mut line, "productId");
        let quantity = quantity(&mut line, "quantity");
        let notes = line.optional_str("notes").filter(|s| !s.trim().is_empty());
        let notes = notes.and_then(|s| line.check("notes", fields::NOTES.clean(&s)));
        match (line.finish(), product, quantity) {
            (Ok(()), Some(product), Some(quantity)) => out.push(Item { product, quantity, notes }),
            (Err(e), _, _) => {
                let problems: Vec<String> = e.fields.iter().map(|(k, v)| format!("{k} {v}")).collect();
                input.error("items", format!("item {}: {}", i + 1, problems.join("; ")));
            }
            _ => input.error("items", format!("item {} is incomplete", i + 1)),
        }
    }
    out
}

impl OrderForm {
    /// Every problem at once; `signed_in` allows ordering for a participant.
    pub fn parse(mut input: Input, signed_in: bool) -> ApiResult<OrderForm> {
        input.only(ORDER_FIELDS);
        let items = match input.map().get("items").cloned() {
            Some(raw) => {
                for key in ["productId", "productSlug", "quantity"] {
                    if input.map().contains_key(key) {
                        input.error(key, "send items, or one product with its quantity, not both");
                    }
                }
                items(&mut input, &raw)
            }
            None => {
                let product = product_key(&mut input, "productId");
                let quantity = quantity(&mut input, "quantity");
                product
                    .zip(quantity)
                    .map(|(product, quantity)| Item { product, quantity, notes: None })
                    .into_iter()
                    .collect()
            }
        };
        let buyer = match input.optional_str("participantId") {
            Some(pid) => {
                if !signed_in {
                    input.error(
                        "participantId",
                        "only the trip's owner may order for a participant; send phone and name",
                    );
                }
                for key in ["phone", "name"] {
                    if input.optional_str(key).is_some() {
                        input.error(key, "send either participantId or phone and name");
                    }
                }
                Some(BuyerForm::Participant(pid))
            }
            None => {
                let phone = input.required_with("phone", Phone::parse);
                let name = input.required_with("name", |s| fields::NAME.clean(s));
                phone.zip(name).map(|(phone, name)| BuyerForm::Person { phone, name })
            }
        };
        let notes = input.optional_str("notes").filter(|s| !s.trim().is_empty());
        let notes = notes.and_then(|s| input.check("notes", fields::NOTES.clean(&s)));
        let key = input.optional_str("checkoutKey").filter(|k| !k.is_empty());
        let key = key.and_then(|k| {
            let ok =
                (8..=100).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            input.check(
                "checkoutKey",
                if ok { Ok(k) } else { Err("must be 8 to 100 letters, digits, - or _".to_string()) },
            )
        });
        input.finish()?;
        match buyer {
            Some(buyer) if !items.is_empty() => Ok(OrderForm { items, buyer, notes, key }),
            // `finish` reported every missing field; this arm cannot be reached.
            _ => Err(ApiError::field("productId", "is required")),
        }
    }
}

/// A placed checkout: its lines, the bill they joined, and the links' tokens
/// (an order's access token is shown once; only its hash is stored).
pub struct Placed {
    pub orders: Vec<OrderRow>,
    /// The first line's access token (`None` when the same form came again).
    pub access_token: Option<String>,
    pub bill: BillRow,
    pub bill_token: String,
    /// The buyer's confirmation code: their phone sends it to get this
    /// order's messages (the same answer whether or not it confirmed before).
    pub confirm_code: Option<String>,
    /// The same checkout submitted again: nothing new was placed.
    pub repeated: bool,
}

/// Places a checkout: every product must be orderable in one open trip (any
/// trip for its owner); all lines are reserved in one transaction, or none.
/// D1: one batch reads the products, the trip, the buyer's position and the
/// public pages' names; one batch writes, claims the jastiper's coalesced
/// notice and reads back the bill. Nothing else touches D1 before the answer:
/// the receipt is written by the inbound consumer (`notify::checkout_placed`).
pub async fn place(ctx: &Ctx, caller: Option<&AuthUser>, form: OrderForm) -> ApiResult<Placed> {
    let keys: Vec<&str> = form.items.iter().map(|i| i.product.as_str()).collect();
    let buyer_key = match &form.buyer {
        BuyerForm::Participant(pid) => orders::BuyerKey::Participant(pid),
        BuyerForm::Person { phone, .. } => orders::BuyerKey::Phone(phone),
    };
    let orders::CartPosition { products: found, held, trip, pending, pages } =
        orders::cart_position(&ctx.db, &keys, &buyer_key).await?;
    let trip = trip.ok_or_else(|| ApiError::not_found("Product"))?;
    let held_of = |id: &str| held.iter().find(|h| h.product_id == id).map_or(0, |h| h.held);
    let mut lines: Vec<(&ProductRow, i64, Option<&str>)> = Vec::new();
    for item in &form.items {
        let key = item.product.to_ascii_lowercase();
        let p = found
            .iter()
            .find(|p| p.id == item.product || p.slug.as_str() == key)
            .ok_or_else(|| ApiError::not_found("Product"))?;
        if p.trip_id != trip.id {
            return Err(ApiError::field("items", "every item must be of the same trip"));
        }
        // The same product twice in one cart is one line of both quantities.
        match lines.iter_mut().find(|(q, _, _)| q.id == p.id) {
            Some(line) => line.1 += item.quantity,
            None => lines.push((p, item.quantity, item.notes.as_deref())),
        }
    }
    let is_owner = caller.is_some_and(|c| c.id == trip.jastiper_id);
    if !trip.is_active && !is_owner {
        return Err(ApiError::not_found("Product"));
    }
    if trip.closed(ctx.now) && !is_owner {
        return Err(super::participants::trip_closed());
    }
    for (p, quantity, _) in &lines {
        check_orderable(p.status, p.stock, p.price, *quantity)?;
        check_buyer_limits(*quantity, held_of(&p.id), p.max_per_buyer, pending)?;
    }

    let (participant_new_id, code) = (new_id(), confirm_code());
    let existing = match (&form.buyer, caller) {
        // The participant must be the caller's and in this product's trip.
        (BuyerForm::Participant(pid), Some(owner)) => {
            let p = participants::owned(&ctx.db, pid, &owner.id).await?.filter(|p| p.trip_id == trip.id);
            Some(p.ok_or_else(|| ApiError::not_found("Participant"))?)
        }
        (BuyerForm::Participant(_), None) => return Err(ApiError::not_found("Participant")),
        (BuyerForm::Person { .. }, _) => None,
    };
    let (buyer, buyer_name, who) = match (&existing, &form.buyer) {
        (Some(p), _) => (Buyer::Existing(&p.id), None, p.id.clone()),
        (None, BuyerForm::Person { phone, name }) => (
            Buyer::ByPhone { new_id: &participant_new_id, phone, name, code: &code },
            Some(name.as_str()),
            phone.as_str().to_string(),
        ),
        (None, BuyerForm::Participant(_)) => return Err(ApiError::not_found("Participant")),
    };
    // The key is the form's, for this trip, buyer and cart: a different cart
    // sent with a reused form (a cached page) is a new checkout.
    let cart: Vec<String> = lines.iter().map(|(p, q, _)| format!("{}x{q}", p.id)).collect();
    let key = form.key.as_ref().map(|k| hash_secret(&format!("{}|{who}|{k}|{}", trip.id, cart.join(","))));
    let ids: Vec<(String, String)> = lines.iter().map(|_| (new_id(), new_secret())).collect();
    let hashes: Vec<String> = ids.iter().map(|(_, t)| hash_secret(t)).collect();
    let (checkout_id, new_bill_id, now) = (new_id(), new_id(), ctx.now_iso());
    let checkout = NewCheckout {
        id: &checkout_id,
        trip_id: &trip.id,
        new_bill_id: &new_bill_id,
        key: key.as_deref(),
        buyer_name,
        lines: lines
            .iter()
            .zip(&ids)
            .zip(&hashes)
            .enumerate()
            .map(|(i, (((p, quantity, notes), (id, _)), hash))| CartLine {
                order_id: id,
                product_id: &p.id,
                quantity: *quantity,
                // The checkout's note goes with its first line.
                notes: notes.or(if i == 0 { form.notes.as_deref() } else { None }),
                access_token_hash: hash,
            })
            .collect(),
        now: &now,
    };
    let bill_token = |id: &str| -> ApiResult<String> { Ok(bill_token(ctx.config.jwt_key()?, id)) };
    let placed = match orders::place(&ctx.db, &checkout, &buyer).await {
        // Two new bills drew the same kode unik at once: draw again.
        Err(e) if e.broke(ConstraintKind::Unique, "bills", "jastiper_id") => {
            orders::place(&ctx.db, &checkout, &buyer).await?
        }
        other => other?,
    };
    match placed {
        Checkout::Repeat { bill_id } => {
            let bill = bills::by_id(&ctx.db, &bill_id).await?.ok_or_else(|| ApiError::not_found("Bill"))?;
            let orders = orders::of_bill(&ctx.db, &bill.id).await?;
            let buyer = participants::by_id(&ctx.db, &bill.participant_id).await?;
            let bill_token = bill_token(&bill.id)?;
            Ok(Placed {
                orders,
                access_token: None,
                bill,
                bill_token,
                confirm_code: buyer.and_then(|p| p.confirm_code),
                repeated: true,
            })
        }
        Checkout::Placed { bill, orders, participant, digest } => {
            // The stock shown on the public pages changed: the trip's and its products' pages.
            if let Some(pages) = &pages {
                super::public_cache::purge_trip(ctx, &trip.id, pages, None).await;
            }
            notify::checkout_placed(ctx, &orders, &bill, &participant, digest).await?;
            let bill_token = bill_token(&bill.id)?;
            let access_token = ids.into_iter().next().map(|(_, t)| t);
            Ok(Placed {
                orders,
                access_token,
                bill: *bill,
                bill_token,
                confirm_code: participant.confirm_code,
                repeated: false,
            })
        }
    }
}

/// How a request may see an order.
pub enum OrderAccess {
    /// The access token given when it was placed, or a signed link token (`l.…`) from a message.
    Token(String),
    /// The trip's owner.
    Owner(AuthUser),
}

/// The order `access` may see; anything else is 404, whether it exists or not.
pub async fn visible(ctx: &Ctx, id: &str, access: &OrderAccess) -> ApiResult<OrderRow> {
    let not_found = || ApiError::not_found("Order");
    match access {
        OrderAccess::Token(t) if t.starts_with("l.") => {
            if !check_order_link_token(ctx.config.jwt_key()?, id, t) {
                return Err(not_found());
            }
            orders::by_id(&ctx.db, id).await?.ok_or_else(not_found)
        }
        OrderAccess::Token(t) => orders::by_token(&ctx.db, id, &hash_secret(t)).await?.ok_or_else(not_found),
        OrderAccess::Owner(me) => orders::owned(&ctx.db, id, &me.id).await?.ok_or_else(not_found),
    }
}

/// What an order's page shows around it: its product, trip and jastiper.
pub struct OrderContext {
    pub product: Option<ProductRow>,
    pub trip: Option<TripRow>,
    pub owner: Option<UserRow>,
    pub buyer: Option<ParticipantRow>,
}

/// `for_page`: the order's page also shows the jastiper (her WhatsApp) and
/// the buyer's confirmation code; the API's status view needs neither.
pub async fn context(ctx: &Ctx, order: &OrderRow, for_page: bool) -> ApiResult<OrderContext> {
    let buyer = async {
        match for_page {
            true => participants::by_id(&ctx.db, &order.participant_id).await,
            false => Ok(None),
        }
    };
    let (product, trip, buyer) = futures::future::try_join3(
        products::by_id_or_slug(&ctx.db, &order.product_id),
        trips::by_id_or_slug(&ctx.db, &order.trip_id),
        buyer,
    )
    .await?;
    let owner = match (&trip, for_page) {
        (Some(t), true) => users::by_id(&ctx.db, &t.jastiper_id).await?,
        _ => None,
    };
    Ok(OrderContext { product, trip, owner, buyer })
}

/// The body of confirm, ship (empty) and reject (`{ reason? }`).
pub struct TransitionForm {
    pub reason: Option<String>,
}

impl TransitionForm {
    pub fn parse(mut input: Input, action: Action) -> ApiResult<TransitionForm> {
        let reason = if action == Action::Reject {
            input.only(&["reason"]);
            let r = input.optional_str("reason").filter(|s| !s.trim().is_empty());
            r.and_then(|s| input.check("reason", fields::REASON.clean(&s)))
        } else {
            input.only(&[]);
            None
        };
        input.finish()?;
        Ok(TransitionForm { reason })
    }
}

/// An order of one of `me`'s trips; 404 otherwise.
pub async fn owned(ctx: &Ctx, me: &AuthUser, id: &str) -> ApiResult<OrderRow> {
    orders::owned(&ctx.db, id, &me.id).await?.ok_or_else(|| ApiError::not_found("Order"))
}

/// Confirms, rejects (releasing the stock) or ships an owned order (see
/// `owned`), then tells the penitip.
pub async fn transition(
    ctx: &Ctx,
    me: &AuthUser,
    order: OrderRow,
    action: Action,
    form: TransitionForm,
) -> ApiResult<OrderRow> {
    let next = action.apply(order.status)?;
    let moved = orders::transition(&ctx.db, &order, order.status, next, form.reason.as_deref(), &ctx.now_iso()).await?;
    if !moved {
        return Err(OrderRefusal::ChangedMeanwhile.into());
    }
    let order = owned(ctx, me, &order.id).await?;
    match next {
        // A rejection puts the stock back; a shipment counts on the profile.
        OrderStatus::Rejected => super::public_cache::trip_changed(ctx, &order.trip_id, None).await,
        OrderStatus::Shipped => super::public_cache::profile_changed(ctx, &me.slug).await,
        _ => {}
    }
    notify::order_status_changed(ctx, &order).await?;
    Ok(order)
}

/// `{ quantity }`: how many of a line the jastiper found (0: none).
pub struct FoundForm {
    pub quantity: i64,
}

impl FoundForm {
    pub fn parse(mut input: Input) -> ApiResult<FoundForm> {
        input.only(&["quantity"]);
        let quantity = match input.patch_int("quantity", 0, 1000) {
            Patch::Set(q) => Some(q),
            Patch::Null | Patch::Absent => {
                if !input.has_errors_on(&["quantity"]) {
                    input.error("quantity", "is required: how many were found (0 for none)");
                }
                None
            }
        };
        input.finish()?;
        quantity.map(|quantity| FoundForm { quantity }).ok_or_else(|| ApiError::field("quantity", "is required"))
    }
}

/// A line found short while shopping (fewer units, or none): the bill is
/// re-totalled (a DP paid for it becomes a refund due), the stock released,
/// and the penitip told once.
pub async fn found(ctx: &Ctx, me: &AuthUser, order: OrderRow, form: FoundForm) -> ApiResult<OrderRow> {
    if !matches!(order.status, OrderStatus::Pending | OrderStatus::Confirmed) {
        return Err(ApiError::new(
            ErrorCode::InvalidTransition,
            format!("A {} line is not being bought", order.status),
        ));
    }
    if form.quantity > order.quantity {
        return Err(ApiError::field("quantity", format!("can only be fewer than ordered ({})", order.quantity)));
    }
    if form.quantity == order.quantity {
        return Ok(order);
    }
    if !orders::found(&ctx.db, &order, form.quantity, &ctx.now_iso()).await? {
        return Err(OrderRefusal::ChangedMeanwhile.into());
    }
    super::public_cache::trip_changed(ctx, &order.trip_id, None).await;
    let after = owned(ctx, me, &order.id).await?;
    notify::line_found_short(ctx, &after, order.quantity).await?;
    Ok(after)
}

/// Refuses a proof for an order that no longer takes one, before the upload is read.
pub fn check_takes_proof(order: &OrderRow) -> ApiResult<()> {
    if order.status.takes_proof() {
        Ok(())
    } else {
        Err(OrderRefusal::NoProofNow(order.status).into())
    }
}

/// Stores a payment proof for `order` (replacing an earlier one) and tells the jastiper.
pub async fn attach_proof(ctx: &Ctx, order: OrderRow, upload: Upload) -> ApiResult<OrderRow> {
    check_takes_proof(&order)?;
    let hash = super::payments::proof_hash(&upload);
    let key = ctx.media().put(&format!("orders/{}", order.id), upload).await?;
    orders::set_proof(&ctx.db, &order, &key, &hash, &ctx.now_iso()).await?;
    if let Some(old) = &order.proof_key {
        ctx.media().delete_quietly(std::slice::from_ref(old)).await;
    }
    let order = orders::by_id(&ctx.db, &order.id).await?.ok_or_else(|| ApiError::not_found("Order"))?;
    notify::proof_uploaded(ctx, &order).await?;
    Ok(order)
}

/// One page of an owned trip's orders with product and participant.
pub async fn of_trip(
    ctx: &Ctx,
    me: &AuthUser,
    trip_id: &str,
    after: Option<&Cursor>,
    limit: i64,
) -> ApiResult<Vec<OrderDetailRow>> {
    let trip = super::trips::owned(ctx, me, trip_id).await?;
    orders::page_detailed(&ctx.db, &trip.id, after, limit).await
}
