//! What the one service runner gives every service alike (the drift it ended): each service's
//! own broker override is honoured, every internal API, auth's readiness and every service's
//! part of the OpenAPI document included, is behind the service token, and every path the
//! gateway routes reaches a handler.

use crate::json;
use janua_testkit::{TestStack, eventually};
use std::time::Duration;

/// The global broker URL names nothing; each service's override names the real broker. Events
/// still flow: identity's and auth's relays publish, org's and audit's consumers apply.
#[tokio::test]
async fn every_service_honours_its_own_broker_override() {
    let (app, admin) = TestStack::spawn_with_admin(|s| {
        let real = Some(s.amqp_url.clone());
        s.amqp_url = "amqp://guest:guest@127.0.0.1:9/nowhere".into();
        for service in [
            &mut s.gateway.service,
            &mut s.auth,
            &mut s.identity,
            &mut s.org,
            &mut s.enterprise,
            &mut s.audit.service,
            &mut s.webhooks.service,
        ] {
            service.amqp_url = real.clone();
        }
    })
    .await;
    let token = app.person("ada@example.com").await.token;
    let org = app.create_org_id(&token, "Acme").await;
    // org learned Ada's address from identity's event; audit recorded identity's, auth's and
    // org's events.
    eventually("org's read model of the new user", Duration::from_secs(20), || async {
        let members =
            json(app.get(&format!("/api/v1/organizations/{org}/members"), Some(&token)).await).await;
        (members["data"][0]["email"] == "ada@example.com").then_some(())
    })
    .await;
    for kind in ["user.created", "session.created", "organization.created"] {
        eventually(kind, Duration::from_secs(20), || async {
            let page = json(app.get(&format!("/api/v1/audit-logs?type={kind}"), Some(&admin)).await).await;
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
        &app.settings.audit.service.url,
        &app.settings.webhooks.service.url,
    ];
    for base in services {
        for path in ["/internal/v1/health/ready", "/internal/v1/openapi.json"] {
            let url = format!("{base}{path}");
            let anonymous = app.http.get(&url).send().await.unwrap();
            assert_eq!(anonymous.status(), 404, "{url} without the token");
            let wrong =
                app.http.get(&url).header("x-janua-service-token", "not-the-token").send().await.unwrap();
            assert_eq!(wrong.status(), 404, "{url} with a wrong token");
            // With the token: the route itself answers (ready once the service's consumers
            // are attached).
            eventually(&url, Duration::from_secs(20), || async {
                let ok = app.http.get(&url).header("x-janua-service-token", &token).send().await.unwrap();
                (ok.status() == 200).then_some(())
            })
            .await;
        }
    }
    // The gateway still merges every part.
    assert_eq!(app.get("/api/v1/openapi.json", None).await.status(), 200);
}

/// The gateway's whole table, walked against the services: every routed method and path (each
/// alias prefix too) reaches a handler in the service it is routed to, never the service's
/// "no such route"; the gateway's own routes answer in the gateway.
#[tokio::test]
async fn every_routed_path_reaches_a_handler() {
    use janua_gateway::route_table::{RouteTable, Upstream};
    let app = TestStack::spawn().await;
    let s = &app.settings;
    let table = RouteTable::janua();
    let mut walked = 0;
    for route in table.routes() {
        let base = match route.upstream {
            Upstream::Auth => &s.auth.url,
            Upstream::Identity => &s.identity.url,
            Upstream::Org => &s.org.url,
            Upstream::Enterprise => &s.enterprise.url,
            Upstream::Audit => &s.audit.service.url,
            Upstream::Webhooks => &s.webhooks.service.url,
            Upstream::Local(_) => &app.url(""),
        };
        // Parameters get values of the right shape: ids are UUIDs, the rest plain words.
        let path = route
            .pattern
            .split('/')
            .map(|segment| match segment {
                "{provider}" => "google".to_string(),
                "{domain}" => "example.com".to_string(),
                s if s.starts_with('{') => uuid::Uuid::now_v7().to_string(),
                s => s.to_string(),
            })
            .collect::<Vec<_>>()
            .join("/");
        let url = format!("{}{path}", base.trim_end_matches('/'));
        let method = reqwest::Method::from_bytes(route.method.as_str().as_bytes()).unwrap();
        let resp = app.http.request(method, &url).send().await.unwrap();
        let status = resp.status();
        let body = resp.text().await.unwrap();
        assert!(
            !(status == 404 && body.contains("no such route")),
            "{} {} ({:?}) falls through to a 404",
            route.method,
            route.pattern,
            route.upstream
        );
        walked += 1;
    }
    assert!(walked > 150, "the table has {walked} routes");
}
