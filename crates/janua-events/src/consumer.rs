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
use lapin::{Connection, ConnectionProperties, ExchangeKind};
use prost::Message;
use std::sync::Arc;
use std::time::Duration;

pub const DEAD_LETTER_EXCHANGE: &str = "janua.events.dead";
/// Deliveries of one message before it is dead-lettered.
pub const DELIVERY_LIMIT: i32 = 10;

#[derive(Debug)]
pub enum HandleError {
    /// A dependency is down: deliver again later.
    Retry(String),
    /// The message can never be handled: dead-letter it.
    Reject(String),
}

pub type Handler = Arc<dyn Fn(EventEnvelope) -> BoxFuture<'static, Result<(), HandleError>> + Send + Sync>;

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
    amqp_url: String,
    exchange: String,
    subscription: Subscription,
    handler: Handler,
    status: crate::BrokerStatus,
) {
    let mut backoff = Duration::from_millis(200);
    loop {
        let outcome = consume(&amqp_url, &exchange, &subscription, &handler, &status).await;
        status.set(false);
        match outcome {
            Ok(()) => backoff = Duration::from_millis(200),
            Err(e) => {
                tracing::warn!(queue = %subscription.queue, error = %e, "event consumer lost the broker; reconnecting")
            }
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
}

async fn consume(
    amqp_url: &str,
    exchange: &str,
    sub: &Subscription,
    handler: &Handler,
    status: &crate::BrokerStatus,
) -> Result<(), lapin::Error> {
    let connection = Connection::connect(amqp_url, ConnectionProperties::default()).await?;
    let channel = connection.create_channel().await?;
    crate::publisher::declare_exchange(&channel, exchange).await?;
    channel
        .exchange_declare(
            DEAD_LETTER_EXCHANGE.into(),
            ExchangeKind::Direct,
            ExchangeDeclareOptions {
                durable: true,
                ..Default::default()
            },
            FieldTable::default(),
        )
        .await?;
    let dead = format!("{}.dead", sub.queue);
    channel
        .queue_declare(
            dead.as_str().into(),
            QueueDeclareOptions {
                durable: true,
                ..Default::default()
            },
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
    args.insert(
        "x-dead-letter-exchange".into(),
        AMQPValue::LongString(DEAD_LETTER_EXCHANGE.into()),
    );
    args.insert(
        "x-dead-letter-routing-key".into(),
        AMQPValue::LongString(sub.queue.as_str().into()),
    );
    args.insert("x-delivery-limit".into(), AMQPValue::LongInt(DELIVERY_LIMIT));
    channel
        .queue_declare(
            sub.queue.as_str().into(),
            QueueDeclareOptions {
                durable: true,
                ..Default::default()
            },
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
    channel
        .basic_qos(sub.prefetch, BasicQosOptions::default())
        .await?;
    let mut deliveries = channel
        .basic_consume(
            sub.queue.as_str().into(),
            "".into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await?;
    tracing::info!(queue = %sub.queue, "event consumer running");
    status.set(true);
    while let Some(delivery) = deliveries.next().await {
        let delivery = delivery?;
        let outcome = match EventEnvelope::decode(delivery.data.as_slice()) {
            Ok(envelope) => handler(envelope).await,
            Err(e) => Err(HandleError::Reject(format!("undecodable envelope: {e}"))),
        };
        match outcome {
            Ok(()) => {
                delivery.ack(BasicAckOptions::default()).await?;
            }
            Err(HandleError::Retry(why)) => {
                tracing::warn!(queue = %sub.queue, reason = %why, "event handling failed; will be redelivered");
                tokio::time::sleep(Duration::from_millis(200)).await;
                delivery
                    .nack(BasicNackOptions {
                        requeue: true,
                        ..Default::default()
                    })
                    .await?;
            }
            Err(HandleError::Reject(why)) => {
                tracing::error!(queue = %sub.queue, reason = %why, "event dead-lettered");
                delivery.reject(BasicRejectOptions { requeue: false }).await?;
            }
        }
    }
    Ok(())
}

fn quorum() -> FieldTable {
    let mut args = FieldTable::default();
    args.insert("x-queue-type".into(), AMQPValue::LongString("quorum".into()));
    args
}
