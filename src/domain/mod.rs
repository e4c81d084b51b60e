//! Pure logic: no `worker` import anywhere below this module, so all of it
//! runs and is tested natively with `cargo test`.

pub mod command;
pub mod cost;
pub mod encoding;
pub mod error;
pub mod ids;
pub mod image;
pub mod input;
pub mod messages;
pub mod money;
pub mod order;
pub mod page;
pub mod password;
pub mod phone;
pub mod slug;
pub mod text;
pub mod throttle;
pub mod time;
pub mod token;
pub mod user;
pub mod whatsapp;
