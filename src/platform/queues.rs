//! The queues and what their messages carry. Outbound queues carry only an
//! outbox row id (the row holds the message); the inbound queue carries one
//! webhook event.

use serde::{Deserialize, Serialize};
use worker::{BatchMessageBuilder, Env};

use crate::domain::whatsapp::{Inbound, StatusUpdate};
use crate::error::{ApiError, ApiResult};

/// The four outbound queues plus the inbound one and the dead letters;
/// `name` is what the outbox row's `queue` column holds, `binding` the
/// producer in wrangler.toml.
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
    const ALL: [Queue; 6] = [
        Queue::Notifications,
        Queue::Broadcast,
        Queue::ProofNotify,
        Queue::Confirmation,
        Queue::Inbound,
        Queue::DeadLetter,
    ];

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
        Self::ALL.into_iter().find(|q| q.name() == name || q.queue_name() == name)
    }
}

/// What a message of an outbound queue (and of the dead-letter queue) carries.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboxJob {
    /// One row: what jobs queued before issue 21 carry (still read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outbox_id: Option<String>,
    /// Up to `IDS_PER_JOB` rows, each sent on its own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outbox_ids: Vec<String>,
}

/// Outbox rows per queue message: a fan-out to 20,000 is 20 sends of 100
/// messages, not 200 (a request that made 120 sends failed in workerd with an
/// internal error; BENCHMARKS.md, "send ceiling").
pub const IDS_PER_JOB: usize = 10;

impl OutboxJob {
    pub fn ids(&self) -> impl Iterator<Item = &String> {
        self.outbox_id.iter().chain(&self.outbox_ids)
    }
}

/// What the inbound queue carries: one message or one status callback.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum InboundJob {
    Message(Inbound),
    Status(StatusUpdate),
    /// Tell the jastiper about a trip's new orders (sent delayed: coalesced).
    OrderDigest {
        trip_id: String,
    },
    /// A password reset asked for this email: looked up and sent here, after
    /// the answer, so the request does the same work for any email.
    PasswordReset {
        email: String,
    },
    /// Tell the jastiper about new messages in her inbox (delayed: coalesced).
    InboxDigest {
        jastiper_id: String,
    },
    /// A payment was rejected: its penitip is told, unless it was taken back
    /// meanwhile (sent delayed by the undo window).
    PaymentRejected {
        payment_id: String,
    },
    /// A confirmed buyer's checkout was placed: its receipt is written here,
    /// so the checkout itself is two D1 round trips.
    Receipt {
        checkout_id: String,
    },
}

fn producer(env: &Env, queue: Queue) -> ApiResult<worker::Queue> {
    env.queue(queue.binding()).map_err(|e| ApiError::internal(format!("queue binding {}: {e}", queue.name())))
}

/// Queue messages for outbox rows already written: `IDS_PER_JOB` rows per
/// message, 100 messages per send (the Queues limit).
pub async fn enqueue_outbox(env: &Env, queue: Queue, ids: &[String]) -> ApiResult<()> {
    let producer = producer(env, queue)?;
    for chunk in ids.chunks(100 * IDS_PER_JOB) {
        let jobs: Vec<OutboxJob> =
            chunk.chunks(IDS_PER_JOB).map(|ids| OutboxJob { outbox_id: None, outbox_ids: ids.to_vec() }).collect();
        producer.send_batch(BatchMessageBuilder::new().messages(jobs).build()).await?;
    }
    Ok(())
}

/// One job for the inbound consumer, delivered `delay_secs` from now.
pub async fn enqueue_inbound_after(env: &Env, job: InboundJob, delay_secs: u32) -> ApiResult<()> {
    let producer = producer(env, Queue::Inbound)?;
    producer.send(worker::MessageBuilder::new(job).delay_seconds(delay_secs).build()).await?;
    Ok(())
}

/// Hands webhook events to the inbound consumer.
pub async fn enqueue_inbound(env: &Env, jobs: Vec<InboundJob>) -> ApiResult<()> {
    let producer = producer(env, Queue::Inbound)?;
    let mut jobs = jobs;
    while !jobs.is_empty() {
        let rest = jobs.split_off(jobs.len().min(100));
        producer.send_batch(BatchMessageBuilder::new().messages(jobs).build()).await?;
        jobs = rest;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for q in Queue::ALL {
            assert_eq!(Queue::from_name(q.name()), Some(q));
            assert_eq!(Queue::from_name(q.queue_name()), Some(q));
        }
        assert_eq!(Queue::from_name("jastipin-other"), None);
    }
}
