//! SSO configurations, their domains, sign-ins under way, used assertions, identities and
//! SAML sessions.

use crate::store::schema::{
    saml_assertions_used, saml_sessions, sso_configurations, sso_domains, sso_flows, sso_identities,
};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use janua_db::rows;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = sso_configurations, treat_none_as_null = true)]
pub struct SsoConfiguration {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub name: String,
    pub protocol: String,
    pub enabled: bool,
    pub default_role: String,
    pub admin_groups: Vec<String>,
    pub attribute_mapping: serde_json::Value,
    pub saml_idp_entity_id: Option<String>,
    pub saml_idp_sso_url: Option<String>,
    pub saml_idp_slo_url: Option<String>,
    pub saml_idp_certificates: Vec<String>,
    pub saml_idp_metadata_url: Option<String>,
    pub saml_allow_idp_initiated: bool,
    pub saml_allow_sha1: bool,
    pub oidc_issuer: Option<String>,
    pub oidc_client_id: Option<String>,
    pub oidc_client_secret: Option<Vec<u8>>,
    pub oidc_scopes: Vec<String>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub async fn insert(conn: &mut AsyncPgConnection, c: &SsoConfiguration) -> QueryResult<SsoConfiguration> {
    rows::insert(conn, diesel::insert_into(sso_configurations::table).values(c)).await
}

pub async fn update(conn: &mut AsyncPgConnection, c: &SsoConfiguration) -> QueryResult<SsoConfiguration> {
    rows::update(conn, sso_configurations::table.find(c.id), c).await
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<SsoConfiguration>> {
    rows::first(conn, sso_configurations::table.find(id)).await
}

pub async fn delete(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<bool> {
    let n =
        diesel::delete(sso_configurations::table.filter(sso_configurations::id.eq(id))).execute(conn).await?;
    Ok(n > 0)
}

/// Configurations of some organizations (all with `None`), oldest first.
pub async fn list(conn: &mut AsyncPgConnection, orgs: Option<&[Uuid]>) -> QueryResult<Vec<SsoConfiguration>> {
    let mut q = sso_configurations::table.into_boxed();
    if let Some(orgs) = orgs {
        q = q.filter(sso_configurations::organization_id.eq_any(orgs.to_vec()));
    }
    q.order((sso_configurations::created_at.asc(), sso_configurations::id.asc()))
        .select(SsoConfiguration::as_select())
        .load(conn)
        .await
}

/// The organization's enabled configurations, oldest first.
pub async fn enabled_of(conn: &mut AsyncPgConnection, org: Uuid) -> QueryResult<Vec<SsoConfiguration>> {
    sso_configurations::table
        .filter(sso_configurations::organization_id.eq(org))
        .filter(sso_configurations::enabled.eq(true))
        .order((sso_configurations::created_at.asc(), sso_configurations::id.asc()))
        .select(SsoConfiguration::as_select())
        .load(conn)
        .await
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sso_domains)]
pub struct SsoDomain {
    pub configuration_id: Uuid,
    pub domain: String,
    pub organization_id: Uuid,
    pub verification_token: String,
    pub verified_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

pub async fn domains_of(conn: &mut AsyncPgConnection, configs: &[Uuid]) -> QueryResult<Vec<SsoDomain>> {
    sso_domains::table
        .filter(sso_domains::configuration_id.eq_any(configs.to_vec()))
        .order((sso_domains::domain.asc(), sso_domains::configuration_id.asc()))
        .select(SsoDomain::as_select())
        .load(conn)
        .await
}

/// Adds the domains not yet claimed by the configuration (each with a fresh token) and drops
/// the ones no longer listed.
pub async fn set_domains(
    conn: &mut AsyncPgConnection, config: Uuid, org: Uuid, domains: &[(String, String)],
) -> QueryResult<()> {
    let names: Vec<String> = domains.iter().map(|(d, _)| d.clone()).collect();
    diesel::delete(
        sso_domains::table
            .filter(sso_domains::configuration_id.eq(config))
            .filter(sso_domains::domain.ne_all(names)),
    )
    .execute(conn)
    .await?;
    let rows: Vec<_> = domains
        .iter()
        .map(|(domain, token)| {
            (
                sso_domains::configuration_id.eq(config),
                sso_domains::domain.eq(domain.clone()),
                sso_domains::organization_id.eq(org),
                sso_domains::verification_token.eq(token.clone()),
            )
        })
        .collect();
    if !rows.is_empty() {
        diesel::insert_into(sso_domains::table).values(rows).on_conflict_do_nothing().execute(conn).await?;
    }
    Ok(())
}

/// Marks a domain verified; a unique violation means another organization holds it verified.
pub async fn mark_verified(conn: &mut AsyncPgConnection, config: Uuid, domain: &str) -> QueryResult<()> {
    diesel::update(
        sso_domains::table
            .filter(sso_domains::configuration_id.eq(config))
            .filter(sso_domains::domain.eq(domain)),
    )
    .set(sso_domains::verified_at.eq(Some(Utc::now())))
    .execute(conn)
    .await?;
    Ok(())
}

/// The enabled configuration holding `domain` verified, if any.
pub async fn by_verified_domain(
    conn: &mut AsyncPgConnection, domain: &str,
) -> QueryResult<Option<SsoConfiguration>> {
    let holding = sso_configurations::table
        .inner_join(sso_domains::table)
        .filter(sso_domains::domain.eq(domain))
        .filter(sso_domains::verified_at.is_not_null())
        .filter(sso_configurations::enabled.eq(true));
    rows::first(conn, holding).await
}

/// Whether `domain` is verified for this configuration's organization (by any of its
/// configurations).
pub async fn domain_verified_for(conn: &mut AsyncPgConnection, org: Uuid, domain: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        sso_domains::table
            .filter(sso_domains::organization_id.eq(org))
            .filter(sso_domains::domain.eq(domain))
            .filter(sso_domains::verified_at.is_not_null()),
    ))
    .get_result(conn)
    .await
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sso_flows)]
pub struct SsoFlow {
    pub state_hash: Vec<u8>,
    pub configuration_id: Uuid,
    pub browser_hash: Vec<u8>,
    pub saml_request_id: Option<String>,
    pub oidc_nonce: Option<String>,
    pub pkce_verifier: Option<Vec<u8>>,
    pub redirect_uri: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Insertable)]
#[diesel(table_name = sso_flows, treat_none_as_default_value = false)]
pub struct NewFlow<'a> {
    pub state_hash: &'a [u8],
    pub configuration_id: Uuid,
    pub browser_hash: &'a [u8],
    pub saml_request_id: Option<&'a str>,
    pub oidc_nonce: Option<&'a str>,
    pub pkce_verifier: Option<&'a [u8]>,
    pub redirect_uri: Option<&'a str>,
    pub expires_at: DateTime<Utc>,
}

pub async fn insert_flow(conn: &mut AsyncPgConnection, f: NewFlow<'_>) -> QueryResult<()> {
    diesel::delete(sso_flows::table.filter(sso_flows::expires_at.lt(Utc::now()))).execute(conn).await?;
    diesel::insert_into(sso_flows::table).values(f).execute(conn).await?;
    Ok(())
}

/// Takes a flow (once): deleted as it is read; an expired one is not answered.
pub async fn take_flow(conn: &mut AsyncPgConnection, state_hash: &[u8]) -> QueryResult<Option<SsoFlow>> {
    let flow: Option<SsoFlow> =
        rows::take(conn, sso_flows::table.filter(sso_flows::state_hash.eq(state_hash))).await?;
    Ok(flow.filter(|f| f.expires_at > Utc::now()))
}

/// Records an assertion id; false when it was used already (a replay).
pub async fn use_assertion(
    conn: &mut AsyncPgConnection, config: Uuid, assertion_id: &str, expires_at: DateTime<Utc>,
) -> QueryResult<bool> {
    diesel::delete(saml_assertions_used::table.filter(saml_assertions_used::expires_at.lt(Utc::now())))
        .execute(conn)
        .await?;
    let n = diesel::insert_into(saml_assertions_used::table)
        .values((
            saml_assertions_used::configuration_id.eq(config),
            saml_assertions_used::assertion_id.eq(assertion_id),
            saml_assertions_used::expires_at.eq(expires_at),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(n == 1)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sso_identities)]
pub struct SsoIdentity {
    pub configuration_id: Uuid,
    pub subject: String,
    pub user_id: Uuid,
    pub organization_id: Uuid,
    pub email: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_sign_in_at: Option<DateTime<Utc>>,
}

pub async fn identity(
    conn: &mut AsyncPgConnection, config: Uuid, subject: &str,
) -> QueryResult<Option<SsoIdentity>> {
    rows::first(conn, sso_identities::table.find((config, subject))).await
}

pub async fn link_identity(
    conn: &mut AsyncPgConnection, config: Uuid, subject: &str, user: Uuid, org: Uuid, email: Option<&str>,
) -> QueryResult<()> {
    diesel::insert_into(sso_identities::table)
        .values((
            sso_identities::configuration_id.eq(config),
            sso_identities::subject.eq(subject),
            sso_identities::user_id.eq(user),
            sso_identities::organization_id.eq(org),
            sso_identities::email.eq(email),
            sso_identities::last_sign_in_at.eq(Some(Utc::now())),
        ))
        .on_conflict((sso_identities::configuration_id, sso_identities::subject))
        .do_update()
        .set((
            sso_identities::user_id.eq(user),
            sso_identities::email.eq(email),
            sso_identities::last_sign_in_at.eq(Some(Utc::now())),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn unlink_identity(conn: &mut AsyncPgConnection, config: Uuid, subject: &str) -> QueryResult<()> {
    diesel::delete(
        sso_identities::table
            .filter(sso_identities::configuration_id.eq(config))
            .filter(sso_identities::subject.eq(subject)),
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn record_saml_session(
    conn: &mut AsyncPgConnection, config: Uuid, subject: &str, session_index: Option<&str>, session_id: Uuid,
    user: Uuid,
) -> QueryResult<()> {
    diesel::insert_into(saml_sessions::table)
        .values((
            saml_sessions::configuration_id.eq(config),
            saml_sessions::subject.eq(subject),
            saml_sessions::session_index.eq(session_index),
            saml_sessions::session_id.eq(session_id),
            saml_sessions::user_id.eq(user),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

/// Takes the Janua sessions of a SAML subject (those of one SessionIndex when given).
pub async fn take_saml_sessions(
    conn: &mut AsyncPgConnection, config: Uuid, subject: &str, session_index: Option<&str>,
) -> QueryResult<Vec<(Uuid, Uuid)>> {
    let mut q = diesel::delete(
        saml_sessions::table
            .filter(saml_sessions::configuration_id.eq(config))
            .filter(saml_sessions::subject.eq(subject)),
    )
    .into_boxed();
    if let Some(index) = session_index {
        q = q.filter(saml_sessions::session_index.eq(index));
    }
    q.returning((saml_sessions::session_id, saml_sessions::user_id)).get_results(conn).await
}
