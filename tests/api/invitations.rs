//! Invitations through the gateway, with the real email they send (SMTP sink).

use crate::json;
use janua_testkit::{ExpectStatus, Person, TestStack, eventually};
use serde_json::{Value, json};
use std::time::Duration;

use janua_testkit::PASSWORD;

/// A fresh stack with Ada (her address proven) and her organization, Acme.
async fn ada_and_her_organization() -> (TestStack, Person, String) {
    let app = TestStack::spawn().await;
    let ada = app.verified_person("ada@example.com").await;
    let org = app.create_org_id(&ada.token, "Acme").await;
    (app, ada, org)
}

async fn invite(
    app: &TestStack, prefix: &str, org: &str, by: &Person, email: &str, role: &str,
) -> reqwest::Response {
    app.post(
        &format!("{prefix}/organizations/{org}/invitations"),
        &json!({"email": email, "role": role}),
        Some(&by.token),
    )
    .await
}

/// Posts `action` (accept, resend) on invitation `id` as the holder of `token`.
async fn on_invitation(
    app: &TestStack, prefix: &str, id: &str, action: &str, token: &str,
) -> reqwest::Response {
    app.post(&format!("{prefix}/invitations/{id}/{action}"), &json!({}), Some(token)).await
}

/// The invitation link from the email sent to `to`.
async fn emailed_invitation(app: &TestStack, to: &str, nth: usize) -> String {
    let body = eventually("invitation mail", Duration::from_secs(20), || async {
        app.smtp
            .mails_to(to)
            .into_iter()
            .filter(|m| m.subject().is_some_and(|s| s.starts_with("You are invited to join")))
            .nth(nth)
            .map(|m| m.body())
    })
    .await;
    let start = body.find("/invitations/").expect("a link") + "/invitations/".len();
    body[start..start + 36].to_string()
}

#[tokio::test]
async fn an_invitation_is_emailed_shown_and_accepted_once_by_its_addressee() {
    let app = TestStack::spawn().await;
    app.wait_for_consumer("auth").await;
    let ada = app.verified_person("ada@example.com").await;
    let org = app.create_org_id(&ada.token, "Acme").await;
    let created = invite(&app, "/api/invitations", &org, &ada, "Bob@Example.com", "admin")
        .await
        .expect_status(201)
        .await;
    assert_eq!(created["email"], "bob@example.com");
    assert_eq!(created["status"], "pending");
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(emailed_invitation(&app, "bob@example.com", 0).await, id);

    // Public details: enough for an accept page, the address hidden.
    let details = json(app.get(&format!("/api/invitations/invitations/{id}"), None).await).await;
    assert_eq!(details["organization"]["name"], "Acme");
    assert_eq!(details["role"], "admin");
    assert_eq!(details["email_hint"], "b***@example.com");
    assert!(details.get("email").is_none());
    // The same under /api/v1.
    let v1 = json(app.get(&format!("/api/v1/invitations/invitations/{id}"), None).await).await;
    assert_eq!(v1["id"], details["id"]);

    // Someone else (even signed in and verified) cannot take it.
    let mallory = app.verified_person("mallory@example.com").await;
    let stolen = on_invitation(&app, "/api/invitations", &id, "accept", &mallory.token).await;
    stolen.expect_refusal(403, "FORBIDDEN", "email_mismatch").await;

    let bob = app.verified_person("bob@example.com").await;
    let member =
        on_invitation(&app, "/api/invitations", &id, "accept", &bob.token).await.expect_status(200).await;
    assert_eq!(member["role"], "admin");
    assert_eq!(member["user_id"], bob.id.as_str());
    let orgs = json(app.get("/api/v1/organizations", Some(&bob.token)).await).await;
    assert_eq!(orgs["data"][0]["id"], org.as_str());

    // Once only.
    let again = on_invitation(&app, "/api/invitations", &id, "accept", &bob.token).await;
    again.expect_refusal(409, "CONFLICT", "accepted").await;
    let events = app.outbox_events("org").await;
    assert!(events.has("invitation.created"), "{events:?}");
    assert!(events.has("invitation.accepted"), "{events:?}");
}

#[tokio::test]
async fn expired_revoked_and_unverified_invitations_do_not_open_the_door() {
    use diesel_async::RunQueryDsl;
    let (app, ada, org) = ada_and_her_organization().await;
    let bob = app.verified_person("bob@example.com").await;

    // Expired.
    let inv = json(invite(&app, "/api/v1/invitations", &org, &ada, "bob@example.com", "member").await).await;
    let id = inv["id"].as_str().unwrap();
    let mut db = app.db("org").await;
    diesel::sql_query("UPDATE invitations SET expires_at = now() - interval '1 second'")
        .execute(&mut db)
        .await
        .unwrap();
    let details = json(app.get(&format!("/api/v1/invitations/invitations/{id}"), None).await).await;
    assert_eq!(details["status"], "expired");
    let late = on_invitation(&app, "/api/v1/invitations", id, "accept", &bob.token).await;
    late.expect_refusal(409, "CONFLICT", "expired").await;
    // Resending revives it for another week.
    let resent = on_invitation(&app, "/api/v1/invitations", id, "resend", &ada.token).await;
    assert_eq!(resent.status(), 202);
    assert_eq!(json(resent).await["sent_count"], 2);

    // Revoked.
    app.delete(&format!("/api/v1/invitations/invitations/{id}"), Some(&ada.token))
        .await
        .expect_status(204)
        .await;
    let refused = on_invitation(&app, "/api/v1/invitations", id, "accept", &bob.token).await;
    refused.expect_refusal(409, "CONFLICT", "revoked").await;

    // An address registered but never verified cannot accept.
    let carol = app.signup("carol@example.com", PASSWORD).await;
    let inv =
        json(invite(&app, "/api/v1/invitations", &org, &ada, "carol@example.com", "member").await).await;
    let carol_token = carol["access_token"].as_str().unwrap();
    let inv_id = inv["id"].as_str().unwrap();
    let resp = on_invitation(&app, "/api/v1/invitations", inv_id, "accept", carol_token).await;
    resp.expect_refusal(403, "FORBIDDEN", "email_unverified").await;
}

#[tokio::test]
async fn only_owners_and_admins_manage_invitations_and_outsiders_see_nothing() {
    let (app, ada, org) = ada_and_her_organization().await;
    let member = app.verified_person("member@example.com").await;
    let outsider = app.verified_person("outsider@example.com").await;
    app.add_member(&ada.token, &org, &member.id, "member").await;

    invite(&app, "/api/v1/invitations", &org, &member, "x@example.com", "member")
        .await
        .expect_error(403, "FORBIDDEN")
        .await;
    invite(&app, "/api/v1/invitations", &org, &outsider, "x@example.com", "member")
        .await
        .expect_error(404, "NOT_FOUND")
        .await;
    let inv: Value =
        json(invite(&app, "/api/v1/invitations", &org, &ada, "x@example.com", "member").await).await;
    let id = inv["id"].as_str().unwrap();
    // One pending invitation per address; members cannot be invited.
    let twice = invite(&app, "/api/v1/invitations", &org, &ada, "x@example.com", "admin").await;
    twice.expect_refusal(409, "CONFLICT", "already_invited").await;
    let member_again = invite(&app, "/api/v1/invitations", &org, &ada, "member@example.com", "admin").await;
    member_again.expect_refusal(409, "CONFLICT", "already_member").await;

    let list_path = format!("/api/v1/invitations/organizations/{org}/invitations");
    let listed = json(app.get(&list_path, Some(&ada.token)).await).await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 1);
    app.get(&list_path, Some(&member.token)).await.expect_error(403, "FORBIDDEN").await;
    app.get(&list_path, Some(&outsider.token)).await.expect_error(404, "NOT_FOUND").await;
    for who in [&outsider] {
        let revoke = app.delete(&format!("/api/v1/invitations/invitations/{id}"), Some(&who.token)).await;
        revoke.expect_error(404, "NOT_FOUND").await;
        let resend = on_invitation(&app, "/api/v1/invitations", id, "resend", &who.token).await;
        resend.expect_error(404, "NOT_FOUND").await;
    }
    let revoke = app.delete(&format!("/api/v1/invitations/invitations/{id}"), Some(&member.token)).await;
    revoke.expect_error(403, "FORBIDDEN").await;
    // An admin may not invite an owner.
    app.set_member_role(&ada.token, &org, &member.id, "admin").await.expect_status(200).await;
    let owner_invite = invite(&app, "/api/v1/invitations", &org, &member, "boss@example.com", "owner").await;
    owner_invite.expect_error(403, "FORBIDDEN").await;
    let unknown = app.get(&format!("/api/v1/invitations/invitations/{}", uuid::Uuid::now_v7()), None).await;
    unknown.expect_error(404, "NOT_FOUND").await;
}
