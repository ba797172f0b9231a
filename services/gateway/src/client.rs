//! Who the client is. The gateway is the edge: the TCP peer is the client, unless the peer is
//! one of the operator's reverse proxies (`gateway.trusted_proxies`), whose `Forwarded` (RFC
//! 7239) or `X-Forwarded-For` header then names the client. Walking the header from the right,
//! each trusted hop is skipped; the first address that is not a trusted proxy is the client.
//! Nothing to the left of it is believed: a client can write anything there.

use actix_web::HttpRequest;
use ipnet::IpNet;
use std::net::IpAddr;

#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// `list`: comma-separated CIDRs (a bare address is that one address).
    pub fn parse(list: &str) -> anyhow::Result<TrustedProxies> {
        let mut nets = Vec::new();
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let net = item
                .parse::<IpNet>()
                .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| anyhow::anyhow!("gateway.trusted_proxies: '{item}' is not a CIDR"))?;
            nets.push(net);
        }
        Ok(TrustedProxies(nets))
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client's address for a request that reached the gateway from `peer`.
    pub fn client(&self, peer: IpAddr, req: &HttpRequest) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let hops = forwarded_for(req);
        let mut client = peer;
        for hop in hops.iter().rev() {
            match hop {
                Some(ip) if self.trusts(*ip) => client = *ip,
                Some(ip) => return *ip,
                // An entry that is no address (`unknown`, an obfuscated id, garbage): the last
                // trusted hop is all that is known.
                None => return client,
            }
        }
        client
    }
}

/// The addresses a request says it was forwarded for, oldest first: `Forwarded`'s `for=`
/// parameters when present, else `X-Forwarded-For`. `None` for an entry that is no address.
fn forwarded_for(req: &HttpRequest) -> Vec<Option<IpAddr>> {
    let joined = |name: &str| -> Option<String> {
        let values: Vec<&str> = req.headers().get_all(name).filter_map(|v| v.to_str().ok()).collect();
        (!values.is_empty()).then(|| values.join(","))
    };
    if let Some(forwarded) = joined("forwarded") {
        return forwarded
            .split(',')
            .filter_map(|element| {
                element.split(';').find_map(|pair| {
                    let (key, value) = pair.split_once('=')?;
                    key.trim().eq_ignore_ascii_case("for").then(|| parse_node(value.trim().trim_matches('"')))
                })
            })
            .collect();
    }
    joined("x-forwarded-for")
        .map(|xff| xff.split(',').map(|s| parse_node(s.trim())).collect())
        .unwrap_or_default()
}

/// An address as `Forwarded` and `X-Forwarded-For` write it: `192.0.2.1`, `192.0.2.1:443`,
/// `[2001:db8::1]`, `[2001:db8::1]:443` or a bare IPv6 address.
fn parse_node(node: &str) -> Option<IpAddr> {
    if let Ok(ip) = node.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Some(rest) = node.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    node.rsplit_once(':').and_then(|(host, _port)| host.parse::<std::net::Ipv4Addr>().ok()).map(IpAddr::V4)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let proxies = TrustedProxies::parse("").unwrap();
        let req = TestRequest::default()
            .insert_header(("x-forwarded-for", "203.0.113.9"))
            .insert_header(("forwarded", "for=203.0.113.9"))
            .to_http_request();
        assert_eq!(proxies.client(ip("198.51.100.4"), &req), ip("198.51.100.4"));
    }

    #[test]
    fn behind_trusted_proxies_the_first_untrusted_hop_from_the_right_is_the_client() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, 192.168.1.1").unwrap();
        // A client forging an entry to the left changes nothing.
        let req = TestRequest::default()
            .insert_header(("x-forwarded-for", "1.2.3.4, 203.0.113.9, 10.0.0.7"))
            .to_http_request();
        assert_eq!(proxies.client(ip("192.168.1.1"), &req), ip("203.0.113.9"));
        let req = TestRequest::default()
            .insert_header(("forwarded", "for=1.2.3.4, for=\"[2001:db8::7]:443\";proto=https, for=10.0.0.7"))
            .to_http_request();
        assert_eq!(proxies.client(ip("10.1.1.1"), &req), ip("2001:db8::7"));
        let req = TestRequest::default()
            .insert_header(("x-forwarded-for", "203.0.113.9:5000, unknown"))
            .to_http_request();
        assert_eq!(proxies.client(ip("10.1.1.1"), &req), ip("10.1.1.1"));
        let req = TestRequest::default().to_http_request();
        assert_eq!(proxies.client(ip("10.1.1.1"), &req), ip("10.1.1.1"));
    }

    #[test]
    fn malformed_lists_are_an_error() {
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.internal").is_err());
    }
}
