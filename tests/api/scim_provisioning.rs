//! SCIM 2.0 Users and Groups through the gateway, with the request sequences Entra ID and Okta
//! send when they provision, update and deprovision (as their documentation and captures
//! show them: Entra's capitalised ops, string booleans and value-filter paths; Okta's PUT
//! replaces and path-less PATCH).

use crate::json;
use janua_testkit::{ExpectStatus, TestStack};
use reqwest::Method;
use serde_json::{Value, json};

use janua_testkit::PASSWORD;
use janua_testkit::scim::{
    ENTERPRISE_USER_SCHEMA, ERROR, GROUP_SCHEMA, LIST_RESPONSE, MEDIA_TYPE, PATCH_OP, USER_SCHEMA,
};

/// A SCIM answer: status, ETag, Location and the body (`Null` when there is none).
struct Answer {
    status: u16,
    etag: Option<String>,
    location: Option<String>,
    body: Value,
}

impl Answer {
    /// The id of the resource answered.
    fn id(&self) -> String {
        self.body["id"].as_str().expect("an id").to_string()
    }
}

struct Scim<'a> {
    app: &'a TestStack,
    token: String,
    base: &'static str,
}

impl Scim<'_> {
    async fn call(
        &self, method: Method, path: &str, body: Option<&Value>, headers: &[(&str, &str)],
    ) -> Answer {
        let mut req = self
            .app
            .http
            .request(method, self.app.url(&format!("{}{path}", self.base)))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            req = req.header("content-type", MEDIA_TYPE).body(serde_json::to_vec(body).unwrap());
        }
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        let header = |name: &str| resp.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let (etag, location) = (header("etag"), header("location"));
        if status != 204 && status != 304 {
            let content_type = header("content-type").unwrap_or_default();
            assert!(content_type.starts_with(MEDIA_TYPE), "{status} answered as {content_type}");
        }
        let bytes = resp.bytes().await.unwrap();
        let body =
            if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).expect("a JSON body") };
        Answer { status, etag, location, body }
    }
    async fn get(&self, path: &str) -> Answer {
        self.call(Method::GET, path, None, &[]).await
    }
    async fn post(&self, path: &str, body: &Value) -> Answer {
        self.call(Method::POST, path, Some(body), &[]).await
    }
    /// Posts a new resource and asserts that it was created.
    async fn create(&self, path: &str, body: &Value) -> Answer {
        let created = self.post(path, body).await;
        assert_eq!(created.status, 201, "{}", created.body);
        created
    }
    async fn put(&self, path: &str, body: &Value) -> Answer {
        self.call(Method::PUT, path, Some(body), &[]).await
    }
    async fn patch(&self, path: &str, operations: Value) -> Answer {
        let body = json!({ "schemas": [PATCH_OP], "Operations": operations });
        self.call(Method::PATCH, path, Some(&body), &[]).await
    }
    async fn delete(&self, path: &str) -> Answer {
        self.call(Method::DELETE, path, None, &[]).await
    }
}

fn assert_scim_error(answer: &Answer, status: u16, scim_type: Option<&str>) {
    assert_eq!(answer.status, status, "{}", answer.body);
    assert_eq!(answer.body["schemas"], json!([ERROR]));
    assert_eq!(answer.body["status"], status.to_string());
    assert_eq!(answer.body["scimType"].as_str(), scim_type, "{}", answer.body);
    assert!(answer.body["detail"].as_str().is_some_and(|d| !d.is_empty()));
}

struct Org {
    id: String,
    owner_token: String,
}

async fn org_with_token<'a>(app: &'a TestStack, owner_email: &str, name: &str) -> (Org, Scim<'a>) {
    let owner_token = app.person(owner_email).await.token;
    let id = app.create_org_id(&owner_token, name).await;
    let token = app.create_scim_token(&owner_token, &id, "provisioning").await;
    (Org { id, owner_token }, Scim { app, token, base: "/api/v1/scim/v2" })
}

fn filter(expression: &str) -> String {
    let encoded: String = url::form_urlencoded::byte_serialize(expression.as_bytes()).collect();
    format!("/Users?filter={encoded}")
}

async fn member_ids(app: &TestStack, org: &Org) -> Vec<String> {
    let body = app
        .get(&format!("/api/v1/organizations/{}/members", org.id), Some(&org.owner_token))
        .await
        .expect_status(200)
        .await;
    let list = body["data"].as_array().or(body.as_array()).cloned().unwrap_or_default();
    list.iter()
        .filter_map(|m| m["user_id"].as_str().or(m["user"]["id"].as_str()).map(str::to_owned))
        .collect()
}

/// Gives a provisioned user a password through the real reset mail, and signs them in.
async fn sign_in_provisioned(app: &TestStack, email: &str) -> String {
    app.forgot_password(email).await.expect_status(202).await;
    let token = app.mailed_token(email, "Reset your password", 0).await;
    app.reset_password(&token, PASSWORD).await.expect_status(200).await;
    let resp = app.signin(email, PASSWORD).await;
    assert_eq!(resp.status(), 200);
    json(resp).await["access_token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_user_is_provisioned_read_filtered_replaced_deactivated_and_deprovisioned() {
    let app = TestStack::spawn().await;
    let (org, scim) = org_with_token(&app, "owner@acme.test", "Acme").await;

    let created = scim
        .create(
            "/Users",
            &json!({
                "schemas": [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
                "userName": "Grace.Hopper@acme.test",
                "externalId": "00u1grace",
                "name": {"givenName": "Grace", "familyName": "Hopper"},
                "emails": [{"value": "grace.hopper@acme.test", "type": "work", "primary": true}],
                "active": true,
                "password": "never stored",
                ENTERPRISE_USER_SCHEMA: {"employeeNumber": "1906", "department": "Navy"}
            }),
        )
        .await;
    let id = created.id();
    let location = created.location.clone().expect("a Location");
    assert!(location.ends_with(&format!("/api/v1/scim/v2/Users/{id}")), "{location}");
    assert_eq!(created.body["meta"]["location"], location);
    assert_eq!(created.body["meta"]["resourceType"], "User");
    assert_eq!(created.etag.as_deref(), Some("W/\"1\""));
    assert_eq!(created.body["meta"]["version"], "W/\"1\"");
    assert!(created.body.get("password").is_none());
    assert_eq!(created.body[ENTERPRISE_USER_SCHEMA]["employeeNumber"], "1906");
    // A Janua account and a member of the organization.
    assert!(member_ids(&app, &org).await.contains(&id));

    // Read back, by id and by every indexed filter, case-insensitively where SCIM says so.
    let got = scim.get(&format!("/Users/{id}")).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.body, created.body);
    let not_modified =
        scim.call(Method::GET, &format!("/Users/{id}"), None, &[("if-none-match", "W/\"1\"")]).await;
    assert_eq!(not_modified.status, 304);
    for expression in [
        r#"userName eq "grace.hopper@ACME.test""#,
        r#"externalId eq "00u1grace""#,
        r#"emails[type eq "work"].value eq "GRACE.HOPPER@acme.test""#,
        r#"name.familyName sw "Hop" and active eq true"#,
        r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "Navy""#,
    ] {
        let list = scim.get(&filter(expression)).await;
        assert_eq!(list.status, 200, "{expression}: {}", list.body);
        assert_eq!(list.body["schemas"], json!([LIST_RESPONSE]));
        assert_eq!(list.body["totalResults"], 1, "{expression}");
        assert_eq!(list.body["Resources"][0]["id"], id.as_str(), "{expression}");
    }
    let none = scim.get(&filter(r#"userName eq "nobody@acme.test""#)).await;
    assert_eq!(none.body["totalResults"], 0);
    assert_eq!(none.body["Resources"], json!([]));

    // A second user, then paging, sorting and projection.
    scim.create(
        "/Users",
        &json!({"schemas": [USER_SCHEMA], "userName": "alan@acme.test", "displayName": "Alan Turing"}),
    )
    .await;
    let page = scim.get("/Users?startIndex=2&count=1&attributes=userName").await;
    assert_eq!(page.body["totalResults"], 2);
    assert_eq!(page.body["startIndex"], 2);
    assert_eq!(page.body["itemsPerPage"], 1);
    assert_eq!(page.body["Resources"][0]["userName"], "alan@acme.test");
    assert!(page.body["Resources"][0].get("emails").is_none());
    assert!(page.body["Resources"][0].get("id").is_some(), "id is always returned");
    let sorted = scim.get("/Users?sortBy=userName&sortOrder=descending").await;
    assert_eq!(sorted.body["Resources"][0]["userName"], "Grace.Hopper@acme.test");

    // Replace: what is left out is cleared; the version moves on.
    let replaced = scim
        .put(
            &format!("/Users/{id}"),
            &json!({
                "schemas": [USER_SCHEMA],
                "userName": "Grace.Hopper@acme.test",
                "name": {"givenName": "Grace", "familyName": "Hopper", "formatted": "Rear Admiral Grace Hopper"},
                "emails": [{"value": "grace@acme.test", "type": "work", "primary": true}],
                "active": true
            }),
        )
        .await;
    assert_eq!(replaced.status, 200, "{}", replaced.body);
    assert_eq!(replaced.etag.as_deref(), Some("W/\"2\""));
    assert!(replaced.body.get("externalId").is_none());
    assert!(replaced.body.get(ENTERPRISE_USER_SCHEMA).is_none());
    // The account follows the primary email.
    let by_new_email = scim.get(&filter(r#"emails.value eq "grace@acme.test""#)).await;
    assert_eq!(by_new_email.body["totalResults"], 1);

    // A stale If-Match is refused and changes nothing.
    let stale = scim
        .call(
            Method::PATCH,
            &format!("/Users/{id}"),
            Some(&json!({"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "displayName", "value": "x"}]})),
            &[("if-match", "W/\"1\"")],
        )
        .await;
    assert_scim_error(&stale, 412, None);

    // Deactivation ends the account's tokens at once and refuses sign-in.
    let access = sign_in_provisioned(&app, "grace@acme.test").await;
    assert_eq!(app.get("/api/v1/auth/me", Some(&access)).await.status(), 200);
    let off =
        scim.patch(&format!("/Users/{id}"), json!([{"op": "replace", "value": {"active": false}}])).await;
    assert_eq!(off.status, 200, "{}", off.body);
    assert_eq!(off.body["active"], false);
    app.assert_token_refused(Some(&access)).await;
    assert_eq!(app.signin("grace@acme.test", PASSWORD).await.status(), 403);
    let inactive = scim.get(&filter("active eq false")).await;
    assert_eq!(inactive.body["totalResults"], 1);

    // Back on, then deprovisioned: gone from SCIM and from the organization, the account kept
    // but deactivated.
    let on = scim
        .patch(&format!("/Users/{id}"), json!([{"op": "replace", "path": "active", "value": true}]))
        .await;
    assert_eq!(on.body["active"], true);
    assert_eq!(app.signin("grace@acme.test", PASSWORD).await.status(), 200);
    let deleted = scim.delete(&format!("/Users/{id}")).await;
    assert_eq!(deleted.status, 204);
    assert_scim_error(&scim.get(&format!("/Users/{id}")).await, 404, None);
    assert_scim_error(&scim.delete(&format!("/Users/{id}")).await, 404, None);
    assert!(!member_ids(&app, &org).await.contains(&id));
    assert_eq!(app.signin("grace@acme.test", PASSWORD).await.status(), 403);
    assert_eq!(scim.get("/Users").await.body["totalResults"], 1);

    // The same userName again brings the same account back.
    let again = scim
        .create(
            "/Users",
            &json!({"schemas": [USER_SCHEMA], "userName": "grace.hopper@acme.test",
                "emails": [{"value": "grace@acme.test", "primary": true}]}),
        )
        .await;
    assert_eq!(again.body["id"], id.as_str());
    assert!(member_ids(&app, &org).await.contains(&id));
    assert_eq!(app.signin("grace@acme.test", PASSWORD).await.status(), 200);

    // Every change is on the record.
    app.outbox_events("enterprise").await.assert_has_all(&[
        "scim.user_provisioned",
        "scim.user_updated",
        "scim.user_deprovisioned",
    ]);
    app.outbox_events("identity").await.assert_has_all(&[
        "user.created",
        "user.updated",
        "user.suspended",
        "user.unsuspended",
    ]);
}

#[tokio::test]
async fn scim_refuses_clearly_and_keeps_organizations_apart() {
    let app = TestStack::spawn().await;
    let (_acme, scim) = org_with_token(&app, "owner@acme.test", "Acme").await;
    let (_globex, other) = org_with_token(&app, "owner@globex.test", "Globex").await;

    // No token, a bad token, a user's access token.
    let mut anonymous = Scim { app: &app, token: String::new(), base: "/api/v1/scim/v2" };
    let resp = app.get("/api/v1/scim/v2/Users", None).await;
    assert_eq!(resp.status(), 401);
    assert!(resp.headers().get("www-authenticate").is_some());
    anonymous.token = "scim_not-a-token".into();
    assert_scim_error(&anonymous.get("/Users").await, 401, None);
    let pair = app.signup("someone@example.com", PASSWORD).await;
    anonymous.token = pair["access_token"].as_str().unwrap().into();
    assert_scim_error(&anonymous.get("/Users").await, 401, None);

    let id =
        scim.create("/Users", &json!({"schemas": [USER_SCHEMA], "userName": "ada@acme.test"})).await.id();

    // Another organization's token sees nothing of it.
    assert_scim_error(&other.get(&format!("/Users/{id}")).await, 404, None);
    assert_eq!(other.get("/Users").await.body["totalResults"], 0);
    assert_scim_error(&other.delete(&format!("/Users/{id}")).await, 404, None);

    // Uniqueness: the same userName in any case; an email that is another account's.
    let again = scim.post("/Users", &json!({"schemas": [USER_SCHEMA], "userName": "ADA@acme.test"})).await;
    assert_scim_error(&again, 409, Some("uniqueness"));
    let taken =
        other.post("/Users", &json!({"schemas": [USER_SCHEMA], "userName": "someone@example.com"})).await;
    assert_scim_error(&taken, 409, Some("uniqueness"));
    assert_eq!(other.get("/Users").await.body["totalResults"], 0, "nothing half-made");

    // Bad requests.
    assert_scim_error(&scim.get(&filter(r#"userName eq "unterminated"#)).await, 400, Some("invalidFilter"));
    assert_scim_error(&scim.get(&filter("active gt true")).await, 400, Some("invalidFilter"));
    assert_scim_error(
        &scim.post("/Users", &json!({"schemas": [USER_SCHEMA]})).await,
        400,
        Some("invalidValue"),
    );
    let raw = app
        .http
        .post(app.url("/api/v1/scim/v2/Users"))
        .bearer_auth(&scim.token)
        .header("content-type", MEDIA_TYPE)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 400);
    assert_scim_error(
        &scim
            .patch(&format!("/Users/{id}"), json!([{"op": "replace", "path": "nonsense", "value": 1}]))
            .await,
        400,
        Some("invalidPath"),
    );
    assert_scim_error(
        &scim.patch(&format!("/Users/{id}"), json!([{"op": "replace", "path": "id", "value": "mine"}])).await,
        400,
        Some("mutability"),
    );
    assert_scim_error(&scim.get("/Users/not-a-uuid").await, 404, None);
    // The unversioned base answers the same.
    let unversioned = Scim { app: &app, token: scim.token.clone(), base: "/api/v1/scim" };
    let listed = unversioned.get("/Users").await;
    assert_eq!(listed.body["totalResults"], 1);
    assert!(
        listed.body["Resources"][0]["meta"]["location"].as_str().unwrap().contains("/api/v1/scim/Users/")
    );
}

/// What Microsoft Entra ID sends (its SCIM validator and provisioning logs): a lookup by
/// userName, a create with the enterprise extension, PATCHes with capitalised ops, string
/// booleans and `emails[type eq "work"].value` paths, groups created empty and filled with
/// Add/Remove `members`, groups read with `excludedAttributes=members`, and soft-delete
/// with `active: "False"` before the DELETE.
#[tokio::test]
async fn entra_id_provisioning_sequence() {
    let app = TestStack::spawn().await;
    let (org, scim) = org_with_token(&app, "owner@contoso.test", "Contoso").await;

    let lookup = scim.get(&filter(r#"userName eq "adele.vance@contoso.test""#)).await;
    assert_eq!(lookup.status, 200);
    assert_eq!(lookup.body["totalResults"], 0);
    let id = scim
        .create(
            "/Users",
            &json!({
                "schemas": [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
                "externalId": "adele",
                "userName": "adele.vance@contoso.test",
                "active": true,
                "displayName": "Adele Vance",
                "emails": [{"primary": true, "type": "work", "value": "adele.vance@contoso.test"}],
                "meta": {"resourceType": "User"},
                "name": {"formatted": "Adele Vance", "familyName": "Vance", "givenName": "Adele"},
                "roles": [],
                ENTERPRISE_USER_SCHEMA: {"department": "Retail", "manager": {"value": "ceo"}}
            }),
        )
        .await
        .id();

    let updated = scim
        .patch(
            &format!("/Users/{id}"),
            json!([
                {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "adele@contoso.test"},
                {"op": "Add", "path": "phoneNumbers[type eq \"mobile\"].value", "value": "+1 555 0100"},
                {"op": "Replace", "path": "name.givenName", "value": "Adèle"},
                {"op": "Replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "Sales"},
                {"op": "Add", "path": "title", "value": "Account Manager"}
            ]),
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.body);
    assert_eq!(updated.body["emails"][0]["value"], "adele@contoso.test");
    assert_eq!(updated.body["phoneNumbers"][0]["value"], "+1 555 0100");
    assert_eq!(updated.body["name"]["givenName"], "Adèle");
    assert_eq!(updated.body[ENTERPRISE_USER_SCHEMA]["department"], "Sales");
    assert_eq!(updated.body["title"], "Account Manager");
    let by_work_email = scim.get(&filter(r#"emails[type eq "work"].value eq "adele@contoso.test""#)).await;
    assert_eq!(by_work_email.body["totalResults"], 1);

    // Groups: made empty, then members added and removed.
    let lookup = scim
        .get(&format!(
            "/Groups?filter={}&excludedAttributes=members",
            url::form_urlencoded::byte_serialize(br#"displayName eq "Sales (EMEA)""#).collect::<String>()
        ))
        .await;
    assert_eq!(lookup.body["totalResults"], 0);
    let gid = scim
        .create(
            "/Groups",
            &json!({"schemas": [GROUP_SCHEMA], "externalId": "g-sales", "displayName": "Sales (EMEA)", "members": []}),
        )
        .await
        .id();
    let added = scim
        .patch(&format!("/Groups/{gid}"), json!([{"op": "Add", "path": "members", "value": [{"value": id}]}]))
        .await;
    assert_eq!(added.status, 200, "{}", added.body);
    assert_eq!(added.body["members"][0]["value"], id.as_str());
    assert_eq!(added.body["members"][0]["display"], "Adele Vance");
    let user = scim.get(&format!("/Users/{id}")).await;
    assert_eq!(user.body["groups"][0]["value"], gid.as_str());
    assert_eq!(user.body["groups"][0]["display"], "Sales (EMEA)");
    let listed = scim
        .get(&format!(
            "/Groups?filter={}&excludedAttributes=members",
            url::form_urlencoded::byte_serialize(br#"displayName eq "Sales (EMEA)""#).collect::<String>()
        ))
        .await;
    assert_eq!(listed.body["totalResults"], 1);
    assert!(listed.body["Resources"][0].get("members").is_none());

    // The group is an organization role: an admin grants it permissions, its members hold them.
    let resp = app
        .put(
            &format!("/api/v1/rbac/roles/{gid}"),
            &json!({"name": "Sales (EMEA)", "permissions": ["webhooks:manage"]}),
            Some(&org.owner_token),
        )
        .await;
    assert_eq!(resp.status(), 200, "{}", json(resp).await);
    assert!(app.effective_permissions(&id, &org.id).await.contains(&"webhooks:manage".to_string()));
    let removed = scim
        .patch(
            &format!("/Groups/{gid}"),
            json!([{"op": "Remove", "path": "members", "value": [{"value": id}]}]),
        )
        .await;
    assert_eq!(removed.status, 200);
    assert_eq!(removed.body["members"], json!([]));
    assert!(!app.effective_permissions(&id, &org.id).await.contains(&"webhooks:manage".to_string()));

    // Soft delete, then delete.
    let soft = scim
        .patch(&format!("/Users/{id}"), json!([{"op": "Replace", "path": "active", "value": "False"}]))
        .await;
    assert_eq!(soft.status, 200);
    assert_eq!(soft.body["active"], false);
    assert_eq!(scim.delete(&format!("/Users/{id}")).await.status, 204);
    assert_eq!(scim.delete(&format!("/Groups/{gid}")).await.status, 204);
    assert_scim_error(&scim.get(&format!("/Groups/{gid}")).await, 404, None);
    let role = app.get(&format!("/api/v1/rbac/roles/{gid}"), Some(&org.owner_token)).await;
    assert_eq!(role.status(), 404, "the role went with the group");
}

/// What Okta sends: lookups with `startIndex=1&count=100`, a create carrying a password
/// (ignored), profile pushes as full PUTs, deactivation as a path-less `replace`, Push Groups
/// as a create, renames as a path-less replace that repeats the id, members added with
/// `add` and removed with a `members[value eq "…"]` path, and group deletion.
#[tokio::test]
async fn okta_provisioning_sequence() {
    let app = TestStack::spawn().await;
    let (org, scim) = org_with_token(&app, "owner@initech.test", "Initech").await;

    let lookup =
        scim.get(&format!("{}&startIndex=1&count=100", filter(r#"userName eq "peter@initech.test""#))).await;
    assert_eq!(lookup.body["totalResults"], 0);
    let body = json!({
        "schemas": [USER_SCHEMA],
        "userName": "peter@initech.test",
        "name": {"givenName": "Peter", "familyName": "Gibbons"},
        "emails": [{"primary": true, "value": "peter@initech.test", "type": "work"}],
        "displayName": "Peter Gibbons",
        "locale": "en-US",
        "externalId": "00ujl29u0le5T6Aj10h7",
        "groups": [],
        "password": "1mw7pEAYOHJxD1fm",
        "active": true
    });
    let created = scim.create("/Users", &body).await;
    let id = created.id();
    assert!(created.body.get("password").is_none());
    // The password was not set: signing in with it fails.
    assert_eq!(app.signin("peter@initech.test", "1mw7pEAYOHJxD1fm").await.status(), 401);

    let got = scim.get(&format!("/Users/{id}")).await;
    assert_eq!(got.body["name"]["familyName"], "Gibbons");
    let mut pushed = got.body.clone();
    pushed["name"]["familyName"] = json!("Gibbons-Smykowski");
    pushed["title"] = json!("Programmer");
    let replaced = scim.put(&format!("/Users/{id}"), &pushed).await;
    assert_eq!(replaced.status, 200, "{}", replaced.body);
    assert_eq!(replaced.body["name"]["familyName"], "Gibbons-Smykowski");
    assert_eq!(replaced.body["externalId"], "00ujl29u0le5T6Aj10h7");

    let gid = scim
        .create("/Groups", &json!({"schemas": [GROUP_SCHEMA], "displayName": "Engineering", "members": []}))
        .await
        .id();
    let renamed = scim
        .patch(
            &format!("/Groups/{gid}"),
            json!([{"op": "replace", "value": {"id": gid, "displayName": "Platform Engineering"}}]),
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    assert_eq!(renamed.body["displayName"], "Platform Engineering");
    let role = app.get(&format!("/api/v1/rbac/roles/{gid}"), Some(&org.owner_token)).await;
    assert_eq!(json(role).await["name"], "Platform Engineering");
    let added = scim
        .patch(
            &format!("/Groups/{gid}"),
            json!([{"op": "add", "path": "members", "value": [{"value": id, "display": "peter@initech.test"}]}]),
        )
        .await;
    assert_eq!(added.body["members"][0]["value"], id.as_str());
    let removed = scim
        .patch(
            &format!("/Groups/{gid}"),
            json!([{"op": "remove", "path": format!("members[value eq \"{id}\"]")}]),
        )
        .await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    assert_eq!(removed.body["members"], json!([]));
    // A member that is not one of the organization's users is refused.
    let stranger = scim
        .patch(
            &format!("/Groups/{gid}"),
            json!([{"op": "add", "path": "members", "value": [{"value": uuid::Uuid::now_v7().to_string()}]}]),
        )
        .await;
    assert_scim_error(&stranger, 400, Some("invalidValue"));

    let deactivated =
        scim.patch(&format!("/Users/{id}"), json!([{"op": "replace", "value": {"active": false}}])).await;
    assert_eq!(deactivated.body["active"], false);
    let reactivated =
        scim.patch(&format!("/Users/{id}"), json!([{"op": "replace", "value": {"active": true}}])).await;
    assert_eq!(reactivated.body["active"], true);
    assert_eq!(scim.delete(&format!("/Groups/{gid}")).await.status, 204);
    let groups = scim.get("/Groups").await;
    assert_eq!(groups.body["totalResults"], 0);
}

/// A Janua account is an email address: a user sent with neither an email nor an address as
/// userName is a directory entry (in SCIM, in groups) until an address arrives; then the
/// account is made with the same id, joins the organization and takes its groups' roles.
#[tokio::test]
async fn a_user_without_an_address_gets_an_account_when_one_arrives() {
    let app = TestStack::spawn().await;
    let (org, scim) = org_with_token(&app, "owner@umbrella.test", "Umbrella").await;
    let id = scim
        .create("/Users", &json!({"schemas": [USER_SCHEMA], "userName": "jdoe", "displayName": "J. Doe"}))
        .await
        .id();
    assert!(!member_ids(&app, &org).await.contains(&id), "no account, no membership");
    let gid = scim
        .create(
            "/Groups",
            &json!({"schemas": [GROUP_SCHEMA], "displayName": "Auditors", "members": [{"value": id}]}),
        )
        .await
        .id();
    app.put(
        &format!("/api/v1/rbac/roles/{gid}"),
        &json!({"name": "Auditors", "permissions": ["audit:read"]}),
        Some(&org.owner_token),
    )
    .await
    .expect_status(200)
    .await;

    let addressed = scim
        .patch(
            &format!("/Users/{id}"),
            json!([{"op": "add", "path": "emails", "value": [{"value": "jdoe@umbrella.test", "type": "work", "primary": true}]}]),
        )
        .await;
    assert_eq!(addressed.status, 200, "{}", addressed.body);
    assert!(member_ids(&app, &org).await.contains(&id));
    assert!(app.effective_permissions(&id, &org.id).await.contains(&"audit:read".to_string()));
    let access = sign_in_provisioned(&app, "jdoe@umbrella.test").await;
    let me = json(app.get("/api/v1/auth/me", Some(&access)).await).await;
    assert_eq!(me["id"].as_str().or(me["user"]["id"].as_str()), Some(id.as_str()), "{me}");
}

/// An identity provider moving a user's address kills every token mailed to the old one and
/// leaves the new one unverified: mail to the old address proves nothing about the account.
#[tokio::test]
async fn a_scim_address_change_kills_tokens_mailed_to_the_old_address() {
    let app = TestStack::spawn().await;
    let (_org, scim) = org_with_token(&app, "owner@acme.test", "Acme").await;
    let id = scim
        .create(
            "/Users",
            &json!({
                "schemas": [USER_SCHEMA],
                "userName": "ada@acme.test",
                "emails": [{"value": "ada@acme.test", "type": "work", "primary": true}],
                "active": true
            }),
        )
        .await
        .id();
    app.forgot_password("ada@acme.test").await;
    let reset = app.mailed_token("ada@acme.test", "Reset your password", 0).await;
    let patched = scim
        .patch(
            &format!("/Users/{id}"),
            json!([{"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "ada@globex.test"}]),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.body);
    app.reset_password(&reset, "a brand new passphrase").await.expect_error(400, "VALIDATION_ERROR").await;
    // The new address gets its own proof to follow.
    let user = app.verify_email("ada@globex.test", 0).await;
    assert_eq!(user["email_verified"], true);
}

#[tokio::test]
async fn a_provisioned_users_preferred_language_becomes_their_accounts_locale() {
    let app = TestStack::spawn().await;
    let (_org, scim) = org_with_token(&app, "owner@example.com", "Acme").await;
    let user = json!({"schemas": [USER_SCHEMA], "userName": "hans@example.com", "preferredLanguage": "de-CH, en;q=0.5"});
    let id = scim.create("/Users", &user).await.id();
    let locale_is = |tag: &'static str| {
        let sql = format!("SELECT count(*) AS n FROM users WHERE id = '{id}' AND locale = '{tag}'");
        let app = &app;
        async move { app.count("identity", &sql).await }
    };
    assert_eq!(locale_is("de-CH").await, 1);
    let changed = scim
        .patch(
            &format!("/Users/{id}"),
            json!([{"op": "replace", "path": "preferredLanguage", "value": "ja"}]),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(locale_is("ja").await, 1);
    // Something that is not a language changes nothing.
    let ignored = scim
        .patch(&format!("/Users/{id}"), json!([{"op": "replace", "path": "preferredLanguage", "value": "?"}]))
        .await;
    assert_eq!(ignored.status, 200, "{}", ignored.body);
    assert_eq!(locale_is("ja").await, 1);
}
