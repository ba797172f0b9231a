//! Redirects back to an application after a browser sign-in (social OAuth, SSO): which
//! `redirect_uri`s are allowed, and the 302 carrying the answer in the fragment.

use actix_web::HttpResponse;
use actix_web::http::header;
use url::Url;

/// Whether `candidate` is on the allow-list: same scheme, host and port as an entry, and a
/// path at or under the entry's (segment-wise: `/app` allows `/app/x`, not `/apple`).
pub fn allowed(allowlist: &str, candidate: &str) -> bool {
    let Ok(url) = Url::parse(candidate) else {
        return false;
    };
    if !url.username().is_empty() || url.password().is_some() || url.fragment().is_some() {
        return false;
    }
    allowlist.split(',').map(str::trim).filter(|e| !e.is_empty()).filter_map(|e| Url::parse(e).ok()).any(
        |entry| {
            let base = entry.path().trim_end_matches('/');
            entry.scheme() == url.scheme()
                && entry.host_str() == url.host_str()
                && entry.port_or_known_default() == url.port_or_known_default()
                && (url.path() == base
                    || base.is_empty()
                    || url.path().strip_prefix(base).is_some_and(|rest| rest.starts_with('/')))
        },
    )
}

/// A 302 to `uri` with `answer`'s scalar fields in the fragment (never sent to servers, so
/// tokens stay out of logs and Referer headers).
pub fn with_fragment(uri: &str, answer: &serde_json::Value) -> HttpResponse {
    let mut fragment = url::form_urlencoded::Serializer::new(String::new());
    if let Some(map) = answer.as_object() {
        for (k, v) in map {
            match v {
                serde_json::Value::String(s) => {
                    fragment.append_pair(k, s);
                }
                serde_json::Value::Number(_) | serde_json::Value::Bool(_) => {
                    fragment.append_pair(k, &v.to_string());
                }
                _ => {}
            }
        }
    }
    HttpResponse::Found()
        .insert_header((header::LOCATION, format!("{uri}#{}", fragment.finish())))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(("referrer-policy", "no-referrer"))
        .finish()
}
