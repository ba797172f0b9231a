//! Every outbound fetch of a URL that a user or a fetched document can name (webhook
//! deliveries, SAML metadata, OIDC discovery, JWKS and token endpoints, social OAuth) goes
//! through one [`Outbound`] client with one SSRF guard: it must not reach the inside of the
//! network (loopback, private, link-local, carrier-grade NAT, multicast, reserved ranges, and
//! their IPv4-mapped or IPv6-embedded forms) unless the operator allowed a network explicitly
//! (`JANUA_OUTBOUND__ALLOWED_NETWORKS`; webhooks also take `JANUA_WEBHOOKS__ALLOWED_NETWORKS`).
//!
//! The guard is applied to the address a connection is made to, through [`GuardedResolver`],
//! so a name that resolved to a public address when a URL was saved and to an internal one
//! later (DNS rebinding) still cannot get in. IP literals, which no resolver sees, are checked
//! before each request and on each redirect; a redirect to a refused address, or to a URL with
//! credentials, ends the fetch. Callers learn only *that* an address is not allowed, that the
//! peer is unreachable or that its document is invalid: never an internal peer's status, body
//! or error text, which would turn the fetch into a probe of the inside.

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, LazyLock};

static BLOCKED_V4: LazyLock<Vec<Ipv4Net>> = LazyLock::new(|| {
    [
        "0.0.0.0/8",       // "this network", unspecified
        "10.0.0.0/8",      // RFC 1918
        "100.64.0.0/10",   // RFC 6598 carrier-grade NAT
        "127.0.0.0/8",     // loopback
        "169.254.0.0/16",  // link-local, cloud metadata services
        "172.16.0.0/12",   // RFC 1918
        "192.0.0.0/24",    // IETF protocol assignments
        "192.0.2.0/24",    // documentation
        "192.88.99.0/24",  // 6to4 relay anycast
        "192.168.0.0/16",  // RFC 1918
        "198.18.0.0/15",   // benchmarking
        "198.51.100.0/24", // documentation
        "203.0.113.0/24",  // documentation
        "224.0.0.0/4",     // multicast
        "240.0.0.0/4",     // reserved, and 255.255.255.255 broadcast
    ]
    .iter()
    .filter_map(|n| n.parse().ok())
    .collect()
});

static BLOCKED_V6: LazyLock<Vec<Ipv6Net>> = LazyLock::new(|| {
    [
        "::/128",        // unspecified
        "::1/128",       // loopback
        "::/96",         // IPv4-compatible (deprecated)
        "100::/64",      // discard
        "2001:db8::/32", // documentation
        "fc00::/7",      // unique local
        "fe80::/10",     // link-local
        "fec0::/10",     // site-local (deprecated)
        "ff00::/8",      // multicast
    ]
    .iter()
    .filter_map(|n| n.parse().ok())
    .collect()
});

#[derive(Debug, thiserror::Error)]
#[error("'{0}' is not a network in CIDR notation")]
pub struct BadNetwork(String);

/// Which addresses outbound fetches may connect to.
#[derive(Debug, Clone, Default)]
pub struct NetworkGuard {
    allowed: Vec<IpNet>,
}

impl NetworkGuard {
    /// `list`: comma-separated CIDRs (a bare address means that one address).
    pub fn parse(list: &str) -> Result<NetworkGuard, BadNetwork> {
        Self::parse_all(&[list])
    }

    /// The union of several comma-separated lists.
    pub fn parse_all(lists: &[&str]) -> Result<NetworkGuard, BadNetwork> {
        let mut allowed = Vec::new();
        for item in lists.iter().flat_map(|l| l.split(',')).map(str::trim).filter(|s| !s.is_empty()) {
            let net = item
                .parse::<IpNet>()
                .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| BadNetwork(item.to_string()))?;
            allowed.push(net);
        }
        Ok(NetworkGuard { allowed })
    }

    /// Whether a connection to `ip` is allowed.
    pub fn permits(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.allowed.iter().any(|net| net.contains(&ip)) || !is_internal(ip)
    }
}

/// An IPv4-mapped IPv6 address (`::ffff:127.0.0.1`) is the IPv4 address it carries.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

/// Whether `ip` is in a range that is not the public internet.
pub fn is_internal(ip: IpAddr) -> bool {
    match canonical(ip) {
        IpAddr::V4(v4) => is_internal_v4(v4),
        IpAddr::V6(v6) => is_internal_v6(v6),
    }
}

fn is_internal_v4(ip: Ipv4Addr) -> bool {
    BLOCKED_V4.iter().any(|net| net.contains(&ip))
}

fn is_internal_v6(ip: Ipv6Addr) -> bool {
    if BLOCKED_V6.iter().any(|net| net.contains(&ip)) {
        return true;
    }
    // Prefixes that carry an IPv4 address reach whatever that address reaches.
    let s = ip.segments();
    let embedded = if s[0] == 0x0064 && s[1] == 0xff9b {
        // NAT64 (RFC 6052), 64:ff9b::/96 and the local-use 64:ff9b:1::/48
        Some(Ipv4Addr::from(u128::from(ip) as u32))
    } else if s[0] == 0x2002 {
        // 6to4 (RFC 3056): 2002:AABB:CCDD::/48
        Some(Ipv4Addr::new((s[1] >> 8) as u8, s[1] as u8, (s[2] >> 8) as u8, s[2] as u8))
    } else {
        None
    };
    embedded.is_some_and(is_internal_v4)
}

/// Resolves names for the delivery client and keeps only the addresses the guard permits, so
/// the address checked is the address connected to.
#[derive(Debug, Clone)]
pub struct GuardedResolver {
    guard: Arc<NetworkGuard>,
}

impl GuardedResolver {
    pub fn new(guard: Arc<NetworkGuard>) -> Self {
        GuardedResolver { guard }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{0} resolves only to addresses that Janua may not reach")]
pub struct RefusedAddress(String);

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let guard = self.guard.clone();
        let host = name.as_str().to_string();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let permitted: Vec<SocketAddr> = found.into_iter().filter(|a| guard.permits(a.ip())).collect();
            if permitted.is_empty() {
                return Err(Box::new(RefusedAddress(host)) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(permitted.into_iter()) as Addrs)
        })
    }
}

/// Why an outbound fetch did not give a usable answer. The `Display` text is what a caller
/// may be told; [`OutboundError::log`] has the detail for the operator's log.
#[derive(Debug, thiserror::Error)]
pub enum OutboundError {
    /// Not an absolute http(s) URL without credentials.
    #[error("the URL must be an absolute http(s) URL without credentials")]
    BadUrl,
    /// The URL (or a redirect) leads to an address the guard refuses.
    #[error("the address is not allowed")]
    NotAllowed,
    /// No answer (DNS, connection, timeout) or a server error: try again later.
    #[error("the address could not be reached")]
    Unreachable(String),
    /// An answer that is not the document asked for (a 4xx, too large, not parseable).
    #[error("the document at the address is invalid")]
    Invalid(String),
}

impl OutboundError {
    /// The detail for the log (never for the caller).
    pub fn log(&self) -> String {
        match self {
            OutboundError::Unreachable(d) | OutboundError::Invalid(d) => d.clone(),
            other => other.to_string(),
        }
    }

    fn of(e: reqwest::Error) -> OutboundError {
        let refused = std::iter::successors(std::error::Error::source(&e), |s| s.source())
            .any(|s| s.is::<RefusedAddress>() || s.to_string().contains("may not reach"));
        if refused || e.is_redirect() {
            OutboundError::NotAllowed
        } else {
            OutboundError::Unreachable(e.to_string())
        }
    }
}

/// The one client for outbound fetches: names resolved through the guard, IP literals checked
/// before each request and each redirect, no proxy from the environment, a timeout, and at
/// most `max_redirects` redirects (none for webhook deliveries: a 3xx could point anywhere).
#[derive(Clone)]
pub struct Outbound {
    client: reqwest::Client,
    guard: Arc<NetworkGuard>,
}

impl Outbound {
    pub fn new(
        guard: Arc<NetworkGuard>, timeout: std::time::Duration, max_redirects: usize, user_agent: &str,
    ) -> reqwest::Result<Outbound> {
        let for_redirects = guard.clone();
        let redirect = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() > max_redirects {
                // Answered as it is: a 3xx the caller did not ask to follow.
                return attempt.stop();
            }
            match check_url(attempt.url(), &for_redirects) {
                Ok(()) => attempt.follow(),
                Err(_) => {
                    let origin = attempt.url().origin().ascii_serialization();
                    attempt.error(RefusedAddress(origin))
                }
            }
        });
        let client = reqwest::Client::builder()
            .redirect(redirect)
            .no_proxy()
            .dns_resolver(GuardedResolver::new(guard.clone()))
            .timeout(timeout)
            .connect_timeout(timeout)
            .user_agent(user_agent)
            .build()?;
        Ok(Outbound { client, guard })
    }

    /// The client of every fetch Janua makes on behalf of a URL someone named: the operator's
    /// `outbound.allowed_networks` plus `extra` (webhooks add their own list).
    pub fn from_settings(
        settings: &crate::config::Settings, extra_allowed: &str, max_redirects: usize,
    ) -> anyhow::Result<Outbound> {
        let guard = NetworkGuard::parse_all(&[&settings.outbound.allowed_networks, extra_allowed])?;
        Ok(Outbound::new(
            Arc::new(guard),
            std::time::Duration::from_millis(settings.outbound.timeout_ms.max(1)),
            max_redirects,
            concat!("Janua/", env!("CARGO_PKG_VERSION")),
        )?)
    }

    pub fn guard(&self) -> &NetworkGuard {
        &self.guard
    }

    /// A request to `url` after the checks a resolver cannot make (syntax, credentials, an IP
    /// literal's range).
    pub fn request(
        &self, method: reqwest::Method, url: &str,
    ) -> Result<reqwest::RequestBuilder, OutboundError> {
        let parsed = url::Url::parse(url).map_err(|_| OutboundError::BadUrl)?;
        check_url(&parsed, &self.guard)?;
        Ok(self.client.request(method, parsed))
    }

    pub fn get(&self, url: &str) -> Result<reqwest::RequestBuilder, OutboundError> {
        self.request(reqwest::Method::GET, url)
    }

    pub fn post(&self, url: &str) -> Result<reqwest::RequestBuilder, OutboundError> {
        self.request(reqwest::Method::POST, url)
    }

    /// Sends a request made by [`Outbound::request`], mapping failures to what a caller may
    /// learn.
    pub async fn send(&self, req: reqwest::RequestBuilder) -> Result<reqwest::Response, OutboundError> {
        req.send().await.map_err(OutboundError::of)
    }

    /// GETs a document of at most `max` bytes: a 2xx answer's body. A 5xx is `Unreachable`,
    /// anything else `Invalid`.
    pub async fn fetch(&self, req: reqwest::RequestBuilder, max: usize) -> Result<Vec<u8>, OutboundError> {
        let resp = self.send(req).await?;
        let status = resp.status();
        let url = resp.url().origin().ascii_serialization();
        let body = crate::oauth_http::read_capped(resp, max)
            .await
            .map_err(|e| OutboundError::Invalid(format!("{url}: {e}")))?;
        if status.is_server_error() {
            return Err(OutboundError::Unreachable(format!("{url} answered {status}")));
        }
        if !status.is_success() {
            return Err(OutboundError::Invalid(format!("{url} answered {status}")));
        }
        Ok(body)
    }

    /// GETs a JSON document of at most `max` bytes (see [`Outbound::fetch`]), with `bearer`
    /// as the access token when given (a UserInfo or user API).
    pub async fn get_json(
        &self, url: &str, bearer: Option<&str>, max: usize,
    ) -> Result<serde_json::Value, OutboundError> {
        let mut req = self.get(url)?.header("accept", "application/json");
        if let Some(token) = bearer {
            req = req.bearer_auth(token);
        }
        let body = self.fetch(req, max).await?;
        serde_json::from_slice(&body).map_err(|e| OutboundError::Invalid(format!("{url}: {e}")))
    }

    /// oauth2's HTTP client interface (token endpoints, possibly named by a fetched discovery
    /// document), through the same guard, answers capped at `max` bytes.
    pub async fn oauth(
        &self, request: oauth2::HttpRequest, max: usize,
    ) -> Result<oauth2::HttpResponse, std::io::Error> {
        let request = reqwest::Request::try_from(request).map_err(std::io::Error::other)?;
        check_url(request.url(), &self.guard).map_err(std::io::Error::other)?;
        let resp =
            self.client.execute(request).await.map_err(|e| std::io::Error::other(OutboundError::of(e)))?;
        let mut builder = http::Response::builder().status(resp.status());
        for (name, value) in resp.headers() {
            builder = builder.header(name, value);
        }
        let body = crate::oauth_http::read_capped(resp, max).await?;
        builder.body(body).map_err(std::io::Error::other)
    }
}

/// Whether an error (an `oauth2` request error, an I/O error) is, somewhere in its chain, a
/// refusal by the guard.
pub fn is_refusal(error: &(dyn std::error::Error + 'static)) -> bool {
    std::iter::successors(Some(error), |e| e.source()).any(|e| {
        matches!(e.downcast_ref::<OutboundError>(), Some(OutboundError::NotAllowed))
            || e.is::<RefusedAddress>()
            || e.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()).is_some_and(|inner| {
                matches!(inner.downcast_ref::<OutboundError>(), Some(OutboundError::NotAllowed))
            })
    })
}

/// What a resolver cannot check: an absolute http(s) URL, no credentials, and an IP literal
/// host in a permitted range.
pub fn check_url(url: &url::Url, guard: &NetworkGuard) -> Result<(), OutboundError> {
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(OutboundError::BadUrl);
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(OutboundError::BadUrl);
    }
    if refused_literal(url, guard).is_some() {
        return Err(OutboundError::NotAllowed);
    }
    Ok(())
}

/// For a URL whose host is an IP literal (no name to resolve, so the resolver never sees it):
/// the address, when the guard refuses it.
pub fn refused_literal(url: &url::Url, guard: &NetworkGuard) -> Option<IpAddr> {
    let ip = match url.host()? {
        url::Host::Ipv4(ip) => IpAddr::V4(ip),
        url::Host::Ipv6(ip) => IpAddr::V6(ip),
        url::Host::Domain(_) => return None,
    };
    (!guard.permits(ip)).then_some(ip)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn internal_ranges_are_refused_by_default() {
        let guard = NetworkGuard::parse("").unwrap();
        for blocked in [
            "127.0.0.1",
            "127.1.2.3",
            "10.0.0.1",
            "172.16.5.4",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.254",
            "0.0.0.0",
            "0.1.2.3",
            "224.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.1.2.3",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::",
            "::127.0.0.1",
        ] {
            assert!(!guard.permits(ip(blocked)), "{blocked} must be refused");
        }
        for public in [
            "93.184.216.34",
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
        ] {
            assert!(guard.permits(ip(public)), "{public} must be allowed");
        }
    }

    #[test]
    fn allowed_networks_open_exactly_their_ranges() {
        let guard = NetworkGuard::parse("127.0.0.0/8, 10.1.0.0/16,fd00::1").unwrap();
        assert!(guard.permits(ip("127.0.0.1")));
        assert!(guard.permits(ip("::ffff:127.0.0.1")));
        assert!(guard.permits(ip("10.1.200.3")));
        assert!(!guard.permits(ip("10.2.0.1")));
        assert!(guard.permits(ip("fd00::1")));
        assert!(!guard.permits(ip("fd00::2")));
        assert!(!guard.permits(ip("::1")));
        assert!(!guard.permits(ip("169.254.169.254")));
    }

    #[test]
    fn literals_credentials_and_schemes_are_checked_without_resolving() {
        let guard = NetworkGuard::default();
        let url = |s: &str| url::Url::parse(s).unwrap();
        assert!(refused_literal(&url("http://[::ffff:169.254.169.254]/"), &guard).is_some());
        assert!(refused_literal(&url("http://example.com/"), &guard).is_none());
        assert!(refused_literal(&url("http://8.8.8.8/"), &guard).is_none());
        assert!(matches!(check_url(&url("http://10.0.0.1/x"), &guard), Err(OutboundError::NotAllowed)));
        assert!(matches!(check_url(&url("https://u:p@example.com/"), &guard), Err(OutboundError::BadUrl)));
        assert!(matches!(check_url(&url("file:///etc/passwd"), &guard), Err(OutboundError::BadUrl)));
        assert!(check_url(&url("https://idp.example.com/metadata"), &guard).is_ok());
    }

    #[tokio::test]
    async fn a_fetch_of_a_refused_address_says_only_that_it_is_not_allowed() {
        let outbound =
            Outbound::new(Arc::new(NetworkGuard::default()), std::time::Duration::from_secs(2), 3, "test")
                .unwrap();
        for refused in ["http://127.0.0.1:9/x", "http://localhost:9/x", "http://[::1]:9/"] {
            let err = outbound.get_json(refused, None, 1024).await.unwrap_err();
            assert!(matches!(err, OutboundError::NotAllowed), "{refused}: {err:?}");
            assert_eq!(err.to_string(), "the address is not allowed");
        }
    }

    #[test]
    fn malformed_networks_are_an_error() {
        assert!(NetworkGuard::parse("127.0.0.0/33").is_err());
        assert!(NetworkGuard::parse("localhost").is_err());
    }

    #[tokio::test]
    async fn the_resolver_drops_refused_addresses() {
        let refusing = GuardedResolver::new(Arc::new(NetworkGuard::default()));
        let name: Name = "localhost".parse().unwrap();
        assert!(refusing.resolve(name).await.is_err());
        let allowing = GuardedResolver::new(Arc::new(NetworkGuard::parse("127.0.0.0/8, ::1/128").unwrap()));
        let addrs: Vec<SocketAddr> = allowing.resolve("localhost".parse().unwrap()).await.unwrap().collect();
        assert!(!addrs.is_empty());
        assert!(addrs.iter().all(|a| a.ip().is_loopback()));
    }
}
