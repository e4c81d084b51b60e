//! Orders: placing one (stock reserved atomically), who may see one, moving
//! it along its states, and its payment proof.

use crate::ctx::Ctx;
use crate::domain::fields;
use crate::domain::ids::{confirm_code, new_id, new_secret};
use crate::domain::image::PROOF_MAX;
use crate::domain::order::{check_buyer_limits, check_orderable, Action, OrderRefusal, OrderStatus, MAX_QUANTITY};
use crate::domain::page::Cursor;
use crate::domain::phone::Phone;
use crate::domain::token::{check_order_link_token, hash_secret};
use crate::error::{ApiError, ApiResult};
use crate::input::{Input, Patch};
use crate::platform::r2::Upload;
use crate::store::orders::{self, Buyer, NewOrder, OrderDetailRow, OrderRow};
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

/// `{ productId | productSlug, phone, name, quantity, notes? }`, or the
/// owner's `{ productId, participantId, quantity, notes? }`.
#[derive(Debug)]
pub struct OrderForm {
    /// A product id or slug.
    pub product: String,
    pub buyer: BuyerForm,
    pub quantity: i64,
    pub notes: Option<String>,
}

pub const ORDER_FIELDS: &[&str] = &["productId", "productSlug", "participantId", "phone", "name", "quantity", "notes"];

impl OrderForm {
    /// Every problem at once; `signed_in` allows ordering for a participant.
    pub fn parse(mut input: Input, signed_in: bool) -> ApiResult<OrderForm> {
        input.only(ORDER_FIELDS);
        let product = match (input.optional_str("productId"), input.optional_str("productSlug")) {
            (Some(key), None) | (None, Some(key)) => Some(key),
            (Some(_), Some(_)) => {
                input.error("productId", "send productId or productSlug, not both");
                None
            }
            (None, None) => {
                input.error("productId", "is required (or productSlug)");
                None
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
        let quantity = match input.patch_int("quantity", 1, MAX_QUANTITY) {
            Patch::Set(q) => Some(q),
            Patch::Absent | Patch::Null => {
                input.error("quantity", "is required");
                None
            }
        };
        let notes = input.optional_str("notes").filter(|s| !s.trim().is_empty());
        let notes = notes.and_then(|s| input.check("notes", fields::NOTES.clean(&s)));
        input.finish()?;
        match (product, buyer, quantity) {
            (Some(product), Some(buyer), Some(quantity)) => Ok(OrderForm { product, buyer, quantity, notes }),
            // `finish` reported every missing field; this arm cannot be reached.
            _ => Err(ApiError::field("productId", "is required")),
        }
    }
}

/// A placed order and its access token (shown once; only its hash is stored).
pub struct Placed {
    pub order: OrderRow,
    pub access_token: String,
    /// The buyer's confirmation code: their phone sends it to get this
    /// order's messages (the same answer whether or not it confirmed before).
    pub confirm_code: Option<String>,
}

/// Places an order: the product must be orderable in an open trip (any trip
/// for its owner); the stock is reserved in the same transaction.
pub async fn place(ctx: &Ctx, caller: Option<&AuthUser>, form: OrderForm) -> ApiResult<Placed> {
    let product =
        products::by_id_or_slug(&ctx.db, &form.product).await?.ok_or_else(|| ApiError::not_found("Product"))?;
    let trip = trips::by_id_or_slug(&ctx.db, &product.trip_id).await?.ok_or_else(|| ApiError::not_found("Product"))?;
    let is_owner = caller.is_some_and(|c| c.id == trip.jastiper_id);
    if !trip.is_active && !is_owner {
        return Err(ApiError::not_found("Product"));
    }
    if trip.closed(ctx.now) && !is_owner {
        return Err(super::participants::trip_closed());
    }
    check_orderable(product.status, product.stock, product.price, form.quantity)?;

    let (participant_new_id, access_token, order_id, code) = (new_id(), new_secret(), new_id(), confirm_code());
    let existing = match (&form.buyer, caller) {
        // The participant must be the caller's and in this product's trip.
        (BuyerForm::Participant(pid), Some(owner)) => {
            let p = participants::owned(&ctx.db, pid, &owner.id).await?.filter(|p| p.trip_id == trip.id);
            Some(p.ok_or_else(|| ApiError::not_found("Participant"))?)
        }
        (BuyerForm::Participant(_), None) => return Err(ApiError::not_found("Participant")),
        (BuyerForm::Person { .. }, _) => None,
    };
    let buyer = match (&existing, &form.buyer) {
        (Some(p), _) => Buyer::Existing(&p.id),
        (None, BuyerForm::Person { phone, name }) => {
            Buyer::ByPhone { new_id: &participant_new_id, phone, name, code: &code }
        }
        (None, BuyerForm::Participant(_)) => return Err(ApiError::not_found("Participant")),
    };
    let new = NewOrder {
        id: &order_id,
        trip_id: &trip.id,
        product_id: &product.id,
        quantity: form.quantity,
        notes: form.notes.as_deref(),
        access_token_hash: &hash_secret(&access_token),
        now: &ctx.now_iso(),
    };
    let (held, pending) = orders::buyer_position(&ctx.db, &product.id, &trip.id, &buyer).await?;
    check_buyer_limits(form.quantity, held, product.max_per_buyer, pending)?;
    orders::place(&ctx.db, &new, &buyer).await?;
    // The stock shown on the public pages changed.
    super::public_cache::trip_changed(ctx, &trip.id, Some(product.slug.as_str())).await;
    let order = orders::by_id(&ctx.db, &order_id).await?.ok_or_else(|| ApiError::internal("order vanished"))?;
    let buyer = participants::by_id(&ctx.db, &order.participant_id).await?;
    if let Some(p) = &buyer {
        notify::order_placed(ctx, &order, p).await?;
    }
    Ok(Placed { order, access_token, confirm_code: buyer.and_then(|p| p.confirm_code) })
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
    let key = ctx.media().put(&format!("orders/{}", order.id), upload).await?;
    orders::set_proof(&ctx.db, &order.id, &key, &ctx.now_iso()).await?;
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
