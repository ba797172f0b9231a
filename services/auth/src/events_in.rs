//! What auth consumes: identity's user events, into the `user_profiles` read model; and
//! org's invitation events, which auth's mail queue turns into emails (exactly once: the
//! mail is queued in the same transaction that records the event as seen).

use crate::identity_client::IdentityUser;
use crate::letters::{Kind, Letter, Organization};
use crate::store::user_profiles;
use diesel_async::AsyncConnection;
use janua_db::Pool;
use janua_events::EventEnvelope;
use janua_events::consumer::{HandleError, Handler, Subscription};
use std::sync::Arc;

pub const QUEUE: &str = "auth";

pub fn subscription() -> Subscription {
    janua_events::topology::auth()
}

/// What applying an event touches besides auth's database: the mail queue's sealing key and
/// link base, and the revocation set.
#[derive(Clone)]
pub struct Effects {
    pub sealer: janua_tokens::SecretBox,
    pub public_url: String,
    /// A suspended user's sessions are revoked here too.
    pub revocations: janua_tokens::RevocationSet,
    pub verify_ttl_secs: i64,
    /// Letters to someone whose locale is unknown (an invitee) are in this one.
    pub default_locale: String,
}

/// An account's address moved (profile, SCIM, admin, SSO attributes): every token mailed to
/// the old address dies, the new address gets a verification link, and the old one is told.
async fn address_changed(
    conn: &mut diesel_async::AsyncPgConnection, effects: &Effects, user: &IdentityUser,
    previous: Option<&str>, ctx: janua_events::EventContext,
) -> diesel::QueryResult<()> {
    crate::store::one_time_tokens::invalidate_sent_elsewhere(conn, user.id, &user.email, chrono::Utc::now())
        .await?;
    if !user.email_verified && user.status == "active" {
        let mailing = crate::domain::email_proof::Mailing {
            sealer: &effects.sealer,
            public_url: &effects.public_url,
            verify_ttl_secs: effects.verify_ttl_secs,
        };
        crate::domain::email_proof::queue_verification(conn, &mailing, user, ctx).await?;
    }
    if let Some(old) = previous.filter(|old| *old != user.email) {
        let letter = Letter::new(Kind::EmailChanged, &user.locale)
            .name(user.name.as_deref())
            .text("old_email", old)
            .text("new_email", user.email.clone());
        crate::mailer::queue(conn, &effects.sealer, old, &letter).await?;
    }
    Ok(())
}

pub fn handler(pool: Pool, effects: Effects) -> Handler {
    Arc::new(move |envelope: EventEnvelope| {
        let (pool, effects) = (pool.clone(), effects.clone());
        Box::pin(async move { apply(&pool, &effects, envelope).await })
    })
}

/// Tells a data subject that their request takes longer, until when and why (GDPR Art. 12(3)).
async fn extension_mail(
    conn: &mut diesel_async::AsyncPgConnection, mail: &Effects, p: &serde_json::Value,
) -> diesel::QueryResult<()> {
    let Some(subject) = p["subject_id"].as_str().and_then(|s| uuid::Uuid::parse_str(s).ok()) else {
        tracing::warn!("privacy.request_extended without a subject; skipped");
        return Ok(());
    };
    // Identity's events and audit's travel apart: the subject's profile may not be here yet.
    // Failing rolls the delivery back, so it is retried (and dead-lettered only if the account
    // never arrives), never dropped.
    let Some(user) = user_profiles::find(conn, subject).await? else {
        return Err(diesel::result::Error::QueryBuilderError(
            format!("the profile of {subject} has not reached auth yet").into(),
        ));
    };
    let letter = Letter::new(Kind::RequestExtended, &user.locale)
        .name(user.name.as_deref())
        .text("request_type", p["type"].as_str().unwrap_or("data"))
        .text("due", p["due_at"].as_str().and_then(|d| d.get(..10)).unwrap_or("?"))
        .text("reason", p["extension_reason"].as_str().unwrap_or(""))
        .text("request_id", p["request_id"].as_str().unwrap_or_default());
    crate::mailer::queue(conn, &mail.sealer, &user.email, &letter).await
}

/// The invitation email, in the locale the invitation names (else the organization's, else
/// the default), on behalf of the organization; the link opens the accept page for the
/// invitation's id.
fn invitation_mail(
    mail: &Effects, p: &serde_json::Value, sent_at: chrono::DateTime<chrono::Utc>,
) -> Option<(String, Letter)> {
    let to = p["email"].as_str()?.to_string();
    let id = p["invitation_id"].as_str()?;
    let organization = Organization {
        id: p["organization_id"].as_str().and_then(|s| uuid::Uuid::parse_str(s).ok())?,
        name: p["organization_name"].as_str().unwrap_or("?").to_string(),
        logo_url: p["organization_logo_url"].as_str().map(str::to_string),
    };
    let locale = p["locale"].as_str().unwrap_or(&mail.default_locale);
    let lifetime = p["expires_at"]
        .as_str()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| (t.with_timezone(&chrono::Utc) - sent_at).num_seconds())
        .unwrap_or(7 * 86_400);
    // Whole hours: the event leaves a moment after the invitation was made.
    let lifetime = ((lifetime + 1_800) / 3_600).max(1) * 3_600;
    let mut letter = Letter::new(Kind::Invitation, locale)
        .link(format!("{}/invitations/{id}", mail.public_url.trim_end_matches('/')))
        .organization(organization)
        .text("role", p["role"].as_str().unwrap_or("member"))
        .lifetime(lifetime);
    if let Some(inviter) = p["invited_by_name"].as_str() {
        letter = letter.text("inviter", inviter);
    }
    Some((to, letter))
}

async fn apply(pool: &Pool, mail: &Effects, envelope: EventEnvelope) -> Result<(), HandleError> {
    let (event_id, payload) = (envelope.event_id()?, envelope.json_payload()?);
    let mut conn = pool.get().await.map_err(|e| HandleError::Retry(e.to_string()))?;
    let revoked = conn.transaction::<_, diesel::result::Error, _>(async |conn| {
        let mut revoked = Vec::new();
        if !janua_db::inbox::first_delivery(conn, QUEUE, event_id).await? {
            return Ok(revoked);
        }
        if envelope.r#type == "user.suspended"
            && let Some(id) = payload["user_id"].as_str().and_then(|s| uuid::Uuid::parse_str(s).ok())
        {
            revoked = crate::store::sessions::revoke_all_of_user(conn, id, None, "suspended", chrono::Utc::now()).await?;
        }
        if envelope.r#type == "privacy.request_extended" {
            extension_mail(conn, mail, &payload).await?;
        } else if envelope.r#type.starts_with("invitation.") {
            match invitation_mail(mail, &payload, envelope.occurred()) {
                Some((to, letter)) => {
                    crate::mailer::queue(conn, &mail.sealer, &to, &letter).await?;
                }
                None => tracing::warn!(event_type = %envelope.r#type, "invitation event without an address; skipped"),
            }
        } else if envelope.r#type == "user.deleted" {
            if let Some(id) = payload["user_id"]
                .as_str()
                .and_then(|s| uuid::Uuid::parse_str(s).ok())
            {
                user_profiles::delete(conn, id).await?;
                // Credentials, sessions and every way to sign in die with the account (each
                // service deletes its own data).
                revoked = crate::store::credentials::delete_user_data(conn, id).await?;
            }
        } else if let Ok(user) = serde_json::from_value::<IdentityUser>(payload["user"].clone()) {
            user_profiles::upsert(conn, &user).await?;
            let email_moved = envelope.r#type == "user.updated"
                && payload["changed"].as_array().is_some_and(|c| c.iter().any(|f| f == "email"));
            if email_moved {
                let ctx = janua_events::EventContext::default();
                address_changed(conn, mail, &user, payload["previous_email"].as_str(), ctx).await?;
            }
        } else {
            tracing::warn!(event_type = %envelope.r#type, "user event without a user record; skipped");
        }
        Ok(revoked)
    })
    .await
    .map_err(|e| HandleError::Retry(e.to_string()))?;
    // Committed; a failure here is retried by redelivery (the inbox makes that a no-op for
    // the database, so list them again now while we can).
    if !revoked.is_empty()
        && let Err(e) = mail.revocations.revoke_many(&revoked).await
    {
        tracing::warn!(error = %e, "could not list revoked sessions in Redis; the user block still holds");
    }
    Ok(())
}
