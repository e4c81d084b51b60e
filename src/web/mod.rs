//! Request and response plumbing the HTTP edges (`http` for the API,
//! `pages` and `dashboard` for HTML) share: body limits, forms and uploads,
//! query strings, who is calling, building responses, and the HTML kit
//! (`page`, `html`, `form`). It holds no use case and imports no `service`.

pub mod auth;
pub mod body;
pub mod form;
pub mod html;
pub mod page;
pub mod query;
pub mod respond;
pub mod upload;
