//! Consuming `janua.events`: one durable quorum queue per consuming service, bound to the
//! event types it cares about, manual acks after the handler's transaction committed, and a
//! dead-letter queue (`<queue>.dead`) for poison messages after bounded redeliveries
//! (`x-delivery-limit`). Handlers must be idempotent: consumers drop duplicates by event id
//! (janua-db's inbox).

use crate::proto::EventEnvelope;
use futures::StreamExt;
use futures::future::BoxFuture;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicNackOptions, BasicQosOptions, BasicRejectOptions,
    ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions,
};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{Connection, ExchangeKind};
use prost::Message;
use std::sync::Arc;
use std::time::Duration;
use tracing::Instrument;

pub const DEAD_LETTER_EXCHANGE: &str = "janua.events.dead";
/// Deliveries of one message before it is dead-lettered.
pub const DELIVERY_LIMIT: i32 = 10;

/// A handler that fails for a passing reason (its database away, its pool exhausted) is tried
/// again in place, backing off, before its delivery goes back to the queue: each return to the
/// queue counts toward [`DELIVERY_LIMIT`], so an outage of seconds must not use them up and
/// dead-letter good events. With these figures each delivery is tried for about six seconds
/// (200 ms doubling, six tries), so a message is dead-lettered only after about a minute of
/// failing (ten deliveries), not ten quick requeues.
const IN_PLACE: InPlace = InPlace {
    backoff: janua_core::retry::Backoff {
        base: Duration::from_millis(200),
        max: Duration::from_secs(10),
        jitter: 0.2,
    },
    tries: 6,
};

struct InPlace {
    backoff: janua_core::retry::Backoff,
    tries: u32,
}

async fn tried_in_place<F, Fut>(queue: &str, handle: F) -> Result<(), HandleError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), HandleError>>,
{
    IN_PLACE.run(queue, handle).await
}

impl InPlace {
    /// Runs `handle` until it succeeds, rejects, or has failed `tries` times in a row.
    async fn run<F, Fut>(&self, queue: &str, mut handle: F) -> Result<(), HandleError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<(), HandleError>>,
    {
        let mut attempts = self.backoff.attempts();
        for _ in 1..self.tries {
            match handle().await {
                Err(HandleError::Retry(why)) => {
                    let wait = attempts.failed();
                    tracing::warn!(queue = %queue, reason = %why, retry_in_ms = wait.as_millis() as u64, "event handling failed; trying again");
                    tokio::time::sleep(wait).await;
                }
                settled => return settled,
            }
        }
        handle().await
    }
}

#[derive(Debug)]
pub enum HandleError {
    /// A dependency is down: deliver again later.
    Retry(String),
    /// The message can never be handled: dead-letter it.
    Reject(String),
}

pub type Handler = Arc<dyn Fn(EventEnvelope) -> BoxFuture<'static, Result<(), HandleError>> + Send + Sync>;

/// A [`Handler`] that applies each event with `apply`, handing it its own clone of `context`
/// (a pool, a service's state).
pub fn handler<C, F, Fut>(context: C, apply: F) -> Handler
where
    C: Clone + Send + Sync + 'static,
    F: Fn(C, EventEnvelope) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<(), HandleError>> + Send + 'static,
{
    Arc::new(move |envelope| Box::pin(apply(context.clone(), envelope)))
}

/// Applies several events in one go (one transaction); all of them or none.
pub type BatchHandler =
    Arc<dyn Fn(Vec<EventEnvelope>) -> BoxFuture<'static, Result<(), HandleError>> + Send + Sync>;

#[derive(Clone, Copy)]
enum Apply<'a> {
    One(&'a Handler),
    /// Up to this many deliveries that are already waiting are applied together.
    Batch(&'a BatchHandler, usize),
}

#[derive(Debug, Clone)]
pub struct Subscription {
    pub queue: String,
    /// Routing keys (event types or topic patterns such as `user.*`).
    pub bindings: Vec<String>,
    pub prefetch: u16,
}

/// Consumes until the task is dropped, reconnecting with backoff. `status` is up while the
/// consumer is attached to its queue.
pub async fn run(
    amqp_url: String, exchange: String, subscription: Subscription, handler: Handler,
    status: crate::BrokerStatus,
) {
    keep_consuming(&amqp_url, &exchange, &subscription, Apply::One(&handler), &status).await
}

/// Like [`run`], for a handler that applies what is already waiting (up to `max_batch`
/// deliveries) in one transaction: no added latency when idle, far fewer commits under load.
/// A batch that cannot be applied is retried one event at a time, so one poison message is
/// dead-lettered alone.
pub async fn run_batched(
    amqp_url: String, exchange: String, subscription: Subscription, max_batch: usize, handler: BatchHandler,
    status: crate::BrokerStatus,
) {
    let apply = Apply::Batch(&handler, max_batch.max(1));
    keep_consuming(&amqp_url, &exchange, &subscription, apply, &status).await
}

async fn keep_consuming(
    amqp_url: &str, exchange: &str, subscription: &Subscription, apply: Apply<'_>,
    status: &crate::BrokerStatus,
) {
    let mut attempts = janua_core::retry::Backoff::RECONNECT.attempts();
    loop {
        let outcome = consume(amqp_url, exchange, subscription, apply, status).await;
        // A consumer that was attached starts its reconnection backoff afresh.
        if status.is_connected() {
            attempts.succeeded();
        }
        status.set(false);
        if let Err(e) = outcome {
            tracing::warn!(queue = %subscription.queue, error = %e, "event consumer lost the broker; reconnecting")
        }
        attempts.wait_after_failure().await;
    }
}

/// How long connecting, declaring and starting to consume may take: a broker link that dies
/// half-way through its handshake must not leave the consumer waiting forever.
const SETUP_TIMEOUT: Duration = Duration::from_secs(15);

/// Why a consumer lost its broker.
#[derive(Debug, thiserror::Error)]
enum ConsumeError {
    #[error(transparent)]
    Broker(#[from] lapin::Error),
    #[error("connecting to the broker took more than {0:?}")]
    SetupTimeout(Duration),
    #[error("the broker connection is down")]
    Down,
    #[error("the broker ended the delivery stream")]
    Ended,
}

/// How often a consumer checks that its connection is still up: a link that dies without
/// the delivery stream saying so must not leave the consumer waiting forever.
const LINK_CHECK: Duration = Duration::from_secs(1);

async fn open(
    amqp_url: &str, exchange: &str, sub: &Subscription,
) -> Result<(Connection, lapin::Channel, lapin::Consumer), lapin::Error> {
    let connection = crate::broker::connect(amqp_url).await?;
    let channel = connection.create_channel().await?;
    crate::publisher::declare_exchange(&channel, exchange).await?;
    declare(&channel, exchange, sub).await?;
    channel.basic_qos(sub.prefetch, BasicQosOptions::default()).await?;
    let deliveries = channel
        .basic_consume(
            sub.queue.as_str().into(),
            "".into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await?;
    Ok((connection, channel, deliveries))
}

async fn consume(
    amqp_url: &str, exchange: &str, sub: &Subscription, apply: Apply<'_>, status: &crate::BrokerStatus,
) -> Result<(), ConsumeError> {
    let (connection, _channel, mut deliveries) =
        tokio::time::timeout(SETUP_TIMEOUT, open(amqp_url, exchange, sub))
            .await
            .map_err(|_| ConsumeError::SetupTimeout(SETUP_TIMEOUT))??;
    tracing::info!(queue = %sub.queue, "event consumer running");
    status.set(true);
    let link = async {
        loop {
            tokio::time::sleep(LINK_CHECK).await;
            if !connection.status().connected() {
                return;
            }
        }
    };
    tokio::select! {
        outcome = deliver(sub, apply, &mut deliveries) => outcome,
        () = link => Err(ConsumeError::Down),
    }
}

/// Applies deliveries until the stream ends (an error: the consumer reconnects).
async fn deliver(
    sub: &Subscription, apply: Apply<'_>, deliveries: &mut lapin::Consumer,
) -> Result<(), ConsumeError> {
    match apply {
        Apply::One(handler) => {
            while let Some(delivery) = deliveries.next().await {
                let delivery = delivery?;
                let (outcome, envelope) = match EventEnvelope::decode(delivery.data.as_slice()) {
                    Ok(envelope) => {
                        let span = span(&sub.queue, &delivery, &envelope);
                        let handled =
                            tried_in_place(&sub.queue, || handler(envelope.clone())).instrument(span).await;
                        (handled, Some(envelope))
                    }
                    Err(e) => (Err(HandleError::Reject(format!("undecodable envelope: {e}"))), None),
                };
                settle(&sub.queue, &delivery, envelope.as_ref(), outcome).await?;
            }
        }
        Apply::Batch(handler, max) => {
            // Under load a batch gathers what arrives until its paced start (up to `max`);
            // after a quiet while it takes only what is already there.
            let mut pace = janua_core::pace::Pace::new(janua_core::pace::BATCH_WINDOW);
            while let Some(first) = deliveries.next().await {
                let mut batch = vec![first];
                let start = pace.next_start();
                while batch.len() < max {
                    match tokio::time::timeout_at(start, deliveries.next()).await {
                        Ok(Some(delivery)) => batch.push(delivery),
                        Ok(None) | Err(_) => break,
                    }
                }
                let mut ready = Vec::with_capacity(batch.len());
                for delivery in batch {
                    let delivery = delivery?;
                    match EventEnvelope::decode(delivery.data.as_slice()) {
                        Ok(envelope) => ready.push((delivery, envelope)),
                        Err(e) => {
                            let why = format!("undecodable envelope: {e}");
                            settle(&sub.queue, &delivery, None, Err(HandleError::Reject(why))).await?;
                        }
                    }
                }
                if ready.is_empty() {
                    continue;
                }
                let envelopes: Vec<EventEnvelope> = ready.iter().map(|(_, e)| e.clone()).collect();
                // One span per event, each in its own trace, for as long as the batch takes.
                let spans: Vec<tracing::Span> = ready.iter().map(|(d, e)| span(&sub.queue, d, e)).collect();
                let applied = tried_in_place(&sub.queue, || handler(envelopes.clone())).await;
                drop(spans);
                match applied {
                    Ok(()) => {
                        // One ack for the batch: every delivery of the channel up to the last
                        // one (those before it were all settled already, in order).
                        if let Some((last, _)) = ready.last() {
                            last.ack(BasicAckOptions { multiple: true }).await?;
                        }
                        for (delivery, envelope) in &ready {
                            observe(&sub.queue, delivery, Some(envelope), Outcome::Handled);
                        }
                    }
                    Err(HandleError::Retry(why)) => {
                        tracing::warn!(queue = %sub.queue, reason = %why, events = ready.len(), "event batch failed; will be redelivered");
                        for (delivery, envelope) in &ready {
                            delivery.nack(BasicNackOptions { requeue: true, ..Default::default() }).await?;
                            observe(&sub.queue, delivery, Some(envelope), Outcome::Retried);
                        }
                    }
                    Err(HandleError::Reject(_)) if ready.len() > 1 => {
                        for (delivery, envelope) in ready {
                            let outcome =
                                tried_in_place(&sub.queue, || handler(vec![envelope.clone()])).await;
                            settle(&sub.queue, &delivery, Some(&envelope), outcome).await?;
                        }
                    }
                    Err(reject) => {
                        for (delivery, envelope) in &ready {
                            let why = match &reject {
                                HandleError::Reject(w) | HandleError::Retry(w) => w.clone(),
                            };
                            settle(&sub.queue, delivery, Some(envelope), Err(HandleError::Reject(why)))
                                .await?;
                        }
                    }
                }
            }
        }
    }
    Err(ConsumeError::Ended)
}

/// Acks a handled delivery, requeues one to retry, dead-letters one that can never be handled.
async fn settle(
    queue: &str, delivery: &lapin::message::Delivery, envelope: Option<&EventEnvelope>,
    outcome: Result<(), HandleError>,
) -> Result<(), lapin::Error> {
    match outcome {
        Ok(()) => {
            delivery.ack(BasicAckOptions::default()).await?;
            observe(queue, delivery, envelope, Outcome::Handled);
        }
        Err(HandleError::Retry(why)) => {
            tracing::warn!(queue = %queue, reason = %why, "event handling failed; will be redelivered");
            delivery.nack(BasicNackOptions { requeue: true, ..Default::default() }).await?;
            observe(queue, delivery, envelope, Outcome::Retried);
        }
        Err(HandleError::Reject(why)) => {
            tracing::error!(queue = %queue, reason = %why, "event dead-lettered");
            delivery.reject(BasicRejectOptions { requeue: false }).await?;
            observe(queue, delivery, envelope, Outcome::DeadLettered);
        }
    }
    Ok(())
}

/// The span of handling one event: a child of the trace context the message carries (its
/// `traceparent` header, else the envelope's).
pub fn span(queue: &str, delivery: &lapin::message::Delivery, envelope: &EventEnvelope) -> tracing::Span {
    let span = tracing::info_span!(
        "consume",
        otel.name = format!("{queue} process"),
        otel.kind = "consumer",
        messaging.system = "rabbitmq",
        messaging.destination.name = queue,
        messaging.message.id = %envelope.id,
        event.r#type = %envelope.r#type,
    );
    let header = delivery.properties.headers().as_ref().and_then(|headers| {
        headers.inner().iter().find(|(name, _)| name.as_str() == "traceparent").and_then(|(_, value)| {
            match value {
                AMQPValue::LongString(s) => Some(String::from_utf8_lossy(s.as_bytes()).into_owned()),
                _ => None,
            }
        })
    });
    let traceparent = header.unwrap_or_else(|| envelope.traceparent.clone());
    janua_core::telemetry::parent_from(&span, &traceparent, None);
    span
}

#[derive(Clone, Copy)]
enum Outcome {
    Handled,
    Retried,
    DeadLettered,
}

/// A settled delivery in the metrics: its outcome, whether the broker redelivered it, and
/// (once handled) how long after it occurred.
fn observe(
    queue: &str, delivery: &lapin::message::Delivery, envelope: Option<&EventEnvelope>, outcome: Outcome,
) {
    use janua_core::metrics as m;
    let queue = queue.to_string();
    let name = match outcome {
        Outcome::Handled => "handled",
        Outcome::Retried => "retried",
        Outcome::DeadLettered => "dead_lettered",
    };
    metrics::counter!(m::CONSUMED, "queue" => queue.clone(), "outcome" => name).increment(1);
    if delivery.redelivered {
        metrics::counter!(m::REDELIVERED, "queue" => queue.clone()).increment(1);
    }
    match outcome {
        Outcome::DeadLettered => metrics::counter!(m::DEAD_LETTERED, "queue" => queue).increment(1),
        Outcome::Handled => {
            let occurred = envelope.and_then(|e| chrono::DateTime::parse_from_rfc3339(&e.occurred_at).ok());
            if let Some(occurred) = occurred {
                let lag = (chrono::Utc::now() - occurred.to_utc()).num_microseconds().unwrap_or(0).max(0);
                metrics::histogram!(m::CONSUMER_LAG, "queue" => queue).record(lag as f64 / 1e6);
            }
        }
        Outcome::Retried => {}
    }
}

/// Declares a consumer's durable queue, its dead-letter queue and its bindings (idempotent;
/// publishers declare every known subscription too, so no event published before a consumer
/// first started is lost).
pub async fn declare(
    channel: &lapin::Channel, exchange: &str, sub: &Subscription,
) -> Result<(), lapin::Error> {
    channel
        .exchange_declare(
            DEAD_LETTER_EXCHANGE.into(),
            ExchangeKind::Direct,
            ExchangeDeclareOptions { durable: true, ..Default::default() },
            FieldTable::default(),
        )
        .await?;
    let dead = format!("{}.dead", sub.queue);
    channel
        .queue_declare(
            dead.as_str().into(),
            QueueDeclareOptions { durable: true, ..Default::default() },
            quorum(),
        )
        .await?;
    channel
        .queue_bind(
            dead.as_str().into(),
            DEAD_LETTER_EXCHANGE.into(),
            sub.queue.as_str().into(),
            QueueBindOptions::default(),
            FieldTable::default(),
        )
        .await?;
    let mut args = quorum();
    args.insert("x-dead-letter-exchange".into(), AMQPValue::LongString(DEAD_LETTER_EXCHANGE.into()));
    args.insert("x-dead-letter-routing-key".into(), AMQPValue::LongString(sub.queue.as_str().into()));
    args.insert("x-delivery-limit".into(), AMQPValue::LongInt(DELIVERY_LIMIT));
    channel
        .queue_declare(
            sub.queue.as_str().into(),
            QueueDeclareOptions { durable: true, ..Default::default() },
            args,
        )
        .await?;
    for key in &sub.bindings {
        channel
            .queue_bind(
                sub.queue.as_str().into(),
                exchange.into(),
                key.as_str().into(),
                QueueBindOptions::default(),
                FieldTable::default(),
            )
            .await?;
    }
    Ok(())
}

fn quorum() -> FieldTable {
    let mut args = FieldTable::default();
    args.insert("x-queue-type".into(), AMQPValue::LongString("quorum".into()));
    args
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    const QUICK: InPlace = InPlace {
        backoff: janua_core::retry::Backoff {
            base: Duration::from_millis(1),
            max: Duration::from_millis(2),
            jitter: 0.0,
        },
        tries: 6,
    };

    /// A handler failing `failures` times for a passing reason, then succeeding.
    fn flaky(
        failures: u32, calls: &AtomicU32,
    ) -> impl FnMut() -> futures::future::Ready<Result<(), HandleError>> + '_ {
        move || {
            let call = calls.fetch_add(1, Ordering::SeqCst) + 1;
            futures::future::ready(if call <= failures {
                Err(HandleError::Retry("the database is away".into()))
            } else {
                Ok(())
            })
        }
    }

    #[tokio::test]
    async fn a_passing_failure_is_retried_in_place_without_going_back_to_the_queue() {
        let calls = AtomicU32::new(0);
        assert!(QUICK.run("q", flaky(5, &calls)).await.is_ok());
        assert_eq!(calls.load(Ordering::SeqCst), 6);
    }

    #[tokio::test]
    async fn a_lasting_failure_goes_back_to_the_queue_after_the_tries_and_a_reject_at_once() {
        let calls = AtomicU32::new(0);
        let outcome = QUICK.run("q", flaky(u32::MAX, &calls)).await;
        assert!(matches!(outcome, Err(HandleError::Retry(_))));
        assert_eq!(calls.load(Ordering::SeqCst), 6);

        let calls = AtomicU32::new(0);
        let reject = || {
            calls.fetch_add(1, Ordering::SeqCst);
            futures::future::ready(Err(HandleError::Reject("undecodable".into())))
        };
        assert!(matches!(QUICK.run("q", reject).await, Err(HandleError::Reject(_))));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}
