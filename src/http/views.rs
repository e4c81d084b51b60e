//! The JSON shapes of the API (camelCase), in one place, as typed structs
//! borrowed from the rows: a field added to a row must be added here (and to
//! openapi.json) on purpose.

use serde::Serialize;

use crate::domain::bill::BillStatus;
use crate::domain::order::OrderStatus;
use crate::domain::outbox::OutboxStatus;
use crate::domain::payment::PaymentStatus;
use crate::domain::pricing::{FEE_PLACES, RATE_PLACES};
use crate::domain::product::ProductStatus;
use crate::store::bills::{BillRow, LineRow};
use crate::store::orders::{OrderDetailRow, OrderRow};
use crate::store::outbox::OutboxRow;
use crate::store::participants::ParticipantRow;
use crate::store::payments::PaymentRow;
use crate::store::products::ProductRow;
use crate::store::trips::TripRow;
use crate::store::users::{Payment as PayTo, UserRow};

/// What register and login answer with.
#[derive(Serialize)]
pub struct UserBrief<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub slug: &'a str,
}

impl<'a> From<&'a UserRow> for UserBrief<'a> {
    fn from(u: &'a UserRow) -> Self {
        UserBrief { id: &u.id, email: &u.email, slug: &u.slug }
    }
}

/// The owner's own view of their account.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserPrivate<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub slug: &'a str,
    pub profile_name: Option<&'a str>,
    pub profile_bio: Option<&'a str>,
    pub avatar: Option<&'a str>,
    pub cover_image: Option<&'a str>,
    pub phone: Option<&'a str>,
    /// Whether `phone` sent the connect code: notifications go to it only then.
    pub whatsapp_connected: bool,
    pub payment_details: PaymentDetails<'a>,
    /// Each new open bill gets a kode unik (1–999 rupiah on top).
    pub unique_codes: bool,
}

/// How buyers pay; every part is optional.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentDetails<'a> {
    pub bank_name: Option<&'a str>,
    pub bank_account: Option<&'a str>,
    pub bank_holder: Option<&'a str>,
    pub gopay: Option<&'a str>,
    pub ovo: Option<&'a str>,
    pub dana: Option<&'a str>,
    pub shopeepay: Option<&'a str>,
    pub qris_image: Option<&'a str>,
}

impl<'a> From<&'a PayTo> for PaymentDetails<'a> {
    fn from(p: &'a PayTo) -> Self {
        PaymentDetails {
            bank_name: p.pay_bank_name.as_deref(),
            bank_account: p.pay_bank_account.as_deref(),
            bank_holder: p.pay_bank_holder.as_deref(),
            gopay: p.pay_gopay.as_deref(),
            ovo: p.pay_ovo.as_deref(),
            dana: p.pay_dana.as_deref(),
            shopeepay: p.pay_shopeepay.as_deref(),
            qris_image: p.qris_image.as_deref(),
        }
    }
}

impl<'a> From<&'a UserRow> for UserPrivate<'a> {
    fn from(u: &'a UserRow) -> Self {
        UserPrivate {
            id: &u.id,
            email: &u.email,
            slug: &u.slug,
            profile_name: u.profile_name.as_deref(),
            profile_bio: u.profile_bio.as_deref(),
            avatar: u.avatar.as_deref(),
            cover_image: u.cover_image.as_deref(),
            phone: u.phone.as_deref(),
            whatsapp_connected: u.phone_connected_at.is_some() && u.phone.is_some(),
            payment_details: PaymentDetails::from(&u.payment),
            unique_codes: u.unique_codes,
        }
    }
}

/// What anybody may see of a jastiper: never the email or phone.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserPublic<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub bio: Option<&'a str>,
    pub avatar: Option<&'a str>,
    pub cover_image: Option<&'a str>,
    /// Not computed yet: always null.
    pub rating: Option<f64>,
}

impl<'a> From<&'a UserRow> for UserPublic<'a> {
    fn from(u: &'a UserRow) -> Self {
        UserPublic {
            slug: &u.slug,
            name: u.profile_name.as_deref().unwrap_or(&u.slug),
            bio: u.profile_bio.as_deref(),
            avatar: u.avatar.as_deref(),
            cover_image: u.cover_image.as_deref(),
            rating: None,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Trip<'a> {
    pub id: &'a str,
    pub slug: &'a str,
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub deadline: Option<&'a str>,
    pub is_active: bool,
    pub created_at: &'a str,
    pub updated_at: &'a str,
    /// ISO 4217; the kurs (rupiah per unit) and when it was set; the fee.
    pub currency: &'a str,
    pub exchange_rate: Option<serde_json::Number>,
    pub exchange_rate_at: Option<&'a str>,
    pub fee_percent: serde_json::Number,
    pub fee_per_item: i64,
    pub round_to: i64,
    /// The DP asked, whole percent of a bill's items (0: pay in full).
    pub dp_percent: i64,
    /// One ongkir for every bill not picked up (`None`: set per bill).
    pub shipping_flat: Option<i64>,
    pub arrived_at: Option<&'a str>,
    /// Days after the arrival until a bill not lunas gets its one reminder.
    pub reminder_days: i64,
}

use crate::domain::money::json_decimal as decimal;

impl<'a> From<&'a TripRow> for Trip<'a> {
    fn from(t: &'a TripRow) -> Self {
        Trip {
            id: &t.id,
            slug: &t.slug,
            title: &t.title,
            description: t.description.as_deref(),
            deadline: t.deadline.as_deref(),
            is_active: t.is_active,
            created_at: &t.created_at,
            updated_at: &t.updated_at,
            currency: &t.currency,
            exchange_rate: t.exchange_rate.map(|r| decimal(r, RATE_PLACES)),
            exchange_rate_at: t.exchange_rate_at.as_deref(),
            fee_percent: decimal(t.fee_percent, FEE_PLACES),
            fee_per_item: t.fee_per_item,
            round_to: t.round_to,
            dp_percent: t.dp_percent,
            shipping_flat: t.shipping_flat,
            arrived_at: t.arrived_at.as_deref(),
            reminder_days: t.reminder_days,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Product<'a> {
    pub id: &'a str,
    pub trip_id: &'a str,
    pub slug: &'a str,
    pub title: &'a str,
    pub price: i64,
    pub stock: i64,
    pub image: Option<&'a str>,
    pub description: Option<&'a str>,
    pub status: ProductStatus,
    pub max_per_buyer: i64,
    pub created_at: &'a str,
    pub updated_at: &'a str,
    /// The shop's price in the trip's currency (its major unit: `12.5`), when it buys abroad.
    pub price_original: Option<serde_json::Number>,
}

impl<'a> Product<'a> {
    /// With the shop's price, which needs the trip's currency to be read.
    pub fn in_trip(p: &'a ProductRow, trip: &TripRow) -> Product<'a> {
        let digits = trip.currency().minor_digits();
        Product { price_original: p.price_original.map(|o| decimal(o, digits)), ..Product::from(p) }
    }
}

impl<'a> From<&'a ProductRow> for Product<'a> {
    fn from(p: &'a ProductRow) -> Self {
        Product {
            id: &p.id,
            trip_id: &p.trip_id,
            slug: &p.slug,
            title: &p.title,
            price: p.price,
            stock: p.stock,
            image: p.image.as_deref(),
            description: p.description.as_deref(),
            status: p.status,
            max_per_buyer: p.max_per_buyer,
            created_at: &p.created_at,
            updated_at: &p.updated_at,
            price_original: None,
        }
    }
}

/// A participant as their trip's owner sees them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Participant<'a> {
    pub id: &'a str,
    pub trip_id: &'a str,
    pub phone: &'a str,
    pub name: &'a str,
    pub joined_at: &'a str,
    pub subscribed: bool,
    pub unsubscribed_at: Option<&'a str>,
    pub last_inbound_at: Option<&'a str>,
    /// Whether their phone confirmed (JOIN or the code): only then are they messaged.
    pub confirmed: bool,
}

impl<'a> From<&'a ParticipantRow> for Participant<'a> {
    fn from(p: &'a ParticipantRow) -> Self {
        Participant {
            id: &p.id,
            trip_id: &p.trip_id,
            phone: &p.phone,
            name: &p.name,
            joined_at: &p.joined_at,
            subscribed: p.unsubscribed_at.is_none(),
            unsubscribed_at: p.unsubscribed_at.as_deref(),
            last_inbound_at: p.last_inbound_at.as_deref(),
            confirmed: p.confirmed_at.is_some(),
        }
    }
}

/// An order; `proofUrl` is the route that serves the proof to those allowed.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Order<'a> {
    pub id: &'a str,
    pub trip_id: &'a str,
    pub participant_id: &'a str,
    pub product_id: &'a str,
    pub quantity: i64,
    pub unit_price: i64,
    pub total_price: i64,
    pub status: OrderStatus,
    pub reject_reason: Option<&'a str>,
    pub notes: Option<&'a str>,
    pub proof_url: Option<String>,
    pub created_at: &'a str,
    pub updated_at: &'a str,
}

impl<'a> From<&'a OrderRow> for Order<'a> {
    fn from(o: &'a OrderRow) -> Self {
        Order {
            id: &o.id,
            trip_id: &o.trip_id,
            participant_id: &o.participant_id,
            product_id: &o.product_id,
            quantity: o.quantity,
            unit_price: o.unit_price,
            total_price: o.total_price,
            status: o.status,
            reject_reason: o.reject_reason.as_deref(),
            notes: o.notes.as_deref(),
            proof_url: o.proof_key.as_ref().map(|_| format!("/api/orders/{}/proof", o.id)),
            created_at: &o.created_at,
            updated_at: &o.updated_at,
        }
    }
}

/// A just-placed order: the only answer that carries its access token
/// (`None` when the same checkout came again: only its hash is stored).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlacedOrder<'a> {
    #[serde(flatten)]
    pub order: Order<'a>,
    pub access_token: Option<&'a str>,
    pub status_url: String,
}

/// A bill as every answer about an order carries it: where its page is,
/// with the token that opens it, and its money.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BillLink<'a> {
    pub id: &'a str,
    pub access_token: &'a str,
    pub url: String,
    pub status: BillStatus,
    pub subtotal: i64,
    pub total: i64,
    pub paid: i64,
    pub balance: i64,
}

impl<'a> BillLink<'a> {
    pub fn new(base: &str, b: &'a BillRow, token: &'a str) -> BillLink<'a> {
        BillLink {
            id: &b.id,
            access_token: token,
            url: format!("{base}/b/{}?token={token}", b.id),
            status: b.status,
            subtotal: b.subtotal,
            total: b.total,
            paid: b.paid,
            balance: b.balance(),
        }
    }
}

/// One line of a bill.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BillItem<'a> {
    pub order_id: &'a str,
    pub product_id: &'a str,
    pub title: &'a str,
    pub quantity: i64,
    pub unit_price: i64,
    pub line_total: i64,
    pub status: OrderStatus,
    pub notes: Option<&'a str>,
}

impl<'a> From<&'a LineRow> for BillItem<'a> {
    fn from(l: &'a LineRow) -> Self {
        let o = &l.order;
        BillItem {
            order_id: &o.id,
            product_id: &o.product_id,
            title: &l.product_title,
            quantity: o.quantity,
            unit_price: o.unit_price,
            line_total: o.total_price,
            status: o.status,
            notes: o.notes.as_deref(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BillBuyer<'a> {
    pub id: &'a str,
    pub name: &'a str,
}

/// A payment: `{ id, amount, claimed, status, reusedProof, … }`; `amount`
/// is what was received once confirmed, what was claimed before.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Payment<'a> {
    pub id: &'a str,
    pub bill_id: &'a str,
    pub amount: i64,
    pub claimed: i64,
    pub status: PaymentStatus,
    pub reused_proof: bool,
    pub reject_reason: Option<&'a str>,
    pub proof_url: Option<String>,
    pub decided_at: Option<&'a str>,
    pub created_at: &'a str,
}

impl<'a> From<&'a PaymentRow> for Payment<'a> {
    fn from(p: &'a PaymentRow) -> Self {
        Payment {
            id: &p.id,
            bill_id: &p.bill_id,
            amount: p.shown_amount(),
            claimed: p.claimed,
            status: p.status,
            reused_proof: p.reused_proof,
            reject_reason: p.reject_reason.as_deref(),
            proof_url: p.proof_key.as_ref().map(|_| format!("/api/payments/{}/proof", p.id)),
            decided_at: p.decided_at.as_deref(),
            created_at: &p.created_at,
        }
    }
}

/// What the penitip is asked to transfer now: `{ kind: dp | balance | nothing, amount }`.
#[derive(Serialize)]
pub struct PayNow {
    pub kind: &'static str,
    pub amount: i64,
}

/// A whole bill: `{ id, participant, items, subtotal, total, paid, balance, status, dpDue, payments, … }`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Bill<'a> {
    pub id: &'a str,
    pub trip_id: &'a str,
    pub participant: BillBuyer<'a>,
    pub items: Vec<BillItem<'a>>,
    pub subtotal: i64,
    pub shipping_cost: i64,
    pub unique_code: i64,
    pub total: i64,
    pub dp_due: i64,
    pub paid: i64,
    pub balance: i64,
    pub refund_due: i64,
    pub pay_now: PayNow,
    pub status: BillStatus,
    pub payments: Vec<Payment<'a>>,
    pub address: Option<&'a str>,
    pub pickup: bool,
    pub courier: Option<&'a str>,
    pub tracking_number: Option<&'a str>,
    pub shipped_at: Option<&'a str>,
    pub cancel_reason: Option<&'a str>,
    pub created_at: &'a str,
    pub updated_at: &'a str,
}

impl<'a> Bill<'a> {
    pub fn new(
        b: &'a BillRow,
        buyer: BillBuyer<'a>,
        lines: impl Iterator<Item = &'a LineRow>,
        payments: impl Iterator<Item = &'a PaymentRow>,
    ) -> Bill<'a> {
        let due = b.due();
        Bill {
            id: &b.id,
            trip_id: &b.trip_id,
            participant: buyer,
            items: lines.map(BillItem::from).collect(),
            subtotal: b.subtotal,
            shipping_cost: b.shipping_cost,
            unique_code: b.unique_code,
            total: b.total,
            dp_due: b.dp_due,
            paid: b.paid,
            balance: b.balance(),
            refund_due: b.refund_due(),
            pay_now: PayNow { kind: due.kind(), amount: due.amount() },
            status: b.status,
            payments: payments.map(Payment::from).collect(),
            address: b.address.as_deref(),
            pickup: b.pickup,
            courier: b.courier.as_deref(),
            tracking_number: b.tracking_number.as_deref(),
            shipped_at: b.shipped_at.as_deref(),
            cancel_reason: b.cancel_reason.as_deref(),
            created_at: &b.created_at,
            updated_at: &b.updated_at,
        }
    }
}

/// An order in its owner's list, with what it is of and for whom.
#[derive(Serialize)]
pub struct OrderInList<'a> {
    #[serde(flatten)]
    pub order: Order<'a>,
    pub product: ProductBrief<'a>,
    pub participant: ParticipantBrief<'a>,
}

#[derive(Serialize)]
pub struct ProductBrief<'a> {
    pub id: &'a str,
    pub slug: &'a str,
    pub title: &'a str,
    pub image: Option<&'a str>,
}

#[derive(Serialize)]
pub struct ParticipantBrief<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub phone: &'a str,
}

impl<'a> From<&'a OrderDetailRow> for OrderInList<'a> {
    fn from(d: &'a OrderDetailRow) -> Self {
        OrderInList {
            order: Order::from(&d.order),
            product: ProductBrief {
                id: &d.order.product_id,
                slug: &d.product_slug,
                title: &d.product_title,
                image: d.product_image.as_deref(),
            },
            participant: ParticipantBrief {
                id: &d.order.participant_id,
                name: &d.participant_name,
                phone: &d.participant_phone,
            },
        }
    }
}

/// The penitip's view of their order, with its product and trip.
#[derive(Serialize)]
pub struct OrderStatusView<'a> {
    #[serde(flatten)]
    pub order: Order<'a>,
    pub product: Option<ProductLink<'a>>,
    pub trip: Option<TripLink<'a>>,
}

#[derive(Serialize)]
pub struct ProductLink<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub image: Option<&'a str>,
}

#[derive(Serialize)]
pub struct TripLink<'a> {
    pub slug: &'a str,
    pub title: &'a str,
}

/// One outbound WhatsApp message, as the jastiper sees it in the outbox.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboxMessage<'a> {
    pub id: &'a str,
    pub kind: &'a str,
    pub queue: &'a str,
    pub recipient: &'a str,
    pub participant_id: Option<&'a str>,
    pub status: OutboxStatus,
    pub attempts: i64,
    pub error: Option<&'a str>,
    pub wamid: Option<&'a str>,
    pub billable: Option<bool>,
    pub pricing_category: Option<&'a str>,
    pub pricing_type: Option<&'a str>,
    /// The category it went out as: `service` (free-form) or its template's.
    pub sent_as: Option<&'a str>,
    /// What it cost (Meta's category once known) or will cost, in rupiah
    /// (`costMilliIDR` exactly); null when it costs nothing.
    pub cost_category: Option<&'static str>,
    pub cost_idr: Option<i64>,
    #[serde(rename = "costMilliIDR")]
    pub cost_milli_idr: Option<i64>,
    pub sent_at: Option<&'a str>,
    pub created_at: &'a str,
    pub updated_at: &'a str,
}

impl<'a> OutboxMessage<'a> {
    /// The view with its price.
    pub fn priced(ctx: &crate::ctx::Ctx, m: &'a OutboxRow) -> Self {
        let mut v = OutboxMessage::from(m);
        if let Some((category, milli)) = crate::service::messages::row_cost(ctx, m) {
            v.cost_category = Some(category.as_str());
            v.cost_idr = Some(crate::domain::cost::whole_rupiah(milli));
            v.cost_milli_idr = Some(milli);
        }
        v
    }
}

impl<'a> From<&'a OutboxRow> for OutboxMessage<'a> {
    fn from(m: &'a OutboxRow) -> Self {
        OutboxMessage {
            id: &m.id,
            kind: &m.kind,
            queue: &m.queue,
            recipient: &m.recipient,
            participant_id: m.participant_id.as_deref(),
            status: m.status,
            attempts: m.attempts,
            error: m.last_error.as_deref(),
            wamid: m.wamid.as_deref(),
            billable: m.billable,
            pricing_category: m.pricing_category.as_deref(),
            pricing_type: m.pricing_type.as_deref(),
            sent_as: m.sent_as.as_deref(),
            cost_category: None,
            cost_idr: None,
            cost_milli_idr: None,
            sent_at: m.sent_at.as_deref(),
            created_at: &m.created_at,
            updated_at: &m.updated_at,
        }
    }
}

/// Many rows as their views.
pub fn all<'a, R, V: From<&'a R>>(rows: &'a [R]) -> Vec<V> {
    rows.iter().map(V::from).collect()
}
