//! Publishing to the `janua.events` topic exchange with publisher confirms: an event counts as
//! sent only once the broker has acknowledged it.

use lapin::options::{BasicPublishOptions, ConfirmSelectOptions, ExchangeDeclareOptions};
use lapin::types::FieldTable;
use lapin::{BasicProperties, Channel, Connection, ExchangeKind};

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("broker: {0}")]
    Broker(#[from] lapin::Error),
    #[error("broker refused event {0}")]
    Nacked(String),
    /// The broker did not answer in time (a link dying half-way): the caller retries.
    #[error("the broker did not answer within {0:?}")]
    Timeout(std::time::Duration),
}

/// How long connecting, or one publish and its confirm, may take.
const BROKER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

pub struct Publisher {
    connection: Connection,
    channel: Channel,
    exchange: String,
}

impl Publisher {
    pub async fn connect(amqp_url: &str, exchange: &str) -> Result<Publisher, PublishError> {
        tokio::time::timeout(BROKER_TIMEOUT, Self::open(amqp_url, exchange))
            .await
            .map_err(|_| PublishError::Timeout(BROKER_TIMEOUT))?
    }

    async fn open(amqp_url: &str, exchange: &str) -> Result<Publisher, PublishError> {
        let connection = crate::broker::connect(amqp_url).await?;
        let channel = connection.create_channel().await?;
        declare_exchange(&channel, exchange).await?;
        for sub in crate::topology::all() {
            crate::consumer::declare(&channel, exchange, &sub).await?;
        }
        channel.confirm_select(ConfirmSelectOptions::default()).await?;
        Ok(Publisher { connection, channel, exchange: exchange.to_string() })
    }

    pub fn is_connected(&self) -> bool {
        self.connection.status().connected() && self.channel.status().connected()
    }

    /// Publishes one encoded envelope (routing key = event type) and waits for the confirm.
    pub async fn publish(&self, event_id: &str, event_type: &str, body: &[u8]) -> Result<(), PublishError> {
        let mut properties = BasicProperties::default()
            .with_message_id(event_id.into())
            .with_type(event_type.into())
            .with_content_type("application/x-protobuf".into())
            .with_delivery_mode(2);
        // The event's trace context travels in the message's headers too (W3C names), for
        // consumers and tools that do not read the envelope.
        if let Ok(envelope) = crate::decode(body)
            && !envelope.traceparent.is_empty()
        {
            let mut headers = lapin::types::FieldTable::default();
            headers.insert(
                "traceparent".into(),
                lapin::types::AMQPValue::LongString(envelope.traceparent.into()),
            );
            properties = properties.with_headers(headers);
        }
        let confirm = tokio::time::timeout(BROKER_TIMEOUT, async {
            self.channel
                .basic_publish(
                    self.exchange.as_str().into(),
                    event_type.into(),
                    BasicPublishOptions::default(),
                    body,
                    properties,
                )
                .await?
                .await
        })
        .await
        .map_err(|_| PublishError::Timeout(BROKER_TIMEOUT))??;
        if confirm.is_nack() {
            return Err(PublishError::Nacked(event_id.to_string()));
        }
        Ok(())
    }

    /// Closes the connection; one the broker no longer answers on is given up after
    /// [`BROKER_TIMEOUT`].
    pub async fn close(self) {
        let _ = tokio::time::timeout(BROKER_TIMEOUT, self.connection.close(200, "bye".into())).await;
    }
}

pub async fn declare_exchange(channel: &Channel, exchange: &str) -> Result<(), lapin::Error> {
    channel
        .exchange_declare(
            exchange.into(),
            ExchangeKind::Topic,
            ExchangeDeclareOptions { durable: true, ..ExchangeDeclareOptions::default() },
            FieldTable::default(),
        )
        .await
}
