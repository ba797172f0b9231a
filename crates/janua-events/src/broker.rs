//! Connections to RabbitMQ, for the publisher, the consumers and the gateway's live feed.
//! `amqps://` is TLS (rustls): the server's certificate must chain to the system's trust store
//! or to the authorities in the PEM file that the URL's `cacertfile` query parameter names
//! (RabbitMQ's own URI parameter, as its shovels and federation take it).

use lapin::tcp::OwnedTLSConfig;
use lapin::{Connect, Connection, ConnectionProperties};
use std::sync::Arc;

/// The URL without `cacertfile`, and the file it named.
fn split_cacertfile(amqp_url: &str) -> (String, Option<String>) {
    let Some((base, query)) = amqp_url.split_once('?') else {
        return (amqp_url.to_string(), None);
    };
    let mut ca = None;
    let rest: Vec<&str> = query
        .split('&')
        .filter(|pair| match pair.strip_prefix("cacertfile=") {
            Some(path) => {
                ca = Some(
                    url::form_urlencoded::parse(format!("p={path}").as_bytes())
                        .next()
                        .map(|(_, v)| v.into_owned())
                        .unwrap_or_default(),
                );
                false
            }
            None => true,
        })
        .collect();
    let url = if rest.is_empty() { base.to_string() } else { format!("{base}?{}", rest.join("&")) };
    (url, ca)
}

pub async fn connect(amqp_url: &str) -> Result<Connection, lapin::Error> {
    let (url, ca) = split_cacertfile(amqp_url);
    let mut tls = OwnedTLSConfig::default();
    if let Some(path) = ca {
        let pem = std::fs::read_to_string(&path).map_err(|e| {
            lapin::Error::from(lapin::ErrorKind::IOError(Arc::new(std::io::Error::new(
                e.kind(),
                format!("cacertfile {path}: {e}"),
            ))))
        })?;
        tls.cert_chain = Some(pem);
    }
    let mut uri = url
        .parse::<lapin::uri::AMQPUri>()
        .map_err(|e| lapin::Error::from(std::io::Error::new(std::io::ErrorKind::InvalidInput, e)))?;
    uri.query.frame_max = Some(uri.query.frame_max.unwrap_or(FRAME_MAX));
    uri.connect_with_config(ConnectionProperties::default(), tls, lapin::runtime::default_runtime()?).await
}

/// The largest AMQP frame asked for, unless the URL's `frame_max` says otherwise. lapin keeps
/// two buffers of 32 frames per connection, zeroed (resident) from the start: at RabbitMQ's
/// 128 KiB they took 16 MiB of each service's 50; events are a few KiB, and a larger message
/// goes in several frames.
pub const FRAME_MAX: u32 = 16 * 1024;

#[cfg(test)]
mod tests {
    use super::split_cacertfile;

    /// Frames are small (the buffers with them), and a message larger than a frame still
    /// goes through whole, in several.
    #[tokio::test]
    async fn frames_are_small_and_a_larger_message_arrives_whole() {
        use lapin::options::{BasicGetOptions, BasicPublishOptions, QueueDeclareOptions};
        let connection = super::connect("amqp://guest:guest@127.0.0.1:5672/%2f").await.unwrap();
        assert_eq!(connection.configuration().frame_max(), super::FRAME_MAX);
        let asked = super::connect("amqp://guest:guest@127.0.0.1:5672/%2f?frame_max=65536").await.unwrap();
        assert_eq!(asked.configuration().frame_max(), 65536, "the URL's frame_max wins");
        let channel = connection.create_channel().await.unwrap();
        let queue = channel
            .queue_declare(
                "".into(),
                QueueDeclareOptions { exclusive: true, auto_delete: true, ..Default::default() },
                lapin::types::FieldTable::default(),
            )
            .await
            .unwrap();
        let body: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        channel
            .basic_publish(
                "".into(),
                queue.name().as_str().into(),
                BasicPublishOptions::default(),
                &body,
                lapin::BasicProperties::default(),
            )
            .await
            .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let message = loop {
            let got = channel
                .basic_get(queue.name().as_str().into(), BasicGetOptions { no_ack: true })
                .await
                .unwrap();
            match got {
                Some(message) => break message,
                None if std::time::Instant::now() < deadline => {
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await
                }
                None => panic!("the message never arrived"),
            }
        };
        assert_eq!(message.delivery.data, body);
    }

    #[test]
    fn cacertfile_is_taken_out_of_the_url_and_the_rest_kept() {
        assert_eq!(split_cacertfile("amqp://g:g@h:5672/%2f"), ("amqp://g:g@h:5672/%2f".into(), None));
        assert_eq!(
            split_cacertfile("amqps://g:g@h/v?cacertfile=%2Fetc%2Fca.pem&heartbeat=10"),
            ("amqps://g:g@h/v?heartbeat=10".into(), Some("/etc/ca.pem".into()))
        );
        assert_eq!(
            split_cacertfile("amqps://h/v?cacertfile=/etc/ca.pem"),
            ("amqps://h/v".into(), Some("/etc/ca.pem".into()))
        );
    }
}
