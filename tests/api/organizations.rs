//! Organizations and their members through the gateway: roles and what each may do,
//! isolation between organizations, the last-owner rule.

use crate::json;
use janua_testkit::{ExpectStatus, Person, TestStack};
use serde_json::json;

async fn add(app: &TestStack, org: &str, by: &Person, who: &Person, role: &str) -> reqwest::Response {
    app.post(
        &format!("/api/v1/organizations/{org}/members"),
        &json!({ "user_id": who.id, "role": role }),
        Some(&by.token),
    )
    .await
}

#[tokio::test]
async fn an_organization_is_created_listed_read_and_updated() {
    let app = TestStack::spawn().await;
    let ada = app.person("ada@example.com").await;
    let org = app.create_org(&ada.token, "Acme, Inc.").await;
    assert_eq!(org["slug"], "acme-inc");
    assert_eq!(org["role"], "owner");
    let id = org["id"].as_str().unwrap();

    let taken = app
        .post("/api/v1/organizations", &json!({"name": "Other", "slug": "acme-inc"}), Some(&ada.token))
        .await;
    let body = taken.expect_error(409, "CONFLICT").await;
    assert_eq!(body["error"]["details"]["field"], "slug");
    let bad = app
        .post("/api/v1/organizations", &json!({"name": "X", "slug": "Not A Slug"}), Some(&ada.token))
        .await;
    bad.expect_error(400, "VALIDATION_ERROR").await;

    let mine = json(app.get("/api/v1/organizations", Some(&ada.token)).await).await;
    assert_eq!(mine["data"].as_array().unwrap().len(), 1);
    assert_eq!(mine["data"][0]["id"], id);
    let same =
        json(app.get(&format!("/api/v1/users/{}/organizations", ada.id), Some(&ada.token)).await).await;
    assert_eq!(same["data"], mine["data"]);

    let updated = app
        .put(
            &format!("/api/v1/organizations/{id}"),
            &json!({"name": "Acme Corp", "description": "Rockets", "metadata": {"tier": "gold"}}),
            Some(&ada.token),
        )
        .await
        .expect_status(200)
        .await;
    assert_eq!(updated["name"], "Acme Corp");
    assert_eq!(updated["slug"], "acme-inc");
    assert_eq!(updated["metadata"]["tier"], "gold");
    let got = json(app.get(&format!("/api/v1/organizations/{id}"), Some(&ada.token)).await).await;
    assert_eq!(got["description"], "Rockets");

    // The creator is listed as owner, with the facts org keeps about users.
    let members = json(app.get(&format!("/api/v1/organizations/{id}/members"), Some(&ada.token)).await).await;
    assert_eq!(members["data"][0]["user_id"], ada.id.as_str());
    assert_eq!(members["data"][0]["role"], "owner");
    assert_eq!(members["data"][0]["email"], "ada@example.com");

    let events = app.outbox_events("org").await;
    let types: Vec<&str> = events.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(types, ["organization.created", "organization.member_added", "organization.updated"]);
}

/// What each role may do: (action, owner, admin, member) -> expected status.
#[tokio::test]
async fn each_role_may_do_what_its_row_says_and_no_more() {
    let app = TestStack::spawn().await;
    let [owner, admin, member, outsider, other, second_owner] = app
        .people([
            "owner@example.com",
            "admin@example.com",
            "member@example.com",
            "outsider@example.com",
            "other@example.com",
            "owner2@example.com",
        ])
        .await;

    #[derive(Clone, Copy, Debug)]
    enum Act {
        Get,
        ListMembers,
        Update,
        AddMember,
        AddAdmin,
        AddOwner,
        PromoteMemberToAdmin,
        DemoteAdmin,
        DemoteOwner,
        RemoveMember,
        RemoveAdmin,
        RemoveOwner,
        Delete,
    }
    use Act::*;
    // Actions that need the same standing, with the status each caller gets:
    // [as owner, as admin, as member, as outsider].
    let table: [(&[Act], [u16; 4]); 8] = [
        (&[Get, ListMembers], [200, 200, 200, 404]),
        (&[Update], [200, 200, 403, 404]),
        (&[AddMember, AddAdmin], [201, 201, 403, 404]),
        (&[AddOwner], [201, 403, 403, 404]),
        (&[PromoteMemberToAdmin, DemoteAdmin], [200, 200, 403, 404]),
        (&[DemoteOwner], [200, 403, 403, 404]),
        (&[RemoveMember, RemoveAdmin], [204, 204, 403, 404]),
        (&[RemoveOwner, Delete], [204, 403, 403, 404]),
    ];
    let callers = [&owner, &admin, &member, &outsider];
    let mut case = 0;
    for (act, statuses) in
        table.iter().flat_map(|(acts, statuses)| acts.iter().map(move |&act| (act, statuses)))
    {
        for (caller, &expected) in callers.iter().zip(statuses) {
            // A fresh organization per case: owner, second owner, admin, member; `other` is
            // either a non-member (for adds) or a member with the role under test.
            case += 1;
            let org = app.create_org_id(&owner.token, &format!("Case {case}")).await;
            for (who, role) in [(&second_owner, "owner"), (&admin, "admin"), (&member, "member")] {
                assert_eq!(add(&app, &org, &owner, who, role).await.status(), 201);
            }
            let target_role = match act {
                PromoteMemberToAdmin | RemoveMember => Some("member"),
                DemoteAdmin | RemoveAdmin => Some("admin"),
                DemoteOwner | RemoveOwner => Some("owner"),
                _ => None,
            };
            if let Some(role) = target_role {
                assert_eq!(add(&app, &org, &owner, &other, role).await.status(), 201);
            }
            let base = format!("/api/v1/organizations/{org}");
            let member_path = format!("{base}/members/{}", other.id);
            let token = Some(caller.token.as_str());
            let resp = match act {
                Get => app.get(&base, token).await,
                ListMembers => app.get(&format!("{base}/members"), token).await,
                Update => app.put(&base, &json!({"name": "Renamed"}), token).await,
                AddMember => add(&app, &org, caller, &other, "member").await,
                AddAdmin => add(&app, &org, caller, &other, "admin").await,
                AddOwner => add(&app, &org, caller, &other, "owner").await,
                PromoteMemberToAdmin => {
                    app.put(&format!("{member_path}/role"), &json!({"role": "admin"}), token).await
                }
                DemoteAdmin | DemoteOwner => {
                    app.put(&format!("{member_path}/role"), &json!({"role": "member"}), token).await
                }
                RemoveMember | RemoveAdmin | RemoveOwner => app.delete(&member_path, token).await,
                Delete => app.delete(&base, token).await,
            };
            let status = resp.status().as_u16();
            assert_eq!(status, expected, "{act:?} by {}", caller.id);
            if status >= 400 {
                let code = match status {
                    403 => "FORBIDDEN",
                    _ => "NOT_FOUND",
                };
                resp.expect_error(status, code).await;
            }
        }
    }
}

#[tokio::test]
async fn nothing_of_one_organization_is_reachable_from_another() {
    let app = TestStack::spawn().await;
    let [ada, bob, bobs_member] =
        app.people(["ada@example.com", "bob@example.com", "carol@example.com"]).await;
    let a = app.create_org_id(&ada.token, "Org A").await;
    let b = app.create_org_id(&bob.token, "Org B").await;
    assert_eq!(add(&app, &b, &bob, &bobs_member, "member").await.status(), 201);

    // Ada (owner of A) on B, by its real id: 404 for everything, like an unknown id.
    let t = Some(ada.token.as_str());
    for resp in [
        app.get(&format!("/api/v1/organizations/{b}"), t).await,
        app.get(&format!("/api/v1/organizations/{b}/members"), t).await,
        app.put(&format!("/api/v1/organizations/{b}"), &json!({"name": "Mine"}), t).await,
        app.delete(&format!("/api/v1/organizations/{b}"), t).await,
        add(&app, &b, &ada, &ada, "owner").await,
        app.delete(&format!("/api/v1/organizations/{b}/members/{}", bobs_member.id), t).await,
        app.get(&format!("/api/v1/organizations/{}", uuid::Uuid::now_v7()), t).await,
        app.get(&format!("/api/v1/users/{}/organizations", bob.id), t).await,
    ] {
        resp.expect_error(404, "NOT_FOUND").await;
    }
    // B's member through A's path: not a member of A, so nothing to change.
    let resp = app
        .put(
            &format!("/api/v1/organizations/{a}/members/{}/role", bobs_member.id),
            &json!({"role": "admin"}),
            t,
        )
        .await;
    resp.expect_error(404, "NOT_FOUND").await;
    let resp = app.delete(&format!("/api/v1/organizations/{a}/members/{}", bobs_member.id), t).await;
    resp.expect_error(404, "NOT_FOUND").await;
    // B is untouched.
    let members = json(app.get(&format!("/api/v1/organizations/{b}/members"), Some(&bob.token)).await).await;
    assert_eq!(members["data"].as_array().unwrap().len(), 2);
    let mine = json(app.get("/api/v1/organizations", t).await).await;
    assert_eq!(mine["data"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_last_owner_stays_until_another_owner_exists() {
    let app = TestStack::spawn().await;
    let [ada, bob] = app.people(["ada@example.com", "bob@example.com"]).await;
    let org = app.create_org_id(&ada.token, "Solo").await;
    let me = format!("/api/v1/organizations/{org}/members/{}", ada.id);
    let leave = app.delete(&me, Some(&ada.token)).await;
    leave.expect_refusal(409, "CONFLICT", "last_owner").await;
    let demote = app.put(&format!("{me}/role"), &json!({"role": "admin"}), Some(&ada.token)).await;
    demote.expect_error(409, "CONFLICT").await;

    assert_eq!(add(&app, &org, &ada, &bob, "member").await.status(), 201);
    let promote = app.set_member_role(&ada.token, &org, &bob.id, "owner").await;
    assert_eq!(json(promote).await["role"], "owner");
    assert_eq!(app.delete(&me, Some(&ada.token)).await.status(), 204);
    // Ada left: the organization is gone for her.
    app.get(&format!("/api/v1/organizations/{org}"), Some(&ada.token))
        .await
        .expect_error(404, "NOT_FOUND")
        .await;
    // Members may leave; a bad role is a 400.
    let bad = add(&app, &org, &bob, &ada, "emperor").await;
    let body = bad.expect_error(400, "VALIDATION_ERROR").await;
    assert_eq!(body["error"]["details"]["field"], "role");
    let twice = add(&app, &org, &bob, &bob, "member").await;
    twice.expect_error(409, "CONFLICT").await;
    let ghost = app
        .post(
            &format!("/api/v1/organizations/{org}/members"),
            &json!({"user_id": uuid::Uuid::now_v7(), "role": "member"}),
            Some(&bob.token),
        )
        .await;
    ghost.expect_error(400, "VALIDATION_ERROR").await;
}

#[tokio::test]
async fn deleting_an_organization_takes_its_memberships() {
    let app = TestStack::spawn().await;
    let [ada, bob] = app.people(["ada@example.com", "bob@example.com"]).await;
    let org = app.create_org_id(&ada.token, "Doomed").await;
    assert_eq!(add(&app, &org, &ada, &bob, "admin").await.status(), 201);
    app.delete(&format!("/api/v1/organizations/{org}"), Some(&ada.token)).await.expect_status(204).await;
    for p in [&ada, &bob] {
        let mine = json(app.get("/api/v1/organizations", Some(&p.token)).await).await;
        assert!(mine["data"].as_array().unwrap().is_empty());
        let gone = app.get(&format!("/api/v1/organizations/{org}"), Some(&p.token)).await;
        gone.expect_error(404, "NOT_FOUND").await;
    }
    let events = app.outbox_events("org").await;
    assert!(events.has("organization.deleted"), "{events:?}");
    // The slug is free again.
    app.create_org(&bob.token, "Doomed").await;
}

#[tokio::test]
async fn lists_page_with_a_cursor() {
    let app = TestStack::spawn().await;
    let ada = app.person("ada@example.com").await;
    for i in 0..5 {
        app.create_org(&ada.token, &format!("Org {i}")).await;
    }
    let mut seen = Vec::new();
    let mut url = "/api/v1/organizations?limit=2".to_string();
    loop {
        let page = json(app.get(&url, Some(&ada.token)).await).await;
        for o in page["data"].as_array().unwrap() {
            seen.push(o["slug"].as_str().unwrap().to_string());
        }
        match page["next_cursor"].as_str() {
            Some(c) => url = format!("/api/v1/organizations?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, ["org-0", "org-1", "org-2", "org-3", "org-4"]);
}
