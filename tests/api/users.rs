use crate::json;
use janua_testkit::{ExpectStatus, PASSWORD, TestStack};
use serde_json::json;

#[tokio::test]
async fn users_read_and_update_their_own_profile_only() {
    let app = TestStack::spawn().await;
    let ada = app.signup("ada@example.com", PASSWORD).await;
    let bob = app.signup("bob@example.com", PASSWORD).await;
    let token = ada["access_token"].as_str();
    let id = ada["user"]["id"].as_str().unwrap();
    let path = format!("/api/v1/users/{id}");

    let resp = app.get(&path, token).await;
    assert_eq!(json(resp).await["email"], "ada@example.com");
    let update = json!({"name":"Ada Lovelace","avatar_url":"https://example.com/a.png","locale":"en-GB","metadata":{"team":"engines"}});
    let user = app.put(&path, &update, token).await.expect_status(200).await;
    assert_eq!(user["name"], "Ada Lovelace");
    assert_eq!(user["locale"], "en-GB");
    assert_eq!(user["metadata"]["team"], "engines");
    assert_eq!(json(app.get("/api/v1/auth/me", token).await).await["name"], "Ada Lovelace");

    // Another user's id is 404, for reading and for writing.
    let bob_path = format!("/api/v1/users/{}", bob["user"]["id"].as_str().unwrap());
    app.get(&bob_path, token).await.expect_error(404, "NOT_FOUND").await;
    app.put(&bob_path, &json!({"name":"x"}), token).await.expect_error(404, "NOT_FOUND").await;
    app.get("/api/v1/users/not-a-uuid", token).await.expect_error(404, "NOT_FOUND").await;
    app.get(&path, None).await.expect_error(401, "UNAUTHORIZED").await;

    // Bad values name their field.
    let bad = app.put(&path, &json!({"avatar_url":"javascript:alert(1)"}), token).await;
    assert_eq!(bad.expect_error(400, "VALIDATION_ERROR").await["error"]["details"]["field"], "avatar_url");
    let bad = app.put(&path, &json!({"email":"not an address"}), token).await;
    assert_eq!(bad.expect_error(400, "VALIDATION_ERROR").await["error"]["details"]["field"], "email");
}
