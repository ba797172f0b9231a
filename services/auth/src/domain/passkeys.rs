//! The WebAuthn relying party (webauthn-rs) and what Janua adds around it: options that do
//! not tell whether an email has passkeys, and conversions to what the store keeps.

use hmac::{KeyInit, Mac};
use janua_core::ApiError;
use janua_core::config::WebauthnSettings;
use serde_json::{Value, json};
use webauthn_rs::prelude::{Passkey, Url, WebauthnError};
use webauthn_rs::{Webauthn, WebauthnBuilder};

pub fn relying_party(settings: &WebauthnSettings) -> anyhow::Result<Webauthn> {
    let origin = Url::parse(&settings.rp_origin)
        .map_err(|e| anyhow::anyhow!("webauthn.rp_origin {:?}: {e}", settings.rp_origin))?;
    let webauthn = WebauthnBuilder::new(&settings.rp_id, &origin)
        .map_err(|e| anyhow::anyhow!("webauthn.rp_id {:?} does not fit {origin}: {e}", settings.rp_id))?
        .rp_name(&settings.rp_name)
        .timeout(std::time::Duration::from_secs(settings.ceremony_ttl_secs.clamp(30, 3600) as u64))
        .build()
        .map_err(|e| anyhow::anyhow!("webauthn: {e}"))?;
    Ok(webauthn)
}

/// A credential id that looks like a real one and is the same on every request for `email`,
/// so `authenticate/begin` with an email hint answers alike whether or not the email has
/// passkeys (WebAuthn section 14.6.2, username enumeration).
pub fn decoy_credential_id(key: &[u8], email: &str) -> Vec<u8> {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(b"janua passkey decoy\0");
    mac.update(email.as_bytes());
    mac.finalize().into_bytes()[..16].to_vec()
}

/// webauthn-rs asks for a server-side credential (`residentKey: discouraged`); passkeys are
/// meant to be discoverable so that sign-in needs no username, so prefer one.
pub fn prefer_discoverable(options: &mut Value) {
    if let Some(selection) =
        options.pointer_mut("/publicKey/authenticatorSelection").and_then(Value::as_object_mut)
    {
        selection.insert("residentKey".into(), json!("preferred"));
        selection.insert("requireResidentKey".into(), json!(false));
    }
}

/// Discoverable-credential options (webauthn-rs marks them for conditional UI; a plain
/// "sign in with a passkey" button wants the modal prompt) with, for an email hint that
/// matched nothing, a decoy credential in `allowCredentials`.
pub fn authentication_options(mut options: Value, decoy: Option<Vec<u8>>) -> Value {
    if let Some(obj) = options.as_object_mut() {
        obj.remove("mediation");
    }
    if let Some(id) = decoy
        && let Some(pk) = options.pointer_mut("/publicKey").and_then(Value::as_object_mut)
    {
        use base64::Engine;
        // Shaped like webauthn-rs's options for a known account, which ask for no extension.
        pk.remove("extensions");
        pk.insert(
            "allowCredentials".into(),
            json!([{
                "type": "public-key",
                "id": base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(id),
                "transports": ["internal", "hybrid"],
            }]),
        );
    }
    options
}

/// What the store mirrors beside the serialised credential.
pub struct Mirrored {
    pub credential_id: Vec<u8>,
    pub counter: i64,
    pub backup_eligible: bool,
    pub backup_state: bool,
    pub json: Value,
}

pub fn mirror(passkey: &Passkey) -> Result<Mirrored, ApiError> {
    let json = serde_json::to_value(passkey).map_err(ApiError::internal)?;
    let cred = json.get("cred");
    let field = |name: &str| cred.and_then(|c| c.get(name));
    Ok(Mirrored {
        credential_id: passkey.cred_id().as_ref().to_vec(),
        counter: field("counter").and_then(Value::as_i64).unwrap_or(0),
        backup_eligible: field("backup_eligible").and_then(Value::as_bool).unwrap_or(false),
        backup_state: field("backup_state").and_then(Value::as_bool).unwrap_or(false),
        json,
    })
}

/// Why a ceremony failed, for the event; the client only ever hears "not accepted".
pub fn failure_reason(e: &WebauthnError) -> &'static str {
    match e {
        WebauthnError::InvalidRPOrigin | WebauthnError::InvalidRPIDHash => "wrong_origin",
        WebauthnError::MismatchedChallenge => "challenge_mismatch",
        WebauthnError::CredentialPossibleCompromise => "counter_regressed",
        WebauthnError::UserNotVerified => "user_not_verified",
        WebauthnError::CredentialNotFound => "unknown_credential",
        WebauthnError::AuthenticationFailure => "bad_signature",
        _ => "invalid_credential",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoys_are_stable_per_email_and_differ_between_emails() {
        let a = decoy_credential_id(b"k", "ada@example.com");
        assert_eq!(a, decoy_credential_id(b"k", "ada@example.com"));
        assert_ne!(a, decoy_credential_id(b"k", "bob@example.com"));
        assert_ne!(a, decoy_credential_id(b"other", "ada@example.com"));
        assert_eq!(a.len(), 16);
    }

    #[test]
    fn discoverable_options_lose_conditional_mediation_and_may_carry_a_decoy() {
        let options = json!({"publicKey": {"challenge": "abc"}, "mediation": "conditional"});
        let plain = authentication_options(options.clone(), None);
        assert!(plain.get("mediation").is_none());
        assert!(plain.pointer("/publicKey/allowCredentials").is_none());
        let decoyed = authentication_options(options, Some(vec![1; 16]));
        assert_eq!(decoyed["publicKey"]["allowCredentials"][0]["type"], "public-key");
    }
}
