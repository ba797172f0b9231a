//! What enterprise consumes. Deleting reaches everything: when an organization is deleted its
//! SCIM tokens stop working and its SSO connections go, with their verified domains (so
//! another organization may prove them), flows, sessions and linked identities, and its SCIM
//! directory. When an account is deleted its identities at every IdP are unlinked, so the next
//! sign-in through an IdP starts afresh.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use janua_db::Pool;
use janua_events::EventEnvelope;
use janua_events::consumer::{HandleError, Handler, Subscription};
use uuid::Uuid;

pub const QUEUE: &str = "enterprise";

pub fn subscription() -> Subscription {
    janua_events::topology::enterprise()
}

pub fn handler(pool: Pool) -> Handler {
    janua_events::consumer::handler(pool, apply)
}

fn id_of(raw: &str, what: &str) -> Result<Uuid, HandleError> {
    Uuid::parse_str(raw).map_err(|e| HandleError::Reject(format!("{what}: {e}")))
}

async fn apply(pool: Pool, envelope: EventEnvelope) -> Result<(), HandleError> {
    let (event_id, payload) = (envelope.event_id()?, envelope.json_payload()?);
    let mut conn = pool.get().await.map_err(|e| HandleError::Retry(e.to_string()))?;
    conn.transaction::<_, diesel::result::Error, _>(async |conn| {
        if !janua_db::inbox::first_delivery(conn, QUEUE, event_id).await? {
            return Ok(());
        }
        match envelope.r#type.as_str() {
            "organization.deleted" => {
                let Ok(org) = id_of(&envelope.organization_id, "organization") else {
                    tracing::warn!("organization.deleted without an organization; skipped");
                    return Ok(());
                };
                forget_organization(conn, org).await?;
            }
            "user.deleted" => {
                if let Some(user) = payload["user_id"].as_str().and_then(|s| Uuid::parse_str(s).ok()) {
                    use crate::store::schema::sso_identities;
                    diesel::delete(sso_identities::table.filter(sso_identities::user_id.eq(user)))
                        .execute(conn)
                        .await?;
                }
            }
            _ => {}
        }
        Ok(())
    })
    .await
    .map_err(|e| HandleError::Retry(e.to_string()))
}

/// Everything enterprise holds for an organization, in the caller's transaction.
async fn forget_organization(conn: &mut diesel_async::AsyncPgConnection, org: Uuid) -> QueryResult<()> {
    use crate::store::schema::{scim_groups, scim_tokens, scim_users, sso_configurations};
    diesel::update(scim_tokens::table.filter(scim_tokens::organization_id.eq(org)))
        .filter(scim_tokens::revoked_at.is_null())
        .set(scim_tokens::revoked_at.eq(Some(chrono::Utc::now())))
        .execute(conn)
        .await?;
    // Domains, flows, replay records, sessions and identities go with their configuration.
    let configurations =
        diesel::delete(sso_configurations::table.filter(sso_configurations::organization_id.eq(org)))
            .execute(conn)
            .await?;
    diesel::delete(scim_groups::table.filter(scim_groups::organization_id.eq(org))).execute(conn).await?;
    diesel::delete(scim_users::table.filter(scim_users::organization_id.eq(org))).execute(conn).await?;
    tracing::info!(organization_id = %org, configurations, "a deleted organization's SSO and SCIM are gone");
    Ok(())
}
