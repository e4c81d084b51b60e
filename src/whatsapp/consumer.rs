//! The queue edge: one batch of one queue at a time. Inbound deliveries go
//! to `service::inbound`, the four outbound queues to `service::delivery`
//! (paced sends, each message acked or retried on its own), dead letters
//! mark their rows failed.

use serde_json::{json, Value};
use worker::{Message, MessageBatch, MessageExt, QueueRetryOptionsBuilder};

use crate::ctx::Ctx;
use crate::error::ApiResult;
use crate::platform::queues::{InboundJob, OutboxJob, Queue, IDS_PER_JOB};
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
        for id in job.ids() {
            if let Err(e) = delivery::dead_letter(ctx, id).await {
                log("error", "dead letter not recorded", json!({"outboxId": id, "error": e.to_string()}));
            }
        }
    }
}

/// How many sends of a batch are in flight at once: enough to cover about
/// 100 ms of round trips at the configured rate (16 at Meta's 80/s, 100 at
/// 1,000/s; measured in BENCHMARKS.md, "send ceiling"). Each still waits for
/// its own slot of the shared pacer, so the rate holds; the overlap hides
/// the D1 and Graph API round trips that a one-at-a-time loop would add to
/// every slot.
fn in_flight(rate_per_sec: f64) -> usize {
    ((rate_per_sec / 10.0).ceil() as usize).clamp(16, 100)
}

/// Sends a batch, paced to `WA_RATE_PER_SEC` across every consumer. A
/// message's rows go out together; it is acked when every one is done, and
/// retried (after the longest backoff any of them asked) otherwise: its rows
/// already sent are not claimed again.
async fn send_all(ctx: &Ctx, queue: Queue, messages: Vec<Message<Value>>) {
    use futures::StreamExt;
    let pacer = Pacer::new(ctx.config.wa.rate_per_sec);
    let pacer = &pacer;
    let at_once = in_flight(ctx.config.wa.rate_per_sec).div_ceil(IDS_PER_JOB);
    futures::stream::iter(messages)
        .for_each_concurrent(at_once, |m| async move {
            let Ok(job) = serde_json::from_value::<OutboxJob>(m.body().clone()) else {
                log("error", "malformed outbound job dropped", json!({"queue": queue.name(), "body": m.body()}));
                m.ack();
                return;
            };
            let steps = futures::future::join_all(job.ids().map(|id| async move {
                let step = delivery::send_row(ctx, id, pacer).await;
                if let Err(e) = &step {
                    log("error", "outbound failed, will retry", json!({"outboxId": id, "error": e.to_string()}));
                    let detail = e.internal.clone().unwrap_or_else(|| e.to_string());
                    ctx.report(
                        "queue_retry",
                        &format!("queue:{}", queue.queue_name()),
                        format!("outbox {id}: {detail}"),
                    );
                }
                step
            }))
            .await;
            if steps.iter().any(|s| s.is_err()) {
                m.retry();
            } else if let Some(seconds) =
                steps.iter().filter_map(|s| if let Ok(Step::RetryIn(n)) = s { Some(*n) } else { None }).max()
            {
                m.retry_with_options(&QueueRetryOptionsBuilder::new().with_delay_seconds(seconds).build());
            } else {
                m.ack();
            }
        })
        .await;
}
