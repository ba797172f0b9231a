//! What the one service runner gives every service alike (the drift it ended): each service's
//! own broker override is honoured, and every internal API, auth's readiness and every
//! service's part of the OpenAPI document included, is behind the service token.

use crate::json;
use janua_testkit::{TestStack, eventually, with_bootstrap_admin};
use serde_json::json;
use std::time::Duration;

use janua_testkit::PASSWORD;

/// The global broker URL names nothing; each service's override names the real broker. Events
/// still flow: identity's and auth's relays publish, org's and audit's consumers apply.
#[tokio::test]
async fn every_service_honours_its_own_broker_override() {
    let app = TestStack::spawn_with(|s| {
        with_bootstrap_admin(s);
        let real = Some(s.amqp_url.clone());
        s.amqp_url = "amqp://guest:guest@127.0.0.1:9/nowhere".into();
        for service in [
            &mut s.gateway.service,
            &mut s.auth,
            &mut s.identity,
            &mut s.org,
            &mut s.enterprise,
            &mut s.audit,
            &mut s.webhooks.service,
        ] {
            service.amqp_url = real.clone();
        }
    })
    .await;
    let admin = app.admin_token().await;
    let pair = app.signup("ada@example.com", PASSWORD).await;
    let token = pair["access_token"].as_str().unwrap().to_string();
    let org = json(
        app.post("/api/v1/organizations", &json!({"name": "Acme"}), Some(&token))
            .await,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    // org learned Ada's address from identity's event; audit recorded identity's, auth's and
    // org's events.
    eventually(
        "org's read model of the new user",
        Duration::from_secs(20),
        || async {
            let members = json(
                app.get(&format!("/api/v1/organizations/{org}/members"), Some(&token))
                    .await,
            )
            .await;
            (members["data"][0]["email"] == "ada@example.com").then_some(())
        },
    )
    .await;
    for kind in ["user.created", "session.created", "organization.created"] {
        eventually(kind, Duration::from_secs(20), || async {
            let page = json(
                app.get(&format!("/api/v1/audit-logs?type={kind}"), Some(&admin))
                    .await,
            )
            .await;
            (!page["data"].as_array().unwrap().is_empty()).then_some(())
        })
        .await;
    }
}

#[tokio::test]
async fn every_internal_api_is_behind_the_service_token() {
    let app = TestStack::spawn().await;
    let token = janua_testkit::service_token(&app.settings);
    let services = [
        &app.settings.auth.url,
        &app.settings.identity.url,
        &app.settings.org.url,
        &app.settings.enterprise.url,
        &app.settings.audit.url,
        &app.settings.webhooks.service.url,
    ];
    for base in services {
        for path in ["/internal/v1/health/ready", "/internal/v1/openapi.json"] {
            let url = format!("{base}{path}");
            let anonymous = app.http.get(&url).send().await.unwrap();
            assert_eq!(anonymous.status(), 404, "{url} without the token");
            let wrong = app
                .http
                .get(&url)
                .header("x-janua-service-token", "not-the-token")
                .send()
                .await
                .unwrap();
            assert_eq!(wrong.status(), 404, "{url} with a wrong token");
            // With the token: the route itself answers (ready once the service's consumers
            // are attached).
            eventually(&url, Duration::from_secs(20), || async {
                let ok = app
                    .http
                    .get(&url)
                    .header("x-janua-service-token", &token)
                    .send()
                    .await
                    .unwrap();
                (ok.status() == 200).then_some(())
            })
            .await;
        }
    }
    // The gateway still merges every part.
    assert_eq!(app.get("/api/v1/openapi.json", None).await.status(), 200);
}
