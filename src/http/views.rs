//! The JSON shapes of the API (camelCase, as in the spec), in one place.

use serde_json::{json, Value};

use crate::store::trips::{ProductRow, TripRow};
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
    v["products"] = products
        .iter()
        .filter(|p| p.trip_id == t.id)
        .map(product)
        .collect();
    v
}
