//! The Localization router (`/api/v1/localization`): the locales, each locale's effective
//! messages after fallback (for the platform or one organization), overrides of messages and
//! the catalogue of keys. Messages are Fluent (`janua_i18n`); a text is checked when it is
//! saved. Every change publishes `localization.updated`, on which every replica of every
//! service that renders messages drops what it cached.

use crate::IdentityState;
use crate::handlers::admin::PlatformAdmin;
use crate::store::translations as store;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use janua_core::error::refusals;
use janua_core::http::RequestMeta;
use janua_core::org_access::no_such_organization;
use janua_core::text::check_locale;
use janua_core::{ApiError, ErrorCode};
use janua_i18n::message::{Problem, ProblemKind};
use janua_i18n::{Key, Overrides, Resolver, builtin};
use janua_tokens::Authenticated;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;
use uuid::Uuid;

/// At most this many messages in one write.
const MAX_MESSAGES: usize = 500;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LocaleView {
    /// BCP 47 tag.
    pub code: String,
    pub name: String,
    pub native_name: String,
    /// Share of the catalogue's keys with a message in this very locale (built-in or the
    /// platform's overrides), 0 to 1.
    pub completeness: f64,
    /// Shipped with Janua (else only the platform's overrides make it).
    pub builtin: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LocaleList {
    pub data: Vec<LocaleView>,
    /// The configured default locale.
    pub default: String,
}

/// The locales messages exist in: the shipped ones and any the platform has overrides for.
///
/// Permissions: anyone.
#[utoipa::path(get, path = "/api/v1/localization/locales", tag = "Localization",
    responses((status = 200, body = LocaleList)))]
pub async fn locales(state: web::Data<IdentityState>) -> Result<HttpResponse, ApiError> {
    let mut conn = state.pool.get().await?;
    let custom = store::keys(&mut conn).await?;
    let platform = store::of_scope(&mut conn, None).await?;
    let all: Vec<&str> = builtin().keys().iter().chain(custom.iter()).map(|k| k.key.as_str()).collect();
    let mut tags: Vec<String> = builtin().locales().map(str::to_string).collect();
    for o in &platform {
        if !tags.contains(&o.locale) {
            tags.push(o.locale.clone());
        }
    }
    let data = tags
        .into_iter()
        .map(|tag| {
            let shipped = builtin().locale(&tag);
            let translated = all
                .iter()
                .filter(|k| {
                    shipped.is_some_and(|m| m.has(k))
                        || platform.iter().any(|o| o.locale == tag && o.key == **k)
                })
                .count();
            let (name, native_name) = janua_i18n::names::names(&tag);
            let completeness = (translated as f64 / all.len().max(1) as f64 * 10_000.0).round() / 10_000.0;
            LocaleView { builtin: shipped.is_some(), code: tag, name, native_name, completeness }
        })
        .collect();
    Ok(HttpResponse::Ok().json(LocaleList { data, default: state.settings.localization.default_tag() }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct TranslationsQuery {
    /// The organization whose overrides come first.
    pub organization_id: Option<Uuid>,
    /// Only the keys of this namespace (`email`, `error`, ...).
    pub namespace: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Translations {
    /// The locale asked for, written canonically.
    pub locale: String,
    pub organization_id: Option<Uuid>,
    /// The locales looked in, in order.
    pub fallbacks: Vec<String>,
    /// Key -> Fluent source of the message that applies.
    pub messages: BTreeMap<String, String>,
}

/// The messages that apply to readers of a locale after fallback (organization override,
/// platform override, built-in; then the language without its region, the default locale,
/// English), as Fluent sources. Answers with an `ETag`; `If-None-Match` gets 304.
///
/// Permissions: anyone (login pages show these before anyone signs in).
#[utoipa::path(get, path = "/api/v1/localization/translations/{locale_code}", tag = "Localization",
    params(("locale_code" = String, Path, description = "BCP 47 tag"), TranslationsQuery),
    responses((status = 200, body = Translations), (status = 304, description = "unchanged since the ETag"),
        refusals::Invalid))]
pub async fn translations(
    state: web::Data<IdentityState>, req: HttpRequest, path: web::Path<String>,
    q: web::Query<TranslationsQuery>,
) -> Result<HttpResponse, ApiError> {
    let locale = check_locale("locale_code", &path)?;
    if let Some(ns) = &q.namespace
        && !(1..=64).contains(&ns.len())
    {
        return Err(ApiError::invalid("namespace", "error.accounts.namespace_length", vec![]));
    }
    let mut conn = state.pool.get().await?;
    let custom = store::keys(&mut conn).await?;
    let resolver = resolver(&mut conn, &state, &locale, q.organization_id).await?;
    let messages: BTreeMap<String, String> = builtin()
        .keys()
        .iter()
        .chain(custom.iter())
        .filter(|k| q.namespace.as_deref().is_none_or(|ns| k.namespace == ns))
        .filter_map(|k| resolver.text(&k.key).map(|t| (k.key.clone(), t.to_string())))
        .collect();
    let body = Translations {
        locale,
        organization_id: q.organization_id,
        fallbacks: resolver.chain().to_vec(),
        messages,
    };
    let bytes = serde_json::to_vec(&body).map_err(ApiError::internal)?;
    let etag = format!("\"{}\"", &janua_core::crypto::sha256_hex(&bytes)[..32]);
    let unchanged =
        req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| {
            v.split(',').any(|t| t.trim().trim_start_matches("W/") == etag || t.trim() == "*")
        });
    let mut answer = if unchanged { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    answer.insert_header((header::ETAG, etag)).insert_header((header::CACHE_CONTROL, "no-cache"));
    if unchanged {
        return Ok(answer.finish());
    }
    Ok(answer.content_type("application/json").body(bytes))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TranslationsWrite {
    /// BCP 47 tag.
    pub locale: String,
    /// The organization whose overrides these are; none for the platform's.
    pub organization_id: Option<Uuid>,
    /// Key -> Fluent text; `null` removes the override (the message falls back again).
    #[schema(value_type = Object)]
    pub messages: BTreeMap<String, Option<String>>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Written {
    pub locale: String,
    pub organization_id: Option<Uuid>,
    /// Key -> the Fluent source that now applies to each key written.
    pub messages: BTreeMap<String, String>,
}

/// Creates, replaces or removes overrides of messages for one locale, for the platform or
/// one organization. Each text is checked: a syntax error or a variable the key does not
/// declare is refused with `details.line`/`details.column`. Takes effect at once everywhere.
///
/// Permissions: platform admins; for an organization, also its owners and admins
/// (`organizations:update`).
#[utoipa::path(post, path = "/api/v1/localization/translations", tag = "Localization",
    request_body = TranslationsWrite,
    responses((status = 200, body = Written), refusals::Invalid, refusals::Forbidden, refusals::NotFound),
    security(("bearer" = [])))]
pub async fn write_translations(
    state: web::Data<IdentityState>, auth: Authenticated, meta: RequestMeta,
    body: web::Json<TranslationsWrite>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let locale = check_locale("locale", &body.locale)?;
    may_write(&state, &auth, body.organization_id).await?;
    if body.messages.is_empty() || body.messages.len() > MAX_MESSAGES {
        return Err(ApiError::invalid(
            "messages",
            "error.accounts.messages_count",
            vec![("max", MAX_MESSAGES.to_string().into())],
        ));
    }
    let mut conn = state.pool.get().await?;
    for (key, text) in &body.messages {
        let declared = known_key(&mut conn, key).await?;
        if let Some(text) = text {
            janua_i18n::message::check(text, &declared.variables).map_err(|p| refused(key, p))?;
        }
    }
    let now = chrono::Utc::now();
    let by = auth.user_id();
    let org = body.organization_id;
    conn.transaction::<_, ApiError, _>(async |conn| {
        let mut written = Vec::new();
        let mut removed = Vec::new();
        for (key, text) in &body.messages {
            match text {
                Some(text) => {
                    store::upsert(conn, org, &locale, key, &text.replace("\r\n", "\n"), by, now).await?;
                    written.push(key.as_str());
                }
                None => {
                    if store::delete(conn, org, &locale, key).await? {
                        removed.push(key.as_str());
                    }
                }
            }
        }
        let event = crate::events::localization_updated(&locale, org, &written, &removed, by, meta.into());
        janua_db::outbox::enqueue(conn, &event).await?;
        Ok(())
    })
    .await?;
    let resolver = resolver(&mut conn, &state, &locale, org).await?;
    let messages =
        body.messages.keys().filter_map(|k| resolver.text(k).map(|t| (k.clone(), t.to_string()))).collect();
    Ok(HttpResponse::Ok().json(Written { locale, organization_id: org, messages }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ScopeQuery {
    /// The organization whose override this is; none for the platform's.
    pub organization_id: Option<Uuid>,
}

/// Removes one override: the message falls back again (answered with what applies now).
///
/// Permissions: as for writing overrides.
#[utoipa::path(delete, path = "/api/v1/localization/translations/{locale_code}/{key}", tag = "Localization",
    params(("locale_code" = String, Path), ("key" = String, Path), ScopeQuery),
    responses((status = 200, body = Written), refusals::Invalid, refusals::Forbidden, refusals::NotFound),
    security(("bearer" = [])))]
pub async fn delete_translation(
    state: web::Data<IdentityState>, auth: Authenticated, meta: RequestMeta,
    path: web::Path<(String, String)>, q: web::Query<ScopeQuery>,
) -> Result<HttpResponse, ApiError> {
    let (locale, key) = path.into_inner();
    let locale = check_locale("locale_code", &locale)?;
    may_write(&state, &auth, q.organization_id).await?;
    let org = q.organization_id;
    let mut conn = state.pool.get().await?;
    let by = auth.user_id();
    conn.transaction::<_, ApiError, _>(async |conn| {
        if !store::delete(conn, org, &locale, &key).await? {
            return Err(ApiError::keyed(ErrorCode::NotFound, "error.accounts.no_such_override", vec![]));
        }
        let event = crate::events::localization_updated(&locale, org, &[], &[key.as_str()], by, meta.into());
        janua_db::outbox::enqueue(conn, &event).await?;
        Ok(())
    })
    .await?;
    let resolver = resolver(&mut conn, &state, &locale, org).await?;
    let messages = resolver.text(&key).map(|t| (key.clone(), t.to_string())).into_iter().collect();
    Ok(HttpResponse::Ok().json(Written { locale, organization_id: org, messages }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct KeysQuery {
    pub namespace: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct KeyView {
    pub key: String,
    pub namespace: String,
    pub description: String,
    /// Variables a message of this key may use (without `$`).
    pub variables: Vec<String>,
    /// Shipped with Janua, or added through the API.
    pub builtin: bool,
}

impl From<&Key> for KeyView {
    fn from(k: &Key) -> Self {
        KeyView {
            key: k.key.clone(),
            namespace: k.namespace.clone(),
            description: k.description.clone(),
            variables: k.variables.clone(),
            builtin: k.builtin,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct KeyList {
    pub data: Vec<KeyView>,
}

/// The catalogue of message keys: the built-in ones and the platform's own.
///
/// Permissions: platform admins.
#[utoipa::path(get, path = "/api/v1/localization/translation-keys", tag = "Localization", params(KeysQuery),
    responses((status = 200, body = KeyList), refusals::Forbidden), security(("bearer" = [])))]
pub async fn list_keys(
    state: web::Data<IdentityState>, _admin: PlatformAdmin, q: web::Query<KeysQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.pool.get().await?;
    let custom = store::keys(&mut conn).await?;
    let mut data: Vec<KeyView> = builtin()
        .keys()
        .iter()
        .chain(custom.iter())
        .filter(|k| q.namespace.as_deref().is_none_or(|ns| k.namespace == ns))
        .map(KeyView::from)
        .collect();
    data.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(HttpResponse::Ok().json(KeyList { data }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewKey {
    /// Dotted lower-case segments (`app.login.title`).
    pub key: String,
    /// The key's first segment; taken from the key when left out.
    pub namespace: Option<String>,
    #[serde(default)]
    pub description: String,
    /// Variables its messages may use (without `$`).
    #[serde(default)]
    pub variables: Vec<String>,
}

/// Adds a key of the platform's own (for its login pages, apps or emails); its messages are
/// then written as overrides.
///
/// Permissions: platform admins.
#[utoipa::path(post, path = "/api/v1/localization/translation-keys", tag = "Localization",
    request_body = NewKey,
    responses((status = 201, body = KeyView), refusals::Invalid, refusals::Forbidden, refusals::Conflict),
    security(("bearer" = [])))]
pub async fn create_key(
    state: web::Data<IdentityState>, admin: PlatformAdmin, meta: RequestMeta, body: web::Json<NewKey>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    if !janua_i18n::is_valid_key(&body.key) {
        return Err(ApiError::invalid("key", "error.accounts.key_invalid", vec![]));
    }
    let first = body.key.split('.').next().unwrap_or_default().to_string();
    let namespace = body.namespace.unwrap_or_else(|| first.clone());
    if namespace != first {
        return Err(ApiError::invalid("namespace", "error.accounts.namespace_mismatch", vec![]));
    }
    if body.description.chars().count() > 500 {
        return Err(ApiError::invalid("description", "error.accounts.description_too_long", vec![]));
    }
    if body.variables.len() > 20
        || !body.variables.iter().all(|v| {
            v.len() <= 64
                && v.starts_with(|c: char| c.is_ascii_alphabetic())
                && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        })
    {
        return Err(ApiError::invalid("variables", "error.accounts.variables_invalid", vec![]));
    }
    if builtin().key(&body.key).is_some() {
        return Err(ApiError::keyed(ErrorCode::Conflict, "error.accounts.key_builtin", vec![]));
    }
    let mut variables = body.variables;
    variables.dedup();
    let key = Key { key: body.key, namespace, description: body.description, variables, builtin: false };
    let mut conn = state.pool.get().await?;
    let by = admin.0.user_id();
    conn.transaction::<_, ApiError, _>(async |conn| {
        if !store::insert_key(conn, &key, by).await? {
            return Err(ApiError::keyed(ErrorCode::Conflict, "error.accounts.key_exists", vec![]));
        }
        janua_db::outbox::enqueue(conn, &crate::events::translation_key_created(&key, by, meta.into()))
            .await?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::Created().json(KeyView::from(&key)))
}

#[derive(Debug, Serialize)]
struct ScopeOverrides {
    overrides: Vec<store::Override>,
}

/// `GET /internal/v1/localization/overrides?organization_id=`: one scope's overrides (the
/// platform's without an organization), for the services that render messages.
pub async fn internal_overrides(
    state: web::Data<IdentityState>, q: web::Query<ScopeQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.pool.get().await?;
    let overrides = store::of_scope(&mut conn, q.organization_id).await?;
    Ok(HttpResponse::Ok().json(ScopeOverrides { overrides }))
}

/// Platform overrides need a platform admin; an organization's, one who may update it (a
/// stranger learns nothing of the organization).
async fn may_write(state: &IdentityState, auth: &Authenticated, org: Option<Uuid>) -> Result<(), ApiError> {
    match org {
        None if auth.is_admin() => Ok(()),
        None => Err(ApiError::keyed(ErrorCode::Forbidden, "error.accounts.platform_admins_only", vec![])),
        Some(org) => {
            state
                .orgs
                .require(auth.user_id(), auth.is_admin(), org, "organizations:update", no_such_organization)
                .await
        }
    }
}

/// The key (built-in or the platform's), or `VALIDATION_ERROR` naming it.
async fn known_key(conn: &mut AsyncPgConnection, key: &str) -> Result<Key, ApiError> {
    if let Some(k) = builtin().key(key) {
        return Ok(k.clone());
    }
    if janua_i18n::is_valid_key(key)
        && let Some(k) = store::key(conn, key).await?
    {
        return Ok(k);
    }
    let field = format!("messages.{}", key.chars().take(128).collect::<String>());
    let args = vec![("key", key.chars().take(128).collect::<String>().into())];
    Err(ApiError::invalid(&field, "error.translation.unknown_key", args))
}

/// A text that cannot be saved: where and why.
fn refused(key: &str, p: Problem) -> ApiError {
    let field = format!("messages.{key}");
    let error = match &p.kind {
        ProblemKind::Syntax(reason) => ApiError::keyed(
            ErrorCode::ValidationError,
            "error.translation.syntax",
            vec![
                ("key", key.to_string().into()),
                ("line", p.line.into()),
                ("column", p.column.into()),
                ("reason", reason.clone().into()),
            ],
        ),
        ProblemKind::Undeclared(name) => ApiError::keyed(
            ErrorCode::ValidationError,
            "error.translation.variable",
            vec![
                ("key", key.to_string().into()),
                ("variable", name.clone().into()),
                ("line", p.line.into()),
                ("column", p.column.into()),
            ],
        ),
    };
    error.with_details(serde_json::json!({
        "field": field, "line": p.line, "column": p.column, "reason": p.reason(),
    }))
}

/// The resolver for readers of `locale`, with the platform's overrides and the organization's.
async fn resolver(
    conn: &mut AsyncPgConnection, state: &IdentityState, locale: &str, org: Option<Uuid>,
) -> Result<Resolver, ApiError> {
    let rows = |list: Vec<store::Override>| {
        Arc::new(Overrides::from_rows(list.into_iter().map(|o| (o.locale, o.key, o.message))))
    };
    let platform = rows(store::of_scope(conn, None).await?);
    let organization = match org {
        Some(org) => Some(rows(store::of_scope(conn, Some(org)).await?)),
        None => None,
    };
    Ok(Resolver::new(locale, &state.settings.localization.default_tag())
        .with_overrides(organization, Some(platform)))
}
