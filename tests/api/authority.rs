//! Invariant: nobody grants themself authority. A permission held through a custom role lets a
//! member act on others, never on their own role or grants; a role never carries more than its
//! granter holds; and no chain of steps ends in more power than its start.
//!
//! One table: every catalogued permission, held by a plain member through a custom role, x the
//! targets (the holder themself, another member, an admin, the owner) x every action that
//! permission touches, with the answer each must get. The same actions by a member without the
//! role are the baseline.

use crate::json;
use janua_testkit::webhook_receiver::WebhookReceiver;
use janua_testkit::{ExpectStatus, Person, TestStack};
use reqwest::Method;
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Target {
    /// The holder of the permission.
    Holder,
    Member,
    Admin,
    Owner,
    /// Someone not yet in the organization.
    Outsider,
    /// No one: the action is on the organization itself.
    None,
}

/// (permission, action, target, status for the holder, status for a member without it)
type Row = (&'static str, &'static str, Target, u16, u16);

const TABLE: &[Row] = &[
    ("organizations:read", "read the organization", Target::None, 200, 200),
    ("members:read", "list members", Target::None, 200, 200),
    ("roles:read", "list roles", Target::None, 200, 200),
    ("organizations:update", "rename the organization", Target::None, 200, 403),
    ("organizations:delete", "delete the organization", Target::None, 403, 403),
    ("members:manage", "make admin", Target::Holder, 403, 403),
    ("members:manage", "make admin", Target::Member, 403, 403),
    ("members:manage", "make member", Target::Admin, 403, 403),
    ("members:manage", "make member", Target::Owner, 403, 403),
    ("members:manage", "remove", Target::Member, 204, 403),
    ("members:manage", "remove", Target::Admin, 403, 403),
    ("members:manage", "remove", Target::Owner, 403, 403),
    ("members:manage", "add as member", Target::Outsider, 201, 403),
    ("members:manage", "add as admin", Target::Outsider, 403, 403),
    ("invitations:manage", "list invitations", Target::None, 200, 403),
    ("invitations:manage", "invite as member", Target::Outsider, 201, 403),
    ("invitations:manage", "invite as admin", Target::Outsider, 403, 403),
    ("roles:manage", "create a role carrying roles:manage", Target::None, 201, 403),
    ("roles:manage", "create a role carrying members:manage", Target::None, 403, 403),
    ("roles:manage", "assign a role carrying roles:manage", Target::Holder, 403, 403),
    ("roles:manage", "assign a role carrying roles:manage", Target::Member, 201, 403),
    ("roles:manage", "assign a role carrying roles:manage", Target::Admin, 201, 403),
    ("roles:manage", "assign a role carrying roles:manage", Target::Owner, 201, 403),
    ("roles:manage", "assign a role carrying members:manage", Target::Member, 403, 403),
    ("roles:manage", "widen the holder's own role", Target::Holder, 403, 403),
    ("roles:manage", "take the holder's own role off", Target::Holder, 403, 403),
    ("policies:manage", "create a policy", Target::None, 201, 403),
    ("audit:read", "read the organization's audit log", Target::None, 200, 403),
    ("webhooks:manage", "create an organization webhook", Target::None, 201, 403),
    ("sso:manage", "carried by a custom role", Target::None, 400, 400),
    ("scim:manage", "carried by a custom role", Target::None, 400, 400),
    // Platform permissions: no one in an organization holds them, so no organization role can
    // carry them (a role never carries more than its granter holds).
    ("users:read", "carried by a custom role", Target::None, 403, 403),
    ("users:manage", "carried by a custom role", Target::None, 403, 403),
    ("users:delete", "carried by a custom role", Target::None, 403, 403),
    ("sessions:revoke", "carried by a custom role", Target::None, 403, 403),
    ("admin:access", "carried by a custom role", Target::None, 403, 403),
];

struct World {
    app: TestStack,
    owner: Person,
    org: String,
    receiver: WebhookReceiver,
    next: std::cell::Cell<u32>,
}

impl World {
    async fn person(&self) -> Person {
        let n = self.next.get();
        self.next.set(n + 1);
        self.app.person(&format!("person{n}@example.com")).await
    }

    async fn call(&self, method: Method, path: &str, body: Option<Value>, token: &str) -> reqwest::Response {
        self.app.send(method, path, body.as_ref(), Some(token)).await
    }

    /// A new person in the organization with a built-in role.
    async fn member(&self, role: &str) -> Person {
        let person = self.person().await;
        self.app.add_member(&self.owner.token, &self.org, &person.id, role).await;
        person
    }

    /// A custom role of the organization carrying `permissions`, made by the owner.
    async fn role(&self, permissions: &[&str]) -> reqwest::Response {
        let n = self.next.get();
        self.next.set(n + 1);
        self.app.create_role(&self.owner.token, &self.org, &format!("role {n}"), permissions).await
    }

    async fn role_id(&self, permissions: &[&str]) -> String {
        let resp = self.role(permissions).await;
        assert_eq!(resp.status(), 201);
        json(resp).await["id"].as_str().unwrap().to_string()
    }

    async fn assign(&self, user: &str, role: &str) {
        self.app.assign_role(&self.owner.token, user, role).await.expect_status(201).await;
    }

    /// Who `target` names for an actor, made fresh so no row depends on another.
    async fn target(&self, target: Target, actor: &Person) -> Option<Person> {
        match target {
            Target::Holder => Some(actor.clone()),
            Target::Member => Some(self.member("member").await),
            Target::Admin => Some(self.member("admin").await),
            Target::Owner => Some(self.owner.clone()),
            Target::Outsider => Some(self.person().await),
            Target::None => None,
        }
    }

    /// Runs one action as `actor` on `target`; answers the status. `held` is the actor's
    /// custom role (for the rows about the holder's own grants).
    async fn run(&self, action: &str, actor: &Person, target: Target, held: Option<&str>) -> u16 {
        let org = &self.org;
        let who = self.target(target, actor).await;
        let id = who.as_ref().map(|p| p.id.clone()).unwrap_or_default();
        let (method, path, body) = match action {
            "read the organization" => (Method::GET, format!("/api/v1/organizations/{org}"), None),
            "list members" => (Method::GET, format!("/api/v1/organizations/{org}/members"), None),
            "list roles" => (Method::GET, format!("/api/v1/rbac/roles?organization_id={org}"), None),
            "rename the organization" => {
                (Method::PUT, format!("/api/v1/organizations/{org}"), Some(json!({"name": "Renamed"})))
            }
            "delete the organization" => (Method::DELETE, format!("/api/v1/organizations/{org}"), None),
            "make admin" | "make member" => (
                Method::PUT,
                format!("/api/v1/organizations/{org}/members/{id}/role"),
                Some(json!({"role": if action == "make admin" { "admin" } else { "member" }})),
            ),
            "remove" => (Method::DELETE, format!("/api/v1/organizations/{org}/members/{id}"), None),
            "add as member" | "add as admin" => (
                Method::POST,
                format!("/api/v1/organizations/{org}/members"),
                Some(
                    json!({"user_id": id, "role": if action == "add as admin" { "admin" } else { "member" }}),
                ),
            ),
            "list invitations" => {
                (Method::GET, format!("/api/v1/invitations/organizations/{org}/invitations"), None)
            }
            "invite as member" | "invite as admin" => {
                let n = self.next.get();
                self.next.set(n + 1);
                (
                    Method::POST,
                    format!("/api/v1/invitations/organizations/{org}/invitations"),
                    Some(json!({"email": format!("invitee{n}@example.com"),
                                "role": if action == "invite as admin" { "admin" } else { "member" }})),
                )
            }
            "create a role carrying roles:manage" | "create a role carrying members:manage" => {
                let n = self.next.get();
                self.next.set(n + 1);
                let permission = action.rsplit(' ').next().unwrap();
                (
                    Method::POST,
                    "/api/v1/rbac/roles".into(),
                    Some(
                        json!({"name": format!("made {n}"), "permissions": [permission], "organization_id": org}),
                    ),
                )
            }
            "assign a role carrying roles:manage" | "assign a role carrying members:manage" => {
                let permission = action.rsplit(' ').next().unwrap();
                let role = self.role_id(&[permission]).await;
                (Method::POST, format!("/api/v1/rbac/users/{id}/roles"), Some(json!({"role_id": role})))
            }
            "widen the holder's own role" => (
                Method::PUT,
                format!("/api/v1/rbac/roles/{}", held.expect("a held role")),
                Some(json!({"name": "widened", "permissions": ["roles:manage", "members:read"]})),
            ),
            "take the holder's own role off" => (
                Method::DELETE,
                format!("/api/v1/rbac/users/{id}/roles/{}", held.expect("a held role")),
                None,
            ),
            "create a policy" => (
                Method::POST,
                "/api/v1/policies".into(),
                Some(json!({"name": "p", "effect": "allow", "actions": ["doc:read"], "resources": ["*"],
                            "organization_id": org})),
            ),
            "read the organization's audit log" => {
                (Method::GET, format!("/api/v1/audit-logs/organizations/{org}"), None)
            }
            "create an organization webhook" => (
                Method::POST,
                "/api/v1/webhooks".into(),
                Some(json!({"url": self.receiver.url(), "events": ["*"], "organization_id": org})),
            ),
            other => panic!("no such action in the table: {other}"),
        };
        self.call(method, &path, body, &actor.token).await.status().as_u16()
    }
}

#[tokio::test]
async fn every_permission_reaches_others_within_its_holders_standing_and_never_the_holder() {
    let app = TestStack::spawn_with(|s| {
        // Dozens of sign-ups from one address.
        s.rate_limits.anonymous_per_min = 100_000;
    })
    .await;
    let owner = app.person("owner@example.com").await;
    let org = app.create_org_id(&owner.token, "Acme").await;
    let world =
        World { app, owner, org, receiver: WebhookReceiver::start().await, next: std::cell::Cell::new(0) };
    // Every catalogued permission has rows.
    for (permission, _) in janua_authz::catalogue::PERMISSIONS {
        assert!(TABLE.iter().any(|row| row.0 == *permission), "{permission} has no row");
    }
    let mut wrong = Vec::new();
    for &(permission, action, target, with, without) in TABLE {
        if action == "carried by a custom role" {
            // Made by the owner, who holds every organization permission.
            let got = world.role(&[permission]).await.status().as_u16();
            if got != with {
                wrong.push(format!("{permission}: {action}: {got}, expected {with}"));
            }
            continue;
        }
        let holder = world.member("member").await;
        let role = world.role_id(&[permission]).await;
        world.assign(&holder.id, &role).await;
        let got = world.run(action, &holder, target, Some(&role)).await;
        if got != with {
            wrong.push(format!("{permission}: {action} ({target:?}) by its holder: {got}, expected {with}"));
        }
        let plain = world.member("member").await;
        let got = world.run(action, &plain, target, Some(&role)).await;
        if got != without {
            wrong.push(format!("{permission}: {action} ({target:?}) without it: {got}, expected {without}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The chain the invariant names: `roles:manage` -> a role with `members:manage` -> admin.
/// Each step is refused where it would end in more power than the start.
#[tokio::test]
async fn no_chain_of_steps_ends_in_more_power_than_its_start() {
    let app = TestStack::spawn().await;
    let owner = app.person("owner@example.com").await;
    let org = app.create_org_id(&owner.token, "Acme").await;
    let [mallory, accomplice] = app.people(["mallory@example.com", "accomplice@example.com"]).await;
    for id in [&mallory.id, &accomplice.id] {
        app.add_member(&owner.token, &org, id, "member").await;
    }
    let role = app.create_role_id(&owner.token, &org, "Role managers", &["roles:manage"]).await;
    app.assign_role(&owner.token, &mallory.id, &role).await.expect_status(201).await;

    // Step 1: a role with members:manage. Mallory does not hold it: refused.
    let resp = app.create_role(&mallory.token, &org, "Escalation", &["members:manage"]).await;
    resp.expect_refusal(403, "FORBIDDEN", "beyond_own_permissions").await;
    // Nor by widening the role she holds.
    let resp = app
        .put(
            &format!("/api/v1/rbac/roles/{role}"),
            &json!({"name": "Role managers", "permissions": ["roles:manage", "members:manage"]}),
            Some(&mallory.token),
        )
        .await;
    resp.expect_error(403, "FORBIDDEN").await;
    // She may hand what she holds to someone else; that someone can do no more than she could.
    app.assign_role(&mallory.token, &accomplice.id, &role).await.expect_status(201).await;
    let resp = app.create_role(&accomplice.token, &org, "Escalation", &["members:manage"]).await;
    resp.expect_error(403, "FORBIDDEN").await;

    // Step 2, given members:manage by the owner: no admin can be made, not even of another.
    let managers = app.create_role_id(&owner.token, &org, "Member managers", &["members:manage"]).await;
    app.assign_role(&owner.token, &mallory.id, &managers).await;
    for user in [&mallory.id, &accomplice.id] {
        let resp = app.set_member_role(&mallory.token, &org, user, "admin").await;
        resp.expect_error(403, "FORBIDDEN").await;
    }
    let members =
        json(app.get(&format!("/api/v1/organizations/{org}/members"), Some(&owner.token)).await).await;
    let admins = members["data"].as_array().unwrap().iter().filter(|m| m["role"] != "member").count();
    assert_eq!(admins, 1, "only the owner stands above member: {members}");
}
