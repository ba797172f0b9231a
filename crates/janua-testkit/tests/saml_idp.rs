//! The SAML IdP peer itself: it starts, publishes usable metadata, and signs what it sends in a
//! way an independent verifier (xmlsec1) accepts.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use janua_testkit::saml_idp::{SamlIdp, post_form};
use serde_json::json;
use std::io::Write;
use std::process::Command;
use std::time::Instant;

const SP: &str = "http://127.0.0.1:1/sp";
const ACS: &str = "http://127.0.0.1:1/acs";
const SLO: &str = "http://127.0.0.1:1/slo";
const ASSERTION: &str = "urn:oasis:names:tc:SAML:2.0:assertion:Assertion";
const RESPONSE: &str = "urn:oasis:names:tc:SAML:2.0:protocol:Response";
const LOGOUT_REQUEST: &str = "urn:oasis:names:tc:SAML:2.0:protocol:LogoutRequest";

async fn idp_with_sp_and_user() -> SamlIdp {
    let started = Instant::now();
    let idp = SamlIdp::start().await;
    eprintln!("SamlIdp::start took {:?}", started.elapsed());
    idp.register_sp(SP, ACS, Some(SLO)).await;
    idp.set_user(
        "alice@example.com",
        json!({
            "email": ["alice@example.com"],
            "givenName": ["Alice"],
            "sn": ["Example"],
            "groups": ["admins", "developers"],
        }),
    )
    .await;
    idp
}

/// Runs `xmlsec1 --verify` on `xml` with the IdP's certificate; `extra` picks the signature.
fn xmlsec_verifies(idp: &SamlIdp, xml: &str, extra: &[&str]) -> bool {
    let dir = std::env::temp_dir().join(format!("janua-saml-verify-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let cert = dir.join("idp-cert.pem");
    let doc = dir.join("message.xml");
    std::fs::write(&cert, idp.certificate_pem()).unwrap();
    std::fs::File::create(&doc).unwrap().write_all(xml.as_bytes()).unwrap();
    let out = Command::new("xmlsec1")
        .arg("--verify")
        .arg("--pubkey-cert-pem")
        .arg(&cert)
        .args(extra)
        .arg(&doc)
        .output()
        .expect("xmlsec1 (scripts/setup.sh installs it)");
    let _ = std::fs::remove_dir_all(&dir);
    if !out.status.success() {
        eprintln!("xmlsec1: {}", String::from_utf8_lossy(&out.stderr));
    }
    out.status.success()
}

fn assertion_signature(idp: &SamlIdp, xml: &str) -> bool {
    xmlsec_verifies(
        idp,
        xml,
        &[
            "--id-attr:ID",
            ASSERTION,
            "--node-xpath",
            "//*[local-name()='Assertion']/*[local-name()='Signature']",
        ],
    )
}

fn response_signature(idp: &SamlIdp, xml: &str) -> bool {
    xmlsec_verifies(idp, xml, &["--id-attr:ID", RESPONSE, "--id-attr:ID", ASSERTION])
}

fn deflate_free_redirect_url(idp: &SamlIdp, request_xml: &str) -> String {
    // HTTP-Redirect carries raw DEFLATE (saml-bindings 3.4.4.1); a stored block needs no
    // compressor: header byte 1 (final, stored), LEN, NLEN, then the bytes.
    let data = request_xml.as_bytes();
    let len = u16::try_from(data.len()).expect("a small request");
    let mut deflated = vec![1u8];
    deflated.extend_from_slice(&len.to_le_bytes());
    deflated.extend_from_slice(&(!len).to_le_bytes());
    deflated.extend_from_slice(data);
    let mut url = url::Url::parse(&idp.sso_url()).unwrap();
    url.query_pairs_mut()
        .append_pair("SAMLRequest", &STANDARD.encode(deflated))
        .append_pair("RelayState", "/after?login=1&x=y");
    url.to_string()
}

#[tokio::test]
async fn metadata_names_the_signing_key_and_both_sso_bindings() {
    let idp = idp_with_sp_and_user().await;
    let metadata = idp.metadata_xml().await;
    assert!(metadata.contains(&format!(r#"entityID="{}""#, idp.entity_id())));
    assert!(metadata.contains(r#"KeyDescriptor use="signing""#));
    let cert_body: String = idp.certificate_pem().lines().filter(|l| !l.starts_with("-----")).collect();
    assert!(metadata.contains(&cert_body), "the metadata carries the signing certificate");
    for (binding, location) in
        [("HTTP-Redirect", idp.sso_url()), ("HTTP-POST", format!("{}/sso/post", idp.base_url()))]
    {
        assert!(metadata.contains(&format!(
            r#"SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:{binding}" Location="{location}""#
        )));
    }
    assert!(metadata.contains(&format!(r#"Location="{}/slo""#, idp.base_url())));
    assert!(metadata.contains("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"));
    assert!(metadata.contains("urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"));
}

#[tokio::test]
async fn an_idp_initiated_login_is_signed_and_verifies_with_xmlsec1() {
    let idp = idp_with_sp_and_user().await;
    let post = idp.idp_initiated(SP, Some("state & more")).await;
    assert_eq!(post.action, ACS);
    assert_eq!(post.relay_state.as_deref(), Some("state & more"));
    let xml = post.xml();
    assert!(xml.contains(">alice@example.com</"), "{xml}");
    assert!(xml.contains("nameid-format:emailAddress"));
    assert!(xml.contains(r#"Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256""#));
    assert!(xml.contains(r#"Algorithm="http://www.w3.org/2001/04/xmlenc#sha256""#));
    assert!(xml.contains(&format!(r#"Destination="{ACS}""#)));
    assert!(xml.contains(&format!(r#"Recipient="{ACS}""#)));
    assert!(xml.contains(&format!(">{SP}</")), "the audience is the SP");
    assert!(xml.contains(r#"Name="groups""#) && xml.contains(">developers</"));
    assert!(!xml.contains("InResponseTo"), "unsolicited: {xml}");
    assert!(response_signature(&idp, &xml));
    assert!(assertion_signature(&idp, &xml));

    idp.set_options(json!({"sign_response": false})).await;
    let xml = idp.idp_initiated(SP, None).await.xml();
    // The command of the brief: the first (only) signature is the assertion's.
    assert!(xmlsec_verifies(&idp, &xml, &["--id-attr:ID", ASSERTION]));

    let tampered = xml.replace(">alice@example.com</", ">mallory@example.com</");
    assert!(!xmlsec_verifies(&idp, &tampered, &["--id-attr:ID", ASSERTION]));
}

#[tokio::test]
async fn an_sp_initiated_login_answers_the_request() {
    let idp = idp_with_sp_and_user().await;
    let request = format!(
        r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_request-1" Version="2.0" IssueInstant="{}" Destination="{}" AssertionConsumerServiceURL="{ACS}" ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"><saml:Issuer>{SP}</saml:Issuer></samlp:AuthnRequest>"#,
        now(),
        idp.sso_url()
    );
    let post = idp.follow(&deflate_free_redirect_url(&idp, &request)).await;
    assert_eq!(post.action, ACS);
    assert_eq!(post.relay_state.as_deref(), Some("/after?login=1&x=y"));
    let xml = post.xml();
    assert!(xml.contains(r#"InResponseTo="_request-1""#), "{xml}");
    assert!(response_signature(&idp, &xml));
    let received = idp.received().await;
    assert_eq!(received[0]["kind"], "AuthnRequest");
    assert_eq!(received[0]["id"], "_request-1");
    assert_eq!(received[0]["signature"], "absent");

    idp.set_options(json!({
        "algorithm": "sha1",
        "audience": "urn:someone-else",
        "in_response_to": "_other",
        "not_on_or_after_offset_secs": -60,
        "session_index": "session-7",
    }))
    .await;
    let xml = idp.idp_initiated(SP, None).await.xml();
    assert!(xml.contains("xmldsig#rsa-sha1") && xml.contains("xmldsig#sha1"));
    assert!(xml.contains(">urn:someone-else</") && xml.contains(r#"InResponseTo="_other""#));
    assert!(xml.contains(r#"SessionIndex="session-7""#));
    assert!(response_signature(&idp, &xml));
    idp.reset_options().await;
    let xml = idp.idp_initiated(SP, None).await.xml();
    assert!(xml.contains("xmldsig-more#rsa-sha256") && !xml.contains("InResponseTo"));
}

#[tokio::test]
async fn a_logout_request_is_signed_and_the_sps_answer_is_recorded() {
    let idp = idp_with_sp_and_user().await;
    let post = idp.logout_request(SP, "alice@example.com", Some("session-1")).await;
    assert_eq!(post.action, SLO);
    let xml = post.xml();
    assert!(xml.contains(">session-1</") && xml.contains(">alice@example.com</"));
    assert!(xmlsec_verifies(&idp, &xml, &["--id-attr:ID", LOGOUT_REQUEST]));

    let answer = format!(
        r#"<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_answer" Version="2.0" IssueInstant="{}" InResponseTo="_logout" Destination="{}"><saml:Issuer>{SP}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:LogoutResponse>"#,
        now(),
        idp.slo_url()
    );
    let fields = [("SAMLResponse", STANDARD.encode(answer)), ("RelayState", "r".to_string())];
    let status = post_form(&reqwest::Client::new(), &idp.slo_url(), &fields).send().await.unwrap().status();
    assert_eq!(status, 200);
    let received = idp.received().await;
    assert_eq!(received[0]["kind"], "LogoutResponse");
    assert_eq!(received[0]["in_response_to"], "_logout");
    assert_eq!(received[0]["status"], "urn:oasis:names:tc:SAML:2.0:status:Success");
}

#[tokio::test]
async fn bad_input_is_a_400_not_a_crash() {
    let idp = idp_with_sp_and_user().await;
    let http = reqwest::Client::new();
    let garbage = http.get(format!("{}?SAMLRequest=not-base64!", idp.sso_url())).send().await.unwrap();
    assert_eq!(garbage.status(), 400);
    let unknown_sp =
        http.get(format!("{}/idp-initiated?sp=urn:nobody", idp.base_url())).send().await.unwrap();
    assert_eq!(unknown_sp.status(), 400);
    assert!(unknown_sp.text().await.unwrap().contains("urn:nobody"));
    // Still serving.
    assert!(idp.metadata_xml().await.contains("IDPSSODescriptor"));
}

/// Now as an xs:dateTime in UTC.
fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}
