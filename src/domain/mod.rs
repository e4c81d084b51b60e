//! Pure rules: no `worker` import and no HTTP status anywhere below this
//! module, so all of it runs and is tested natively with `cargo test`.

pub mod bill;
pub mod command;
pub mod cost;
pub mod csv;
pub mod encoding;
pub mod fields;
pub mod ids;
pub mod image;
pub mod messages;
pub mod money;
pub mod newtype;
pub mod order;
pub mod outbox;
pub mod page;
pub mod password;
pub mod payment;
pub mod phone;
pub mod pricing;
pub mod product;
pub mod scrub;
pub mod slug;
pub mod text;
pub mod throttle;
pub mod time;
pub mod token;
pub mod user;
pub mod whatsapp;
