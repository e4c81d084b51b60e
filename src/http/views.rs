//! The JSON shapes of the API (camelCase, as in the spec), in one place.

use serde_json::{json, Value};

use crate::store::orders::OrderRow;
use crate::store::participants::ParticipantRow;
use crate::store::products::ProductRow;
use crate::store::trips::TripRow;
use crate::store::users::UserRow;

/// What register and login answer with: `{ id, email, slug }`.
pub fn user_brief(u: &UserRow) -> Value {
    json!({ "id": u.id, "email": u.email, "slug": u.slug })
}

/// The owner's own view of their account.
pub fn user_private(u: &UserRow) -> Value {
    json!({
        "id": u.id,
        "email": u.email,
        "slug": u.slug,
        "profileName": u.profile_name,
        "profileBio": u.profile_bio,
        "avatar": u.avatar,
        "coverImage": u.cover_image,
        "phone": u.phone,
    })
}

/// What anybody may see of a jastiper: never the email or phone.
pub fn user_public(u: &UserRow) -> Value {
    json!({
        "slug": u.slug,
        "name": u.profile_name.as_deref().unwrap_or(&u.slug),
        "bio": u.profile_bio,
        "avatar": u.avatar,
        "coverImage": u.cover_image,
        "rating": Value::Null,
    })
}

pub fn trip(t: &TripRow) -> Value {
    json!({
        "id": t.id,
        "slug": t.slug,
        "title": t.title,
        "description": t.description,
        "deadline": t.deadline,
        "isActive": t.is_active != 0,
        "createdAt": t.created_at,
        "updatedAt": t.updated_at,
    })
}

pub fn product(p: &ProductRow) -> Value {
    json!({
        "id": p.id,
        "tripId": p.trip_id,
        "slug": p.slug,
        "title": p.title,
        "price": p.price,
        "stock": p.stock,
        "image": p.image,
        "description": p.description,
        "status": p.status,
        "createdAt": p.created_at,
        "updatedAt": p.updated_at,
    })
}

/// A trip with the products given, e.g. on a public profile.
pub fn trip_with_products(t: &TripRow, products: &[ProductRow]) -> Value {
    let mut v = trip(t);
    v["products"] = products.iter().filter(|p| p.trip_id == t.id).map(product).collect();
    v
}

/// A participant as their trip's owner sees them.
pub fn participant(p: &ParticipantRow) -> Value {
    json!({
        "id": p.id,
        "tripId": p.trip_id,
        "phone": p.phone,
        "name": p.name,
        "joinedAt": p.joined_at,
        "subscribed": p.unsubscribed_at.is_none(),
        "unsubscribedAt": p.unsubscribed_at,
        "lastInboundAt": p.last_inbound_at,
    })
}

/// An order; `proofUrl` is the route that serves the proof to those allowed.
pub fn order(o: &OrderRow) -> Value {
    json!({
        "id": o.id,
        "tripId": o.trip_id,
        "participantId": o.participant_id,
        "productId": o.product_id,
        "quantity": o.quantity,
        "unitPrice": o.unit_price,
        "totalPrice": o.total_price,
        "status": o.status,
        "rejectReason": o.reject_reason,
        "notes": o.notes,
        "proofUrl": o.proof_key.as_ref().map(|_| format!("/api/orders/{}/proof", o.id)),
        "createdAt": o.created_at,
        "updatedAt": o.updated_at,
    })
}
