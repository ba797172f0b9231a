//! Invariant: an address is verified only by mail that reached it. Every emailed token
//! (verification, reset, magic link) proves the address it went to, for the account that had
//! it then and has it still; an address change kills them all and leaves the new address
//! unverified until the link mailed there is followed.

use crate::json;
use janua_testkit::{ExpectStatus, TestStack};
use serde_json::json;

use janua_testkit::PASSWORD;

#[tokio::test]
async fn tokens_mailed_to_an_old_address_prove_nothing_once_the_address_changes() {
    let app = TestStack::spawn().await;
    let ada = app.person("ada@example.com").await;
    let (token, id) = (Some(ada.token.as_str()), &ada.id);
    let verify_old = app.mailed_token("ada@example.com", "Confirm your email address", 0).await;
    app.forgot_password("ada@example.com").await;
    let reset_old = app.mailed_token("ada@example.com", "Reset your password", 0).await;
    app.send_magic_link("ada@example.com").await;
    let magic_old = app.mailed_token("ada@example.com", "Your sign-in link", 0).await;

    // A fresh sign-in may change the address; the new one is unverified.
    let changed = app
        .put(&format!("/api/v1/users/{id}"), &json!({"email": "Ada.New@Example.com"}), token)
        .await
        .expect_status(200)
        .await;
    assert_eq!(changed["email"], "ada.new@example.com");
    assert_eq!(changed["email_verified"], false);

    // Every token mailed to the old address is dead, whatever it was for.
    let resp = app.post("/api/v1/auth/verify-email", &json!({"token": verify_old}), None).await;
    assert_eq!(resp.expect_error(400, "VALIDATION_ERROR").await["error"]["details"]["field"], "token");
    let resp = app.reset_password(&reset_old, "another long passphrase").await;
    resp.expect_error(400, "VALIDATION_ERROR").await;
    let resp = app.get(&format!("/api/v1/auth/magic/verify?token={magic_old}"), None).await;
    resp.expect_error(401, "UNAUTHORIZED").await;
    let me = json(app.get("/api/v1/auth/me", token).await).await;
    assert_eq!(me["email"], "ada.new@example.com");
    assert_eq!(me["email_verified"], false);
    assert_eq!(app.signin("ada.new@example.com", PASSWORD).await.status(), 200);

    // The old address is told; the new one gets its own link, which proves it.
    let notice = app.mail_body("ada@example.com", "Your email address was changed", 0).await;
    assert!(notice.contains("ada.new@example.com"), "{notice}");
    let user = app.verify_email("ada.new@example.com", 0).await;
    assert_eq!(user["email"], "ada.new@example.com");
    assert_eq!(user["email_verified"], true);
}

#[tokio::test]
async fn a_proven_address_that_changes_is_unproven_until_the_new_one_is_proven() {
    let app = TestStack::spawn().await;
    let pair = app.signup_verified("grace@example.com", PASSWORD).await;
    let token = pair["access_token"].as_str();
    let id = pair["user"]["id"].as_str().unwrap().to_string();
    let resp =
        app.put(&format!("/api/v1/users/{id}"), &json!({"email": "grace@elsewhere.example"}), token).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(json(resp).await["email_verified"], false);
    let updated = app
        .outbox_events("identity")
        .await
        .into_iter()
        .filter(|(k, _)| k == "user.updated")
        .map(|(_, p)| p)
        .find(|p| p["changed"].as_array().is_some_and(|c| c.iter().any(|f| f == "email")))
        .expect("user.updated for the address");
    assert_eq!(updated["previous_email"], "grace@example.com");
    assert!(updated["changed"].as_array().unwrap().iter().any(|f| f == "email_verified"));
    // An address someone else holds is a conflict, and nothing changes.
    app.signup("taken@example.com", PASSWORD).await;
    let resp = app.put(&format!("/api/v1/users/{id}"), &json!({"email": "taken@example.com"}), token).await;
    resp.expect_error(409, "CONFLICT").await;
    let me = json(app.get("/api/v1/auth/me", token).await).await;
    assert_eq!(me["email"], "grace@elsewhere.example");
}

/// A link to an account whose address was never proven hands it to whoever follows it, and
/// whoever registered the account without proving the address loses every way back in.
#[tokio::test]
async fn a_magic_link_to_an_unproven_account_strips_what_its_registrant_set_up() {
    let app = TestStack::spawn().await;
    let squatter = app.signup("ada@example.com", PASSWORD).await;
    let squatter_token = squatter["access_token"].as_str().unwrap().to_string();
    app.enable_totp(&squatter_token).await;
    app.send_magic_link("ada@example.com").await;
    let link = app.mailed_token("ada@example.com", "Your sign-in link", 0).await;
    let owner =
        app.get(&format!("/api/v1/auth/magic/verify?token={link}"), None).await.expect_status(200).await;
    assert!(owner.get("mfa_required").is_none(), "{owner}");
    assert_eq!(owner["user"]["id"], squatter["user"]["id"]);
    assert_eq!(owner["user"]["email_verified"], true);
    assert_eq!(owner["user"]["mfa_enabled"], false);
    app.signin("ada@example.com", PASSWORD).await.expect_error(401, "INVALID_CREDENTIALS").await;
    app.assert_token_refused(Some(&squatter_token)).await;
    let claimed = app.outbox_events("auth").await.first("user.account_claimed").clone();
    assert_eq!(claimed["proven_by"], "magic_link");
    assert_eq!(claimed["removed"], json!(["password", "totp", "sessions"]));
}

#[tokio::test]
async fn a_move_handled_late_leaves_the_links_mailed_to_the_new_address_working() {
    let app = TestStack::spawn().await;
    let ada = app.person("ada@example.com").await;
    app.put(&format!("/api/v1/users/{}", ada.id), &json!({"email": "ada.new@example.com"}), Some(&ada.token))
        .await
        .expect_status(200)
        .await;
    app.mail_body("ada@example.com", "Your email address was changed", 0).await;
    app.forgot_password("ada.new@example.com").await.expect_status(202).await;
    let reset_new = app.mailed_token("ada.new@example.com", "Reset your password", 0).await;

    // The move reaches auth again, after the reset was mailed to the new address (as when
    // auth's consumer lags behind the request): identity's event, republished.
    let (_, moved) = app
        .outbox_events("identity")
        .await
        .iter()
        .find(|(t, p)| {
            t == "user.updated" && p["changed"].as_array().is_some_and(|c| c.iter().any(|f| f == "email"))
        })
        .cloned()
        .expect("identity's user.updated for the move");
    let publisher =
        janua_events::Publisher::connect(&app.settings.amqp_url, &app.settings.amqp_exchange).await.unwrap();
    let late = janua_events::Event::new("identity", "user.updated", moved);
    publisher.publish(&late.id.to_string(), &late.event_type, &late.encode()).await.unwrap();
    janua_testkit::eventually("the late move handled", std::time::Duration::from_secs(20), || async {
        (app.mail_count("ada@example.com", "Your email address was changed") == 2).then_some(())
    })
    .await;

    // The link mailed to the new address still proves it; tokens mailed to the old one died.
    app.reset_password(&reset_new, "another long passphrase").await.expect_status(200).await;
    assert_eq!(app.signin("ada.new@example.com", "another long passphrase").await.status(), 200);
}
