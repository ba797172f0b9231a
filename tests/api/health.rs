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
    // Ready once each service's relay holds its broker connection.
    let ready = eventually("readiness", Duration::from_secs(15), || async {
        let resp = app.get("/api/v1/health/ready", None).await;
        if resp.status() == 200 { Some(json(resp).await) } else { None }
    })
    .await;
    assert_eq!(ready["status"], "ready");
}

#[tokio::test]
async fn without_the_broker_nothing_is_ready_but_requests_still_work() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let app =
        TestStack::spawn_with(|s| s.amqp_url = format!("amqp://guest:guest@127.0.0.1:{port}/%2f")).await;
    let resp = app.get("/api/v1/health/ready", None).await;
    let body = resp.expect_error(503, "SERVICE_UNAVAILABLE").await;
    let down = body["error"]["details"]["down"].as_array().unwrap().clone();
    assert!(down.iter().any(|d| d == "auth") && down.iter().any(|d| d == "identity"), "{down:?}");
    assert_eq!(json(app.get("/api/v1/health/live", None).await).await["status"], "alive");
    // A broker outage delays events; it never fails the user's request.
    let pair = app.signup("ada@example.com", PASSWORD).await;
    assert_eq!(app.get("/api/v1/auth/me", pair["access_token"].as_str()).await.status(), 200);
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
    // Every dependency is up once each relay holds its broker connection.
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
    for name in ["redis", "auth", "identity"] {
        let dep = deps.iter().find(|d| d["name"] == name).unwrap();
        assert_eq!(dep["status"], "up");
        assert!(dep["latency_ms"].as_f64().unwrap() >= 0.0);
    }
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
