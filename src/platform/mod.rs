//! The Workers bindings other than D1 (Queues, R2) and the one outside API we
//! call (Meta's Graph API), behind small functions. Used by `service` and by
//! the edges; it knows nothing of HTTP requests or pages.

pub mod edge_cache;
pub mod graph_api;
pub mod limits;
pub mod queues;
pub mod r2;
pub mod sentry;
