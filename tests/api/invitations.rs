//! Invitations through the gateway, with the real email they send (SMTP sink).

use crate::{assert_error, json};
use janua_testkit::{Person, TestStack, eventually};
use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;

use janua_testkit::PASSWORD;

async fn org_of(app: &TestStack, owner: &Person) -> String {
    let resp = app
        .post(
            "/api/v1/organizations",
            &json!({"name": "Acme"}),
            Some(&owner.token),
        )
        .await;
    json(resp).await["id"].as_str().unwrap().to_string()
}

async fn invite(
    app: &TestStack,
    prefix: &str,
    org: &str,
    by: &Person,
    email: &str,
    role: &str,
) -> reqwest::Response {
    app.post(
        &format!("{prefix}/organizations/{org}/invitations"),
        &json!({"email": email, "role": role}),
        Some(&by.token),
    )
    .await
}

/// The invitation link from the email sent to `to`.
async fn emailed_invitation(app: &TestStack, to: &str, nth: usize) -> String {
    let body = eventually("invitation mail", Duration::from_secs(20), || async {
        app.smtp
            .mails_to(to)
            .into_iter()
            .filter(|m| {
                m.subject()
                    .is_some_and(|s| s.starts_with("You are invited to join"))
            })
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
    let org = org_of(&app, &ada).await;
    let resp = invite(&app, "/api/invitations", &org, &ada, "Bob@Example.com", "admin").await;
    assert_eq!(resp.status(), 201);
    let created = json(resp).await;
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
    let v1 = json(
        app.get(&format!("/api/v1/invitations/invitations/{id}"), None)
            .await,
    )
    .await;
    assert_eq!(v1["id"], details["id"]);

    // Someone else (even signed in and verified) cannot take it.
    let mallory = app.verified_person("mallory@example.com").await;
    let stolen = app
        .post(
            &format!("/api/invitations/invitations/{id}/accept"),
            &json!({}),
            Some(&mallory.token),
        )
        .await;
    let body = assert_error(stolen, 403, "FORBIDDEN").await;
    assert_eq!(body["error"]["details"]["reason"], "email_mismatch");

    let bob = app.verified_person("bob@example.com").await;
    let accepted = app
        .post(
            &format!("/api/invitations/invitations/{id}/accept"),
            &json!({}),
            Some(&bob.token),
        )
        .await;
    assert_eq!(accepted.status(), 200);
    let member = json(accepted).await;
    assert_eq!(member["role"], "admin");
    assert_eq!(member["user_id"], bob.id.as_str());
    let orgs = json(app.get("/api/v1/organizations", Some(&bob.token)).await).await;
    assert_eq!(orgs["data"][0]["id"], org.as_str());

    // Once only.
    let again = app
        .post(
            &format!("/api/invitations/invitations/{id}/accept"),
            &json!({}),
            Some(&bob.token),
        )
        .await;
    let body = assert_error(again, 409, "CONFLICT").await;
    assert_eq!(body["error"]["details"]["reason"], "accepted");
    let events = app.outbox_events("org").await;
    assert!(events.iter().any(|(t, _)| t == "invitation.created"));
    assert!(events.iter().any(|(t, _)| t == "invitation.accepted"));
}

#[tokio::test]
async fn expired_revoked_and_unverified_invitations_do_not_open_the_door() {
    use diesel_async::RunQueryDsl;
    let app = TestStack::spawn().await;
    let ada = app.verified_person("ada@example.com").await;
    let org = org_of(&app, &ada).await;
    let bob = app.verified_person("bob@example.com").await;

    // Expired.
    let inv = json(
        invite(
            &app,
            "/api/v1/invitations",
            &org,
            &ada,
            "bob@example.com",
            "member",
        )
        .await,
    )
    .await;
    let id = inv["id"].as_str().unwrap();
    let mut db = app.db("org").await;
    diesel::sql_query("UPDATE invitations SET expires_at = now() - interval '1 second'")
        .execute(&mut db)
        .await
        .unwrap();
    let details = json(
        app.get(&format!("/api/v1/invitations/invitations/{id}"), None)
            .await,
    )
    .await;
    assert_eq!(details["status"], "expired");
    let late = app
        .post(
            &format!("/api/v1/invitations/invitations/{id}/accept"),
            &json!({}),
            Some(&bob.token),
        )
        .await;
    let body = assert_error(late, 409, "CONFLICT").await;
    assert_eq!(body["error"]["details"]["reason"], "expired");
    // Resending revives it for another week.
    let resent = app
        .post(
            &format!("/api/v1/invitations/invitations/{id}/resend"),
            &json!({}),
            Some(&ada.token),
        )
        .await;
    assert_eq!(resent.status(), 202);
    assert_eq!(json(resent).await["sent_count"], 2);

    // Revoked.
    let revoke = app
        .send(
            Method::DELETE,
            &format!("/api/v1/invitations/invitations/{id}"),
            None,
            Some(&ada.token),
        )
        .await;
    assert_eq!(revoke.status(), 204);
    let refused = app
        .post(
            &format!("/api/v1/invitations/invitations/{id}/accept"),
            &json!({}),
            Some(&bob.token),
        )
        .await;
    let body = assert_error(refused, 409, "CONFLICT").await;
    assert_eq!(body["error"]["details"]["reason"], "revoked");

    // An address registered but never verified cannot accept.
    let carol = app.signup("carol@example.com", PASSWORD).await;
    let inv = json(
        invite(
            &app,
            "/api/v1/invitations",
            &org,
            &ada,
            "carol@example.com",
            "member",
        )
        .await,
    )
    .await;
    let resp = app
        .post(
            &format!(
                "/api/v1/invitations/invitations/{}/accept",
                inv["id"].as_str().unwrap()
            ),
            &json!({}),
            carol["access_token"].as_str(),
        )
        .await;
    let body = assert_error(resp, 403, "FORBIDDEN").await;
    assert_eq!(body["error"]["details"]["reason"], "email_unverified");
}

#[tokio::test]
async fn only_owners_and_admins_manage_invitations_and_outsiders_see_nothing() {
    let app = TestStack::spawn().await;
    let ada = app.verified_person("ada@example.com").await;
    let org = org_of(&app, &ada).await;
    let member = app.verified_person("member@example.com").await;
    let outsider = app.verified_person("outsider@example.com").await;
    let added = app
        .post(
            &format!("/api/v1/organizations/{org}/members"),
            &json!({"user_id": member.id, "role": "member"}),
            Some(&ada.token),
        )
        .await;
    assert_eq!(added.status(), 201);

    assert_error(
        invite(
            &app,
            "/api/v1/invitations",
            &org,
            &member,
            "x@example.com",
            "member",
        )
        .await,
        403,
        "FORBIDDEN",
    )
    .await;
    assert_error(
        invite(
            &app,
            "/api/v1/invitations",
            &org,
            &outsider,
            "x@example.com",
            "member",
        )
        .await,
        404,
        "NOT_FOUND",
    )
    .await;
    let inv: Value =
        json(invite(&app, "/api/v1/invitations", &org, &ada, "x@example.com", "member").await).await;
    let id = inv["id"].as_str().unwrap();
    // One pending invitation per address; members cannot be invited.
    let twice = invite(&app, "/api/v1/invitations", &org, &ada, "x@example.com", "admin").await;
    assert_eq!(
        assert_error(twice, 409, "CONFLICT").await["error"]["details"]["reason"],
        "already_invited"
    );
    let member_again = invite(
        &app,
        "/api/v1/invitations",
        &org,
        &ada,
        "member@example.com",
        "admin",
    )
    .await;
    assert_eq!(
        assert_error(member_again, 409, "CONFLICT").await["error"]["details"]["reason"],
        "already_member"
    );

    let list_path = format!("/api/v1/invitations/organizations/{org}/invitations");
    let listed = json(app.get(&list_path, Some(&ada.token)).await).await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 1);
    assert_error(app.get(&list_path, Some(&member.token)).await, 403, "FORBIDDEN").await;
    assert_error(app.get(&list_path, Some(&outsider.token)).await, 404, "NOT_FOUND").await;
    for who in [&outsider] {
        let revoke = app
            .send(
                Method::DELETE,
                &format!("/api/v1/invitations/invitations/{id}"),
                None,
                Some(&who.token),
            )
            .await;
        assert_error(revoke, 404, "NOT_FOUND").await;
        let resend = app
            .post(
                &format!("/api/v1/invitations/invitations/{id}/resend"),
                &json!({}),
                Some(&who.token),
            )
            .await;
        assert_error(resend, 404, "NOT_FOUND").await;
    }
    let revoke = app
        .send(
            Method::DELETE,
            &format!("/api/v1/invitations/invitations/{id}"),
            None,
            Some(&member.token),
        )
        .await;
    assert_error(revoke, 403, "FORBIDDEN").await;
    // An admin may not invite an owner.
    let promoted = app
        .send(
            Method::PUT,
            &format!("/api/v1/organizations/{org}/members/{}/role", member.id),
            Some(&json!({"role": "admin"})),
            Some(&ada.token),
        )
        .await;
    assert_eq!(promoted.status(), 200);
    let owner_invite = invite(
        &app,
        "/api/v1/invitations",
        &org,
        &member,
        "boss@example.com",
        "owner",
    )
    .await;
    assert_error(owner_invite, 403, "FORBIDDEN").await;
    let unknown = app
        .get(
            &format!("/api/v1/invitations/invitations/{}", uuid::Uuid::now_v7()),
            None,
        )
        .await;
    assert_error(unknown, 404, "NOT_FOUND").await;
}
