//! Enterprise figures: SCIM provisioning and lookups over a directory of 100,000 users, and
//! SAML ACS sign-ins.
//!
//! - SCIM creates/s through the gateway (each one an account in identity, a membership in
//!   org, the SCIM resource and three events);
//! - 100,000 more users loaded into the organization's SCIM directory with one SQL statement
//!   (directory entries without accounts: what the lookups read is the same);
//! - `GET /Users?filter=userName eq "…"` through the gateway and directly against the
//!   enterprise service (the index lookup), next to an unindexed filter that scans them all;
//! - SAML ACS sign-ins/s: samael's IdP side signs one Response per sign-in (RSA-SHA256, made
//!   before the clock starts), each posted with its browser cookie to `/sso/saml/acs`:
//!   signature and conditions checked with xmlsec, replay recorded, the account found, a
//!   session started by auth.

use anyhow::Context;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hdrhistogram::Histogram;
use serde_json::{Value, json};
use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Setup<'a> {
    pub http: &'a reqwest::Client,
    pub gateway: &'a str,
    /// The enterprise service itself, for the direct baseline.
    pub enterprise: &'a str,
    pub admin: &'a str,
    pub seconds: u64,
    pub concurrency: usize,
    /// The scratch database (`psql -d`).
    pub database: &'a str,
    /// The loopback port the stack's `sso.dns_servers` names.
    pub dns_port: u16,
}

use crate::Outcome as Figure;

/// `concurrency` workers calling `step(worker, n)` until `seconds` are up.
pub(crate) async fn drive<F, Fut>(concurrency: usize, seconds: u64, step: F) -> Figure
where
    F: Fn(usize, u64) -> Fut + Clone + 'static,
    Fut: std::future::Future<Output = bool> + 'static,
{
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let hist = Arc::new(Mutex::new(Histogram::<u64>::new(3).expect("histogram")));
    let counts = Arc::new(Mutex::new((0u64, 0u64)));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..concurrency {
        let (hist, counts, step) = (hist.clone(), counts.clone(), step.clone());
        tasks.push(tokio::task::spawn_local(async move {
            let mut local = Histogram::<u64>::new(3).expect("histogram");
            let (mut ok, mut err, mut n) = (0u64, 0u64, 0u64);
            while Instant::now() < deadline {
                let t = Instant::now();
                let good = step(worker, n).await;
                n += 1;
                let _ = local.record(t.elapsed().as_micros() as u64);
                if good { ok += 1 } else { err += 1 }
            }
            let _ = hist.lock().map(|mut h| h.add(&local));
            if let Ok(mut c) = counts.lock() {
                c.0 += ok;
                c.1 += err;
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let elapsed = started.elapsed();
    let (ok, errors) = *counts.lock().expect("counts");
    let latency = hist.lock().expect("histogram").clone();
    Figure { ok, errors, elapsed, latency }
}

pub(crate) async fn ok_json(resp: reqwest::Response, what: &str) -> anyhow::Result<Value> {
    let status = resp.status();
    let body = resp.text().await.unwrap_or_default();
    anyhow::ensure!(status.is_success(), "{what} answered {status}: {body}");
    Ok(serde_json::from_str(&body)?)
}

pub(crate) fn psql(database: &str, sql: &str) -> anyhow::Result<String> {
    let out = std::process::Command::new("psql")
        .args(["-h", "127.0.0.1", "-U", "postgres", "-d", database, "-tAqc", sql])
        .output()
        .context("psql")?;
    anyhow::ensure!(out.status.success(), "psql: {}", String::from_utf8_lossy(&out.stderr));
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// A new organization of the admin's, and a SCIM token for it: (organization id, token).
pub(crate) async fn org_with_scim_token(
    http: &reqwest::Client, gateway: &str, admin: &str, name: &str,
) -> anyhow::Result<(String, String)> {
    let org = ok_json(
        http.post(format!("{gateway}/api/v1/organizations"))
            .bearer_auth(admin)
            .json(&json!({"name": name}))
            .send()
            .await?,
        "creating the organization",
    )
    .await?["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let token = ok_json(
        http.post(format!("{gateway}/api/v1/organizations/{org}/scim-tokens"))
            .bearer_auth(admin)
            .json(&json!({"description": "bench"}))
            .send()
            .await?,
        "creating the SCIM token",
    )
    .await?["token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    Ok((org, token))
}

/// Whether `GET /Users?filter=userName eq "…"` finds exactly that one user.
pub(crate) async fn scim_finds_one(http: &reqwest::Client, base: &str, token: &str, user_name: &str) -> bool {
    let filter = format!("userName eq \"{user_name}\"");
    let encoded: String = url::form_urlencoded::byte_serialize(filter.as_bytes()).collect();
    match http.get(format!("{base}/api/v1/scim/v2/Users?filter={encoded}")).bearer_auth(token).send().await {
        Ok(r) if r.status().is_success() => r.json::<Value>().await.is_ok_and(|v| v["totalResults"] == 1),
        _ => false,
    }
}

pub async fn run(s: Setup<'_>) -> anyhow::Result<()> {
    let Setup { http, gateway, enterprise, admin, seconds, concurrency, database, dns_port } = s;
    let tag = uuid::Uuid::new_v4().simple().to_string()[..8].to_string();
    let (org, token) = org_with_scim_token(http, gateway, admin, &format!("Bench {tag}")).await?;

    // 1. Creates through the API.
    let creates = {
        let (http, url, token, tag) =
            (http.clone(), format!("{gateway}/api/v1/scim/v2/Users"), token.clone(), tag.clone());
        drive(concurrency.min(8), seconds, move |worker, n| {
            let (http, url, token, tag) = (http.clone(), url.clone(), token.clone(), tag.clone());
            async move {
                let body = json!({
                    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                    "userName": format!("api-{tag}-{worker}-{n}@bench.test"),
                    "name": {"givenName": "Api", "familyName": format!("W{worker}N{n}")},
                    "active": true
                });
                match http
                    .post(&url)
                    .bearer_auth(&token)
                    .header("content-type", "application/scim+json")
                    .body(body.to_string())
                    .send()
                    .await
                {
                    Ok(r) => r.status().as_u16() == 201 && r.bytes().await.is_ok(),
                    Err(_) => false,
                }
            }
        })
        .await
    };
    println!("{}", creates.line("SCIM POST /Users (account+member)"));

    // 2. A directory of 100,000.
    let started = Instant::now();
    psql(
        database,
        &format!(
            "INSERT INTO enterprise.scim_users (id, organization_id, user_name, external_id, emails, resource, active, version, pending, has_account)
             SELECT gen_random_uuid(), '{org}', 'user' || i || '@bench.test', 'ext-' || i, ARRAY['user' || i || '@bench.test'],
               jsonb_build_object('schemas', jsonb_build_array('urn:ietf:params:scim:schemas:core:2.0:User'),
                 'userName', 'user' || i || '@bench.test', 'externalId', 'ext-' || i, 'active', true,
                 'name', jsonb_build_object('givenName', 'User', 'familyName', 'N' || i),
                 'emails', jsonb_build_array(jsonb_build_object('value', 'user' || i || '@bench.test', 'type', 'work', 'primary', true))),
               true, 1, false, false
             FROM generate_series(1, 100000) i; ANALYZE enterprise.scim_users;"
        ),
    )?;
    let total = psql(
        database,
        &format!(
            "SELECT count(*) FROM enterprise.scim_users WHERE organization_id = '{org}' AND deleted_at IS NULL AND NOT pending"
        ),
    )?;
    println!(
        "{:<34} {:>10} users in the directory (100,000 loaded by SQL in {:.1} s)",
        "SCIM directory",
        total,
        started.elapsed().as_secs_f64()
    );

    // 3. Lookups by userName: gateway and direct; an unindexed filter for contrast.
    let lookup = |base: String| {
        let (http, token) = (http.clone(), token.clone());
        move |worker: usize, n: u64| {
            let (http, token, base) = (http.clone(), token.clone(), base.clone());
            async move {
                let i = (worker as u64 * 7919 + n * 104_729) % 100_000 + 1;
                scim_finds_one(&http, &base, &token, &format!("user{i}@bench.test")).await
            }
        }
    };
    let via_gateway = drive(concurrency, seconds, lookup(gateway.to_owned())).await;
    let direct = drive(concurrency, seconds, lookup(enterprise.to_owned())).await;
    println!("{}", via_gateway.line("SCIM userName eq, via gateway"));
    println!("{}", direct.line("SCIM userName eq, direct"));
    println!(
        "{:<34} {:>10.2} ms p50; throughput ratio {:.2}",
        "  gateway adds",
        via_gateway.p(0.5) - direct.p(0.5),
        via_gateway.ratio_to(&direct)
    );
    let scan = {
        let (http, token, base) = (http.clone(), token.clone(), gateway.to_owned());
        drive(2, seconds.min(10), move |_, n| {
            let (http, token, base) = (http.clone(), token.clone(), base.clone());
            async move {
                let filter = format!("name.familyName eq \"N{}\"", n % 100_000 + 1);
                let encoded: String = url::form_urlencoded::byte_serialize(filter.as_bytes()).collect();
                match http
                    .get(format!("{base}/api/v1/scim/v2/Users?filter={encoded}"))
                    .bearer_auth(&token)
                    .send()
                    .await
                {
                    Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                    Err(_) => false,
                }
            }
        })
        .await
    };
    println!("{}", scan.line("SCIM name.familyName eq (scan)"));
    println!(
        "{:<34} {:>10.0}x (the userName index against a scan of 100,000)",
        "  index speed-up",
        via_gateway.ratio_to(&scan)
    );

    saml(http, gateway, admin, &org, seconds, concurrency, dns_port).await
}

/// The request id inside a SAMLRequest of an HTTP-Redirect URL.
fn request_id(location: &str) -> Option<String> {
    let url = url::Url::parse(location).ok()?;
    let encoded = url.query_pairs().find(|(k, _)| k == "SAMLRequest")?.1.into_owned();
    let deflated = STANDARD.decode(encoded).ok()?;
    let mut xml = String::new();
    flate2::read::DeflateDecoder::new(&deflated[..]).read_to_string(&mut xml).ok()?;
    let at = xml.find(" ID=\"")? + 5;
    Some(xml[at..at + xml[at..].find('"')?].to_owned())
}

async fn saml(
    http: &reqwest::Client, gateway: &str, admin: &str, org: &str, seconds: u64, concurrency: usize,
    dns_port: u16,
) -> anyhow::Result<()> {
    use samael::idp::response_builder::{ResponseAttribute, build_response_template};
    use samael::idp::sp_extractor::RequiredAttribute;
    use samael::idp::{CertificateParams, IdentityProvider, KeyType, Rsa};
    use samael::traits::ToXml;
    let dns = janua_testkit::dns_server::DnsServer::start_on(dns_port).await?;
    let idp =
        IdentityProvider::generate_new(KeyType::Rsa(Rsa::Rsa2048)).map_err(|e| anyhow::anyhow!("{e}"))?;
    let cert = idp
        .create_certificate(&CertificateParams {
            common_name: "bench-idp",
            issuer_name: "bench-idp",
            days_until_expiration: 2,
        })
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let issuer = "https://bench-idp.example/metadata";
    let config = ok_json(
        http.post(format!("{gateway}/api/v1/sso/configurations"))
            .bearer_auth(admin)
            .json(&json!({
                "organization_id": org,
                "name": "Bench IdP",
                "protocol": "saml",
                "domains": ["bench-sso.test"],
                "saml": {
                    "idp_entity_id": issuer,
                    "idp_sso_url": "https://bench-idp.example/sso",
                    "idp_certificates": [STANDARD.encode(cert.der_data())]
                }
            }))
            .send()
            .await?,
        "creating the SSO configuration",
    )
    .await?;
    let id = config["id"].as_str().unwrap_or_default().to_owned();
    let domain = &config["domains"][0];
    dns.set_txt(
        domain["record_name"].as_str().unwrap_or_default(),
        &[domain["record_value"].as_str().unwrap_or_default()],
    );
    ok_json(
        http.post(format!("{gateway}/api/v1/sso/configurations/{id}/domains/bench-sso.test/verify"))
            .bearer_auth(admin)
            .send()
            .await?,
        "verifying the domain",
    )
    .await?;
    let audience = config["saml"]["sp_entity_id"].as_str().unwrap_or_default().to_owned();
    let acs = config["saml"]["sp_acs_url"].as_str().unwrap_or_default().to_owned();
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    // Signed before the clock starts: (cookie, SAMLResponse, RelayState) per sign-in, for 200
    // users (their accounts made on their first sign-in, in the warm-up).
    let prepare = |count: usize| {
        let browser = browser.clone();
        let (gateway, id, audience, acs) = (gateway.to_owned(), id.clone(), audience.clone(), acs.clone());
        let (idp, cert) = (&idp, &cert);
        async move {
            let mut prepared = Vec::with_capacity(count);
            for n in 0..count {
                let resp =
                    browser.get(format!("{gateway}/api/v1/sso/start?configuration_id={id}")).send().await?;
                let location = resp.headers()["location"].to_str()?.to_owned();
                let cookie = resp
                    .headers()
                    .get_all("set-cookie")
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .find(|c| c.starts_with("janua_sso_browser="))
                    .and_then(|c| c.split(';').next())
                    .unwrap_or_default()
                    .to_owned();
                let relay = url::Url::parse(&location)?
                    .query_pairs()
                    .find(|(k, _)| k == "RelayState")
                    .map(|(_, v)| v.into_owned())
                    .unwrap_or_default();
                let request = request_id(&location).context("the AuthnRequest id")?;
                let email = format!("sso-user-{}@bench-sso.test", n % 200);
                let attributes = [ResponseAttribute {
                    required_attribute: RequiredAttribute {
                        name: "email".into(),
                        format: Some("urn:oasis:names:tc:SAML:2.0:attrname-format:basic".into()),
                    },
                    value: &email,
                }];
                let mut response =
                    build_response_template(cert, &email, &audience, issuer, &acs, &request, &attributes);
                if let Some(assertion) = response.assertion.as_mut() {
                    for confirmation in assertion
                        .subject
                        .iter_mut()
                        .flat_map(|s| s.subject_confirmations.iter_mut().flatten())
                    {
                        if let Some(data) = confirmation.subject_confirmation_data.as_mut() {
                            data.not_on_or_after = Some(chrono::Utc::now() + chrono::Duration::minutes(5));
                        }
                    }
                }
                // samael's template digests with SHA-1, which Janua refuses: SHA-256 as IdPs do.
                let unsigned = response.to_string().map_err(|e| anyhow::anyhow!("{e:?}"))?.replace(
                    "http://www.w3.org/2000/09/xmldsig#sha1",
                    "http://www.w3.org/2001/04/xmlenc#sha256",
                );
                let key = idp.export_private_key_der().map_err(|e| anyhow::anyhow!("{e}"))?;
                let signed =
                    <samael::crypto::Crypto as samael::crypto::CryptoProvider>::sign_xml(unsigned, &key)
                        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
                prepared.push((cookie, STANDARD.encode(signed), relay));
            }
            anyhow::Ok(prepared)
        }
    };
    let post = |browser: reqwest::Client,
                acs: String,
                (cookie, response, relay): (String, String, String)| async move {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("SAMLResponse", &response)
            .append_pair("RelayState", &relay)
            .finish();
        match browser
            .post(&acs)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", cookie)
            .body(body)
            .send()
            .await
        {
            Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
            Err(_) => false,
        }
    };
    let warm = prepare(200).await?;
    let mut warmed = 0;
    for (i, item) in warm.into_iter().enumerate() {
        if i == 0 {
            // The first one answers why, if it fails.
            let (cookie, response, relay) = item;
            let body = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("SAMLResponse", &response)
                .append_pair("RelayState", &relay)
                .finish();
            let resp = browser
                .post(&acs)
                .header("content-type", "application/x-www-form-urlencoded")
                .header("cookie", cookie)
                .body(body)
                .send()
                .await?;
            let status = resp.status();
            let text = resp.text().await.unwrap_or_default();
            anyhow::ensure!(status.is_success(), "the first SAML sign-in answered {status}: {text}");
            warmed += 1;
            continue;
        }
        warmed += post(browser.clone(), acs.clone(), item).await as usize;
    }
    anyhow::ensure!(warmed == 200, "only {warmed} of 200 warm-up SAML sign-ins succeeded");
    let budget = (seconds as usize * 250).max(500);
    let signing = Instant::now();
    let prepared = Arc::new(Mutex::new(prepare(budget).await?));
    let signed_per_s = budget as f64 / signing.elapsed().as_secs_f64();
    let figure = {
        let (browser, acs, prepared) = (browser.clone(), acs.clone(), prepared.clone());
        drive(concurrency, seconds, move |_, _| {
            let (browser, acs) = (browser.clone(), acs.clone());
            let next = prepared.lock().ok().and_then(|mut p| p.pop());
            async move {
                match next {
                    Some(item) => post(browser, acs, item).await,
                    None => {
                        tokio::time::sleep(Duration::from_millis(5)).await;
                        false
                    }
                }
            }
        })
        .await
    };
    println!("{}", figure.line("SAML ACS sign-ins (token pairs)"));
    println!(
        "{:<34} {:>10.1} /s (start + samael signing, before the clock: the bench's own cost)",
        "  responses prepared", signed_per_s
    );
    Ok(())
}
