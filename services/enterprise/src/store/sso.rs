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
    #[diesel(embed)]
    pub saml: SamlIdp,
    #[diesel(embed)]
    pub oidc: OidcIdp,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The SAML identity provider of a configuration (all empty for an OIDC one).
#[derive(Debug, Clone, Default, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = sso_configurations, treat_none_as_null = true)]
pub struct SamlIdp {
    #[diesel(column_name = saml_idp_entity_id)]
    pub entity_id: Option<String>,
    #[diesel(column_name = saml_idp_sso_url)]
    pub sso_url: Option<String>,
    #[diesel(column_name = saml_idp_slo_url)]
    pub slo_url: Option<String>,
    /// PEM.
    #[diesel(column_name = saml_idp_certificates)]
    pub certificates: Vec<String>,
    #[diesel(column_name = saml_idp_metadata_url)]
    pub metadata_url: Option<String>,
    #[diesel(column_name = saml_allow_idp_initiated)]
    pub allow_idp_initiated: bool,
    #[diesel(column_name = saml_allow_sha1)]
    pub allow_sha1: bool,
}

/// The OIDC provider of a configuration (all empty for a SAML one).
#[derive(Debug, Clone, Default, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = sso_configurations, treat_none_as_null = true)]
pub struct OidcIdp {
    #[diesel(column_name = oidc_issuer)]
    pub issuer: Option<String>,
    #[diesel(column_name = oidc_client_id)]
    pub client_id: Option<String>,
    /// Sealed.
    #[diesel(column_name = oidc_client_secret)]
    pub client_secret: Option<Vec<u8>>,
    #[diesel(column_name = oidc_scopes)]
    pub scopes: Vec<String>,
}

impl SsoConfiguration {
    /// Whether sign-ins over `protocol` (`saml`, `oidc`) may use it: it is enabled and of
    /// that protocol.
    pub fn serves(&self, protocol: &str) -> bool {
        self.enabled && self.protocol == protocol
    }

    /// A new, enabled configuration of the organization with no identity provider set yet:
    /// no name or protocol, role `member`, nothing mapped.
    pub fn new(organization_id: Uuid, created_by: Uuid) -> Self {
        let now = Utc::now();
        SsoConfiguration {
            id: Uuid::now_v7(),
            organization_id,
            name: String::new(),
            protocol: String::new(),
            enabled: true,
            default_role: "member".into(),
            admin_groups: Vec::new(),
            attribute_mapping: serde_json::json!({}),
            saml: SamlIdp::default(),
            oidc: OidcIdp::default(),
            created_by,
            created_at: now,
            updated_at: now,
        }
    }
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
    Ok(diesel::delete(sso_configurations::table.find(id)).execute(conn).await? > 0)
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
    diesel::update(sso_domains::table.find((config, domain)))
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

/// A sign-in under way, as started and as taken back.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sso_flows, treat_none_as_default_value = false)]
pub struct SsoFlow {
    pub state_hash: Vec<u8>,
    pub configuration_id: Uuid,
    pub browser_hash: Vec<u8>,
    pub saml_request_id: Option<String>,
    pub oidc_nonce: Option<String>,
    pub pkce_verifier: Option<Vec<u8>>,
    pub redirect_uri: Option<String>,
    /// Set by the database.
    #[diesel(skip_insertion)]
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Stores a flow (and drops the expired ones).
pub async fn insert_flow(conn: &mut AsyncPgConnection, f: &SsoFlow) -> QueryResult<()> {
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

/// What a sign-in writes of an identity, first seen or seen again: the account it is linked
/// to, the address as the IdP now says it, and when.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = sso_identities, treat_none_as_default_value = false, treat_none_as_null = true)]
struct SignIn<'a> {
    user_id: Uuid,
    email: Option<&'a str>,
    last_sign_in_at: Option<DateTime<Utc>>,
}

pub async fn link_identity(
    conn: &mut AsyncPgConnection, config: Uuid, subject: &str, user: Uuid, org: Uuid, email: Option<&str>,
) -> QueryResult<()> {
    let sign_in = SignIn { user_id: user, email, last_sign_in_at: Some(Utc::now()) };
    let key = (sso_identities::configuration_id.eq(config), sso_identities::subject.eq(subject));
    diesel::insert_into(sso_identities::table)
        .values((key, sso_identities::organization_id.eq(org), &sign_in))
        .on_conflict((sso_identities::configuration_id, sso_identities::subject))
        .do_update()
        .set(&sign_in)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn unlink_identity(conn: &mut AsyncPgConnection, config: Uuid, subject: &str) -> QueryResult<()> {
    diesel::delete(sso_identities::table.find((config, subject))).execute(conn).await?;
    Ok(())
}

/// The Janua session a SAML sign-in started, kept for the IdP's single logout.
#[derive(Insertable)]
#[diesel(table_name = saml_sessions, treat_none_as_default_value = false)]
pub struct NewSamlSession<'a> {
    pub configuration_id: Uuid,
    pub subject: &'a str,
    pub session_index: Option<&'a str>,
    pub session_id: Uuid,
    pub user_id: Uuid,
}

pub async fn record_saml_session(conn: &mut AsyncPgConnection, s: NewSamlSession<'_>) -> QueryResult<()> {
    diesel::insert_into(saml_sessions::table).values(s).on_conflict_do_nothing().execute(conn).await?;
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
