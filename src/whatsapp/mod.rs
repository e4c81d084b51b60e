//! The WhatsApp edges: Meta's webhook (an HTTP route) and the queue
//! consumers. What they do is in `service::{inbound, delivery}`; the pure
//! rules in `domain::{whatsapp, command, messages, cost}`.

pub mod consumer;
pub mod webhook;
