//! Domain verification lookups against a real DNS server on loopback.

use janua_enterprise::domain::dns::{TxtResolver, challenge_name, challenge_value, proves};
use janua_testkit::dns_server::DnsServer;

#[tokio::test]
async fn a_published_challenge_record_is_found_and_proves_the_domain() {
    let server = DnsServer::start().await;
    let name = challenge_name("example.com");
    let value = challenge_value("tok-123");
    server.set_txt(&name, &[&value, "unrelated=1"]);
    let resolver = TxtResolver::new(&[server.addr()]).unwrap();

    let records = resolver.txt(&name).await.unwrap();

    assert_eq!(records, vec![value, "unrelated=1".to_string()]);
    assert!(proves(&records, "tok-123"));
    assert!(!proves(&records, "tok-456"));
    assert_eq!(server.queries(), vec![name]);
}

#[tokio::test]
async fn an_unknown_name_has_no_records_rather_than_an_error() {
    let server = DnsServer::start().await;
    let resolver = TxtResolver::new(&[server.addr()]).unwrap();

    let records = resolver.txt(&challenge_name("nothing-here.example")).await.unwrap();

    assert!(records.is_empty());
    assert_eq!(server.queries(), vec!["_janua-verification.nothing-here.example"]);
}

#[tokio::test]
async fn a_name_without_txt_records_has_no_records() {
    let server = DnsServer::start().await;
    server.set_txt("_janua-verification.example.org", &[]);
    let resolver = TxtResolver::new(&[server.addr()]).unwrap();

    let records = resolver.txt("_janua-verification.example.org").await.unwrap();

    assert!(records.is_empty());
}

#[tokio::test]
async fn records_added_changed_or_removed_are_seen_at_once() {
    let server = DnsServer::start().await;
    let name = challenge_name("acme.test");
    let resolver = TxtResolver::new(&[server.addr()]).unwrap();

    // Checked before publishing: the negative answer must not be cached.
    assert!(resolver.txt(&name).await.unwrap().is_empty());
    server.set_txt(&name, &["janua-domain-verification=first"]);
    assert_eq!(resolver.txt(&name).await.unwrap(), vec!["janua-domain-verification=first"]);
    server.set_txt(&name, &["janua-domain-verification=second"]);
    assert_eq!(resolver.txt(&name).await.unwrap(), vec!["janua-domain-verification=second"]);
    server.clear(&name);
    assert!(resolver.txt(&name).await.unwrap().is_empty());
    assert_eq!(server.queries().len(), 4, "every lookup reached the server");
}

#[tokio::test]
async fn names_are_matched_case_insensitively_and_as_absolute_names() {
    let server = DnsServer::start().await;
    server.set_txt("_janua-verification.Example.COM.", &["v"]);
    let resolver = TxtResolver::new(&[server.addr()]).unwrap();

    assert_eq!(resolver.txt("_janua-verification.example.com").await.unwrap(), vec!["v"]);
    assert_eq!(resolver.txt("_JANUA-verification.example.com.").await.unwrap(), vec!["v"]);
}

#[tokio::test]
async fn long_values_split_into_character_strings_come_back_whole() {
    let server = DnsServer::start().await;
    // Over 255 bytes: one record of several character-strings. Three of them also overflow a
    // 512-byte UDP answer, so the resolver has to retry over TCP.
    let long = format!("janua-domain-verification={}", "x".repeat(600));
    let values = [long.as_str(), long.as_str(), long.as_str()];
    server.set_txt("_janua-verification.big.example", &values);
    let resolver = TxtResolver::new(&[server.addr()]).unwrap();

    let records = resolver.txt("_janua-verification.big.example").await.unwrap();

    assert_eq!(records, vec![long.clone(), long.clone(), long]);
}

#[tokio::test]
async fn a_failing_name_server_is_an_error_not_an_empty_answer() {
    // Answers every query by echoing it back as a SERVFAIL response (RFC 1035 §4.1.1: QR is the
    // top bit of byte 2, RCODE the low nibble of byte 3).
    let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let addr = socket.local_addr().unwrap();
    let responder = tokio::spawn(async move {
        let mut buf = [0u8; 1500];
        while let Ok((len, peer)) = socket.recv_from(&mut buf).await {
            if len >= 12 {
                buf[2] |= 0x80;
                buf[3] = (buf[3] & 0xf0) | 2;
                let _ = socket.send_to(&buf[..len], peer).await;
            }
        }
    });
    let resolver = TxtResolver::new(&[addr]).unwrap();

    let result = resolver.txt("_janua-verification.example.com").await;

    responder.abort();
    assert!(result.is_err(), "{result:?}");
}

#[tokio::test]
async fn an_unreachable_name_server_is_an_error_not_an_empty_answer() {
    // A port with nothing listening: nothing answers over UDP and TCP is refused.
    let addr = {
        let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        socket.local_addr().unwrap()
    };
    let resolver = TxtResolver::new(&[addr]).unwrap();

    let result = resolver.txt("_janua-verification.example.com").await;

    assert!(result.is_err(), "{result:?}");
}
