//! What the product does, whichever edge asked: placing an order, joining a
//! trip, attaching a proof, moving an order along, telling people on
//! WhatsApp, answering a penitip's command, sending the outbox. Each use case
//! takes the context, the caller and an already-parsed form, checks
//! ownership, calls `store` (SQL), `platform` (queues, R2, Graph API) and
//! `domain` (rules), and answers rows or an `ApiError`. It never sees an HTTP
//! request or builds a response.

pub mod accounts;
pub mod bills;
pub mod chat;
pub mod chat_proof;
pub mod dashboard;
pub mod delivery;
pub mod housekeeping;
pub mod inbound;
pub mod inbox;
pub mod messages;
pub mod notify;
pub mod orders;
pub mod outbox;
pub mod participants;
pub mod payments;
pub mod products;
pub mod profile;
pub mod public;
pub mod public_cache;
pub mod recap;
pub mod trips;

use crate::ctx::Ctx;
use crate::error::{ApiError, ApiResult, ErrorCode};

pub use crate::domain::user::AuthUser;

/// Healthy when D1 answers a query against the schema (503 before the migrations).
pub async fn health(ctx: &Ctx) -> ApiResult<()> {
    match crate::store::schema_ready(&ctx.db).await {
        Ok(()) => Ok(()),
        Err(e) if e.internal.as_deref().is_some_and(|d| d.contains("no such table")) => {
            Err(ApiError::new(ErrorCode::DatabaseNotMigrated, "The database has no schema: apply the migrations"))
        }
        Err(e) => Err(e),
    }
}
