//! A real SAML 2.0 Identity Provider on loopback: `tests/tools/saml_idp.py`, built on pysaml2
//! and signing with xmlsec1, run as a child process. Being someone else's implementation, it
//! checks Janua's Service Provider against an independent reading of the specifications.
//!
//! The IdP answers the SP's AuthnRequests (HTTP-Redirect and HTTP-POST bindings) as the user set
//! with [`SamlIdp::set_user`], with the HTTP-POST binding's auto-submit form; [`SamlIdp::follow`]
//! plays the browser and hands back that form's fields. [`SamlIdp::set_options`] bends the next
//! responses (unsigned, SHA-1, wrong audience, expired, ...) for the negative tests.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// How long the IdP may take to generate its key, load pysaml2 and bind.
const START_DEADLINE: Duration = Duration::from_secs(30);

/// The IdP as a child process; killed, and its state directory removed, when dropped.
pub struct SamlIdp {
    _child: Child,
    port: u16,
    state_dir: PathBuf,
    stderr: Arc<Mutex<String>>,
    http: reqwest::Client,
}

/// The fields of an HTTP-POST binding form (saml-bindings 3.5.4), values as they appear in the
/// form: `SAMLResponse` and `SAMLRequest` are still base64.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SamlPost {
    pub action: String,
    pub saml_response: Option<String>,
    pub saml_request: Option<String>,
    pub relay_state: Option<String>,
}

impl SamlPost {
    /// The form's fields, to POST to [`SamlPost::action`] with [`post_form`].
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        [
            ("SAMLResponse", &self.saml_response),
            ("SAMLRequest", &self.saml_request),
            ("RelayState", &self.relay_state),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.clone().map(|v| (name, v)))
        .collect()
    }

    /// The decoded XML of the `SAMLResponse` (or else the `SAMLRequest`) the form carries.
    pub fn xml(&self) -> String {
        let encoded = self
            .saml_response
            .as_ref()
            .or(self.saml_request.as_ref())
            .expect("a form with a SAMLResponse or a SAMLRequest");
        let bytes = STANDARD.decode(encoded.as_bytes()).expect("the SAML message is base64");
        String::from_utf8(bytes).expect("the SAML message is UTF-8")
    }
}

impl SamlIdp {
    /// Starts the IdP on a free loopback port and waits until it listens.
    pub async fn start() -> SamlIdp {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let python = std::env::var_os("JANUA_TEST_PYTHON")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("target/test-tools/venv/bin/python"));
        let script = root.join("tests/tools/saml_idp.py");
        let state_dir =
            std::env::temp_dir().join(format!("janua-saml-idp-{}", uuid::Uuid::new_v4().simple()));
        let mut child = Command::new(&python)
            .arg(&script)
            .args(["--port", "0", "--state-dir"])
            .arg(&state_dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot run {} {}: {e} (run scripts/setup.sh, or set JANUA_TEST_PYTHON)",
                    python.display(),
                    script.display()
                )
            });

        // The IdP logs every request to stderr: keep it for panics and echo it to the test's
        // output, which the harness shows only when a test fails.
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err_lines = BufReader::new(child.stderr.take().expect("piped stderr")).lines();
        let sink = stderr.clone();
        tokio::spawn(async move {
            while let Ok(Some(line)) = err_lines.next_line().await {
                eprintln!("{line}");
                let mut log = sink.lock().unwrap_or_else(|e| e.into_inner());
                log.push_str(&line);
                log.push('\n');
            }
        });

        let mut out_lines = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
        let listening = crate::peer::announced_port(&mut out_lines, START_DEADLINE).await;
        let port = match listening {
            Ok(Some(port)) => port,
            outcome => {
                let _ = child.start_kill();
                let _ = child.wait().await;
                // Let the stderr reader drain what the process wrote before it went away.
                tokio::time::sleep(Duration::from_millis(50)).await;
                let log = stderr.lock().unwrap_or_else(|e| e.into_inner()).clone();
                let why = if outcome.is_err() {
                    format!("did not listen within {START_DEADLINE:?}")
                } else {
                    "exited before listening".to_string()
                };
                panic!("the SAML IdP ({}) {why}; stderr:\n{log}", script.display());
            }
        };
        tokio::spawn(async move { while let Ok(Some(_)) = out_lines.next_line().await {} });

        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client");
        SamlIdp { _child: child, port, state_dir, stderr, http }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The IdP's entity id, which is also its metadata URL.
    pub fn entity_id(&self) -> String {
        self.metadata_url()
    }

    pub fn metadata_url(&self) -> String {
        format!("{}/metadata", self.base_url())
    }

    /// The SingleSignOnService of the HTTP-Redirect binding.
    pub fn sso_url(&self) -> String {
        format!("{}/sso/redirect", self.base_url())
    }

    /// The SingleSignOnService of the HTTP-POST binding.
    pub fn sso_post_url(&self) -> String {
        format!("{}/sso/post", self.base_url())
    }

    /// The SingleLogoutService (HTTP-POST).
    pub fn slo_url(&self) -> String {
        format!("{}/slo", self.base_url())
    }

    pub async fn metadata_xml(&self) -> String {
        self.text(self.http.get(self.metadata_url())).await
    }

    /// The PEM certificate the IdP signs with.
    pub fn certificate_pem(&self) -> String {
        let path = self.state_dir.join("idp-cert.pem");
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
    }

    /// What the IdP wrote to stderr so far (its request log and errors).
    pub fn log(&self) -> String {
        self.stderr.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Registers a Service Provider (the IdP builds its metadata: one HTTP-POST ACS, and an
    /// HTTP-POST SingleLogoutService when `slo_url` is given). Registering again replaces it.
    pub async fn register_sp(&self, entity_id: &str, acs_url: &str, slo_url: Option<&str>) {
        self.admin("/admin/sp", json!({"entity_id": entity_id, "acs_url": acs_url, "slo_url": slo_url}))
            .await;
    }

    /// Registers a Service Provider from its own metadata (e.g. Janua's SP metadata document).
    pub async fn register_sp_metadata(&self, metadata_xml: &str) {
        self.admin("/admin/sp", json!({"metadata_xml": metadata_xml})).await;
    }

    /// The user the next logins authenticate as, with an emailAddress NameID. `attributes`
    /// maps names (`email`, `givenName`, `sn`, `groups`) to arrays of strings.
    pub async fn set_user(&self, name_id: &str, attributes: Value) {
        self.set_user_with_format(name_id, "email", attributes).await;
    }

    /// As [`SamlIdp::set_user`], with the NameID format `"email"` or `"persistent"`.
    pub async fn set_user_with_format(&self, name_id: &str, format: &str, attributes: Value) {
        self.admin(
            "/admin/user",
            json!({"name_id": name_id, "name_id_format": format, "attributes": attributes}),
        )
        .await;
    }

    /// Changes how the following responses are made until changed again or reset:
    /// `sign_response`, `sign_assertion` (bool), `algorithm` (`"sha256"` | `"sha1"`),
    /// `audience`, `destination`, `recipient`, `in_response_to`, `session_index` (strings),
    /// `not_on_or_after_offset_secs` (default 300), `not_before_offset_secs` (default 0),
    /// `require_signed_authn_requests` (bool).
    pub async fn set_options(&self, options: Value) {
        self.admin("/admin/options", options).await;
    }

    pub async fn reset_options(&self) {
        self.admin("/admin/reset", json!({})).await;
    }

    /// Plays the browser on the SP's redirect to the IdP (an HTTP-Redirect binding URL at the
    /// IdP) and answers the auto-post form the IdP sends back towards the SP's ACS.
    pub async fn follow(&self, redirect_url: &str) -> SamlPost {
        let page = self.text(self.http.get(redirect_url)).await;
        parse_auto_post(&page)
    }

    /// Posts an HTTP-POST binding `SAMLRequest` (base64, as in the SP's form) to the IdP.
    pub async fn post_authn_request(&self, saml_request: &str, relay_state: Option<&str>) -> SamlPost {
        let mut form = vec![("SAMLRequest", saml_request.to_string())];
        if let Some(relay_state) = relay_state {
            form.push(("RelayState", relay_state.to_string()));
        }
        let page = self.text(post_form(&self.http, &self.sso_post_url(), &form)).await;
        parse_auto_post(&page)
    }

    /// An unsolicited Response (no InResponseTo) to the SP's ACS.
    pub async fn idp_initiated(&self, sp_entity_id: &str, relay_state: Option<&str>) -> SamlPost {
        let mut query = vec![("sp", sp_entity_id)];
        if let Some(relay_state) = relay_state {
            query.push(("RelayState", relay_state));
        }
        let url = format!("{}/idp-initiated", self.base_url());
        let page = self.text(self.http.get(url).query(&query)).await;
        parse_auto_post(&page)
    }

    /// A signed LogoutRequest to the SP's SingleLogoutService, as an auto-post form.
    pub async fn logout_request(
        &self, sp_entity_id: &str, name_id: &str, session_index: Option<&str>,
    ) -> SamlPost {
        self.logout_request_with(sp_entity_id, name_id, session_index, json!({})).await
    }

    /// Like [`logout_request`](Self::logout_request), with `destination` (another
    /// Destination attribute) or `issue_instant_offset_secs` (an IssueInstant moved, signed
    /// after the change) in `tweaks`.
    pub async fn logout_request_with(
        &self, sp_entity_id: &str, name_id: &str, session_index: Option<&str>, tweaks: Value,
    ) -> SamlPost {
        let mut body = json!({"sp": sp_entity_id, "name_id": name_id, "session_index": session_index});
        if let (Some(b), Value::Object(t)) = (body.as_object_mut(), tweaks) {
            b.extend(t);
        }
        let url = format!("{}/admin/logout-request", self.base_url());
        let page = self.text(self.http.post(url).json(&body)).await;
        parse_auto_post(&page)
    }

    /// What reached the IdP, oldest first: the AuthnRequests (`kind`, `id`, `issuer`,
    /// `signature`: `"valid"`|`"absent"`|`"invalid"`, `xml`, ...) and the LogoutRequests and
    /// LogoutResponses posted to its SingleLogoutService (`kind`, `in_response_to`, `status`,
    /// `parsed`, `error`, `xml`, ...).
    pub async fn received(&self) -> Value {
        let url = format!("{}/admin/received", self.base_url());
        let body = self.text(self.http.get(url)).await;
        serde_json::from_str(&body).expect("/admin/received answers JSON")
    }

    async fn admin(&self, path: &str, body: Value) -> Value {
        let url = format!("{}{path}", self.base_url());
        let answer = self.text(self.http.post(url).json(&body)).await;
        serde_json::from_str(&answer).expect("the IdP's admin API answers JSON")
    }

    /// Sends and answers the body of a 200, or panics with what the IdP said.
    async fn text(&self, request: reqwest::RequestBuilder) -> String {
        let response = request.send().await.expect("a request to the SAML IdP");
        let status = response.status();
        let url = response.url().clone();
        let body = response.text().await.expect("the SAML IdP's answer");
        assert!(status == reqwest::StatusCode::OK, "the SAML IdP answered {status} to {url}: {body}");
        body
    }
}

impl Drop for SamlIdp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.state_dir);
    }
}

/// A POST of `application/x-www-form-urlencoded` fields, as a browser submits a form (the
/// workspace's reqwest is built without its `form` feature).
pub fn post_form(http: &reqwest::Client, url: &str, fields: &[(&str, String)]) -> reqwest::RequestBuilder {
    let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
    http.post(url).header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded").body(body)
}

/// The action and hidden fields of the first `<form>` in an HTML page: enough HTML for the
/// forms SAML peers write, without a parser crate.
pub fn parse_auto_post(page: &str) -> SamlPost {
    let form_start =
        find_tag(page, 0, "form").unwrap_or_else(|| panic!("no <form> in the SAML IdP's page:\n{page}"));
    let (form_tag, form_end) = tag_at(page, form_start);
    let action =
        attribute(form_tag, "action").unwrap_or_else(|| panic!("a <form> without an action:\n{page}"));
    let body_end = find_ascii_ci(page, form_end, "</form").unwrap_or(page.len());
    let mut post = SamlPost { action, saml_response: None, saml_request: None, relay_state: None };
    let mut at = form_end;
    while let Some(start) = find_tag(&page[..body_end], at, "input") {
        let (tag, end) = tag_at(page, start);
        at = end;
        let (Some(name), Some(value)) = (attribute(tag, "name"), attribute(tag, "value")) else {
            continue;
        };
        match name.as_str() {
            "SAMLResponse" => post.saml_response = Some(value),
            "SAMLRequest" => post.saml_request = Some(value),
            "RelayState" => post.relay_state = Some(value),
            _ => {}
        }
    }
    post
}

/// The action and every named `<input>` of the first `<form>` in a page (an OIDC
/// `form_post` answer, or any auto-posting form).
pub fn parse_form(page: &str) -> (String, Vec<(String, String)>) {
    let form_start = find_tag(page, 0, "form").unwrap_or_else(|| panic!("no <form> in the page:\n{page}"));
    let (form_tag, form_end) = tag_at(page, form_start);
    let action =
        attribute(form_tag, "action").unwrap_or_else(|| panic!("a <form> without an action:\n{page}"));
    let body_end = find_ascii_ci(page, form_end, "</form").unwrap_or(page.len());
    let mut fields = Vec::new();
    let mut at = form_end;
    while let Some(start) = find_tag(&page[..body_end], at, "input") {
        let (tag, end) = tag_at(page, start);
        at = end;
        if let (Some(name), Some(value)) = (attribute(tag, "name"), attribute(tag, "value")) {
            fields.push((name, value));
        }
    }
    (action, fields)
}

/// Where the next `<name` tag (followed by whitespace, `/` or `>`) starts at or after `from`.
fn find_tag(page: &str, from: usize, name: &str) -> Option<usize> {
    let open = format!("<{name}");
    let mut at = from;
    while let Some(start) = find_ascii_ci(page, at, &open) {
        let next = page[start + open.len()..].chars().next();
        if matches!(next, Some(c) if c.is_ascii_whitespace() || c == '/' || c == '>') {
            return Some(start);
        }
        at = start + open.len();
    }
    None
}

/// The tag starting at `start` (up to its `>`, outside quotes) and the index just after it.
fn tag_at(page: &str, start: usize) -> (&str, usize) {
    let mut quote = None;
    for (i, c) in page[start..].char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return (&page[start..start + i + 1], start + i + 1),
            _ => {}
        }
    }
    (&page[start..], page.len())
}

fn find_ascii_ci(haystack: &str, from: usize, needle: &str) -> Option<usize> {
    let (hay, needle) = (haystack.as_bytes(), needle.as_bytes());
    if from >= hay.len() || needle.len() > hay.len() {
        return None;
    }
    (from..=hay.len() - needle.len()).find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// The unescaped value of attribute `name` in one tag (quoted with `"` or `'`, or bare).
fn attribute(tag: &str, name: &str) -> Option<String> {
    let bytes = tag.as_bytes();
    // Skip `<tagname`.
    let mut i = tag.find(|c: char| c.is_ascii_whitespace())?;
    while i < bytes.len() {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        let key_start = i;
        while i < bytes.len() && !matches!(bytes[i], b'=' | b'>' | b'/') && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let key = &tag[key_start..i];
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= bytes.len() || bytes[i] != b'=' {
            if key.is_empty() {
                i += 1;
            }
            continue;
        }
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let value = match bytes.get(i) {
            Some(&q @ (b'"' | b'\'')) => {
                let end = tag[i + 1..].find(q as char).map_or(tag.len(), |e| i + 1 + e);
                let value = &tag[i + 1..end];
                i = end + 1;
                value
            }
            _ => {
                let start = i;
                while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                    i += 1;
                }
                &tag[start..i]
            }
        };
        if key.eq_ignore_ascii_case(name) {
            return Some(unescape_html(value));
        }
    }
    None
}

/// HTML character references: the named ones SAML forms use, and numeric ones.
fn unescape_html(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest.find(';').filter(|&end| end <= 10).and_then(|end| {
            let entity = &rest[1..end];
            let c = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => entity
                    .strip_prefix("#x")
                    .or_else(|| entity.strip_prefix("#X"))
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_an_auto_post_form_and_unescapes_its_values() {
        let page = r#"<!DOCTYPE html><html><body onload="document.forms[0].submit()">
            <FORM method='post' action="https://sp.example/acs?a=1&amp;b=2">
            <input type="hidden" name="SAMLResponse" value="PD94bWw+"/>
            <input name="RelayState" type="hidden" value="&quot;x&quot; &lt;&#39;y&#x27;&gt; &amp;z"/>
            <noscript><input type="submit" value="Continue"/></noscript></FORM>
            <input type="hidden" name="SAMLRequest" value="outside the form"/></body></html>"#;
        let post = parse_auto_post(page);
        assert_eq!(post.action, "https://sp.example/acs?a=1&b=2");
        assert_eq!(post.saml_response.as_deref(), Some("PD94bWw+"));
        assert_eq!(post.relay_state.as_deref(), Some(r#""x" <'y'> &z"#));
        assert_eq!(post.saml_request, None);
        assert_eq!(post.xml(), "<?xml>");
    }

    #[test]
    fn leaves_unknown_references_alone() {
        assert_eq!(unescape_html("a &b; &amp c &#xZZ; &nbsp"), "a &b; &amp c &#xZZ; &nbsp");
    }
}
