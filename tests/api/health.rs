use crate::json;
use janua_testkit::{
    ADMIN_EMAIL, ADMIN_PASSWORD, ExpectStatus, PASSWORD, TestStack, eventually, with_bootstrap_admin,
};
use std::time::Duration;

#[tokio::test]
async fn health_live_and_ready_answer_without_a_token() {
    let app = TestStack::spawn().await;
    let basic = json(app.get("/api/v1/health", None).await).await;
    assert_eq!(basic["status"], "ok");
    assert_eq!(json(app.get("/api/v1/health/live", None).await).await["status"], "alive");
    let ready = json(app.get("/api/v1/health/ready", None).await).await;
    assert_eq!(ready["status"], "ready");
}

/// Readiness is what a process itself needs to answer: without the broker every service and
/// the gateway stay ready (Kubernetes keeps them all), requests work, and the outage shows in
/// the detailed health instead.
#[tokio::test]
async fn without_the_broker_every_service_stays_ready_and_requests_work() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let (app, admin) = TestStack::spawn_with_admin(|s| {
        s.amqp_url = format!("amqp://guest:guest@127.0.0.1:{port}/%2f");
    })
    .await;
    assert_eq!(json(app.get("/api/v1/health/ready", None).await).await["status"], "ready");
    for (name, url) in app.service_urls() {
        let resp = app.http.get(format!("{url}/api/v1/health/ready")).send().await.unwrap();
        assert_eq!(resp.status(), 200, "{name} ready without the broker");
        let report = app.service_health(url).await;
        assert_eq!(report["status"], "degraded", "{name}: {report}");
        let broker =
            report["dependencies"].as_array().unwrap().iter().find(|d| d["name"] == "broker").cloned();
        assert_eq!(broker.unwrap()["status"], "down", "{name}");
        assert_eq!(report["dependencies"][0]["name"], "database");
        assert_eq!(report["dependencies"][0]["status"], "up");
    }
    assert_eq!(json(app.get("/api/v1/health/live", None).await).await["status"], "alive");
    // A broker outage delays events; it never fails the user's request.
    let pair = app.signup("ada@example.com", PASSWORD).await;
    assert_eq!(app.get("/api/v1/auth/me", pair["access_token"].as_str()).await.status(), 200);
    // The admin's view names what is down, service by service, and what waits in the outboxes.
    let detailed = json(app.get("/api/v1/health/detailed", Some(&admin)).await).await;
    assert_eq!(detailed["status"], "degraded");
    let deps = detailed["dependencies"].as_array().unwrap();
    let auth = deps.iter().find(|d| d["name"] == "auth").unwrap();
    assert_eq!(auth["status"], "up", "auth answers: {auth}");
    assert!(
        auth["dependencies"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["name"] == "broker" && d["status"] == "down")
    );
    let identity = deps.iter().find(|d| d["name"] == "identity").unwrap();
    assert!(identity["outbox"]["unsent"].as_i64().unwrap() >= 2, "the sign-ups' events wait: {identity}");
}

#[tokio::test]
async fn detailed_health_is_for_admins_only() {
    let app = TestStack::spawn_with(with_bootstrap_admin).await;
    app.get("/api/v1/health/detailed", None).await.expect_error(401, "UNAUTHORIZED").await;
    let user = app.signup("ada@example.com", PASSWORD).await;
    app.get("/api/v1/health/detailed", user["access_token"].as_str())
        .await
        .expect_error(403, "FORBIDDEN")
        .await;
    let admin = app.admin_signin().await;
    // Every dependency is up once each relay and consumer holds its broker connection.
    let resp = eventually("all dependencies up", Duration::from_secs(15), || async {
        let resp = app.get("/api/v1/health/detailed", admin["access_token"].as_str()).await;
        let ready = resp.status() == 200 && resp.headers().get("x-ratelimit-limit").is_some();
        let body = json(resp).await;
        (ready && body["status"] == "ready").then_some(body)
    })
    .await;
    let admin_resp = app.get("/api/v1/health/detailed", admin["access_token"].as_str()).await;
    assert_eq!(admin_resp.headers()["x-ratelimit-limit"], "5000");
    let body = resp;
    let deps = body["dependencies"].as_array().unwrap();
    for name in ["redis", "broker:live-feed", "auth", "identity", "org", "audit", "webhooks", "enterprise"] {
        let dep = deps.iter().find(|d| d["name"] == name).unwrap();
        assert_eq!(dep["status"], "up");
        assert!(dep["latency_ms"].as_f64().unwrap() >= 0.0);
    }
    // Each service's own dependencies, as it reports them.
    let auth = deps.iter().find(|d| d["name"] == "auth").unwrap();
    let names: Vec<&str> =
        auth["dependencies"].as_array().unwrap().iter().filter_map(|d| d["name"].as_str()).collect();
    for name in ["database", "redis", "broker", "identity"] {
        assert!(names.contains(&name), "{names:?}");
    }
    assert!(auth["outbox"]["unsent"].as_i64().is_some_and(|n| n >= 0), "{auth}");
    assert!(auth["outbox"]["oldest_unsent_secs"].as_f64().is_some_and(|s| s >= 0.0), "{auth}");
}

#[tokio::test]
async fn the_bootstrap_admin_is_created_once() {
    let app = TestStack::spawn_with(with_bootstrap_admin).await;
    let admin = app.admin_signin().await;
    assert_eq!(admin["user"]["email"], "root@example.com");
    // A second start against the same database leaves the account as it is.
    janua_auth_again(&app).await;
    let again = json(app.signin(ADMIN_EMAIL, ADMIN_PASSWORD).await).await;
    assert_eq!(again["user"]["id"], admin["user"]["id"]);
}

async fn janua_auth_again(app: &TestStack) {
    let before = app.count("identity", "SELECT count(*) AS n FROM users").await;
    // A second auth instance starting against the same database runs the bootstrap again.
    let launch = janua::stack::launch(app.settings.clone()).unwrap();
    let service = janua_service::Connected::connect(&janua_auth::SERVICE, launch).await.unwrap();
    let state = janua_auth::AuthState::build(&service).await.unwrap();
    janua_auth::domain::bootstrap::bootstrap_admin(state).await;
    let after = app.count("identity", "SELECT count(*) AS n FROM users").await;
    assert_eq!(before, after);
}
