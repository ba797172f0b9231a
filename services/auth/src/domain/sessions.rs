//! Sessions and their token pairs. An access token is a short-lived JWT naming its session
//! (`sid`); the refresh token is 256 random bits, stored as SHA-256, spent on every use.
//! Presenting a spent refresh token means it was stolen or replayed: the whole session
//! (its family) is revoked.

use crate::store::sessions::{self as store, NewSession};
use crate::{AuthState, events};
use chrono::{DateTime, Duration, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use janua_core::ApiError;
use janua_core::crypto::{random_token, sha256};
use janua_core::http::RequestMeta;
use janua_tokens::Claims;
use janua_tokens::jwks::KeySource;
use uuid::Uuid;

pub struct IssuedSession {
    pub session_id: Uuid,
    pub refresh_token: String,
    /// When the factor that opened (or last re-proved) the session was proven.
    pub auth_time: DateTime<Utc>,
}

/// Creates a session and its first refresh token, with their events, in the caller's
/// transaction.
pub async fn create(
    conn: &mut AsyncPgConnection, state: &AuthState, user_id: Uuid, method: &str, meta: &RequestMeta,
) -> Result<IssuedSession, ApiError> {
    let session_id = janua_core::ids::new_id();
    let refresh_token = random_token();
    let auth_time = Utc::now();
    let expires_at = auth_time + Duration::seconds(state.settings.tokens.refresh_ttl_secs);
    store::insert(
        conn,
        &NewSession {
            id: session_id,
            user_id,
            expires_at,
            user_agent: meta.user_agent.as_deref(),
            ip: meta.ip.as_deref(),
            auth_method: method,
            auth_time,
        },
    )
    .await?;
    store::insert_refresh_token(conn, session_id, &sha256(refresh_token.as_bytes())).await?;
    janua_db::outbox::enqueue_all(
        conn,
        &[
            events::session_created(user_id, session_id, method, meta.clone().into()),
            events::user_signed_in(user_id, session_id, method, meta.clone().into()),
        ],
    )
    .await?;
    crate::handlers::auth::count_signin(method, "success");
    Ok(IssuedSession { session_id, refresh_token, auth_time })
}

/// Signs an access token for a session whose last proven factor dates from `auth_time`.
pub fn access_token(
    state: &AuthState, user_id: Uuid, session_id: Uuid, roles: &[String], auth_time: DateTime<Utc>,
) -> Result<String, ApiError> {
    let now = Utc::now().timestamp();
    let claims = Claims {
        iss: state.settings.public_url.clone(),
        sub: user_id,
        sid: session_id,
        aud: state.settings.tokens.audience.clone(),
        iat: now,
        exp: now + state.settings.tokens.access_ttl_secs,
        jti: janua_core::ids::new_id(),
        roles: roles.to_vec(),
        scope: None,
        auth_time: Some(auth_time.timestamp()),
    };
    state.keys.current().sign(&claims).map_err(ApiError::internal)
}

pub enum RefreshOutcome {
    Rotated {
        user_id: Uuid,
        session: IssuedSession,
        /// The user from auth's read model, if it has them.
        profile: Option<Box<crate::identity_client::IdentityUser>>,
    },
    /// A spent token came back: the session is now revoked.
    Reused {
        user_id: Uuid,
        session_id: Uuid,
    },
    Invalid,
}

/// Spends `presented` and issues its successor. The rotation is one statement, atomic on its
/// own; `session.refreshed` (only with `record`, `tokens.refresh_events`) must be written in
/// the same transaction, which the caller then opens. A reuse revokes the session and records
/// why in a transaction of its own (a savepoint inside the caller's).
pub async fn rotate(
    conn: &mut AsyncPgConnection, presented: &str, meta: &RequestMeta, record: bool,
) -> Result<RefreshOutcome, ApiError> {
    let hash = sha256(presented.as_bytes());
    let now = Utc::now();
    let refresh_token = random_token();
    let Some(rotation) =
        store::rotate_refresh_token(conn, &hash, &sha256(refresh_token.as_bytes()), now).await?
    else {
        return Ok(RefreshOutcome::Invalid);
    };
    let (user_id, session_id) = (rotation.user_id, rotation.session_id);
    if rotation.dead {
        return Ok(RefreshOutcome::Invalid);
    }
    if !rotation.rotated {
        conn.transaction::<_, ApiError, _>(async |conn| {
            store::revoke(conn, session_id, "refresh_token_reuse", now).await?;
            janua_db::outbox::enqueue_all(
                conn,
                &[
                    events::refresh_token_reused(user_id, session_id, meta.clone().into()),
                    events::session_revoked(
                        user_id,
                        session_id,
                        "refresh_token_reuse",
                        None,
                        meta.clone().into(),
                    ),
                ],
            )
            .await?;
            Ok(())
        })
        .await?;
        return Ok(RefreshOutcome::Reused { user_id, session_id });
    }
    if record {
        janua_db::outbox::enqueue(conn, &events::session_refreshed(user_id, session_id, meta.clone().into()))
            .await?;
    }
    Ok(RefreshOutcome::Rotated {
        user_id,
        session: IssuedSession { session_id, refresh_token, auth_time: rotation.auth_time },
        profile: rotation.profile.and_then(|p| serde_json::from_value(p).ok()).map(Box::new),
    })
}
