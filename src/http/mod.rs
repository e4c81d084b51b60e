//! The API edge: `/api/…` and `/media/…` (`router::route`), each handler
//! parsing a JSON body or a multipart upload, calling one use case and
//! answering a JSON view (`views`). `crate::router` sends it its requests.

pub mod accounts;
pub mod bills;
pub mod health;
pub mod inbox;
pub mod media;
pub mod messages;
pub mod orders;
pub mod participants;
pub mod products;
pub mod profile;
pub mod router;
pub mod trips;
pub mod views;
