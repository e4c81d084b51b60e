//! WhatsApp at the edge: the webhook, the outbox and its queues, the Graph
//! API client and the queue consumers. Pure logic lives in
//! `domain::{whatsapp, command, messages, cost}`.

pub mod client;
pub mod consumer;
pub mod inbound;
pub mod outbox;
pub mod webhook;

/// The queues of spec §7 plus the inbound one; `name` is what the outbox
/// row's `queue` column holds, `binding` the producer in wrangler.toml.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    Notifications,
    Broadcast,
    ProofNotify,
    Confirmation,
    Inbound,
    DeadLetter,
}

impl Queue {
    pub const OUTBOUND: [Queue; 4] = [Queue::Notifications, Queue::Broadcast, Queue::ProofNotify, Queue::Confirmation];

    pub fn name(self) -> &'static str {
        match self {
            Queue::Notifications => "notifications",
            Queue::Broadcast => "broadcast",
            Queue::ProofNotify => "proof_notify",
            Queue::Confirmation => "confirmation",
            Queue::Inbound => "inbound",
            Queue::DeadLetter => "dlq",
        }
    }

    pub fn binding(self) -> &'static str {
        match self {
            Queue::Notifications => "NOTIFICATIONS_QUEUE",
            Queue::Broadcast => "BROADCAST_QUEUE",
            Queue::ProofNotify => "PROOF_NOTIFY_QUEUE",
            Queue::Confirmation => "CONFIRMATION_QUEUE",
            Queue::Inbound => "INBOUND_QUEUE",
            Queue::DeadLetter => "DEAD_LETTER_QUEUE",
        }
    }

    /// The Cloudflare queue name (`jastipin-…`), as a consumer sees it.
    pub fn queue_name(self) -> &'static str {
        match self {
            Queue::Notifications => "jastipin-notifications",
            Queue::Broadcast => "jastipin-broadcast",
            Queue::ProofNotify => "jastipin-proof-notify",
            Queue::Confirmation => "jastipin-confirmation",
            Queue::Inbound => "jastipin-inbound",
            Queue::DeadLetter => "jastipin-dlq",
        }
    }

    pub fn from_name(name: &str) -> Option<Queue> {
        [
            Queue::Notifications,
            Queue::Broadcast,
            Queue::ProofNotify,
            Queue::Confirmation,
            Queue::Inbound,
            Queue::DeadLetter,
        ]
        .into_iter()
        .find(|q| q.name() == name || q.queue_name() == name)
    }
}

/// Kinds of message that answer something the penitip just wrote: always
/// free-form, and sent even to someone who unsubscribed (they asked).
pub const REPLY_KINDS: &[&str] =
    &["join_reply", "join_products", "info_reply", "stop_reply", "unknown_trip", "needs_phone"];
