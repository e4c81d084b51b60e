//! SQL for the `users` table.

use serde::Deserialize;

use super::{Arg, Changes, Db};
use crate::domain::phone::Phone;
use crate::domain::slug::Slug;
use crate::domain::user::Email;
use crate::error::ApiResult;

#[derive(Debug, Clone, Deserialize)]
pub struct UserRow {
    pub id: String,
    pub email: Email,
    pub password_hash: String,
    pub slug: Slug,
    pub profile_name: Option<String>,
    pub profile_bio: Option<String>,
    pub avatar: Option<String>,
    pub cover_image: Option<String>,
    /// The R2 keys of the uploaded avatar and cover: the only objects ever deleted for this account.
    pub avatar_key: Option<String>,
    pub cover_key: Option<String>,
    pub phone: Option<Phone>,
    /// When `phone` proved itself by sending the connect code; notifications go only then.
    pub phone_connected_at: Option<String>,
    /// A live connect code (only while she is connecting) and when it dies (Unix seconds).
    pub connect_code: Option<String>,
    pub connect_code_expires_at: Option<i64>,
    /// The connected number a newer connection replaced, and when: shown in
    /// the dashboard with an undo, and told on that old number.
    pub previous_phone: Option<Phone>,
    pub phone_changed_at: Option<String>,
    /// Each new open bill gets a kode unik (1–999 rupiah on top).
    #[serde(deserialize_with = "super::flag")]
    pub unique_codes: bool,
    #[serde(flatten)]
    pub payment: Payment,
}

/// How buyers pay this jastiper (`domain::payment`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Payment {
    pub pay_bank_name: Option<String>,
    pub pay_bank_account: Option<String>,
    pub pay_bank_holder: Option<String>,
    pub pay_gopay: Option<String>,
    pub pay_ovo: Option<String>,
    pub pay_dana: Option<String>,
    pub pay_shopeepay: Option<String>,
    pub qris_image: Option<String>,
    pub qris_key: Option<String>,
}

impl Payment {
    /// The e-wallets set, as (label, number).
    pub fn wallets(&self) -> Vec<(&'static str, &str)> {
        let numbers = [&self.pay_gopay, &self.pay_ovo, &self.pay_dana, &self.pay_shopeepay];
        crate::domain::payment::WALLETS
            .iter()
            .zip(numbers)
            .filter_map(|((_, label), n)| n.as_deref().map(|n| (*label, n)))
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.pay_bank_account.is_none() && self.wallets().is_empty() && self.qris_image.is_none()
    }
}

const COLUMNS: &str = "id, email, password_hash, slug, profile_name, profile_bio, avatar, cover_image, avatar_key, \
     cover_key, phone, phone_connected_at, connect_code, connect_code_expires_at, previous_phone, phone_changed_at, pay_bank_name, pay_bank_account, pay_bank_holder, pay_gopay, \
     pay_ovo, pay_dana, pay_shopeepay, qris_image, qris_key, unique_codes";

/// The columns of a user, for statements of other tables that read one along.
pub const USER_COLUMNS: &str = COLUMNS;

pub struct NewUser<'a> {
    pub id: &'a str,
    pub email: &'a Email,
    pub password_hash: &'a str,
    pub slug: &'a Slug,
    pub profile_name: &'a str,
    pub now: &'a str,
}

pub async fn by_email(db: &Db, email: &str) -> ApiResult<Option<UserRow>> {
    db.one(&format!("SELECT {COLUMNS} FROM users WHERE email = ?1"), &[email.into()]).await
}

/// The account: the one read of it, alone (`by_id`) or in a batch.
pub fn by_id_query(db: &Db, id: &str) -> ApiResult<super::Select<UserRow>> {
    super::Select::new(db, &format!("SELECT {COLUMNS} FROM users WHERE id = ?1"), &[id.into()])
}

/// The jastiper whose trip a bill is of.
pub fn owner_of_bill_query(db: &Db, bill_id: &str) -> ApiResult<super::Select<UserRow>> {
    super::Select::new(
        db,
        &format!(
            "SELECT {COLUMNS} FROM users WHERE id = (SELECT t.jastiper_id FROM trips t JOIN bills b ON b.trip_id = t.id WHERE b.id = ?1)"
        ),
        &[bill_id.into()],
    )
}

pub async fn by_id(db: &Db, id: &str) -> ApiResult<Option<UserRow>> {
    db.first(by_id_query(db, id)?).await
}

pub async fn by_slug(db: &Db, slug: &str) -> ApiResult<Option<UserRow>> {
    db.one(&format!("SELECT {COLUMNS} FROM users WHERE slug = ?1"), &[slug.into()]).await
}

pub async fn slug_taken(db: &Db, slug: &str) -> ApiResult<bool> {
    #[derive(Deserialize)]
    struct Hit {
        #[allow(dead_code)]
        id: String,
    }
    Ok(db.one::<Hit>("SELECT id FROM users WHERE slug = ?1", &[slug.into()]).await?.is_some())
}

pub async fn set_password_hash(db: &Db, id: &str, hash: &str, now: &str) -> ApiResult<()> {
    db.exec(
        "UPDATE users SET password_hash = ?2, updated_at = ?3 WHERE id = ?1",
        &[id.into(), hash.into(), now.into()],
    )
    .await?;
    Ok(())
}

/// Profile columns a jastiper may change; `None` keeps, `Some(None)` clears.
#[derive(Default)]
pub struct ProfileChange {
    pub profile_name: Option<Option<String>>,
    pub profile_bio: Option<Option<String>>,
    pub avatar: Option<Option<String>>,
    pub cover_image: Option<Option<String>>,
    pub avatar_key: Option<Option<String>>,
    pub cover_key: Option<Option<String>>,
    pub phone: Option<Option<Phone>>,
    /// `pay_*` columns by name, each `None` keeps, `Some(None)` clears.
    pub payment: Vec<(&'static str, Option<String>)>,
    pub qris_image: Option<Option<String>>,
    pub qris_key: Option<Option<String>>,
    pub unique_codes: Option<bool>,
}

pub async fn update_profile(db: &Db, id: &str, c: &ProfileChange, now: &str) -> ApiResult<()> {
    let mut changes = Changes::new(vec![id.into()]);
    changes.set("updated_at", now.into());
    changes.change("profile_name", &c.profile_name);
    changes.change("profile_bio", &c.profile_bio);
    changes.change("avatar", &c.avatar);
    changes.change("cover_image", &c.cover_image);
    changes.change("avatar_key", &c.avatar_key);
    changes.change("cover_key", &c.cover_key);
    changes.change("qris_image", &c.qris_image);
    changes.change("qris_key", &c.qris_key);
    if let Some(on) = c.unique_codes {
        changes.set("unique_codes", on.into());
    }
    for (column, value) in &c.payment {
        changes.set(column, value.as_deref().into());
    }
    if let Some(phone) = &c.phone {
        let n = changes.args.len() + 1;
        changes.set("phone", phone.as_ref().map_or(Arg::Null, Arg::from));
        // Another number is not connected until it sends the code itself.
        changes.raw(&format!("phone_connected_at = CASE WHEN phone IS ?{n} THEN phone_connected_at ELSE NULL END"));
    }
    db.exec(&changes.sql("users", "id = ?1"), &changes.args).await?;
    Ok(())
}

/// A fresh connect code for the account, live until `expires_at` (the old one stops working).
pub async fn set_connect_code(db: &Db, id: &str, code: &str, expires_at: i64, now: &str) -> ApiResult<()> {
    db.exec(
        "UPDATE users SET connect_code = ?2, connect_code_expires_at = ?3, connect_code_failures = 0, updated_at = ?4
         WHERE id = ?1",
        &[id.into(), code.into(), expires_at.into(), now.into()],
    )
    .await?;
    Ok(())
}

/// A connect code dies after this many wrong tries aimed at it.
pub const CONNECT_CODE_TRIES: i64 = 3;

/// What a `KONFIRMASI <connect code>` did.
pub struct Connected {
    pub user: UserRow,
    /// The connected number this one replaced (to be told, and undoable).
    pub replaced: Option<Phone>,
}

/// `KONFIRMASI <code>` from `phone`: a live code makes that number the
/// account's connected number and is used up; a number that replaces
/// another connected one is remembered with the time, for the undo. A code
/// that names a live code (its handle) but is wrong counts against that
/// code, which dies after `CONNECT_CODE_TRIES`. One batch either way.
pub async fn connect_by_code(
    db: &Db,
    code: &str,
    phone: &Phone,
    now: &str,
    now_secs: i64,
) -> ApiResult<Option<Connected>> {
    let handle = crate::domain::ids::connect_code_handle(code);
    let (connected, _failed) = db.read((
        super::Select::<UserRow>::new(
            db,
            &format!(
                "UPDATE users SET
                   previous_phone = CASE WHEN phone_connected_at IS NOT NULL AND phone IS NOT ?2 THEN phone ELSE NULL END,
                   phone_changed_at = CASE WHEN phone_connected_at IS NOT NULL AND phone IS NOT ?2 THEN ?3 ELSE NULL END,
                   phone = ?2, phone_connected_at = ?3, connect_code = NULL, connect_code_expires_at = NULL,
                   connect_code_failures = 0, updated_at = ?3
                 WHERE connect_code = ?1 AND connect_code_expires_at > ?4 AND connect_code_failures < ?5
                 RETURNING {COLUMNS}"
            ),
            &[code.into(), phone.into(), now.into(), now_secs.into(), CONNECT_CODE_TRIES.into()],
        )?,
        // Runs after the first: a used code is NULL by then, so only a
        // wrong code with a live code's handle is counted.
        super::Write(db.stmt(
            "UPDATE users SET connect_code_failures = connect_code_failures + 1,
               connect_code = CASE WHEN connect_code_failures + 1 >= ?3 THEN NULL ELSE connect_code END
             WHERE connect_code > ?1 AND connect_code < ?1 || '~' AND connect_code != ?2 AND changes() = 0",
            &[handle.into(), code.into(), CONNECT_CODE_TRIES.into()],
        )?),
    ))
    .await?;
    Ok(connected.into_iter().next().map(|u| Connected {
        replaced: u.previous_phone.clone().filter(|_| u.phone_changed_at.as_deref() == Some(now)),
        user: u,
    }))
}

/// Undoes the last change of connected number (within `since`): the
/// previous number is connected again. The account after it; `None` when
/// there is nothing to undo.
pub async fn undo_number_change(db: &Db, id: &str, since: &str, now: &str) -> ApiResult<Option<UserRow>> {
    db.one(
        &format!(
            "UPDATE users SET phone = previous_phone, phone_connected_at = ?3, previous_phone = NULL,
               phone_changed_at = NULL, updated_at = ?3
             WHERE id = ?1 AND previous_phone IS NOT NULL AND phone_changed_at >= ?2 RETURNING {COLUMNS}"
        ),
        &[id.into(), since.into(), now.into()],
    )
    .await
}

/// The insert as a statement, to run in one batch with the first refresh token.
pub fn insert_stmt(db: &Db, u: &NewUser<'_>) -> ApiResult<worker::D1PreparedStatement> {
    db.stmt(
        "INSERT INTO users (id, email, password_hash, slug, profile_name, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        &[u.id.into(), u.email.into(), u.password_hash.into(), u.slug.into(), u.profile_name.into(), u.now.into()],
    )
}

/// A profile's numbers: active trips, and orders fulfilled (shipped) ever.
pub async fn stats(db: &Db, id: &str) -> ApiResult<(i64, i64)> {
    #[derive(Deserialize)]
    struct Row {
        trips: i64,
        fulfilled: i64,
    }
    let row: Option<Row> = db
        .one(
            "SELECT (SELECT COUNT(*) FROM trips WHERE jastiper_id = ?1 AND is_active = 1) AS trips,
                    (SELECT COUNT(*) FROM orders o JOIN trips t ON t.id = o.trip_id
                      WHERE t.jastiper_id = ?1 AND o.status = 'shipped') AS fulfilled",
            &[id.into()],
        )
        .await?;
    Ok(row.map_or((0, 0), |r| (r.trips, r.fulfilled)))
}

/// Slugs of jastipers with at least one open trip, for the sitemap.
pub async fn public_slugs(db: &Db, limit: i64) -> ApiResult<Vec<String>> {
    #[derive(Deserialize)]
    struct Row {
        slug: String,
    }
    let rows: Vec<Row> = db
        .many(
            "SELECT u.slug FROM users u WHERE EXISTS (SELECT 1 FROM trips t WHERE t.jastiper_id = u.id AND t.is_active = 1)
             ORDER BY u.slug LIMIT ?1",
            &[limit.into()],
        )
        .await?;
    Ok(rows.into_iter().map(|r| r.slug).collect())
}
