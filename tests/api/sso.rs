//! Enterprise single sign-on through the gateway, against independent peers on loopback: a
//! pysaml2 IdP signing with xmlsec1 (RSA-SHA256), npm's oidc-provider (discovery, JWKS, PKCE
//! required, form_post), and a DNS server holding the domain proofs.

use crate::json;
use janua_testkit::dns_server::DnsServer;
use janua_testkit::oidc_provider::{OidcClient, OidcProvider};
use janua_testkit::saml_idp::{SamlIdp, SamlPost, post_form};
use janua_testkit::{ExpectStatus, TestStack};
use serde_json::{Value, json};

use janua_testkit::PASSWORD;

struct Sso {
    app: TestStack,
    dns: DnsServer,
    /// A browser: no automatic redirects, cookies carried by hand.
    browser: reqwest::Client,
    owner: String,
    org: String,
}

async fn stack() -> Sso {
    stack_with(|s| s.sso.redirect_allowlist = "https://app.example.com/after".into()).await
}

/// A stack made with `configure` whose SSO asks this test's DNS server, and Acme's owner.
async fn stack_with(configure: impl FnOnce(&mut janua_core::config::Settings)) -> Sso {
    let dns = DnsServer::start().await;
    let addr = dns.addr().to_string();
    let app = TestStack::spawn_with(|s| {
        s.sso.dns_servers = addr;
        configure(s);
    })
    .await;
    let owner = app.person("owner@acme.test").await.token;
    let resp =
        app.post("/api/v1/organizations", &json!({"name": "Acme", "slug": "acme"}), Some(&owner)).await;
    assert_eq!(resp.status(), 201);
    let org = json(resp).await["id"].as_str().unwrap().to_string();
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    Sso { app, dns, browser, owner, org }
}

impl Sso {
    async fn configure(&self, body: Value) -> Value {
        self.app.post("/api/v1/sso/configurations", &body, Some(&self.owner)).await.expect_status(201).await
    }

    /// Publishes the TXT proof of each domain and verifies it.
    async fn verify_domains(&self, config: &Value) {
        for domain in config["domains"].as_array().unwrap() {
            self.publish_proof(domain);
            let resp = self.verify_domain(config, domain["domain"].as_str().unwrap(), &self.owner).await;
            resp.expect_status(200).await;
        }
    }

    /// Publishes the TXT record that proves `domain` (one of a configuration's `domains`).
    fn publish_proof(&self, domain: &Value) {
        self.dns
            .set_txt(domain["record_name"].as_str().unwrap(), &[domain["record_value"].as_str().unwrap()]);
    }

    /// Asks for `domain` of `config` to be verified, as the holder of `token`.
    async fn verify_domain(&self, config: &Value, domain: &str, token: &str) -> reqwest::Response {
        let id = config["id"].as_str().unwrap();
        let path = format!("/api/v1/sso/configurations/{id}/domains/{domain}/verify");
        self.app.post(&path, &json!({}), Some(token)).await
    }

    /// A SAML configuration of `idp` (from its metadata URL), its domains verified, and the
    /// SP registered at the IdP from Janua's own SP metadata.
    async fn saml(&self, idp: &SamlIdp, extra: Value) -> Value {
        let mut body = json!({
            "organization_id": self.org,
            "name": "Acme IdP",
            "protocol": "saml",
            "domains": ["acme.test"],
            "admin_groups": ["Admins"],
            "saml": {"idp_metadata_url": idp.metadata_url()}
        });
        if let (Some(b), Value::Object(e)) = (body.as_object_mut(), extra) {
            for (k, v) in e {
                if k == "saml" {
                    for (sk, sv) in v.as_object().unwrap() {
                        b["saml"][sk] = sv.clone();
                    }
                } else {
                    b.insert(k, v);
                }
            }
        }
        let config = self.configure(body).await;
        self.verify_domains(&config).await;
        let metadata = self
            .app
            .http
            .get(self.app.url(&format!("/api/v1/sso/saml/metadata/{}", config["id"].as_str().unwrap())))
            .send()
            .await
            .unwrap();
        assert_eq!(metadata.status(), 200);
        idp.register_sp_metadata(&metadata.text().await.unwrap()).await;
        config
    }

    /// `GET /sso/start?…`: the redirect and the browser cookie.
    async fn start(&self, query: &str) -> (String, String) {
        let resp =
            self.browser.get(self.app.url(&format!("/api/v1/sso/start?{query}"))).send().await.unwrap();
        assert_eq!(resp.status(), 302, "{}", resp.text().await.unwrap_or_default());
        let location = resp.headers()["location"].to_str().unwrap().to_string();
        let set_cookies = resp.headers().get_all("set-cookie");
        let mut pairs = set_cookies.iter().filter_map(|v| v.to_str().ok()?.split(';').next());
        let cookie = pairs.find(|pair| pair.starts_with("janua_sso_browser=")).expect("the browser cookie");
        (location, cookie.to_string())
    }

    /// Posts a form to Janua as the browser (with its cookie, if any).
    async fn post(&self, action: &str, fields: &[(&str, String)], cookie: Option<&str>) -> reqwest::Response {
        let mut req = post_form(&self.browser, action, fields);
        if let Some(cookie) = cookie {
            req = req.header("cookie", cookie);
        }
        req.send().await.unwrap()
    }

    async fn post_saml(&self, post: &SamlPost, cookie: Option<&str>) -> reqwest::Response {
        self.post(&post.action, &post.fields(), cookie).await
    }

    /// An SP-initiated login up to the IdP's answer (not yet posted).
    async fn saml_login(&self, idp: &SamlIdp, email: &str) -> (SamlPost, String) {
        let (location, cookie) = self.start(&format!("email={email}")).await;
        assert!(location.starts_with(&idp.sso_url()), "{location}");
        (idp.follow(&location).await, cookie)
    }

    async fn me(&self, answer: &Value) -> Value {
        let token = answer["access_token"].as_str().expect("an access token");
        let resp = self.app.get("/api/v1/auth/me", Some(token)).await;
        assert_eq!(resp.status(), 200);
        json(resp).await
    }

    async fn member_role(&self, user: &str) -> Option<String> {
        let body = json(
            self.app.get(&format!("/api/v1/organizations/{}/members", self.org), Some(&self.owner)).await,
        )
        .await;
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["user_id"] == user)
            .and_then(|m| m["role"].as_str().map(str::to_owned))
    }

    /// Another organization, Globex, configures `idp` for acme.test (unproven); answers its
    /// owner's token and the configuration.
    async fn rival_configuration(&self, idp: &SamlIdp) -> (String, Value) {
        let boss = self.app.person("boss@globex.test").await.token;
        let globex = self.app.create_org(&boss, "Globex").await;
        let config = self
            .app
            .post(
                "/api/v1/sso/configurations",
                &json!({
                    "organization_id": globex["id"],
                    "name": "Globex IdP",
                    "protocol": "saml",
                    "domains": ["acme.test"],
                    "saml": {"idp_metadata_url": idp.metadata_url()}
                }),
                Some(&boss),
            )
            .await
            .expect_status(201)
            .await;
        (boss, config)
    }

    async fn enterprise_events(&self) -> janua_testkit::Events {
        self.app.outbox_events("enterprise").await
    }
}

async fn refused(resp: reqwest::Response, status: u16, reason: &str) {
    let code = match status {
        401 => "UNAUTHORIZED",
        403 => "FORBIDDEN",
        _ => "VALIDATION_ERROR",
    };
    resp.expect_refusal(status, code, reason).await;
}

fn ada() -> Value {
    json!({
        "email": ["ada@acme.test"],
        "givenName": ["Ada"],
        "sn": ["Lovelace"],
        "groups": ["Engineering", "Admins"]
    })
}

#[tokio::test]
async fn a_saml_sign_in_provisions_just_in_time_and_single_logout_ends_it() {
    let sso = stack().await;
    let idp = SamlIdp::start().await;
    let config = sso.saml(&idp, json!({})).await;
    assert_eq!(config["protocol"], "saml");
    assert_eq!(config["saml"]["idp_entity_id"], idp.entity_id());
    let id = config["id"].as_str().unwrap();
    let fetched =
        json(sso.app.get(&format!("/api/v1/sso/configurations/{id}"), Some(&sso.owner)).await).await;
    assert_eq!(fetched["domains"][0]["verified"], true, "{fetched}");
    idp.set_user("ada@acme.test", ada()).await;

    let (post, cookie) = sso.saml_login(&idp, "ada@acme.test").await;
    assert_eq!(post.action, sso.app.url("/api/v1/sso/saml/acs"));
    let received = idp.received().await;
    assert!(received.to_string().contains("AuthnRequest"), "the IdP saw the AuthnRequest: {received}");
    let resp = sso.post_saml(&post, Some(&cookie)).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap_or_default());
    let answer = json(resp).await;
    let me = sso.me(&answer).await;
    let user = me["id"].as_str().or(me["user"]["id"].as_str()).unwrap().to_string();
    assert_eq!(me["email"].as_str().or(me["user"]["email"].as_str()), Some("ada@acme.test"));
    // In the admin group: an organization admin.
    assert_eq!(sso.member_role(&user).await.as_deref(), Some("admin"));

    // The same subject again: the same account.
    let (post, cookie) = sso.saml_login(&idp, "ada@acme.test").await;
    let again = json(sso.post_saml(&post, Some(&cookie)).await).await;
    let me_again = sso.me(&again).await;
    assert_eq!(me_again["id"].as_str().or(me_again["user"]["id"].as_str()), Some(user.as_str()));

    // The IdP's single logout ends both sessions.
    let logout =
        idp.logout_request(config["saml"]["sp_entity_id"].as_str().unwrap(), "ada@acme.test", None).await;
    assert_eq!(logout.action, sso.app.url("/api/v1/sso/saml/slo"));
    let resp = sso.post(&logout.action, &logout.fields(), None).await;
    assert_eq!(resp.status(), 200);
    let page = resp.text().await.unwrap();
    let back = janua_testkit::saml_idp::parse_auto_post(&page);
    assert_eq!(back.action, idp.slo_url());
    assert!(back.xml().contains("urn:oasis:names:tc:SAML:2.0:status:Success"));
    for token in [&answer, &again] {
        sso.app
            .get("/api/v1/auth/me", token["access_token"].as_str())
            .await
            .expect_error(401, "UNAUTHORIZED")
            .await;
    }
    let events: Vec<String> = sso.enterprise_events().await.into_iter().map(|(k, _)| k).collect();
    for kind in [
        "sso.configuration_created",
        "sso.domain_verified",
        "sso.user_provisioned",
        "sso.signed_in",
        "sso.logged_out",
    ] {
        assert!(events.iter().any(|k| k == kind), "{kind} in {events:?}");
    }
}

/// Every refusal the issue names, each on a fresh SP-initiated sign-in, and none of them
/// lets anyone in.
#[tokio::test]
async fn tampered_wrapped_unsigned_sha1_expired_misdirected_and_replayed_responses_are_refused() {
    let sso = stack().await;
    let idp = SamlIdp::start().await;
    sso.saml(&idp, json!({})).await;
    idp.set_user("ada@acme.test", ada()).await;

    // Tampered: the signed assertion's email changed after signing.
    let (mut post, cookie) = sso.saml_login(&idp, "ada@acme.test").await;
    let xml = post.xml().replace("ada@acme.test", "eve@acme.test");
    post.saml_response = Some(base64_of(&xml));
    refused(sso.post_saml(&post, Some(&cookie)).await, 401, "signature_invalid").await;

    // Wrapped: a forged assertion for another user beside the signed one (XSW).
    idp.set_options(json!({"sign_response": false, "sign_assertion": true})).await;
    let (mut post, cookie) = sso.saml_login(&idp, "ada@acme.test").await;
    let xml = post.xml();
    let forged = wrap(&xml);
    post.saml_response = Some(base64_of(&forged));
    refused(sso.post_saml(&post, Some(&cookie)).await, 401, "assertion_count").await;

    // A DTD (entity expansion, external entities) is refused before any parsing of note.
    let (mut post, cookie) = sso.saml_login(&idp, "ada@acme.test").await;
    let xml = post.xml();
    let body = xml.trim_start_matches(|c| c != '<');
    let body = if body.starts_with("<?xml") { &body[body.find("?>").unwrap() + 2..] } else { body };
    post.saml_response = Some(base64_of(&format!("<!DOCTYPE r [<!ENTITY boom \"boom\">]>{body}")));
    refused(sso.post_saml(&post, Some(&cookie)).await, 401, "malformed").await;

    // Unsigned.
    idp.set_options(json!({"sign_response": false, "sign_assertion": false})).await;
    let (post, cookie) = sso.saml_login(&idp, "ada@acme.test").await;
    refused(sso.post_saml(&post, Some(&cookie)).await, 401, "signature_invalid").await;

    // SHA-1 only.
    idp.set_options(json!({"algorithm": "sha1"})).await;
    let (post, cookie) = sso.saml_login(&idp, "ada@acme.test").await;
    refused(sso.post_saml(&post, Some(&cookie)).await, 401, "signature_invalid").await;

    // Expired, and not yet valid.
    idp.reset_options().await;
    idp.set_options(json!({"not_on_or_after_offset_secs": -900})).await;
    let (post, cookie) = sso.saml_login(&idp, "ada@acme.test").await;
    refused(sso.post_saml(&post, Some(&cookie)).await, 401, "expired").await;
    idp.reset_options().await;
    idp.set_options(json!({"not_before_offset_secs": 900})).await;
    let (post, cookie) = sso.saml_login(&idp, "ada@acme.test").await;
    refused(sso.post_saml(&post, Some(&cookie)).await, 401, "expired").await;

    // For another SP.
    idp.reset_options().await;
    idp.set_options(json!({"audience": "https://other.example/sp"})).await;
    let (post, cookie) = sso.saml_login(&idp, "ada@acme.test").await;
    refused(sso.post_saml(&post, Some(&cookie)).await, 401, "audience_mismatch").await;

    // Answering another request.
    idp.reset_options().await;
    idp.set_options(json!({"in_response_to": "_someone-elses-request"})).await;
    let (post, cookie) = sso.saml_login(&idp, "ada@acme.test").await;
    refused(sso.post_saml(&post, Some(&cookie)).await, 401, "in_response_to_mismatch").await;

    // Posted from another browser (no cookie of this flow): login CSRF.
    idp.reset_options().await;
    let (post, _cookie) = sso.saml_login(&idp, "ada@acme.test").await;
    refused(sso.post_saml(&post, Some("janua_sso_browser=someone-else")).await, 401, "browser_mismatch")
        .await;

    // A good response, used once; posted again it is refused.
    let (post, cookie) = sso.saml_login(&idp, "ada@acme.test").await;
    assert_eq!(sso.post_saml(&post, Some(&cookie)).await.status(), 200);
    sso.post_saml(&post, Some(&cookie)).await.expect_status(401).await;

    // An address outside the organization's verified domains.
    idp.set_user("mallory@elsewhere.test", json!({"email": ["mallory@elsewhere.test"]})).await;
    let (post, cookie) = sso.saml_login(&idp, "ada@acme.test").await;
    refused(sso.post_saml(&post, Some(&cookie)).await, 403, "domain_not_verified").await;

    let failures: Vec<String> = sso
        .enterprise_events()
        .await
        .into_iter()
        .filter(|(k, _)| k == "sso.signin_failed")
        .map(|(_, e)| {
            e["payload"]["reason"].as_str().or(e["reason"].as_str()).unwrap_or_default().to_string()
        })
        .collect();
    for reason in [
        "signature_invalid",
        "expired",
        "audience_mismatch",
        "in_response_to_mismatch",
        "domain_not_verified",
    ] {
        assert!(failures.iter().any(|r| r == reason), "{reason} in {failures:?}");
    }
}

fn base64_of(xml: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(xml)
}

/// XSW: a copy of the signed assertion, its ID changed, its subject Eve and its signature
/// dropped, put before the signed one.
fn wrap(xml: &str) -> String {
    let start = xml
        .find("<saml:Assertion")
        .or_else(|| xml.find("<ns1:Assertion"))
        .or_else(|| xml.find("<saml2:Assertion"))
        .expect("an assertion");
    let tag = &xml[start + 1..];
    let name = &tag[..tag.find(|c: char| c.is_whitespace()).unwrap()];
    let close = format!("</{name}>");
    let end = xml[start..].find(&close).unwrap() + start + close.len();
    let signed = &xml[start..end];
    let mut forged = signed.replace("ada@acme.test", "eve@acme.test");
    if let (Some(s), Some(e)) = (forged.find("<ds:Signature"), forged.find("</ds:Signature>")) {
        forged.replace_range(s..e + "</ds:Signature>".len(), "");
    }
    let forged = forged.replacen(" ID=\"", " ID=\"forged-", 1);
    format!("{}{}{}", &xml[..start], forged, &xml[start..])
}

#[tokio::test]
async fn idp_initiated_sign_ins_work_only_where_allowed_and_only_once() {
    let sso = stack().await;
    let idp = SamlIdp::start().await;
    let config = sso.saml(&idp, json!({"saml": {"allow_idp_initiated": true}})).await;
    let id = config["id"].as_str().unwrap().to_string();
    let sp = config["saml"]["sp_entity_id"].as_str().unwrap().to_string();
    idp.set_user("ada@acme.test", ada()).await;

    let post = idp.idp_initiated(&sp, Some("https://app.example.com/after/home")).await;
    let resp = sso.post_saml(&post, None).await;
    assert_eq!(resp.status(), 302, "{}", resp.text().await.unwrap_or_default());
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("https://app.example.com/after/home#"), "{location}");
    assert!(location.contains("access_token="));
    refused(sso.post_saml(&post, None).await, 401, "replayed").await;

    // A RelayState off the allow-list is not followed: the answer is JSON.
    let post = idp.idp_initiated(&sp, Some("https://evil.example/steal")).await;
    sso.post_saml(&post, None).await.expect_status(200).await;

    // Turned off: unsolicited responses are refused.
    let mut body = json!({
        "name": "Acme IdP",
        "protocol": "saml",
        "domains": ["acme.test"],
        "saml": {"idp_metadata_url": idp.metadata_url(), "allow_idp_initiated": false}
    });
    body["organization_id"] = json!(sso.org);
    let updated = sso
        .app
        .put(&format!("/api/v1/sso/configurations/{id}"), &body, Some(&sso.owner))
        .await
        .expect_status(200)
        .await;
    assert_eq!(updated["domains"][0]["verified"], true, "a kept domain keeps its proof");
    let post = idp.idp_initiated(&sp, None).await;
    refused(sso.post_saml(&post, None).await, 401, "unsolicited_not_allowed").await;
}

/// An account with a verified-domain email is linked, not duplicated; another organization
/// cannot claim the domain, and its IdP cannot sign that person in.
#[tokio::test]
async fn existing_accounts_are_linked_within_verified_domains_only() {
    let sso = stack().await;
    // Grace proved her address: linking keeps everything she set up.
    let existing = sso.app.signup_verified("grace@acme.test", PASSWORD).await;
    let grace = existing["user"]["id"].as_str().unwrap().to_string();
    let idp = SamlIdp::start().await;
    sso.saml(&idp, json!({})).await;
    idp.set_user("grace-0001", json!({"email": ["grace@acme.test"], "givenName": ["Grace"]})).await;
    let (post, cookie) = sso.saml_login(&idp, "grace@acme.test").await;
    let answer = json(sso.post_saml(&post, Some(&cookie)).await).await;
    let me = sso.me(&answer).await;
    assert_eq!(me["id"].as_str().or(me["user"]["id"].as_str()), Some(grace.as_str()));
    assert_eq!(sso.member_role(&grace).await.as_deref(), Some("member"));
    let linked = sso.enterprise_events().await.first("sso.identity_linked").clone();
    assert!(linked.get("account_claimed").is_none(), "{linked}");
    assert_eq!(sso.app.signin("grace@acme.test", PASSWORD).await.status(), 200);
    assert_eq!(sso.app.get("/api/v1/auth/me", existing["access_token"].as_str()).await.status(), 200);

    // Another organization, another IdP asserting the same address.
    let rogue = SamlIdp::start().await;
    let (boss, config) = sso.rival_configuration(&rogue).await;
    let id = config["id"].as_str().unwrap();
    // The proof is published (say the DNS was briefly theirs): acme.test is Acme's already.
    sso.publish_proof(&config["domains"][0]);
    sso.verify_domain(&config, "acme.test", &boss).await.expect_error(409, "CONFLICT").await;
    let metadata = sso
        .app
        .http
        .get(sso.app.url(&format!("/api/v1/sso/saml/metadata/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    rogue.register_sp_metadata(&metadata).await;
    rogue.set_user("grace@acme.test", json!({"email": ["grace@acme.test"]})).await;
    let (location, cookie) = sso.start(&format!("configuration_id={id}")).await;
    let post = rogue.follow(&location).await;
    refused(sso.post_saml(&post, Some(&cookie)).await, 403, "domain_not_verified").await;
}

#[tokio::test]
async fn sso_configurations_are_for_organization_admins_and_validated() {
    let sso = stack().await;
    let idp = SamlIdp::start().await;
    let member = sso.app.person("member@acme.test").await;
    sso.app.add_member(&sso.owner, &sso.org, &member.id, "member").await;
    let member_token = member.token;
    let stranger_token = sso.app.person("stranger@else.test").await.token;
    let body = json!({
        "organization_id": sso.org,
        "name": "Acme IdP",
        "protocol": "saml",
        "saml": {"idp_metadata_xml": idp.metadata_xml().await}
    });
    sso.app
        .post("/api/v1/sso/configurations", &body, Some(&member_token))
        .await
        .expect_error(403, "FORBIDDEN")
        .await;
    sso.app
        .post("/api/v1/sso/configurations", &body, Some(&stranger_token))
        .await
        .expect_error(404, "NOT_FOUND")
        .await;
    sso.app.post("/api/v1/sso/configurations", &body, None).await.expect_error(401, "UNAUTHORIZED").await;
    let config = sso.configure(body).await;
    let id = config["id"].as_str().unwrap().to_string();
    assert!(config["saml"]["idp_certificates"][0]["fingerprint_sha256"].is_string());
    sso.app
        .get(&format!("/api/v1/sso/configurations/{id}"), Some(&stranger_token))
        .await
        .expect_error(404, "NOT_FOUND")
        .await;
    let listed = json(
        sso.app
            .get(&format!("/api/v1/sso/configurations?organization_id={}", sso.org), Some(&sso.owner))
            .await,
    )
    .await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 1);
    sso.app
        .get("/api/v1/sso/configurations", Some(&sso.owner))
        .await
        .expect_error(400, "VALIDATION_ERROR")
        .await;

    // Refused: metadata without a signing certificate, a bad certificate, nothing at all, a
    // domain that is no domain, an OIDC issuer that does not answer discovery.
    let no_cert = idp.metadata_xml().await.split("<md:KeyDescriptor").next().unwrap().to_string();
    for (saml, field) in [
        (json!({"idp_metadata_xml": "<not-metadata/>"}), "saml.idp_metadata_xml"),
        (json!({"idp_entity_id": "https://idp", "idp_sso_url": "https://idp/sso"}), "saml.idp_certificates"),
        (
            json!({"idp_entity_id": "https://idp", "idp_sso_url": "https://idp/sso", "idp_certificates": ["bm90IGEgY2VydA=="]}),
            "saml.idp_certificates",
        ),
        (json!({}), "saml"),
    ] {
        let body = json!({"organization_id": sso.org, "name": "x", "protocol": "saml", "saml": saml});
        let err = sso
            .app
            .post("/api/v1/sso/configurations", &body, Some(&sso.owner))
            .await
            .expect_error(400, "VALIDATION_ERROR")
            .await;
        assert_eq!(err["error"]["details"]["field"], field, "{err}");
    }
    let _ = no_cert;
    let body = json!({"organization_id": sso.org, "name": "x", "protocol": "saml", "domains": ["https://acme.test/x"],
        "saml": {"idp_metadata_xml": idp.metadata_xml().await}});
    sso.app
        .post("/api/v1/sso/configurations", &body, Some(&sso.owner))
        .await
        .expect_error(400, "VALIDATION_ERROR")
        .await;
    let body = json!({"organization_id": sso.org, "name": "x", "protocol": "oidc",
        "oidc": {"issuer": "http://127.0.0.1:9/nothing", "client_id": "c", "client_secret": "s"}});
    sso.app
        .post("/api/v1/sso/configurations", &body, Some(&sso.owner))
        .await
        .expect_error(400, "VALIDATION_ERROR")
        .await;

    // An unverified domain routes nothing.
    sso.app
        .get("/api/v1/sso/start?email=someone@unknown.test", None)
        .await
        .expect_error(404, "NOT_FOUND")
        .await;
    sso.app
        .delete(&format!("/api/v1/sso/configurations/{id}"), Some(&sso.owner))
        .await
        .expect_status(204)
        .await;
    sso.app
        .get(&format!("/api/v1/sso/configurations/{id}"), Some(&sso.owner))
        .await
        .expect_error(404, "NOT_FOUND")
        .await;
}

async fn oidc_stack() -> (Sso, OidcProvider, Value) {
    let sso = stack().await;
    let callback = sso.app.url("/api/v1/sso/oidc/callback");
    let provider = OidcProvider::start(&[OidcClient::basic("janua", "client-secret-1", &callback)]).await;
    let config = sso
        .configure(json!({
            "organization_id": sso.org,
            "name": "Acme OIDC",
            "protocol": "oidc",
            "domains": ["acme.test"],
            "admin_groups": ["Admins"],
            "oidc": {"issuer": provider.issuer(), "client_id": "janua", "client_secret": "client-secret-1"}
        }))
        .await;
    assert_eq!(config["oidc"]["client_secret_set"], true);
    assert!(!config.to_string().contains("client-secret-1"), "the secret is never shown");
    assert_eq!(config["oidc"]["redirect_uri"], callback);
    sso.verify_domains(&config).await;
    (sso, provider, config)
}

async fn oidc_login(sso: &Sso, provider: &OidcProvider, query: &str) -> reqwest::Response {
    let (location, cookie) = sso.start(query).await;
    assert!(location.starts_with(&provider.issuer()), "{location}");
    let (action, fields) = provider.authorize_form_post(&location).await;
    let fields: Vec<(&str, String)> = fields.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    sso.post(&action, &fields, Some(&cookie)).await
}

#[tokio::test]
async fn an_oidc_sign_in_uses_pkce_state_and_nonce_and_follows_key_rotation() {
    let (sso, provider, _config) = oidc_stack().await;
    provider
        .set_account(json!({"sub": "u-100", "email": "linus@acme.test", "email_verified": true,
            "name": "Linus", "groups": ["Admins"]}))
        .await;
    let resp = oidc_login(&sso, &provider, "organization=acme").await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap_or_default());
    let answer = json(resp).await;
    let me = sso.me(&answer).await;
    let user = me["id"].as_str().or(me["user"]["id"].as_str()).unwrap().to_string();
    assert_eq!(sso.member_role(&user).await.as_deref(), Some("admin"));
    let requests = provider.requests().await;
    let first = &requests.as_array().unwrap()[0];
    assert_eq!(first["code_challenge_method"], "S256");
    assert!(first["code_challenge"].as_str().is_some_and(|c| c.len() >= 43));
    assert!(first["nonce"].as_str().is_some_and(|n| n.len() >= 32));
    assert!(first["state"].as_str().is_some_and(|s| s.len() >= 32));
    assert_eq!(first["response_mode"], "form_post");

    // The provider rotates its signing key: the next sign-in fetches the new JWKS.
    provider.rotate_keys(false).await;
    let resp = oidc_login(&sso, &provider, "email=linus@acme.test").await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap_or_default());
    let me_again = sso.me(&json(resp).await).await;
    assert_eq!(me_again["id"].as_str().or(me_again["user"]["id"].as_str()), Some(user.as_str()));
}

#[tokio::test]
async fn oidc_id_tokens_for_others_stale_forged_or_replayed_are_refused() {
    let (sso, provider, _config) = oidc_stack().await;
    provider.set_account(json!({"sub": "u-200", "email": "ken@acme.test", "email_verified": true})).await;
    for (options, reason) in [
        (json!({"id_token_audience_override": "someone-else"}), "id_token_refused"),
        (json!({"issuer_override": "https://evil.example"}), "id_token_refused"),
        (json!({"expired_id_token": true}), "id_token_refused"),
        (json!({"foreign_signature": true}), "id_token_refused"),
        (json!({"nonce_override": "not-the-nonce"}), "nonce_mismatch"),
    ] {
        provider.set_options(options.clone()).await;
        let resp = oidc_login(&sso, &provider, "organization=acme").await;
        refused(resp, 401, reason).await;
    }
    provider.set_options(json!({})).await;
    // A code posted twice: the flow is gone the second time.
    let (location, cookie) = sso.start("organization=acme").await;
    let (action, fields) = provider.authorize_form_post(&location).await;
    let fields: Vec<(&str, String)> = fields.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    assert_eq!(sso.post(&action, &fields, Some(&cookie)).await.status(), 200);
    refused(sso.post(&action, &fields, Some(&cookie)).await, 401, "unknown_state").await;
    // The provider said no.
    provider.clear_account().await;
    let resp = oidc_login(&sso, &provider, "organization=acme").await;
    refused(resp, 401, "provider_error").await;
    // A user outside the verified domains.
    provider.set_account(json!({"sub": "u-300", "email": "x@elsewhere.test", "email_verified": true})).await;
    let resp = oidc_login(&sso, &provider, "organization=acme").await;
    refused(resp, 403, "domain_not_verified").await;
}

/// Linking by email needs proof on both sides: an account registered with an address of a
/// verified domain but never proven (a squatter's) is taken over by the IdP's user only after
/// everything its registrant set up is gone: password, TOTP, sessions. The squatter ends up
/// with nothing; the events say what was removed.
#[tokio::test]
async fn an_unproven_account_is_taken_over_only_after_its_registrants_credentials_are_removed() {
    let sso = stack().await;
    let squatter = sso.app.signup("grace@acme.test", PASSWORD).await;
    let grace = squatter["user"]["id"].as_str().unwrap().to_string();
    let squatter_token = squatter["access_token"].as_str().unwrap().to_string();
    sso.app.enable_totp(&squatter_token).await;
    let idp = SamlIdp::start().await;
    sso.saml(&idp, json!({})).await;
    idp.set_user("grace-0001", json!({"email": ["grace@acme.test"]})).await;
    let (post, cookie) = sso.saml_login(&idp, "grace@acme.test").await;
    let answer = sso.post_saml(&post, Some(&cookie)).await.expect_status(200).await;
    // The squatter's TOTP is gone: no challenge stands between the IdP's user and the account.
    assert!(answer.get("mfa_required").is_none(), "{answer}");
    let me = sso.me(&answer).await;
    assert_eq!(me["id"], grace.as_str());
    assert_eq!(me["email_verified"], true);
    assert_eq!(me["mfa_enabled"], false);

    // The squatter: the password is gone, the session is revoked, the refresh token is dead.
    sso.app.signin("grace@acme.test", PASSWORD).await.expect_error(401, "INVALID_CREDENTIALS").await;
    sso.app.get("/api/v1/auth/me", Some(&squatter_token)).await.expect_error(401, "UNAUTHORIZED").await;
    sso.app.refresh(&squatter).await.expect_error(401, "UNAUTHORIZED").await;

    let linked = sso.enterprise_events().await.first("sso.identity_linked").clone();
    assert_eq!(linked["account_claimed"], true, "{linked}");
    let claimed = sso.app.outbox_events("auth").await.first("user.account_claimed").clone();
    assert_eq!(claimed["proven_by"], "sso");
    let removed: Vec<&str> =
        claimed["removed"].as_array().unwrap().iter().filter_map(|v| v.as_str()).collect();
    for what in ["password", "totp", "sessions"] {
        assert!(removed.contains(&what), "{removed:?}");
    }

    // The next sign-in through the IdP is an ordinary one.
    let (post, cookie) = sso.saml_login(&idp, "grace@acme.test").await;
    let again = json(sso.post_saml(&post, Some(&cookie)).await).await;
    assert_eq!(sso.me(&again).await["id"], grace.as_str());
}

/// Deleting reaches everything: an organization's deletion ends its SCIM tokens and its SSO
/// connections with their verified domains (which another organization may then prove) in
/// the enterprise service, which holds them.
#[tokio::test]
async fn deleting_an_organization_ends_its_scim_tokens_sso_connections_and_domains() {
    let sso = stack().await;
    let idp = SamlIdp::start().await;
    let config = sso.saml(&idp, json!({})).await;
    let id = config["id"].as_str().unwrap().to_string();
    let scim = sso.app.create_scim_token(&sso.owner, &sso.org, "idp").await;
    assert_eq!(sso.app.get("/api/v1/scim/v2/Users", Some(&scim)).await.status(), 200);
    sso.app
        .delete(&format!("/api/v1/organizations/{}", sso.org), Some(&sso.owner))
        .await
        .expect_status(204)
        .await;
    janua_testkit::eventually("the SCIM token ended", std::time::Duration::from_secs(20), || async {
        (sso.app.get("/api/v1/scim/v2/Users", Some(&scim)).await.status() == 401).then_some(())
    })
    .await;
    // The connection is gone: its metadata, its sign-ins.
    let metadata =
        sso.app.http.get(sso.app.url(&format!("/api/v1/sso/saml/metadata/{id}"))).send().await.unwrap();
    assert_eq!(metadata.status(), 404);
    let resp =
        sso.browser.get(sso.app.url("/api/v1/sso/start?email=someone@acme.test")).send().await.unwrap();
    assert_eq!(resp.status(), 404);
    // The domain is free: another organization proves it.
    let other = SamlIdp::start().await;
    let (boss, config) = sso.rival_configuration(&other).await;
    sso.publish_proof(&config["domains"][0]);
    sso.verify_domain(&config, "acme.test", &boss).await.expect_status(200).await;
}

/// SAML single logout is as strict as sign-in: another Destination, an old or future
/// IssueInstant and a replayed LogoutRequest are refused and end nothing; unauthenticated
/// posts write at most `sso.failure_events_per_min` refusals to the audit trail.
#[tokio::test]
async fn single_logout_is_as_strict_as_sign_in_and_refusals_are_recorded_within_a_budget() {
    let sso = stack_with(|s| s.sso.failure_events_per_min = 3).await;
    let idp = SamlIdp::start().await;
    let config = sso.saml(&idp, json!({})).await;
    let sp = config["saml"]["sp_entity_id"].as_str().unwrap().to_string();
    idp.set_user("ada@acme.test", ada()).await;
    let (post, cookie) = sso.saml_login(&idp, "ada@acme.test").await;
    let answer = json(sso.post_saml(&post, Some(&cookie)).await).await;
    let token = answer["access_token"].as_str().unwrap().to_string();

    for (tweaks, reason) in [
        (json!({"destination": "https://elsewhere.example/slo"}), "audience_mismatch"),
        (json!({"issue_instant_offset_secs": -3600}), "expired"),
        (json!({"issue_instant_offset_secs": 3600}), "expired"),
    ] {
        let logout = idp.logout_request_with(&sp, "ada@acme.test", None, tweaks.clone()).await;
        let resp = sso.post(&logout.action, &logout.fields(), None).await;
        let body = resp.expect_error(401, "UNAUTHORIZED").await;
        assert_eq!(body["error"]["details"]["reason"], reason, "{tweaks}: {body}");
        assert_eq!(sso.app.get("/api/v1/auth/me", Some(&token)).await.status(), 200);
    }
    // A genuine one works once; its replay is refused.
    let logout = idp.logout_request(&sp, "ada@acme.test", None).await;
    sso.post(&logout.action, &logout.fields(), None).await.expect_status(200).await;
    let resp = sso.post(&logout.action, &logout.fields(), None).await;
    resp.expect_refusal(401, "UNAUTHORIZED", "replayed").await;

    // Many refused posts, few recorded.
    for _ in 0..8 {
        sso.post(&logout.action, &logout.fields(), None).await.expect_status(401).await;
    }
    let recorded =
        sso.enterprise_events().await.into_iter().filter(|(k, _)| k == "sso.signin_failed").count();
    // Twelve refusals; three a minute recorded (six if the minute turned meanwhile).
    assert!((3..=6).contains(&recorded), "{recorded} refusals recorded");
}
