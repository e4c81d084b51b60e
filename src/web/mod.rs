//! Request and response plumbing that both HTTP edges (`http` for the API,
//! `pages` for HTML) share: body limits, forms and uploads, query strings,
//! who is calling, building responses. It holds no use case and no SQL.

pub mod auth;
pub mod body;
pub mod query;
pub mod respond;
pub mod upload;
