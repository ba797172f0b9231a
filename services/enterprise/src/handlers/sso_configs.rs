//! SSO configurations (`/api/v1/sso/configurations`): an organization's identity provider,
//! SAML or OIDC, managed by holders of `sso:manage` there (owners and admins) and platform
//! admins; and the DNS proof of the email domains it serves.

use crate::domain::access::{no_such_organization, require};
use crate::domain::oidc::OidcFailure;
use crate::domain::{dns, saml};
use crate::store::sso::{self as store, OidcIdp, SamlIdp, SsoConfiguration, SsoDomain};
use crate::store::taken_as;
use crate::{EnterpriseState, events};
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use diesel_async::AsyncConnection;
use janua_core::error::{Text, refusals};
use janua_core::http::RequestMeta;
use janua_core::outbound::OutboundError;
use janua_core::{ApiError, ErrorCode};
use janua_tokens::Authenticated;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

pub const PERMISSION: &str = "sso:manage";
const WHAT: &str = "configuring single sign-on";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Saml,
    Oidc,
}

/// Where the user's details are in the assertion (SAML attribute names) or ID token (claims).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttributeMapping {
    /// Default: the NameID when it is an address, else `email`, `mail` or the
    /// `…/claims/emailaddress` URI (SAML); `email` (OIDC).
    pub email: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub name: Option<String>,
    /// Default: `groups`.
    pub groups: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SamlInput {
    /// The IdP's metadata document; or `idp_metadata_url` to fetch it; or the three fields
    /// below.
    pub idp_metadata_xml: Option<String>,
    pub idp_metadata_url: Option<String>,
    pub idp_entity_id: Option<String>,
    pub idp_sso_url: Option<String>,
    pub idp_slo_url: Option<String>,
    /// PEM (or base64 DER) signing certificates; list the new one beside the old while the
    /// IdP rotates. Added to those of the metadata.
    pub idp_certificates: Option<Vec<String>>,
    /// Accept unsolicited (IdP-initiated) responses. Default false.
    pub allow_idp_initiated: Option<bool>,
    /// Accept RSA-SHA1 signatures and SHA-1 digests (legacy IdPs only). Default false.
    pub allow_sha1: Option<bool>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OidcInput {
    /// The issuer; its `/.well-known/openid-configuration` must answer.
    pub issuer: String,
    pub client_id: String,
    /// Required on creation; left out on update, the stored one stays.
    pub client_secret: Option<String>,
    /// Default `openid email profile`.
    pub scopes: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfigurationInput {
    /// On creation, the organization; on update, absent or the same.
    pub organization_id: Option<Uuid>,
    pub name: String,
    pub protocol: Protocol,
    pub enabled: Option<bool>,
    /// Email domains this IdP serves; each must be proven with a DNS TXT record before it
    /// routes sign-ins or links accounts.
    #[serde(default)]
    pub domains: Vec<String>,
    /// `member` (default) or `admin`: the organization role of users it provisions.
    pub default_role: Option<String>,
    /// IdP groups whose members become organization admins.
    #[serde(default)]
    pub admin_groups: Vec<String>,
    #[serde(default)]
    pub attribute_mapping: AttributeMapping,
    pub saml: Option<SamlInput>,
    pub oidc: Option<OidcInput>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DomainView {
    pub domain: String,
    pub verified: bool,
    pub verified_at: Option<DateTime<Utc>>,
    /// The TXT record to publish: name and value.
    pub record_name: String,
    pub record_value: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CertificateView {
    pub fingerprint_sha256: Option<String>,
    pub pem: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SamlView {
    pub idp_entity_id: Option<String>,
    pub idp_sso_url: Option<String>,
    pub idp_slo_url: Option<String>,
    pub idp_metadata_url: Option<String>,
    pub idp_certificates: Vec<CertificateView>,
    pub allow_idp_initiated: bool,
    pub allow_sha1: bool,
    /// What to enter at the IdP: the SP's entity id (= metadata URL), ACS and SLO URLs.
    pub sp_entity_id: String,
    pub sp_metadata_url: String,
    pub sp_acs_url: String,
    pub sp_slo_url: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OidcView {
    pub issuer: Option<String>,
    pub client_id: Option<String>,
    pub client_secret_set: bool,
    pub scopes: Vec<String>,
    /// What to register at the provider.
    pub redirect_uri: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ConfigurationView {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub name: String,
    pub protocol: Protocol,
    pub enabled: bool,
    pub default_role: String,
    pub admin_groups: Vec<String>,
    #[schema(value_type = Object)]
    pub attribute_mapping: Value,
    pub domains: Vec<DomainView>,
    pub saml: Option<SamlView>,
    pub oidc: Option<OidcView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ConfigurationList {
    pub data: Vec<ConfigurationView>,
}

pub fn oidc_callback_url(public_url: &str) -> String {
    format!("{}/api/v1/sso/oidc/callback", public_url.trim_end_matches('/'))
}

fn view(state: &EnterpriseState, c: &SsoConfiguration, domains: &[SsoDomain]) -> ConfigurationView {
    let public = &state.settings.public_url;
    let protocol = if c.protocol == "saml" { Protocol::Saml } else { Protocol::Oidc };
    let saml = (protocol == Protocol::Saml).then(|| {
        let urls = saml::sp_urls(public, c.id);
        SamlView {
            idp_entity_id: c.saml.entity_id.clone(),
            idp_sso_url: c.saml.sso_url.clone(),
            idp_slo_url: c.saml.slo_url.clone(),
            idp_metadata_url: c.saml.metadata_url.clone(),
            idp_certificates: c
                .saml
                .certificates
                .iter()
                .map(|pem| CertificateView { fingerprint_sha256: saml::fingerprint(pem), pem: pem.clone() })
                .collect(),
            allow_idp_initiated: c.saml.allow_idp_initiated,
            allow_sha1: c.saml.allow_sha1,
            sp_entity_id: urls.metadata_url.clone(),
            sp_metadata_url: urls.metadata_url,
            sp_acs_url: urls.acs_url,
            sp_slo_url: urls.slo_url,
        }
    });
    let oidc = (protocol == Protocol::Oidc).then(|| OidcView {
        issuer: c.oidc.issuer.clone(),
        client_id: c.oidc.client_id.clone(),
        client_secret_set: c.oidc.client_secret.is_some(),
        scopes: c.oidc.scopes.clone(),
        redirect_uri: oidc_callback_url(public),
    });
    ConfigurationView {
        id: c.id,
        organization_id: c.organization_id,
        name: c.name.clone(),
        protocol,
        enabled: c.enabled,
        default_role: c.default_role.clone(),
        admin_groups: c.admin_groups.clone(),
        attribute_mapping: c.attribute_mapping.clone(),
        domains: domains
            .iter()
            .filter(|d| d.configuration_id == c.id)
            .map(|d| DomainView {
                domain: d.domain.clone(),
                verified: d.verified_at.is_some(),
                verified_at: d.verified_at,
                record_name: dns::challenge_name(&d.domain),
                record_value: dns::challenge_value(&d.verification_token),
            })
            .collect(),
        saml,
        oidc,
        created_at: c.created_at,
        updated_at: c.updated_at,
    }
}

/// `field` refused with a message the domain checks gave.
fn invalid_text(field: &str, text: Text) -> ApiError {
    ApiError::invalid(field, text.key, text.args)
}

fn no_such_configuration() -> ApiError {
    ApiError::keyed(ErrorCode::NotFound, "error.enterprise.sso_configuration_not_found", vec![])
}

/// Checks an http(s) URL an admin entered.
fn url_field(field: &str, raw: &str) -> Result<String, ApiError> {
    let url = url::Url::parse(raw.trim()).map_err(|_| {
        ApiError::invalid(field, "error.enterprise.url_invalid", vec![("field", field.to_string().into())])
    })?;
    if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none() {
        return Err(ApiError::invalid(
            field,
            "error.enterprise.url_not_http",
            vec![("field", field.to_string().into())],
        ));
    }
    Ok(url.to_string().trim_end_matches('/').to_owned())
}

/// Fetches IdP metadata from its URL (1 MiB at most) through the guarded outbound client.
/// The caller learns that the address is not allowed, unreachable, or that its document is
/// invalid; the detail goes to the log.
async fn fetch_metadata(state: &EnterpriseState, url: &str) -> Result<String, ApiError> {
    let field = "saml.idp_metadata_url";
    let fetched = match state.outbound.get(url) {
        Ok(req) => state.outbound.fetch(req, 1024 * 1024).await,
        Err(e) => Err(e),
    };
    let body = fetched.map_err(|e| {
        tracing::info!(error = %e.log(), "SAML metadata could not be fetched");
        let key = match e {
            OutboundError::BadUrl => "error.enterprise.metadata_url_bad",
            OutboundError::NotAllowed => "error.enterprise.metadata_url_not_allowed",
            OutboundError::Unreachable(_) => "error.enterprise.metadata_url_unreachable",
            OutboundError::Invalid(_) => "error.enterprise.metadata_url_document_invalid",
        };
        ApiError::invalid(field, key, vec![])
    })?;
    String::from_utf8(body)
        .map_err(|_| ApiError::invalid(field, "error.enterprise.metadata_url_document_invalid", vec![]))
}

/// A configuration input with every field checked (its IdP part not yet fetched or
/// discovered).
struct CheckedInput {
    name: String,
    enabled: bool,
    default_role: String,
    admin_groups: Vec<String>,
    attribute_mapping: Value,
    domains: Vec<String>,
    idp: CheckedIdp,
}

enum CheckedIdp {
    Saml(CheckedSaml),
    Oidc(CheckedOidc),
}

/// Where the IdP's SAML metadata comes from.
enum MetadataSource {
    /// Sent in the input, already parsed.
    Given(saml::IdpMetadata),
    /// To fetch from this address.
    Url(String),
    None,
}

struct CheckedSaml {
    metadata: MetadataSource,
    entity_id: Option<String>,
    sso_url: Option<String>,
    slo_url: Option<String>,
    /// Those of the input, as PEM, on top of the metadata's.
    certificates: Vec<String>,
    allow_idp_initiated: bool,
    allow_sha1: bool,
}

struct CheckedOidc {
    issuer: String,
    client_id: String,
    /// `None` on an update that keeps the stored secret.
    client_secret: Option<String>,
    scopes: Vec<String>,
}

/// Builds the stored configuration from an input (over `c`, the current one on update): the
/// input is checked, then the IdP's metadata fetched or its discovery document checked, then
/// the result mapped onto the row.
async fn apply(
    state: &EnterpriseState, c: SsoConfiguration, input: ConfigurationInput, creating: bool,
) -> Result<(SsoConfiguration, Vec<String>), ApiError> {
    let checked = check_input(input, &c.protocol, creating)?;
    let metadata = match &checked.idp {
        CheckedIdp::Saml(saml) => idp_metadata(state, &saml.metadata).await?,
        CheckedIdp::Oidc(oidc) => {
            check_discovery(state, &oidc.issuer).await?;
            None
        }
    };
    let domains = checked.domains.clone();
    Ok((onto_row(state, c, checked, metadata)?, domains))
}

/// Checks every field of an input, in the order a client reads the errors.
fn check_input(
    input: ConfigurationInput, current_protocol: &str, creating: bool,
) -> Result<CheckedInput, ApiError> {
    let name = input.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ApiError::invalid("name", "error.name.length", vec![]));
    }
    if !creating && current_protocol != format!("{:?}", input.protocol).to_lowercase() {
        return Err(ApiError::invalid("protocol", "error.enterprise.protocol_immutable", vec![]));
    }
    let default_role = match input.default_role.as_deref().unwrap_or("member") {
        role @ ("member" | "admin") => role.to_owned(),
        _ => return Err(ApiError::invalid("default_role", "error.enterprise.default_role_invalid", vec![])),
    };
    if input.admin_groups.len() > 100
        || input.admin_groups.iter().any(|g| g.trim().is_empty() || g.len() > 256)
    {
        return Err(ApiError::invalid("admin_groups", "error.enterprise.admin_groups_invalid", vec![]));
    }
    let admin_groups = input.admin_groups.iter().map(|g| g.trim().to_owned()).collect();
    let attribute_mapping = serde_json::to_value(&input.attribute_mapping).map_err(ApiError::internal)?;
    let mut domains = Vec::new();
    for raw in &input.domains {
        let domain = dns::normalise_domain(raw).map_err(|t| invalid_text("domains", t))?;
        if !domains.contains(&domain) {
            domains.push(domain);
        }
    }
    if domains.len() > 50 {
        return Err(ApiError::invalid("domains", "error.enterprise.domains_too_many", vec![]));
    }
    let idp = match input.protocol {
        Protocol::Saml => {
            if input.oidc.is_some() {
                return Err(ApiError::invalid("oidc", "error.enterprise.saml_with_oidc", vec![]));
            }
            let saml = input
                .saml
                .ok_or_else(|| ApiError::invalid("saml", "error.enterprise.saml_missing", vec![]))?;
            CheckedIdp::Saml(check_saml(saml)?)
        }
        Protocol::Oidc => {
            if input.saml.is_some() {
                return Err(ApiError::invalid("saml", "error.enterprise.oidc_with_saml", vec![]));
            }
            let oidc = input
                .oidc
                .ok_or_else(|| ApiError::invalid("oidc", "error.enterprise.oidc_missing", vec![]))?;
            CheckedIdp::Oidc(check_oidc(oidc, creating)?)
        }
    };
    Ok(CheckedInput {
        name,
        enabled: input.enabled.unwrap_or(true),
        default_role,
        admin_groups,
        attribute_mapping,
        domains,
        idp,
    })
}

fn check_saml(saml: SamlInput) -> Result<CheckedSaml, ApiError> {
    let metadata = match (&saml.idp_metadata_xml, &saml.idp_metadata_url) {
        (Some(xml), _) => MetadataSource::Given(parse_metadata(xml)?),
        (None, Some(url)) => MetadataSource::Url(url_field("saml.idp_metadata_url", url)?),
        (None, None) => MetadataSource::None,
    };
    let entity_id = match &saml.idp_entity_id {
        Some(entity) if entity.trim().is_empty() || entity.len() > 1024 => {
            return Err(ApiError::invalid(
                "saml.idp_entity_id",
                "error.enterprise.idp_entity_id_length",
                vec![],
            ));
        }
        Some(entity) => Some(entity.trim().to_owned()),
        None => None,
    };
    let sso_url = saml.idp_sso_url.as_deref().map(|url| url_field("saml.idp_sso_url", url)).transpose()?;
    let slo_url = saml.idp_slo_url.as_deref().map(|url| url_field("saml.idp_slo_url", url)).transpose()?;
    let certificates = saml
        .idp_certificates
        .iter()
        .flatten()
        .map(|cert| saml::pem_of(cert).map_err(|t| invalid_text("saml.idp_certificates", t)))
        .collect::<Result<_, _>>()?;
    Ok(CheckedSaml {
        metadata,
        entity_id,
        sso_url,
        slo_url,
        certificates,
        allow_idp_initiated: saml.allow_idp_initiated.unwrap_or(false),
        allow_sha1: saml.allow_sha1.unwrap_or(false),
    })
}

fn check_oidc(oidc: OidcInput, creating: bool) -> Result<CheckedOidc, ApiError> {
    let issuer = url_field("oidc.issuer", &oidc.issuer)?;
    let client_id = oidc.client_id.trim().to_owned();
    if client_id.is_empty() || client_id.len() > 512 {
        return Err(ApiError::invalid("oidc.client_id", "error.enterprise.client_id_length", vec![]));
    }
    let client_secret = match oidc.client_secret {
        Some(secret) if !secret.is_empty() && secret.len() <= 4096 => Some(secret),
        Some(_) => {
            return Err(ApiError::invalid(
                "oidc.client_secret",
                "error.enterprise.client_secret_length",
                vec![],
            ));
        }
        None if creating => {
            return Err(ApiError::required("oidc.client_secret"));
        }
        None => None,
    };
    let mut scopes = oidc.scopes.unwrap_or_else(|| vec!["openid".into(), "email".into(), "profile".into()]);
    if scopes.iter().any(|s| s.is_empty() || s.contains(' ') || s.len() > 100) || scopes.len() > 20 {
        return Err(ApiError::invalid("oidc.scopes", "error.enterprise.scopes_invalid", vec![]));
    }
    if !scopes.iter().any(|s| s == "openid") {
        scopes.insert(0, "openid".into());
    }
    Ok(CheckedOidc { issuer, client_id, client_secret, scopes })
}

fn parse_metadata(xml: &str) -> Result<saml::IdpMetadata, ApiError> {
    saml::parse_idp_metadata(xml).map_err(|t| invalid_text("saml.idp_metadata_xml", t))
}

/// The IdP's metadata: as given, or fetched from its address.
async fn idp_metadata(
    state: &EnterpriseState, source: &MetadataSource,
) -> Result<Option<saml::IdpMetadata>, ApiError> {
    match source {
        MetadataSource::Given(metadata) => Ok(Some(metadata.clone())),
        MetadataSource::Url(url) => Ok(Some(parse_metadata(&fetch_metadata(state, url).await?)?)),
        MetadataSource::None => Ok(None),
    }
}

/// Whether the issuer's discovery document answers (through the guarded outbound client).
async fn check_discovery(state: &EnterpriseState, issuer: &str) -> Result<(), ApiError> {
    state.discovery.check(issuer).await.map_err(|e| {
        let key = match e {
            OidcFailure::NotAllowed => "error.enterprise.issuer_not_allowed",
            OidcFailure::Unavailable(_) => "error.enterprise.issuer_unreachable",
            _ => "error.enterprise.issuer_discovery_invalid",
        };
        ApiError::invalid("oidc.issuer", key, vec![])
    })
}

/// The row a checked input makes of `c`. On update, a SAML IdP field neither the input nor
/// the metadata gives keeps its stored value; the other protocol's columns are cleared.
fn onto_row(
    state: &EnterpriseState, mut c: SsoConfiguration, input: CheckedInput,
    metadata: Option<saml::IdpMetadata>,
) -> Result<SsoConfiguration, ApiError> {
    c.name = input.name;
    c.enabled = input.enabled;
    c.default_role = input.default_role;
    c.admin_groups = input.admin_groups;
    c.attribute_mapping = input.attribute_mapping;
    match input.idp {
        CheckedIdp::Saml(saml) => {
            c.protocol = "saml".to_owned();
            match &saml.metadata {
                MetadataSource::Url(url) => c.saml.metadata_url = Some(url.clone()),
                MetadataSource::None => c.saml.metadata_url = None,
                MetadataSource::Given(_) => {}
            }
            let mut certificates = Vec::new();
            if let Some(parsed) = metadata {
                c.saml.entity_id = Some(parsed.entity_id);
                c.saml.sso_url = Some(parsed.sso_url);
                c.saml.slo_url = parsed.slo_url;
                certificates = parsed.certificates;
            }
            if let Some(entity) = saml.entity_id {
                c.saml.entity_id = Some(entity);
            }
            if let Some(url) = saml.sso_url {
                c.saml.sso_url = Some(url);
            }
            if let Some(url) = saml.slo_url {
                c.saml.slo_url = Some(url);
            }
            for pem in saml.certificates {
                if !certificates.contains(&pem) {
                    certificates.push(pem);
                }
            }
            if c.saml.entity_id.is_none() || c.saml.sso_url.is_none() {
                return Err(ApiError::invalid("saml", "error.enterprise.saml_idp_missing", vec![]));
            }
            if certificates.is_empty() {
                // Without one, nothing could be verified: unsigned answers would pass.
                return Err(ApiError::invalid(
                    "saml.idp_certificates",
                    "error.enterprise.saml_certificate_required",
                    vec![],
                ));
            }
            c.saml.certificates = certificates;
            c.saml.allow_idp_initiated = saml.allow_idp_initiated;
            c.saml.allow_sha1 = saml.allow_sha1;
            c.oidc = OidcIdp::default();
        }
        CheckedIdp::Oidc(oidc) => {
            c.protocol = "oidc".to_owned();
            let client_secret = match oidc.client_secret {
                Some(secret) => Some(state.sealer.seal(secret.as_bytes())),
                None => c.oidc.client_secret.take(),
            };
            c.oidc = OidcIdp {
                issuer: Some(oidc.issuer),
                client_id: Some(oidc.client_id),
                client_secret,
                scopes: oidc.scopes,
            };
            c.saml = SamlIdp::default();
        }
    }
    c.updated_at = Utc::now();
    Ok(c)
}

/// Stores a configuration [`apply`] built (a new one when `creating`), its domains (a domain
/// new to it gets a fresh proof token) and its event in one transaction, and answers it.
async fn save(
    state: &EnterpriseState, auth: &Authenticated, meta: RequestMeta, config: SsoConfiguration,
    domains: &[String], creating: bool,
) -> Result<HttpResponse, ApiError> {
    let (event_type, status) = if creating {
        ("sso.configuration_created", actix_web::http::StatusCode::CREATED)
    } else {
        ("sso.configuration_updated", actix_web::http::StatusCode::OK)
    };
    let mut conn = state.pool.get().await?;
    let saved = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let saved = if creating {
                store::insert(conn, &config).await?
            } else {
                store::update(conn, &config).await?
            };
            let claims: Vec<(String, String)> = domains.iter().map(|d| (d.clone(), new_token())).collect();
            store::set_domains(conn, saved.id, config.organization_id, &claims).await?;
            janua_db::outbox::enqueue(
                conn,
                &events::sso_configuration(event_type, &saved, auth.user_id(), meta.into()),
            )
            .await?;
            Ok(saved)
        })
        .await?;
    drop(conn);
    respond(state, &saved, status).await
}

fn new_token() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

async fn load(state: &EnterpriseState, auth: &Authenticated, id: Uuid) -> Result<SsoConfiguration, ApiError> {
    let mut conn = state.pool.get().await?;
    let config = store::find(&mut conn, id).await?.ok_or_else(no_such_configuration)?;
    drop(conn);
    match require(state, auth, config.organization_id, PERMISSION, WHAT).await {
        Err(e) if e.code() == ErrorCode::NotFound => Err(no_such_configuration()),
        other => other.map(|()| config),
    }
}

async fn respond(
    state: &EnterpriseState, config: &SsoConfiguration, status: actix_web::http::StatusCode,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.pool.get().await?;
    let domains = store::domains_of(&mut conn, &[config.id]).await?;
    Ok(HttpResponse::build(status).json(view(state, config, &domains)))
}

/// Creates an SSO configuration for an organization.
///
/// Permissions: `sso:manage` in the organization (owners, admins), or platform admin.
#[utoipa::path(post, path = "/api/v1/sso/configurations", tag = "SSO", request_body = ConfigurationInput,
    responses((status = 201, body = ConfigurationView), refusals::Invalid,
        refusals::Forbidden, refusals::NotFound),
    security(("bearer" = [])))]
pub async fn create(
    state: web::Data<EnterpriseState>, auth: Authenticated, meta: RequestMeta,
    body: web::Json<ConfigurationInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner();
    let org = input.organization_id.ok_or_else(|| ApiError::required("organization_id"))?;
    require(&state, &auth, org, PERMISSION, WHAT).await?;
    let base = SsoConfiguration::new(org, auth.user_id());
    let (config, domains) = apply(&state, base, input, true).await?;
    save(&state, &auth, meta, config, &domains, true).await
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// The organization whose configurations to list; platform admins may leave it out.
    pub organization_id: Option<Uuid>,
}

/// Lists SSO configurations of an organization (all, for platform admins without a filter).
///
/// Permissions: `sso:manage` in the organization, or platform admin.
#[utoipa::path(get, path = "/api/v1/sso/configurations", tag = "SSO", params(ListQuery),
    responses((status = 200, body = ConfigurationList), refusals::Invalid,
        refusals::Forbidden),
    security(("bearer" = [])))]
pub async fn list(
    state: web::Data<EnterpriseState>, auth: Authenticated, q: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let orgs = match q.organization_id {
        Some(org) => {
            require(&state, &auth, org, PERMISSION, WHAT).await?;
            Some(vec![org])
        }
        None if auth.is_admin() => None,
        None => return Err(ApiError::required("organization_id")),
    };
    let mut conn = state.pool.get().await?;
    let configs = store::list(&mut conn, orgs.as_deref()).await?;
    let ids: Vec<Uuid> = configs.iter().map(|c| c.id).collect();
    let domains = store::domains_of(&mut conn, &ids).await?;
    let data = configs.iter().map(|c| view(&state, c, &domains)).collect();
    Ok(HttpResponse::Ok().json(ConfigurationList { data }))
}

/// One SSO configuration (never the OIDC client secret).
///
/// Permissions: `sso:manage` in its organization, or platform admin.
#[utoipa::path(get, path = "/api/v1/sso/configurations/{config_id}", tag = "SSO", params(("config_id" = Uuid, Path)),
    responses((status = 200, body = ConfigurationView), refusals::Forbidden,
        refusals::NotFound),
    security(("bearer" = [])))]
pub async fn get(
    state: web::Data<EnterpriseState>, auth: Authenticated, path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let config = load(&state, &auth, path.into_inner()).await?;
    respond(&state, &config, actix_web::http::StatusCode::OK).await
}

/// Replaces an SSO configuration (the OIDC client secret stays unless given; domains kept
/// keep their proof, new ones need theirs).
///
/// Permissions: `sso:manage` in its organization, or platform admin.
#[utoipa::path(put, path = "/api/v1/sso/configurations/{config_id}", tag = "SSO", params(("config_id" = Uuid, Path)),
    request_body = ConfigurationInput,
    responses((status = 200, body = ConfigurationView), refusals::Invalid,
        refusals::Forbidden, refusals::NotFound),
    security(("bearer" = [])))]
pub async fn update(
    state: web::Data<EnterpriseState>, auth: Authenticated, meta: RequestMeta, path: web::Path<Uuid>,
    body: web::Json<ConfigurationInput>,
) -> Result<HttpResponse, ApiError> {
    let current = load(&state, &auth, path.into_inner()).await?;
    let input = body.into_inner();
    if input.organization_id.is_some_and(|o| o != current.organization_id) {
        return Err(ApiError::invalid("organization_id", "error.enterprise.organization_immutable", vec![]));
    }
    let (config, domains) = apply(&state, current, input, false).await?;
    save(&state, &auth, meta, config, &domains, false).await
}

/// Deletes an SSO configuration: its users keep their accounts, and sign in otherwise.
///
/// Permissions: `sso:manage` in its organization, or platform admin.
#[utoipa::path(delete, path = "/api/v1/sso/configurations/{config_id}", tag = "SSO", params(("config_id" = Uuid, Path)),
    responses((status = 204), refusals::Forbidden,
        refusals::NotFound),
    security(("bearer" = [])))]
pub async fn delete(
    state: web::Data<EnterpriseState>, auth: Authenticated, meta: RequestMeta, path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let config = load(&state, &auth, path.into_inner()).await?;
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        store::delete(conn, config.id).await?;
        janua_db::outbox::enqueue(
            conn,
            &events::sso_configuration("sso.configuration_deleted", &config, auth.user_id(), meta.into()),
        )
        .await?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Checks the DNS proof of a domain: a TXT record `_janua-verification.<domain>` holding
/// `janua-domain-verification=<token>` (both in the configuration's `domains`). A domain
/// another organization has verified cannot be verified again.
///
/// Permissions: `sso:manage` in the configuration's organization, or platform admin.
#[utoipa::path(post, path = "/api/v1/sso/configurations/{config_id}/domains/{domain}/verify", tag = "SSO",
    params(("config_id" = Uuid, Path), ("domain" = String, Path)),
    responses((status = 200, body = ConfigurationView), refusals::Forbidden,
        refusals::NotFound,
        refusals::Conflict, (status = 422, body = janua_core::error::ErrorEnvelope),
        (status = 503, body = janua_core::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn verify_domain(
    state: web::Data<EnterpriseState>, auth: Authenticated, meta: RequestMeta,
    path: web::Path<(Uuid, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, raw) = path.into_inner();
    let config = load(&state, &auth, id).await?;
    let domain = dns::normalise_domain(&raw)
        .map_err(|_| ApiError::keyed(ErrorCode::NotFound, "error.enterprise.domain_not_found", vec![]))?;
    let mut conn = state.pool.get().await?;
    let claim = store::domains_of(&mut conn, &[config.id])
        .await?
        .into_iter()
        .find(|d| d.domain == domain)
        .ok_or_else(|| {
            ApiError::keyed(ErrorCode::NotFound, "error.enterprise.domain_not_in_configuration", vec![])
        })?;
    drop(conn);
    if claim.verified_at.is_none() {
        let records =
            state.dns.txt(&dns::challenge_name(&domain)).await.map_err(|_| ApiError::unavailable("DNS"))?;
        if !dns::proves(&records, &claim.verification_token) {
            return Err(ApiError::keyed(
                ErrorCode::ValidationError,
                "error.enterprise.dns_record_not_found",
                vec![
                    ("name", dns::challenge_name(&domain).into()),
                    ("value", dns::challenge_value(&claim.verification_token).into()),
                ],
            )
            .with_details(json!({ "field": "domain", "reason": "record_not_found" })));
        }
        let mut conn = state.pool.get().await?;
        conn.transaction::<_, ApiError, _>(async |conn| {
            store::mark_verified(conn, config.id, &domain).await.map_err(taken_as(|| {
                ApiError::keyed(ErrorCode::Conflict, "error.enterprise.domain_taken", vec![])
            }))?;
            janua_db::outbox::enqueue(
                conn,
                &events::sso_domain_verified(&config, &domain, auth.user_id(), meta.into()),
            )
            .await?;
            Ok(())
        })
        .await?;
    }
    respond(&state, &config, actix_web::http::StatusCode::OK).await
}

/// A platform admin or a member without the right may not see; a stranger gets 404.
pub fn not_member() -> ApiError {
    no_such_organization()
}
