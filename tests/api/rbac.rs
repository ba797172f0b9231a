//! RBAC through the gateway: the catalogue, read-only built-in roles, custom roles, and
//! permissions that take effect in the organization's own checks.

use crate::json;
use janua_testkit::{ExpectStatus, TestStack};
use serde_json::json;

use janua_testkit::PASSWORD;

#[tokio::test]
async fn the_catalogue_and_built_in_roles_are_there_and_read_only() {
    let app = TestStack::spawn().await;
    let ada = app.signup("ada@example.com", PASSWORD).await;
    let t = ada["access_token"].as_str();
    let perms = json(app.get("/api/v1/rbac/permissions", t).await).await;
    let names: Vec<&str> =
        perms["data"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"members:manage") && names.contains(&"policies:manage"));
    assert!(names.iter().all(|n| n.split(':').count() == 2));

    let roles = json(app.get("/api/v1/rbac/roles", t).await).await;
    let owner = roles["data"].as_array().unwrap().iter().find(|r| r["name"] == "owner").unwrap().clone();
    assert_eq!(owner["built_in"], true);
    let id = owner["id"].as_str().unwrap();
    assert_eq!(json(app.get(&format!("/api/v1/rbac/roles/{id}"), t).await).await["name"], "owner");
    let change = app
        .put(
            &format!("/api/v1/rbac/roles/{id}"),
            &json!({"name": "boss", "permissions": ["members:read"]}),
            t,
        )
        .await;
    change.expect_error(403, "FORBIDDEN").await;
    let delete = app.delete(&format!("/api/v1/rbac/roles/{id}"), t).await;
    delete.expect_error(403, "FORBIDDEN").await;
    // Platform-wide custom roles are for platform admins.
    let platform =
        app.post("/api/v1/rbac/roles", &json!({"name": "auditor", "permissions": ["audit:read"]}), t).await;
    platform.expect_error(403, "FORBIDDEN").await;
}

#[tokio::test]
async fn a_custom_role_grants_its_permissions_in_its_organization_only() {
    let app = TestStack::spawn().await;
    let [ada, bob, carol] = app.people(["ada@example.com", "bob@example.com", "carol@example.com"]).await;
    let org_id = app.create_org_id(&ada.token, "Acme").await;
    let other_id = app.create_org_id(&ada.token, "Elsewhere").await;
    for o in [&org_id, &other_id] {
        app.add_member(&ada.token, o, &bob.id, "member").await;
    }

    // Bad input.
    let unknown = app.create_role(&ada.token, &org_id, "x", &["members:fly"]).await;
    let body = unknown.expect_error(400, "VALIDATION_ERROR").await;
    assert_eq!(body["error"]["details"]["unknown"][0], "members:fly");
    let clash = app.create_role(&ada.token, &org_id, "Owner", &["members:read"]).await;
    clash.expect_error(400, "VALIDATION_ERROR").await;
    // Bob, a plain member, may not make roles.
    let refused = app.create_role(&bob.token, &org_id, "x", &["members:read"]).await;
    refused.expect_error(403, "FORBIDDEN").await;

    let role = app
        .post(
            "/api/v1/rbac/roles",
            &json!({"name": "Recruiter", "description": "adds people", "permissions": ["members:manage", "members:read"], "organization_id": org_id}),
            Some(&ada.token),
        )
        .await.expect_status(201).await;
    let role_id = role["id"].as_str().unwrap();
    assert_eq!(role["built_in"], false);
    let dup = app.create_role(&ada.token, &org_id, "recruiter", &["members:read"]).await;
    dup.expect_error(409, "CONFLICT").await;

    // Before the role Bob cannot add Carol; after it he can, in Acme only, and never as owner.
    let add_carol = |o: &str, role: &str| {
        let path = format!("/api/v1/organizations/{o}/members");
        let body = json!({"user_id": carol.id, "role": role});
        let (app, bob_t) = (&app, &bob.token);
        async move { app.post(&path, &body, Some(bob_t)).await }
    };
    add_carol(&org_id, "member").await.expect_error(403, "FORBIDDEN").await;
    let assigned = app.assign_role(&ada.token, &bob.id, role_id).await;
    assert_eq!(assigned.status(), 201);
    add_carol(&org_id, "owner").await.expect_error(403, "FORBIDDEN").await;
    assert_eq!(add_carol(&org_id, "member").await.status(), 201);
    // Sibling services read the same effective permissions over org's internal API.
    let perms = app.effective_permissions(&bob.id, &org_id).await;
    let perms: Vec<&str> = perms.iter().map(String::as_str).collect();
    assert!(perms.contains(&"members:manage") && perms.contains(&"organizations:read"), "{perms:?}");
    assert!(!perms.contains(&"organizations:delete"));
    add_carol(&other_id, "member").await.expect_error(403, "FORBIDDEN").await;
    // The role goes to members of its organization only.
    let outsider = app
        .post(
            &format!("/api/v1/rbac/users/{}/roles", carol.id),
            &json!({"role_id": role_id, "organization_id": other_id}),
            Some(&ada.token),
        )
        .await;
    outsider.expect_error(400, "VALIDATION_ERROR").await;

    // Taking the role away takes the permission away at once.
    let removed =
        app.delete(&format!("/api/v1/rbac/users/{}/roles/{role_id}", bob.id), Some(&ada.token)).await;
    assert_eq!(removed.status(), 204);
    let remove_carol =
        app.delete(&format!("/api/v1/organizations/{org_id}/members/{}", carol.id), Some(&bob.token)).await;
    remove_carol.expect_error(403, "FORBIDDEN").await;

    // Roles of an organization are invisible from outside it.
    let stranger = app.signup("dave@example.com", PASSWORD).await;
    let st = stranger["access_token"].as_str();
    app.get(&format!("/api/v1/rbac/roles/{role_id}"), st).await.expect_error(404, "NOT_FOUND").await;
    let listed = json(app.get("/api/v1/rbac/roles", st).await).await;
    assert!(listed["data"].as_array().unwrap().iter().all(|r| r["built_in"] == true));

    let deleted = app.delete(&format!("/api/v1/rbac/roles/{role_id}"), Some(&ada.token)).await;
    assert_eq!(deleted.status(), 204);
    app.outbox_events("org").await.assert_has_all(&[
        "role.created",
        "role.assigned",
        "role.removed",
        "role.deleted",
    ]);
}
