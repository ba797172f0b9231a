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
    url.as_str()
        .connect_with_config(ConnectionProperties::default(), tls, lapin::runtime::default_runtime()?)
        .await
}

#[cfg(test)]
mod tests {
    use super::split_cacertfile;

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
