//! What every OAuth 2.0 / OpenID Connect client of Janua needs around the `oauth2` crate
//! (social sign-in in auth, enterprise SSO in enterprise): its HTTP client interface over
//! the workspace's one reqwest, answers read with a size cap, and the raw claims of a JWT.

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

/// oauth2's HTTP client interface over the workspace's reqwest (one HTTP stack), with
/// answers capped at `max` bytes.
pub async fn send(
    http: &reqwest::Client,
    request: oauth2::HttpRequest,
    max: usize,
) -> Result<oauth2::HttpResponse, std::io::Error> {
    let request = reqwest::Request::try_from(request).map_err(std::io::Error::other)?;
    let resp = http.execute(request).await.map_err(std::io::Error::other)?;
    let mut builder = http::Response::builder().status(resp.status());
    for (name, value) in resp.headers() {
        builder = builder.header(name, value);
    }
    let body = read_capped(resp, max).await?;
    builder.body(body).map_err(std::io::Error::other)
}

/// The payload of a JWT as JSON, unverified: only for claims of a token whose signature was
/// checked already (claims outside a library's standard set). Empty when it does not decode.
pub fn raw_claims(jwt: &str) -> serde_json::Value {
    use base64::Engine;
    jwt.split('.')
        .nth(1)
        .and_then(|p| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(p.trim_end_matches('='))
                .ok()
        })
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_else(|| serde_json::Value::Object(Default::default()))
}
