//! Where an endpoint points: an absolute http(s) URL without credentials, whose host does not
//! resolve into the networks the SSRF guard refuses.

use janua_core::ApiError;
use janua_core::outbound::NetworkGuard;
use std::net::IpAddr;
use url::{Host, Url};

const MAX_LEN: usize = 2048;

#[derive(Debug, Clone)]
pub struct EndpointUrl(Url);

/// The refusal of the URL with the catalogue's message `key` (no variables).
fn refused(key: &'static str) -> ApiError {
    ApiError::invalid("url", key, vec![])
}

impl EndpointUrl {
    /// Checks the syntax (what can be known without the network).
    pub fn parse(raw: &str) -> Result<EndpointUrl, ApiError> {
        let raw = raw.trim();
        if raw.len() > MAX_LEN {
            let max = vec![("max", MAX_LEN.to_string().into())];
            return Err(ApiError::invalid("url", "error.platform.url_too_long", max));
        }
        let url = Url::parse(raw).map_err(|_| refused("error.platform.url_not_absolute"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(refused("error.platform.url_scheme"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(refused("error.platform.url_credentials"));
        }
        if url.host().is_none() {
            return Err(refused("error.platform.url_no_host"));
        }
        if url.fragment().is_some() {
            return Err(refused("error.platform.url_fragment"));
        }
        Ok(EndpointUrl(url))
    }

    /// Resolves the host now and refuses the URL if any address it resolves to is one the
    /// guard refuses. Deliveries check again at connect time (the name may change).
    pub async fn check_destination(&self, guard: &NetworkGuard) -> Result<(), ApiError> {
        let port = self.0.port_or_known_default().unwrap_or(80);
        let addresses: Vec<IpAddr> = match self.0.host() {
            Some(Host::Ipv4(ip)) => vec![IpAddr::V4(ip)],
            Some(Host::Ipv6(ip)) => vec![IpAddr::V6(ip)],
            Some(Host::Domain(name)) => match tokio::net::lookup_host((name, port)).await {
                Ok(found) => found.map(|a| a.ip()).collect(),
                Err(_) => Vec::new(),
            },
            None => Vec::new(),
        };
        if addresses.is_empty() {
            return Err(refused("error.platform.url_unresolved"));
        }
        if let Some(ip) = addresses.iter().find(|ip| !guard.permits(**ip)) {
            let address = vec![("address", ip.to_string().into())];
            return Err(ApiError::invalid("url", "error.platform.url_refused_address", address));
        }
        Ok(())
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    pub fn into_string(self) -> String {
        self.0.into()
    }
}

/// Scheme, host and port only: what events and logs may show of an endpoint's URL (its path
/// or query may carry a credential of the receiver's).
pub fn origin(url: &str) -> String {
    Url::parse(url).map(|u| u.origin().ascii_serialization()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_http_urls_are_accepted() {
        assert!(EndpointUrl::parse("https://hooks.example.com/janua?x=1").is_ok());
        assert!(EndpointUrl::parse("http://93.184.216.34:8080/").is_ok());
        for bad in [
            "ftp://example.com/",
            "https://user:pw@example.com/",
            "https://user@example.com/",
            "/relative",
            "example.com/x",
            "https://example.com/#frag",
            "javascript:alert(1)",
            "file:///etc/passwd",
        ] {
            let err = EndpointUrl::parse(bad).unwrap_err();
            assert_eq!(err.details().unwrap()["field"], "url", "{bad}");
        }
    }

    #[tokio::test]
    async fn destinations_in_refused_networks_are_rejected() {
        let guard = NetworkGuard::default();
        for bad in [
            "http://127.0.0.1:9/",
            "http://10.0.0.1/",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]/",
            "http://0x7f.1/",
            "http://2130706433/",
            "http://localhost/",
        ] {
            let url = EndpointUrl::parse(bad).unwrap();
            assert!(url.check_destination(&guard).await.is_err(), "{bad}");
        }
        let open = NetworkGuard::parse("127.0.0.0/8").unwrap();
        let url = EndpointUrl::parse("http://127.0.0.1:9/").unwrap();
        assert!(url.check_destination(&open).await.is_ok());
    }

    #[test]
    fn the_origin_leaves_out_path_and_query() {
        assert_eq!(
            origin("https://hooks.example.com:8443/secret/path?token=x"),
            "https://hooks.example.com:8443"
        );
    }
}
