//! A jastiper's own account: read, change, avatar and cover images.

use crate::ctx::Ctx;
use crate::domain::fields;
use crate::domain::ids::connect_code;
use crate::domain::phone::Phone;
use crate::domain::{image, payment};
use crate::error::{ApiError, ApiResult};
use crate::input::{Input, Patch};
use crate::platform::r2::Upload;
use crate::store::trips::{self, TripRow};
use crate::store::users::{self, ProfileChange, UserRow};

use super::AuthUser;

pub async fn current(ctx: &Ctx, me: &AuthUser) -> ApiResult<UserRow> {
    users::by_id(&ctx.db, &me.id).await?.ok_or_else(|| ApiError::unauthorized("Account no longer exists"))
}

/// The account and all its trips.
pub async fn with_trips(ctx: &Ctx, me: &AuthUser) -> ApiResult<(UserRow, Vec<TripRow>)> {
    let u = current(ctx, me).await?;
    let trips = trips::by_jastiper(&ctx.db, &u.id, false).await?;
    Ok((u, trips))
}

/// A nullable text field; an empty string clears it like `null`.
fn patch_text<T>(p: Patch<String>, check: impl Fn(&str) -> Result<T, String>) -> Result<Option<Option<T>>, String> {
    match p {
        Patch::Set(s) if s.trim().is_empty() => Ok(Some(None)),
        Patch::Set(s) => check(&s).map(|v| Some(Some(v))),
        Patch::Null => Ok(Some(None)),
        Patch::Absent => Ok(None),
    }
}

/// Images are set only by uploading them: `avatar` and `coverImage` may be
/// cleared (`null` or `""`), never pointed at a URL or a storage path.
fn clear_only(p: Patch<String>) -> Result<Option<Option<String>>, String> {
    match p {
        Patch::Set(s) if !s.trim().is_empty() => Err("can only be cleared (null); upload an image to set it".into()),
        Patch::Set(_) | Patch::Null => Ok(Some(None)),
        Patch::Absent => Ok(None),
    }
}

/// The payment fields of a profile change, as (field, column, rule).
type Rule = fn(&str) -> Result<String, String>;
pub const PAYMENT_FIELDS: [(&str, &str, Rule); 7] = [
    ("bankName", "pay_bank_name", payment::bank_name),
    ("bankAccount", "pay_bank_account", payment::account_number),
    ("bankHolder", "pay_bank_holder", payment::account_holder),
    ("gopay", "pay_gopay", payment::wallet_number),
    ("ovo", "pay_ovo", payment::wallet_number),
    ("dana", "pay_dana", payment::wallet_number),
    ("shopeepay", "pay_shopeepay", payment::wallet_number),
];

/// Every field `PATCH /api/profile/me` takes.
pub const FIELDS: [&str; 14] = [
    "uniqueCodes",
    "profileName",
    "profileBio",
    "avatar",
    "coverImage",
    "qrisImage",
    "phone",
    "bankName",
    "bankAccount",
    "bankHolder",
    "gopay",
    "ovo",
    "dana",
    "shopeepay",
];

/// `{ profileName?, profileBio?, avatar?: null, coverImage?: null, qrisImage?: null, phone?,
/// bankName?, bankAccount?, bankHolder?, gopay?, ovo?, dana?, shopeepay?, uniqueCodes? }`.
pub fn parse_change(mut input: Input) -> ApiResult<ProfileChange> {
    input.only(&FIELDS);
    let mut payment = Vec::new();
    for (field, column, rule) in PAYMENT_FIELDS {
        let value = input.patch_str(field);
        if let Some(v) = input.check(field, patch_text(value, rule)).flatten() {
            payment.push((column, v));
        }
    }
    let qris = input.patch_str("qrisImage");
    let name = input.patch_str("profileName");
    let bio = input.patch_str("profileBio");
    let avatar = input.patch_str("avatar");
    let cover = input.patch_str("coverImage");
    let phone = input.patch_str("phone");
    let unique_codes = match input.patch_bool("uniqueCodes") {
        Patch::Set(on) => Some(on),
        Patch::Null => {
            input.error("uniqueCodes", "must be true or false");
            None
        }
        Patch::Absent => None,
    };
    let change = ProfileChange {
        profile_name: input.check("profileName", patch_text(name, |s| fields::NAME.clean(s))).flatten(),
        profile_bio: input.check("profileBio", patch_text(bio, |s| fields::PROFILE_BIO.clean(s))).flatten(),
        avatar: input.check("avatar", clear_only(avatar)).flatten(),
        cover_image: input.check("coverImage", clear_only(cover)).flatten(),
        phone: input.check("phone", patch_text(phone, Phone::parse)).flatten(),
        qris_image: input.check("qrisImage", clear_only(qris)).flatten(),
        payment,
        unique_codes,
        ..Default::default()
    };
    input.finish()?;
    Ok(change)
}

/// Changes the profile; clearing an image also removes its object.
pub async fn update(ctx: &Ctx, me: &AuthUser, mut change: ProfileChange) -> ApiResult<UserRow> {
    let (clear_avatar, clear_cover) = (change.avatar == Some(None), change.cover_image == Some(None));
    let clear_qris = change.qris_image == Some(None);
    let mut gone = Vec::new();
    // The keys to delete are read only when an image is cleared.
    if clear_avatar || clear_cover || clear_qris {
        let before = current(ctx, me).await?;
        if clear_qris {
            change.qris_key = Some(None);
            gone.extend(before.payment.qris_key);
        }
        if clear_avatar {
            change.avatar_key = Some(None);
            gone.extend(before.avatar_key);
        }
        if clear_cover {
            change.cover_key = Some(None);
            gone.extend(before.cover_key);
        }
    }
    users::update_profile(&ctx.db, &me.id, &change, &ctx.now_iso()).await?;
    ctx.media().delete_quietly(&gone).await;
    super::public_cache::profile_changed(ctx, &me.slug).await;
    current(ctx, me).await
}

#[derive(Clone, Copy)]
pub enum ProfileImage {
    Avatar,
    Cover,
    /// The QRIS code buyers scan to pay.
    Qris,
}

impl ProfileImage {
    /// The largest file accepted.
    pub fn limit(self) -> usize {
        match self {
            ProfileImage::Avatar => image::AVATAR_MAX,
            ProfileImage::Cover | ProfileImage::Qris => image::COVER_MAX,
        }
    }
}

/// Stores the image and points the profile at it; the previous one is removed.
pub async fn set_image(ctx: &Ctx, me: &AuthUser, which: ProfileImage, upload: Upload) -> ApiResult<UserRow> {
    let before = current(ctx, me).await?;
    let dir = match which {
        ProfileImage::Avatar => "avatars",
        ProfileImage::Cover => "covers",
        ProfileImage::Qris => "qris",
    };
    let key = ctx.media().put(&format!("{dir}/{}", me.id), upload).await?;
    let url = Some(Some(ctx.media().public_url(&key)));
    let new_key = Some(Some(key));
    // The previous object is found by its key column, never by a URL: only
    // what this account uploaded can be deleted.
    let (change, old) = match which {
        ProfileImage::Avatar => {
            (ProfileChange { avatar: url, avatar_key: new_key, ..Default::default() }, before.avatar_key)
        }
        ProfileImage::Cover => {
            (ProfileChange { cover_image: url, cover_key: new_key, ..Default::default() }, before.cover_key)
        }
        ProfileImage::Qris => {
            (ProfileChange { qris_image: url, qris_key: new_key, ..Default::default() }, before.payment.qris_key)
        }
    };
    users::update_profile(&ctx.db, &me.id, &change, &ctx.now_iso()).await?;
    ctx.media().delete_quietly(&old.into_iter().collect::<Vec<_>>()).await;
    super::public_cache::profile_changed(ctx, &me.slug).await;
    current(ctx, me).await
}

/// How long a connect code lives: she asks for it and sends it right away.
pub const CONNECT_CODE_TTL_SECS: i64 = 10 * 60;

/// How long a change of connected number can be undone from the dashboard.
pub const NUMBER_UNDO_DAYS: i64 = 7;

/// A code she asked for, to send from her phone, and when it dies (Unix seconds).
pub struct ConnectCode {
    pub code: String,
    pub expires_at: i64,
}

/// A new code for connecting WhatsApp, live for ten minutes (the old one stops working).
pub async fn new_connect_code(ctx: &Ctx, me: &AuthUser) -> ApiResult<ConnectCode> {
    let code = ConnectCode { code: connect_code(), expires_at: ctx.now_secs() + CONNECT_CODE_TTL_SECS };
    users::set_connect_code(&ctx.db, &me.id, &code.code, code.expires_at, &ctx.now_iso()).await?;
    Ok(code)
}

/// Connects again the number a recent connection replaced (a stranger's
/// guess, or a mistake): the account after it, in one statement. 404 when
/// there is nothing to undo.
pub async fn undo_number_change(ctx: &Ctx, me: &AuthUser) -> ApiResult<UserRow> {
    let since =
        (ctx.now - chrono::Duration::days(NUMBER_UNDO_DAYS)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    users::undo_number_change(&ctx.db, &me.id, &since, &ctx.now_iso())
        .await?
        .ok_or_else(|| ApiError::not_found("Number change"))
}
