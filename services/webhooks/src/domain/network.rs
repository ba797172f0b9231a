//! The SSRF guard: webhook URLs must not reach the inside of the network (loopback, private,
//! link-local, carrier-grade NAT, multicast, reserved ranges, and their IPv4-mapped or
//! IPv6-embedded forms) unless the operator allowed a network explicitly
//! (`JANUA_WEBHOOKS__ALLOWED_NETWORKS`). It is applied to the address a connection is made
//! to, through [`GuardedResolver`], so a name that resolved to a public address when the
//! endpoint was saved and to an internal one later (DNS rebinding) still cannot get in.

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

/// Which addresses deliveries may connect to.
#[derive(Debug, Clone, Default)]
pub struct NetworkGuard {
    allowed: Vec<IpNet>,
}

impl NetworkGuard {
    /// `list`: comma-separated CIDRs (a bare address means that one address).
    pub fn parse(list: &str) -> Result<NetworkGuard, BadNetwork> {
        let mut allowed = Vec::new();
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
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
        Some(Ipv4Addr::new(
            (s[1] >> 8) as u8,
            s[1] as u8,
            (s[2] >> 8) as u8,
            s[2] as u8,
        ))
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
#[error("{0} resolves only to addresses that webhooks may not reach")]
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
        let addrs: Vec<SocketAddr> = allowing
            .resolve("localhost".parse().unwrap())
            .await
            .unwrap()
            .collect();
        assert!(!addrs.is_empty());
        assert!(addrs.iter().all(|a| a.ip().is_loopback()));
    }
}
