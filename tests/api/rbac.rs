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
    let ada = app.signup("ada@example.com", PASSWORD).await;
    let bob = app.signup("bob@example.com", PASSWORD).await;
    let carol = app.signup("carol@example.com", PASSWORD).await;
    let (ada_t, bob_t) = (ada["access_token"].as_str(), bob["access_token"].as_str());
    let org = json(app.post("/api/v1/organizations", &json!({"name": "Acme"}), ada_t).await).await;
    let org_id = org["id"].as_str().unwrap();
    let other = json(app.post("/api/v1/organizations", &json!({"name": "Elsewhere"}), ada_t).await).await;
    let other_id = other["id"].as_str().unwrap();
    for o in [org_id, other_id] {
        app.post(
            &format!("/api/v1/organizations/{o}/members"),
            &json!({"user_id": bob["user"]["id"], "role": "member"}),
            ada_t,
        )
        .await
        .expect_status(201)
        .await;
    }

    // Bad input.
    let unknown = app
        .post(
            "/api/v1/rbac/roles",
            &json!({"name": "x", "permissions": ["members:fly"], "organization_id": org_id}),
            ada_t,
        )
        .await;
    let body = unknown.expect_error(400, "VALIDATION_ERROR").await;
    assert_eq!(body["error"]["details"]["unknown"][0], "members:fly");
    let clash = app
        .post(
            "/api/v1/rbac/roles",
            &json!({"name": "Owner", "permissions": ["members:read"], "organization_id": org_id}),
            ada_t,
        )
        .await;
    clash.expect_error(400, "VALIDATION_ERROR").await;
    // Bob, a plain member, may not make roles.
    let refused = app
        .post(
            "/api/v1/rbac/roles",
            &json!({"name": "x", "permissions": ["members:read"], "organization_id": org_id}),
            bob_t,
        )
        .await;
    refused.expect_error(403, "FORBIDDEN").await;

    let role = app
        .post(
            "/api/v1/rbac/roles",
            &json!({"name": "Recruiter", "description": "adds people", "permissions": ["members:manage", "members:read"], "organization_id": org_id}),
            ada_t,
        )
        .await.expect_status(201).await;
    let role_id = role["id"].as_str().unwrap();
    assert_eq!(role["built_in"], false);
    let dup = app
        .post(
            "/api/v1/rbac/roles",
            &json!({"name": "recruiter", "permissions": ["members:read"], "organization_id": org_id}),
            ada_t,
        )
        .await;
    dup.expect_error(409, "CONFLICT").await;

    // Before the role Bob cannot add Carol; after it he can, in Acme only, and never as owner.
    let add_carol = |o: &str, role: &str| {
        let (o, role) = (o.to_string(), role.to_string());
        let carol_id = carol["user"]["id"].clone();
        let app = &app;
        async move {
            app.post(
                &format!("/api/v1/organizations/{o}/members"),
                &json!({"user_id": carol_id, "role": role}),
                bob_t,
            )
            .await
        }
    };
    add_carol(org_id, "member").await.expect_error(403, "FORBIDDEN").await;
    let assigned = app
        .post(
            &format!("/api/v1/rbac/users/{}/roles", bob["user"]["id"].as_str().unwrap()),
            &json!({"role_id": role_id}),
            ada_t,
        )
        .await;
    assert_eq!(assigned.status(), 201);
    add_carol(org_id, "owner").await.expect_error(403, "FORBIDDEN").await;
    assert_eq!(add_carol(org_id, "member").await.status(), 201);
    // Sibling services read the same effective permissions over org's internal API.
    let effective: serde_json::Value = reqwest::Client::new()
        .get(format!(
            "{}/internal/v1/users/{}/permissions?organization_id={org_id}",
            app.settings.org.url,
            bob["user"]["id"].as_str().unwrap()
        ))
        .header("x-janua-service-token", janua_testkit::service_token(&app.settings))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let perms: Vec<&str> =
        effective["permissions"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
    assert!(perms.contains(&"members:manage") && perms.contains(&"organizations:read"), "{perms:?}");
    assert!(!perms.contains(&"organizations:delete"));
    add_carol(other_id, "member").await.expect_error(403, "FORBIDDEN").await;
    // The role goes to members of its organization only.
    let outsider = app
        .post(
            &format!("/api/v1/rbac/users/{}/roles", carol["user"]["id"].as_str().unwrap()),
            &json!({"role_id": role_id, "organization_id": other_id}),
            ada_t,
        )
        .await;
    outsider.expect_error(400, "VALIDATION_ERROR").await;

    // Taking the role away takes the permission away at once.
    let removed = app
        .delete(&format!("/api/v1/rbac/users/{}/roles/{role_id}", bob["user"]["id"].as_str().unwrap()), ada_t)
        .await;
    assert_eq!(removed.status(), 204);
    let remove_carol = app
        .delete(
            &format!("/api/v1/organizations/{org_id}/members/{}", carol["user"]["id"].as_str().unwrap()),
            bob_t,
        )
        .await;
    remove_carol.expect_error(403, "FORBIDDEN").await;

    // Roles of an organization are invisible from outside it.
    let stranger = app.signup("dave@example.com", PASSWORD).await;
    let st = stranger["access_token"].as_str();
    app.get(&format!("/api/v1/rbac/roles/{role_id}"), st).await.expect_error(404, "NOT_FOUND").await;
    let listed = json(app.get("/api/v1/rbac/roles", st).await).await;
    assert!(listed["data"].as_array().unwrap().iter().all(|r| r["built_in"] == true));

    let deleted = app.delete(&format!("/api/v1/rbac/roles/{role_id}"), ada_t).await;
    assert_eq!(deleted.status(), 204);
    app.outbox_events("org").await.assert_has_all(&[
        "role.created",
        "role.assigned",
        "role.removed",
        "role.deleted",
    ]);
}
