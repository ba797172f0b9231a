//! Domain ownership proofs over DNS: an organization publishes a TXT record at
//! `_janua-verification.<domain>` holding a token Janua gave it (the scheme Okta, WorkOS and
//! Google Workspace use). Only someone who controls the domain's zone can publish it.

use std::net::SocketAddr;
use std::time::Duration;

use hickory_resolver::TokioResolver;
use hickory_resolver::config::{
    ConnectionConfig, NameServerConfig, ResolveHosts, ResolverConfig, ResolverOpts,
};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::rr::{Name, RData};
use janua_core::error::Text;

/// Where TXT records are looked up: the system's resolvers (/etc/resolv.conf), or the given
/// name servers (tests, split-horizon setups).
pub struct TxtResolver {
    resolver: TokioResolver,
}

#[derive(Debug, thiserror::Error)]
pub enum DnsError {
    #[error("DNS lookup failed: {0}")]
    Unavailable(String),
}

impl TxtResolver {
    /// An empty `name_servers` reads the system configuration; otherwise UDP (TCP on truncation
    /// or error) to exactly those servers.
    pub fn new(name_servers: &[SocketAddr]) -> anyhow::Result<TxtResolver> {
        let mut builder = if name_servers.is_empty() {
            TokioResolver::builder_tokio()
                .map_err(|e| anyhow::anyhow!("reading the system DNS configuration: {e}"))?
        } else {
            let servers = name_servers
                .iter()
                .map(|addr| {
                    let mut udp = ConnectionConfig::udp();
                    udp.port = addr.port();
                    let mut tcp = ConnectionConfig::tcp();
                    tcp.port = addr.port();
                    NameServerConfig::new(addr.ip(), true, vec![udp, tcp])
                })
                .collect();
            TokioResolver::builder_with_config(
                ResolverConfig::from_name_servers(servers),
                TokioRuntimeProvider::default(),
            )
        };
        configure(builder.options_mut());
        let resolver = builder.build().map_err(|e| anyhow::anyhow!("building the DNS resolver: {e}"))?;
        Ok(TxtResolver { resolver })
    }

    /// The TXT strings at `name` (each record's character-strings concatenated). NXDOMAIN / no
    /// records = Ok(vec![]); network trouble = Err.
    #[tracing::instrument(level = "debug", skip(self))]
    pub async fn txt(&self, name: &str) -> Result<Vec<String>, DnsError> {
        let mut fqdn = Name::from_ascii(name)
            .map_err(|e| DnsError::Unavailable(format!("{name:?} is not a DNS name: {e}")))?;
        // Absolute, so resolv.conf `search` suffixes are never tried: a record under
        // `example.com.corp.internal` must not prove `example.com`.
        fqdn.set_fqdn(true);
        match self.resolver.txt_lookup(fqdn).await {
            Ok(lookup) => Ok(lookup
                .answers()
                .iter()
                .filter_map(|record| match &record.data {
                    // RFC 7208 §3.3 convention: a record's character-strings form one value
                    // (values over 255 bytes are split into several strings).
                    RData::TXT(txt) => Some(String::from_utf8_lossy(&txt.txt_data.concat()).into()),
                    _ => None,
                })
                .collect()),
            // NXDOMAIN and NOERROR without TXT answers both mean "not published (yet)".
            Err(e) if e.is_no_records_found() => Ok(Vec::new()),
            Err(e) => Err(DnsError::Unavailable(e.to_string())),
        }
    }
}

fn configure(opts: &mut ResolverOpts) {
    opts.timeout = Duration::from_secs(5);
    opts.attempts = 2;
    // An admin clicks "verify" right after publishing the record (or after fixing a typo in
    // it): a cached answer, negative or positive, would make them wait out its TTL.
    opts.positive_max_ttl = Some(Duration::ZERO);
    opts.negative_max_ttl = Some(Duration::ZERO);
    opts.use_hosts_file = ResolveHosts::Never;
}

/// The record name an organization publishes to prove `domain`.
pub fn challenge_name(domain: &str) -> String {
    format!("_janua-verification.{domain}")
}

/// The record value an organization publishes to prove a domain with `token`.
pub fn challenge_value(token: &str) -> String {
    format!("janua-domain-verification={token}")
}

/// Whether the TXT strings at the challenge name contain the expected value (exact, after
/// trimming).
pub fn proves(records: &[String], token: &str) -> bool {
    // An empty token would be proven by a bare `janua-domain-verification=` anyone could guess.
    if token.trim().is_empty() {
        return false;
    }
    let expected = challenge_value(token);
    records.iter().any(|r| r.trim() == expected)
}

/// Normalises and checks a domain an admin enters: lower-case, ASCII (internationalised names
/// in their `xn--` form), no scheme/port/path, at least two labels of 1..=63 letters, digits and
/// hyphens not starting or ending with a hyphen, at most 253 characters. A refusal is the
/// catalogue message saying why.
pub fn normalise_domain(raw: &str) -> Result<String, Text> {
    let refusal = |key: &'static str| Text { key, args: vec![] };
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(refusal("error.enterprise.domain_empty"));
    }
    if trimmed.contains("://") {
        return Err(refusal("error.enterprise.domain_has_scheme"));
    }
    if !trimmed.is_ascii() {
        // No IDNA mapping here (the `idna` crate is not a workspace dependency): ask for the
        // punycode form rather than guess at a mapping.
        return Err(refusal("error.enterprise.domain_not_ascii"));
    }
    if trimmed.contains('/') || trimmed.contains('?') || trimmed.contains('#') {
        return Err(refusal("error.enterprise.domain_has_path"));
    }
    if trimmed.contains(':') {
        return Err(refusal("error.enterprise.domain_has_port"));
    }
    if trimmed.contains('@') {
        return Err(refusal("error.enterprise.domain_is_email"));
    }
    let lower = trimmed.to_ascii_lowercase();
    // `example.com.` (absolute form) is the same domain.
    let domain = lower.strip_suffix('.').unwrap_or(&lower);
    if domain.len() > 253 {
        return Err(refusal("error.enterprise.domain_too_long"));
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return Err(Text {
            key: "error.enterprise.domain_top_level",
            args: vec![("domain", format!("{domain:?}").into())],
        });
    }
    for label in &labels {
        if label.is_empty() {
            return Err(refusal("error.enterprise.domain_empty_label"));
        }
        if label.len() > 63 {
            return Err(Text {
                key: "error.enterprise.domain_label_too_long",
                args: vec![("label", format!("{label:?}").into())],
            });
        }
        if let Some(c) = label.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
        {
            return Err(Text {
                key: "error.enterprise.domain_label_character",
                args: vec![("label", format!("{label:?}").into()), ("character", format!("{c:?}").into())],
            });
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(Text {
                key: "error.enterprise.domain_label_hyphen",
                args: vec![("label", format!("{label:?}").into())],
            });
        }
    }
    // RFC 3696 §2: top-level domains are never all-numeric, so this is an IPv4 address.
    if labels.last().is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit())) {
        return Err(refusal("error.enterprise.domain_is_ip"));
    }
    Ok(domain.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_domain_lowercases_and_trims() {
        assert_eq!(normalise_domain("  Example.COM ").unwrap(), "example.com");
        assert_eq!(normalise_domain("example.com.").unwrap(), "example.com");
        assert_eq!(normalise_domain("mail.eu.Acme-Corp.co.uk").unwrap(), "mail.eu.acme-corp.co.uk");
        assert_eq!(normalise_domain("xn--bcher-kva.de").unwrap(), "xn--bcher-kva.de");
        assert_eq!(normalise_domain("123.example").unwrap(), "123.example");
    }

    #[test]
    fn normalise_domain_refuses_urls_ports_paths_and_addresses() {
        for raw in [
            "https://example.com",
            "http://example.com/",
            "example.com/path",
            "example.com?x=1",
            "example.com:443",
            "admin@example.com",
            "192.168.1.10",
            "[::1]",
        ] {
            assert!(normalise_domain(raw).is_err(), "{raw} should be refused");
        }
        let key = |raw: &str| normalise_domain(raw).unwrap_err().key;
        assert_eq!(key("https://example.com"), "error.enterprise.domain_has_scheme");
        assert_eq!(key("example.com:8080"), "error.enterprise.domain_has_port");
    }

    #[test]
    fn normalise_domain_refuses_bad_labels() {
        for raw in [
            "",
            "   ",
            "com",
            "localhost",
            ".example.com",
            "example..com",
            "example.com..",
            "-example.com",
            "example-.com",
            "exa_mple.com",
            "*.example.com",
            "exa mple.com",
            "_janua-verification.example.com",
        ] {
            assert!(normalise_domain(raw).is_err(), "{raw:?} should be refused");
        }
    }

    #[test]
    fn normalise_domain_refuses_non_ascii() {
        let err = normalise_domain("bücher.de").unwrap_err();
        assert_eq!(err.key, "error.enterprise.domain_not_ascii", "{err:?}");
    }

    #[test]
    fn normalise_domain_enforces_lengths() {
        let label63 = "a".repeat(63);
        assert!(normalise_domain(&format!("{label63}.com")).is_ok());
        assert!(normalise_domain(&format!("{}.com", "a".repeat(64))).is_err());

        // 4 * 63 + 3 dots = 255 > 253; 3 * 63 + 61 + 3 dots = 253.
        let too_long = [label63.as_str(); 4].join(".");
        assert!(normalise_domain(&too_long).is_err());
        let longest = format!("{}.{}", [label63.as_str(); 3].join("."), "a".repeat(61));
        assert_eq!(longest.len(), 253);
        assert_eq!(normalise_domain(&longest).unwrap(), longest);
        assert_eq!(normalise_domain(&format!("{longest}.")).unwrap(), longest);
    }

    #[test]
    fn challenge_record_names_and_values() {
        assert_eq!(challenge_name("example.com"), "_janua-verification.example.com");
        assert_eq!(challenge_value("abc123"), "janua-domain-verification=abc123");
    }

    #[test]
    fn proves_needs_the_exact_value_among_the_records() {
        let token = "k3y-T0ken";
        let value = challenge_value(token);
        assert!(proves(std::slice::from_ref(&value), token));
        assert!(proves(&[format!("  {value}\t")], token));
        assert!(proves(&["v=spf1 -all".into(), value.clone(), "other".into()], token));

        assert!(!proves(&[], token));
        assert!(!proves(&["v=spf1 -all".into()], token));
        assert!(!proves(&[challenge_value("k3y-t0ken")], token), "case matters");
        assert!(!proves(&[format!("{value}x")], token), "no prefix match");
        assert!(!proves(&[format!("x{value}")], token), "no suffix match");
        assert!(!proves(&[token.to_string()], token), "the bare token is not enough");
        assert!(!proves(&[challenge_value("")], ""), "an empty token proves nothing");
    }
}
