//! What every OAuth 2.0 / OpenID Connect client of Janua needs around the `oauth2` crate
//! (social sign-in in auth, enterprise SSO in enterprise): answers read with a size cap, the
//! raw claims of a JWT, and the merge of ID token and UserInfo claims. Their HTTP goes through
//! the guarded outbound client (`crate::outbound::Outbound::oauth`).

/// Reads an answer whole, refusing one larger than `max` bytes.
pub async fn read_capped(mut resp: reqwest::Response, max: usize) -> Result<Vec<u8>, std::io::Error> {
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(std::io::Error::other)? {
        if body.len() + chunk.len() > max {
            return Err(std::io::Error::other("the provider's answer is too large"));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The payload of a JWT as JSON, unverified: only for claims of a token whose signature was
/// checked already (claims outside a library's standard set). Empty when it does not decode.
pub fn raw_claims(jwt: &str) -> serde_json::Value {
    use base64::Engine;
    jwt.split('.')
        .nth(1)
        .and_then(|p| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(p.trim_end_matches('=')).ok())
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_else(|| serde_json::Value::Object(Default::default()))
}

/// The claims of a verified ID token together with those of the UserInfo endpoint (OpenID
/// Connect Core 1.0 section 5.3): the UserInfo `sub` must be the ID token's (5.3.2: otherwise
/// the answer must not be used, as it may be another user's), and it only fills in claims the
/// ID token left out (a conforming provider keeps `email` and `email_verified` there when an
/// access token is issued, 5.4); the signed ID token wins where both speak.
pub fn with_userinfo(
    id_token_claims: serde_json::Value, userinfo: Option<serde_json::Value>,
) -> Result<serde_json::Value, String> {
    let Some(info) = userinfo else {
        return Ok(id_token_claims);
    };
    let serde_json::Value::Object(info) = info else {
        return Err("the UserInfo answer is not a JSON object".into());
    };
    let subject = id_token_claims.get("sub").and_then(serde_json::Value::as_str);
    if subject.is_none() || info.get("sub").and_then(serde_json::Value::as_str) != subject {
        return Err("the UserInfo sub is not the ID token's".into());
    }
    let mut merged = id_token_claims;
    if let Some(map) = merged.as_object_mut() {
        for (name, value) in info {
            map.entry(name).or_insert(value);
        }
    }
    Ok(merged)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn userinfo_fills_in_only_for_the_same_subject() {
        let id = json!({"sub": "u1", "name": "Signed"});
        let merged = with_userinfo(
            id.clone(),
            Some(json!({"sub": "u1", "name": "Unsigned", "email": "a@b.c", "email_verified": true})),
        )
        .unwrap();
        assert_eq!(merged["name"], "Signed");
        assert_eq!(merged["email"], "a@b.c");
        assert_eq!(merged["email_verified"], true);
        assert!(with_userinfo(id.clone(), Some(json!({"sub": "u2", "email": "x@y.z"}))).is_err());
        assert!(with_userinfo(id.clone(), Some(json!({"email": "x@y.z"}))).is_err());
        assert!(with_userinfo(id.clone(), Some(json!([1]))).is_err());
        assert_eq!(with_userinfo(id.clone(), None).unwrap(), id);
    }
}
