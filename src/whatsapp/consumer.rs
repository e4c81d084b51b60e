//! The queue edge: one batch of one queue at a time. Inbound deliveries go
//! to `service::inbound`, the four outbound queues to `service::delivery`
//! (paced sends, each message acked or retried on its own), dead letters
//! mark their rows failed.

use serde_json::{json, Value};
use worker::{Message, MessageBatch, MessageExt, QueueRetryOptionsBuilder};

use crate::ctx::Ctx;
use crate::error::ApiResult;
use crate::platform::queues::{InboundJob, OutboxJob, Queue};
use crate::service::delivery::{self, log, Pacer, Step};
use crate::service::inbound::{self, Processed};

pub async fn handle(batch: MessageBatch<Value>, ctx: &Ctx) -> ApiResult<()> {
    let name = batch.queue();
    let messages = batch.messages()?;
    match Queue::from_name(&name) {
        Some(Queue::Inbound) => {
            for m in messages {
                match serde_json::from_value::<InboundJob>(m.body().clone()) {
                    Ok(job) => match process(ctx, job).await {
                        Ok(Processed::Done) => m.ack(),
                        Ok(Processed::RetryIn(seconds)) => {
                            m.retry_with_options(&QueueRetryOptionsBuilder::new().with_delay_seconds(seconds).build())
                        }
                        Err(e) => {
                            log("error", "inbound failed, will retry", json!({"error": e.to_string()}));
                            ctx.report(
                                "queue_retry",
                                &format!("queue:{name}"),
                                e.internal.clone().unwrap_or_else(|| e.to_string()),
                            );
                            m.retry();
                        }
                    },
                    Err(e) => {
                        log("error", "malformed inbound job dropped", json!({"error": e.to_string()}));
                        m.ack();
                    }
                }
            }
        }
        Some(Queue::DeadLetter) => {
            for m in messages {
                dead_letter(ctx, &m).await;
                m.ack();
            }
        }
        Some(queue) => send_all(ctx, queue, messages).await,
        None => {
            log("error", "messages from an unknown queue dropped", json!({"queue": name}));
            batch.ack_all();
        }
    }
    Ok(())
}

async fn process(ctx: &Ctx, job: InboundJob) -> ApiResult<Processed> {
    // ENABLE_TEST_ROUTES=1 only: a message reading `__PANIC__` crashes the
    // instance, so a test can prove a poison message fails alone.
    if ctx.config.test_routes {
        if let InboundJob::Message(m) = &job {
            if m.text.as_deref() == Some("__PANIC__") {
                panic!("deliberate panic from an inbound test message");
            }
        }
    }
    inbound::process(ctx, job).await
}

async fn dead_letter(ctx: &Ctx, m: &Message<Value>) {
    log("error", "dead letter", json!({"body": m.body()}));
    ctx.report("dead_letter", "queue:jastipin-dlq", format!("a message used up its retries: {}", m.body()));
    if let Ok(job) = serde_json::from_value::<OutboxJob>(m.body().clone()) {
        if let Err(e) = delivery::dead_letter(ctx, &job.outbox_id).await {
            log("error", "dead letter not recorded", json!({"outboxId": job.outbox_id, "error": e.to_string()}));
        }
    }
}

/// How many messages of a batch are in flight at once: enough to cover about
/// 100 ms of round trips at the configured rate (16 at Meta's 80/s, a whole
/// batch of 100 at 1,000/s; measured in BENCHMARKS.md, "send ceiling"). Each
/// still waits for its own slot of the shared pacer, so the rate holds; the
/// overlap hides the D1 and Graph API round trips that a one-at-a-time loop
/// would add to every slot.
fn in_flight(rate_per_sec: f64) -> usize {
    ((rate_per_sec / 10.0).ceil() as usize).clamp(16, 100)
}

/// Sends a batch, paced to `WA_RATE_PER_SEC` across every consumer, acking
/// or retrying each message on its own.
async fn send_all(ctx: &Ctx, queue: Queue, messages: Vec<Message<Value>>) {
    use futures::StreamExt;
    let pacer = Pacer::new(ctx.config.wa.rate_per_sec);
    let pacer = &pacer;
    futures::stream::iter(messages)
        .for_each_concurrent(in_flight(ctx.config.wa.rate_per_sec), |m| async move {
            let Ok(job) = serde_json::from_value::<OutboxJob>(m.body().clone()) else {
                log("error", "malformed outbound job dropped", json!({"queue": queue.name(), "body": m.body()}));
                m.ack();
                return;
            };
            match delivery::send_row(ctx, &job.outbox_id, pacer).await {
                Ok(Step::Done) => m.ack(),
                Ok(Step::RetryIn(seconds)) => {
                    m.retry_with_options(&QueueRetryOptionsBuilder::new().with_delay_seconds(seconds).build())
                }
                Err(e) => {
                    log(
                        "error",
                        "outbound failed, will retry",
                        json!({"outboxId": job.outbox_id, "error": e.to_string()}),
                    );
                    let detail = e.internal.clone().unwrap_or_else(|| e.to_string());
                    ctx.report(
                        "queue_retry",
                        &format!("queue:{}", queue.queue_name()),
                        format!("outbox {}: {detail}", job.outbox_id),
                    );
                    m.retry();
                }
            }
        })
        .await;
}
