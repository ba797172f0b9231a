use chrono::{DateTime, Utc};
use janua_core::ApiError;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A user as stored.
#[derive(Debug, Clone, diesel::Queryable, diesel::Selectable)]
#[diesel(table_name = crate::store::schema::users)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub email_verified: bool,
    pub name: Option<String>,
    pub avatar_url: Option<String>,
    pub locale: String,
    pub status: String,
    pub mfa_enabled: bool,
    pub metadata: serde_json::Value,
    pub roles: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A user's status as a client may name it: `active` or `suspended`.
pub fn parse_status(raw: &str) -> Result<&str, ApiError> {
    match raw {
        "active" | "suspended" => Ok(raw),
        _ => Err(ApiError::invalid("status", "error.accounts.status_invalid", vec![])),
    }
}

/// The user as clients see it (API.md "User").
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UserView {
    pub id: Uuid,
    pub email: String,
    pub email_verified: bool,
    pub name: Option<String>,
    pub avatar_url: Option<String>,
    pub locale: String,
    pub status: String,
    pub mfa_enabled: bool,
    #[schema(value_type = Object)]
    pub metadata: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        UserView {
            id: u.id,
            email: u.email.clone(),
            email_verified: u.email_verified,
            name: u.name.clone(),
            avatar_url: u.avatar_url.clone(),
            locale: u.locale.clone(),
            status: u.status.clone(),
            mfa_enabled: u.mfa_enabled,
            metadata: u.metadata.clone(),
            created_at: u.created_at,
            updated_at: u.updated_at,
        }
    }
}

/// What other services learn about a user over the internal API: the public view plus the
/// platform roles.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InternalUser {
    #[serde(flatten)]
    pub user: UserView,
    pub roles: Vec<String>,
}

impl From<&User> for InternalUser {
    fn from(u: &User) -> Self {
        InternalUser { user: UserView::from(u), roles: u.roles.clone() }
    }
}

/// A validated, normalised (lower-case) email address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, ApiError> {
        let e = raw.trim().to_lowercase();
        let bad = || ApiError::invalid("email", "error.email.invalid", vec![]);
        if e.len() > 254 || e.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad());
        }
        let (local, domain) = e.rsplit_once('@').ok_or_else(bad)?;
        if local.is_empty() || local.len() > 64 || domain.len() < 3 || !domain.contains('.') {
            return Err(bad());
        }
        if domain.starts_with('.') || domain.ends_with('.') || domain.contains("..") {
            return Err(bad());
        }
        Ok(Email(e))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A profile change (PUT /users/{id}); absent fields stay as they are, `null` clears.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileUpdate {
    #[serde(default, deserialize_with = "janua_core::text::null_or_value")]
    #[schema(value_type = Option<String>)]
    pub name: Option<Option<String>>,
    #[serde(default, deserialize_with = "janua_core::text::null_or_value")]
    #[schema(value_type = Option<String>)]
    pub avatar_url: Option<Option<String>>,
    pub locale: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<serde_json::Value>,
    /// A new address: needs a factor proven within `tokens.reauth_window_secs`; it is
    /// unverified until the link mailed to it is followed.
    pub email: Option<String>,
}

impl ProfileUpdate {
    /// Checks the update and writes its locale canonically (`pt-br` -> `pt-BR`).
    pub fn validate(&mut self) -> Result<(), ApiError> {
        if let Some(Some(name)) = &self.name
            && (name.trim().is_empty() || name.chars().count() > 200)
        {
            return Err(ApiError::invalid("name", "error.name.length", vec![]));
        }
        if let Some(Some(url)) = &self.avatar_url {
            let ok = url.len() <= 2048
                && url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "https" | "http"));
            if !ok {
                return Err(ApiError::invalid("avatar_url", "error.accounts.avatar_url_invalid", vec![]));
            }
        }
        if let Some(locale) = &self.locale {
            // Any valid BCP 47 tag: mail and messages fall back along the tag's chain.
            let canonical = janua_core::text::check_locale("locale", locale)?;
            self.locale = Some(canonical);
        }
        if let Some(metadata) = &self.metadata {
            if !metadata.is_object() {
                return Err(ApiError::invalid("metadata", "error.accounts.metadata_not_object", vec![]));
            }
            if serde_json::to_vec(metadata).map(|v| v.len()).unwrap_or(usize::MAX) > 16 * 1024 {
                return Err(ApiError::invalid("metadata", "error.accounts.metadata_too_large", vec![]));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(Email::parse(" Ada@Example.COM ").unwrap().as_str(), "ada@example.com");
        for bad in ["", "ada", "ada@", "@example.com", "a b@example.com", "ada@localhost", "ada@.com"] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn profile_updates_are_validated() {
        let mut ok: ProfileUpdate =
            serde_json::from_str(r#"{"name":"Ada","locale":"pt-br","metadata":{"a":1}}"#).unwrap();
        assert!(ok.validate().is_ok());
        assert_eq!(ok.locale.as_deref(), Some("pt-BR"));
        let mut bad: ProfileUpdate = serde_json::from_str(r#"{"avatar_url":"javascript:alert(1)"}"#).unwrap();
        assert!(bad.validate().is_err());
        let mut bad: ProfileUpdate = serde_json::from_str(r#"{"metadata":[1]}"#).unwrap();
        assert!(bad.validate().is_err());
        for tag in ["en_US", "english", "zz-ZZ-zz-bad-tag-x", ""] {
            let mut bad: ProfileUpdate = serde_json::from_str(&format!(r#"{{"locale":"{tag}"}}"#)).unwrap();
            assert!(bad.validate().is_err(), "{tag}");
        }
        let clear: ProfileUpdate = serde_json::from_str(r#"{"name":null}"#).unwrap();
        assert_eq!(clear.name, Some(None));
        assert!(serde_json::from_str::<ProfileUpdate>(r#"{"email":"x@y.z"}"#).is_ok());
        assert!(serde_json::from_str::<ProfileUpdate>(r#"{"status":"active"}"#).is_err());
    }
}
