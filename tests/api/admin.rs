//! Platform administration through the gateway: the user list, and suspension that takes
//! effect at once.

use crate::json;
use janua_testkit::{ExpectStatus, TestStack, eventually};
use serde_json::json;
use std::time::Duration;

use janua_testkit::PASSWORD;

#[tokio::test]
async fn admins_list_and_search_users_and_nobody_else_does() {
    let (app, admin) = TestStack::spawn_with_admin(|_| {}).await;
    let ada = app.signup("ada@example.com", PASSWORD).await;
    app.signup("bob@example.com", PASSWORD).await;
    app.signup("carol@elsewhere.org", PASSWORD).await;
    for path in ["/api/v1/users", "/api/v1/admin/users"] {
        app.get(path, ada["access_token"].as_str()).await.expect_error(403, "FORBIDDEN").await;
    }
    let all = json(app.get("/api/v1/users?limit=100", Some(&admin)).await).await;
    assert_eq!(all["data"].as_array().unwrap().len(), 4);
    let found = json(app.get("/api/v1/admin/users?q=EXAMPLE.COM", Some(&admin)).await).await;
    let emails: Vec<&str> =
        found["data"].as_array().unwrap().iter().map(|u| u["email"].as_str().unwrap()).collect();
    assert_eq!(emails, ["root@example.com", "ada@example.com", "bob@example.com"]);
    assert!(found["data"][0].get("roles").is_none());
    // The email from its start, the domain from its start, a name's words from their starts.
    let id = ada["user"]["id"].as_str().unwrap();
    app.put(
        &format!("/api/v1/users/{id}"),
        &json!({"name": "Ada King Lovelace"}),
        ada["access_token"].as_str(),
    )
    .await
    .expect_status(200)
    .await;
    for (search, expected) in [
        ("ADA@EX", &["ada@example.com"][..]),
        ("elsewhere", &["carol@elsewhere.org"]),
        ("lov", &["ada@example.com"]),
        ("ada%20k", &["ada@example.com"]),
        ("king%20lovelace", &["ada@example.com"]),
        ("ovelace", &[]),
        ("lovelace%20bob", &[]),
    ] {
        let found = json(app.get(&format!("/api/v1/users?q={search}"), Some(&admin)).await).await;
        let emails: Vec<&str> =
            found["data"].as_array().unwrap().iter().map(|u| u["email"].as_str().unwrap()).collect();
        assert_eq!(emails, expected, "q={search}");
    }
    // Wildcards in the search are literal.
    let none = json(app.get("/api/v1/users?q=%25", Some(&admin)).await).await;
    assert!(none["data"].as_array().unwrap().is_empty());
    // Pages.
    let first = json(app.get("/api/v1/users?limit=3", Some(&admin)).await).await;
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = json(app.get(&format!("/api/v1/users?limit=3&cursor={cursor}"), Some(&admin)).await).await;
    assert_eq!(second["data"].as_array().unwrap().len(), 1);
    app.get("/api/v1/users?status=gone", Some(&admin)).await.expect_error(400, "VALIDATION_ERROR").await;
}

#[tokio::test]
async fn a_suspension_takes_effect_at_once_and_can_be_lifted() {
    let (app, admin) = TestStack::spawn_with_admin(|_| {}).await;
    app.wait_for_consumer("auth").await;
    let ada = app.signup("ada@example.com", PASSWORD).await;
    let id = ada["user"]["id"].as_str().unwrap();
    let token = ada["access_token"].as_str();
    assert_eq!(app.get("/api/v1/auth/me", token).await.status(), 200);

    let resp = app
        .post(&format!("/api/v1/admin/users/{id}/suspend"), &json!({"reason": "abuse"}), Some(&admin))
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(json(resp).await["status"], "suspended");

    // At once: the access token (through the gateway and straight at a service), the refresh
    // token and sign-in all fail.
    app.assert_token_refused(token).await;
    let direct = reqwest::Client::new()
        .get(format!("{}/api/v1/organizations", app.settings.org.url))
        .bearer_auth(token.unwrap())
        .send()
        .await
        .unwrap();
    direct.expect_error(401, "UNAUTHORIZED").await;
    let refresh = app.refresh(&ada).await;
    assert!(matches!(refresh.status().as_u16(), 401 | 403), "{}", refresh.status());
    app.signin("ada@example.com", PASSWORD).await.expect_error(403, "ACCOUNT_SUSPENDED").await;

    // Auth revokes the sessions when the event arrives.
    // Only the admin's own session is left.
    let live = "SELECT count(*) AS n FROM sessions WHERE revoked_at IS NULL AND revoked_reason IS NULL";
    app.wait_for_count("sessions revoked", "auth", live, 1).await;

    // An admin cannot suspend themselves; others cannot suspend at all.
    let admin_id =
        json(app.get("/api/v1/auth/me", Some(&admin)).await).await["id"].as_str().unwrap().to_string();
    app.post(&format!("/api/v1/admin/users/{admin_id}/suspend"), &json!({}), Some(&admin))
        .await
        .expect_error(409, "CONFLICT")
        .await;
    let bob = app.signup("bob@example.com", PASSWORD).await;
    app.post(&format!("/api/v1/admin/users/{id}/unsuspend"), &json!({}), bob["access_token"].as_str())
        .await
        .expect_error(403, "FORBIDDEN")
        .await;

    let lifted = app.post(&format!("/api/v1/admin/users/{id}/unsuspend"), &json!({}), Some(&admin)).await;
    assert_eq!(json(lifted).await["status"], "active");
    let fresh = app.signin("ada@example.com", PASSWORD).await.expect_status(200).await;
    assert_eq!(app.get("/api/v1/auth/me", fresh["access_token"].as_str()).await.status(), 200);
    // The old session stays dead.
    app.assert_token_refused(token).await;
    app.outbox_events("identity").await.assert_has_all(&["user.suspended", "user.unsuspended"]);
}

#[tokio::test]
async fn deleting_an_account_reaches_every_service() {
    let app = TestStack::spawn_with(|s| s.tokens.reauth_window_secs = 0).await;
    app.wait_for_consumer("auth").await;
    app.wait_for_consumer("org").await;
    let [ada, bob] = app.people(["ada@example.com", "bob@example.com"]).await;
    let (ada_t, id) = (Some(ada.token.as_str()), &ada.id);
    // Ada owns an organization where Bob is admin, and belongs to one of Bob's.
    let hers = app.create_org_id(&ada.token, "Hers").await;
    app.add_member(&ada.token, &hers, &bob.id, "admin").await;
    let solo = app.create_org_id(&ada.token, "Solo").await;

    // Someone else's account: 404. Her own: the password is asked for (the token is not fresh
    // enough with a zero window), and checked.
    let other = app.delete(&format!("/api/v1/users/{id}"), Some(&bob.token)).await;
    other.expect_error(404, "NOT_FOUND").await;
    let bare = app.delete(&format!("/api/v1/users/{id}"), ada_t).await;
    bare.expect_refusal(401, "UNAUTHORIZED", "reauthentication_required").await;
    let wrong = app
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/users/{id}"),
            Some(&json!({"password": "not it at all"})),
            ada_t,
        )
        .await;
    wrong.expect_error(401, "INVALID_CREDENTIALS").await;
    app.send(
        reqwest::Method::DELETE,
        &format!("/api/v1/users/{id}"),
        Some(&json!({"password": PASSWORD})),
        ada_t,
    )
    .await
    .expect_status(204)
    .await;

    // At once: her token and her password are dead.
    app.assert_token_refused(ada_t).await;
    app.signin("ada@example.com", PASSWORD).await.expect_error(401, "INVALID_CREDENTIALS").await;
    // Soon, everywhere: auth's credentials and sessions, org's memberships; Bob inherits
    // her organization, and the one nobody else was in is gone.
    let left = format!(
        "SELECT (SELECT count(*) FROM credentials WHERE user_id = '{id}') + (SELECT count(*) FROM sessions WHERE user_id = '{id}') AS n"
    );
    app.wait_for_count("auth to forget her", "auth", &left, 0).await;
    let members = eventually("org to hand her organization on", Duration::from_secs(15), || async {
        let m = json(app.get(&format!("/api/v1/organizations/{hers}/members"), Some(&bob.token)).await).await;
        (m["data"].as_array()?.len() == 1 && m["data"][0]["role"] == "owner").then_some(m)
    })
    .await;
    assert_eq!(members["data"][0]["user_id"], bob.id.as_str());
    let solo_left =
        app.count("org", &format!("SELECT count(*) AS n FROM organizations WHERE id = '{solo}'")).await;
    assert_eq!(solo_left, 0);
    // The address is free again.
    app.signup("ada@example.com", PASSWORD).await;
}

#[tokio::test]
async fn admins_force_delete_others_but_not_themselves() {
    let (app, admin) = TestStack::spawn_with_admin(|_| {}).await;
    let ada = app.signup("ada@example.com", PASSWORD).await;
    let id = ada["user"]["id"].as_str().unwrap();
    app.delete(&format!("/api/v1/admin/users/{id}/force-delete"), ada["access_token"].as_str())
        .await
        .expect_error(403, "FORBIDDEN")
        .await;
    app.delete(&format!("/api/v1/admin/users/{id}/force-delete"), Some(&admin))
        .await
        .expect_status(204)
        .await;
    app.assert_token_refused(ada["access_token"].as_str()).await;
    let again = app.delete(&format!("/api/v1/admin/users/{id}/force-delete"), Some(&admin)).await;
    again.expect_error(404, "NOT_FOUND").await;
    let admin_id =
        json(app.get("/api/v1/auth/me", Some(&admin)).await).await["id"].as_str().unwrap().to_string();
    let own = app.delete(&format!("/api/v1/admin/users/{admin_id}/force-delete"), Some(&admin)).await;
    own.expect_error(409, "CONFLICT").await;
    app.outbox_events("identity").await.assert_has_all(&["user.deleted"]);
}

#[tokio::test]
async fn stats_count_what_each_service_owns() {
    let (app, admin) = TestStack::spawn_with_admin(|_| {}).await;
    let ada = app.signup("ada@example.com", PASSWORD).await;
    app.post("/api/v1/organizations", &json!({"name": "Acme"}), ada["access_token"].as_str()).await;
    app.get("/api/v1/admin/stats", ada["access_token"].as_str()).await.expect_error(403, "FORBIDDEN").await;
    let stats = json(app.get("/api/v1/admin/stats", Some(&admin)).await).await;
    assert_eq!(stats["users"]["total"], 2);
    assert_eq!(stats["users"]["by_status"]["active"], 2);
    assert_eq!(stats["organizations"], 1);
    assert_eq!(stats["sessions_active"], 2);
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    assert_eq!(stats["sign_ups_per_day"][0]["date"], today.as_str());
    assert_eq!(stats["sign_ups_per_day"][0]["count"], 2);
    assert_eq!(stats["sign_ins_per_day"][0]["count"], 2);
    assert_eq!(stats["mfa"]["adoption"], 0.0);
}

#[tokio::test]
async fn clearing_counters_lifts_a_lockout_but_not_a_revocation() {
    let (app, admin) = TestStack::spawn_with_admin(janua_testkit::signin_lockout(2, 300)).await;
    let ada = app.signup("ada@example.com", PASSWORD).await;
    let signed_out = ada["access_token"].as_str();
    assert_eq!(app.post("/api/v1/auth/signout", &json!({}), signed_out).await.status(), 204);
    for _ in 0..2 {
        app.signin("ada@example.com", "wrong password here").await;
    }
    app.signin("ada@example.com", PASSWORD).await.expect_error(429, "RATE_LIMIT_EXCEEDED").await;
    app.post("/api/v1/admin/cache/clear", &json!({}), signed_out)
        .await
        .expect_error(401, "UNAUTHORIZED")
        .await;
    let cleared =
        app.post("/api/v1/admin/cache/clear", &json!({}), Some(&admin)).await.expect_status(200).await;
    assert!(cleared["cleared"]["sign_in_throttles"].as_u64().unwrap() >= 1);
    assert_eq!(app.signin("ada@example.com", PASSWORD).await.status(), 200);
    // The signed-out session stays revoked.
    app.assert_token_refused(signed_out).await;
}
