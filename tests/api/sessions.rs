use crate::json;
use janua_testkit::{ExpectStatus, TestStack, eventually};
use serde_json::json;
use std::time::Duration;

use janua_testkit::PASSWORD;

#[tokio::test]
async fn users_list_inspect_and_revoke_their_own_sessions() {
    let app = TestStack::spawn().await;
    let first = app.signup("ada@example.com", PASSWORD).await;
    let resp = app
        .http
        .post(app.url("/api/v1/auth/signin"))
        .header("user-agent", "Firefox/130")
        .json(&json!({"email":"ada@example.com","password":PASSWORD}))
        .send()
        .await
        .unwrap();
    let second = json(resp).await;
    let token = second["access_token"].as_str();

    let list = json(app.get("/api/v1/sessions", token).await).await;
    let data = list["data"].as_array().unwrap();
    assert_eq!(data.len(), 2);
    assert!(list["next_cursor"].is_null());
    let current: Vec<_> = data.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["user_agent"], "Firefox/130");
    assert_eq!(current[0]["ip"], "127.0.0.1");
    for field in ["id", "created_at", "last_used_at", "expires_at"] {
        assert!(current[0].get(field).is_some(), "{field}");
    }
    // Pagination: one per page, newest first.
    let page = json(app.get("/api/v1/sessions?limit=1", token).await).await;
    assert_eq!(page["data"][0]["current"], true);
    let cursor = page["next_cursor"].as_str().unwrap();
    let next = json(app.get(&format!("/api/v1/sessions?limit=1&cursor={cursor}"), token).await).await;
    assert_eq!(next["data"][0]["current"], false);
    assert!(next["next_cursor"].is_null());
    app.get("/api/v1/sessions?limit=0", token).await.expect_error(400, "VALIDATION_ERROR").await;

    let other_id = next["data"][0]["id"].as_str().unwrap();
    let one = json(app.get(&format!("/api/v1/sessions/{other_id}"), token).await).await;
    assert_eq!(one["id"], other_id);

    // Revoking the first session kills its tokens at once; the current one lives on.
    app.delete(&format!("/api/v1/sessions/{other_id}"), token).await.expect_status(204).await;
    app.assert_token_refused(first["access_token"].as_str()).await;
    app.refresh(&first).await.expect_error(401, "UNAUTHORIZED").await;
    assert_eq!(app.get("/api/v1/auth/me", token).await.status(), 200);
    app.get(&format!("/api/v1/sessions/{other_id}"), token).await.expect_error(404, "NOT_FOUND").await;
}

#[tokio::test]
async fn another_users_session_is_not_found() {
    let app = TestStack::spawn().await;
    let ada = app.signup("ada@example.com", PASSWORD).await;
    let bob = app.signup("bob@example.com", PASSWORD).await;
    let bob_session = json(app.get("/api/v1/sessions", bob["access_token"].as_str()).await).await["data"][0]
        ["id"]
        .as_str()
        .unwrap()
        .to_string();
    let ada_token = ada["access_token"].as_str();
    app.get(&format!("/api/v1/sessions/{bob_session}"), ada_token).await.expect_error(404, "NOT_FOUND").await;
    let resp = app.delete(&format!("/api/v1/sessions/{bob_session}"), ada_token).await;
    resp.expect_error(404, "NOT_FOUND").await;
    assert_eq!(app.get("/api/v1/auth/me", bob["access_token"].as_str()).await.status(), 200, "untouched");
    let bob_id = bob["user"]["id"].as_str().unwrap();
    app.get(&format!("/api/v1/users/{bob_id}/sessions"), ada_token)
        .await
        .expect_error(404, "NOT_FOUND")
        .await;
    let own = json(
        app.get(&format!("/api/v1/users/{}/sessions", ada["user"]["id"].as_str().unwrap()), ada_token).await,
    )
    .await;
    assert_eq!(own["data"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn delete_all_is_not_taken_for_a_session_id() {
    let app = TestStack::spawn().await;
    let a = app.signup("ada@example.com", PASSWORD).await;
    let b = json(app.signin("ada@example.com", PASSWORD).await).await;
    let c = json(app.signin("ada@example.com", PASSWORD).await).await;
    // Everywhere but here.
    app.delete("/api/v1/sessions/all?keep_current=true", c["access_token"].as_str())
        .await
        .expect_status(204)
        .await;
    app.assert_token_refused(a["access_token"].as_str()).await;
    app.assert_token_refused(b["access_token"].as_str()).await;
    assert_eq!(app.get("/api/v1/auth/me", c["access_token"].as_str()).await.status(), 200);
    // Everywhere.
    app.delete("/api/v1/sessions/all", c["access_token"].as_str()).await.expect_status(204).await;
    app.assert_token_refused(c["access_token"].as_str()).await;
}

#[tokio::test]
async fn changing_the_password_revokes_other_sessions_and_notifies() {
    let app = TestStack::spawn().await;
    let other = app.signup("ada@example.com", PASSWORD).await;
    let here = json(app.signin("ada@example.com", PASSWORD).await).await;
    let token = here["access_token"].as_str();
    let path = format!("/api/v1/users/{}/change-password", here["user"]["id"].as_str().unwrap());

    let wrong = app
        .post(
            &path,
            &json!({"current_password":"not the password","new_password":"a brand new passphrase"}),
            token,
        )
        .await;
    let body = wrong.expect_error(401, "INVALID_CREDENTIALS").await;
    assert_eq!(body["error"]["details"]["field"], "current_password");
    let weak = app.post(&path, &json!({"current_password":PASSWORD,"new_password":"short"}), token).await;
    assert_eq!(weak.expect_error(400, "VALIDATION_ERROR").await["error"]["details"]["field"], "new_password");
    let same = app.post(&path, &json!({"current_password":PASSWORD,"new_password":PASSWORD}), token).await;
    same.expect_error(400, "VALIDATION_ERROR").await;

    app.post(&path, &json!({"current_password":PASSWORD,"new_password":"a brand new passphrase"}), token)
        .await
        .expect_status(204)
        .await;
    assert_eq!(app.get("/api/v1/auth/me", token).await.status(), 200, "this session stays");
    app.assert_token_refused(other["access_token"].as_str()).await;
    app.signin("ada@example.com", PASSWORD).await.expect_error(401, "INVALID_CREDENTIALS").await;
    assert_eq!(app.signin("ada@example.com", "a brand new passphrase").await.status(), 200);
    eventually("the notification", Duration::from_secs(15), || async {
        app.smtp
            .mails_to("ada@example.com")
            .into_iter()
            .find(|m| m.subject().as_deref() == Some("Your password was changed"))
    })
    .await;

    // Someone else's id is 404.
    let bob = app.signup("bob@example.com", PASSWORD).await;
    let bob_path = format!("/api/v1/users/{}/change-password", bob["user"]["id"].as_str().unwrap());
    let resp = app
        .post(&bob_path, &json!({"current_password":PASSWORD,"new_password":"a brand new passphrase"}), token)
        .await;
    resp.expect_error(404, "NOT_FOUND").await;
}

#[tokio::test]
async fn guessing_the_current_password_is_throttled() {
    let app = TestStack::spawn_with(|s| s.rate_limits.signin_failures_per_account = 3).await;
    let pair = app.signup("ada@example.com", PASSWORD).await;
    let path = format!("/api/v1/users/{}/change-password", pair["user"]["id"].as_str().unwrap());
    let guess = json!({"current_password":"a wrong guess here","new_password":"a brand new passphrase"});
    for _ in 0..3 {
        app.post(&path, &guess, pair["access_token"].as_str())
            .await
            .expect_error(401, "INVALID_CREDENTIALS")
            .await;
    }
    app.post(&path, &guess, pair["access_token"].as_str())
        .await
        .expect_error(429, "RATE_LIMIT_EXCEEDED")
        .await;
}
