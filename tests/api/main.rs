//! End-to-end tests through the gateway, against real PostgreSQL, Redis, RabbitMQ and an SMTP
//! sink on loopback. One binary (link once); each test spawns its own stack.

mod admin;
mod audit;
mod auth;
mod authority;
mod compliance;
mod contract;
mod data_deletion;
mod data_export;
mod deployment;
mod email_proof;
mod emails;
mod gateway;
mod health;
mod housekeeping;
mod invitations;
mod limits;
mod localization;
mod magic;
mod mfa;
mod oauth;
mod operations;
mod organizations;
mod outbound;
mod outbox;
mod passkeys;
mod policies;
mod privacy;
mod query_plans;
mod rbac;
mod reauth;
mod reliability;
mod runner;
mod scim;
mod scim_compliance;
mod scim_provisioning;
mod sessions;
mod sso;
mod tokens;
mod users;
mod webhooks;
mod websocket;

use serde_json::Value;

pub async fn json(resp: reqwest::Response) -> Value {
    resp.json().await.expect("a JSON body")
}
