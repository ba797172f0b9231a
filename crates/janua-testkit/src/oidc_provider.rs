//! A real, independent OpenID Provider on loopback: panva's `oidc-provider` (npm), run by node
//! from `tests/tools/oidc-provider/server.mjs`. Unlike [`crate::oauth_provider`], which Janua's
//! own authors wrote, this one checks the Relying Party against an implementation that owes
//! Janua nothing: discovery, JWKS (with rotation), the authorization code flow with PKCE S256
//! required on every request (RFC 9700 section 2.1.1), `state`, `nonce`, RS256 ID tokens,
//! userinfo.
//!
//! There is no UI: the provider's login and consent interactions finish at once for the
//! account set with [`OidcProvider::set_account`] (with `access_denied` while none is set), and
//! [`OidcProvider::authorize`] plays the browser through them.

use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, ChildStdin, Command};

/// How long node may take to load oidc-provider and listen.
const START_DEADLINE: Duration = Duration::from_secs(30);
/// More hops than any authorization takes (authorize, login, resume, consent, resume).
const MAX_REDIRECTS: usize = 16;

/// A client registered at the provider when it starts.
#[derive(Debug, Clone)]
pub struct OidcClient {
    pub client_id: String,
    pub client_secret: String,
    pub redirect_uris: Vec<String>,
    /// `"client_secret_basic"` or `"client_secret_post"`.
    pub auth_method: &'static str,
}

impl OidcClient {
    /// A confidential client authenticating with HTTP Basic at the token endpoint.
    pub fn basic(client_id: &str, client_secret: &str, redirect_uri: &str) -> OidcClient {
        OidcClient {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            redirect_uris: vec![redirect_uri.into()],
            auth_method: "client_secret_basic",
        }
    }

    /// The client's registration as the provider takes it.
    fn registration(&self) -> Value {
        json!({
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "redirect_uris": self.redirect_uris,
            "token_endpoint_auth_method": self.auth_method,
        })
    }
}

/// The provider process; killed when dropped.
pub struct OidcProvider {
    port: u16,
    http: reqwest::Client,
    _child: Child,
    // Held so the provider also ends when the test process dies without running drops: it
    // exits on end of input.
    _stdin: Option<ChildStdin>,
}

fn tool_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/tools/oidc-provider")
}

/// Lines oidc-provider prints on every start that say nothing about a test: node 20 is below
/// the LTS it recommends, and a test provider keeps its state in memory on purpose.
fn is_known_warning(line: &str) -> bool {
    line.starts_with("oidc-provider WARNING: Unsupported runtime")
        || line.starts_with("oidc-provider WARNING: a quick start development-only in-memory adapter")
}

impl OidcProvider {
    /// Starts the provider with `clients` registered, and waits until it listens.
    pub async fn start(clients: &[OidcClient]) -> OidcProvider {
        let dir = tool_dir();
        let script = dir.join("server.mjs");
        assert!(
            dir.join("node_modules/oidc-provider").is_dir(),
            "{} has no node_modules/oidc-provider: run scripts/setup.sh",
            dir.display()
        );
        let node = std::env::var("JANUA_TEST_NODE").unwrap_or_else(|_| "node".into());
        let config = json!({
            "clients": clients.iter().map(OidcClient::registration).collect::<Vec<_>>(),
        });
        let mut child = Command::new(&node)
            .arg(&script)
            .current_dir(&dir)
            .env("OIDC_CONFIG", config.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("spawn `{node} {}`: {e}", script.display()));

        let stderr_lines = Arc::new(Mutex::new(Vec::<String>::new()));
        let mut stderr = BufReader::new(child.stderr.take().expect("piped stderr")).lines();
        let seen = stderr_lines.clone();
        tokio::spawn(async move {
            while let Ok(Some(line)) = stderr.next_line().await {
                if !is_known_warning(&line) {
                    eprintln!("oidc-provider: {line}");
                }
                seen.lock().unwrap().push(line);
            }
        });

        let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
        let listening = crate::peer::announced_port(&mut stdout, START_DEADLINE).await;
        let port = match listening {
            Ok(Some(port)) => port,
            outcome => {
                let _ = child.start_kill();
                // Let the stderr reader take the last lines of a crash.
                let _ = tokio::time::timeout(Duration::from_secs(2), child.wait()).await;
                let why = if outcome.is_err() {
                    "did not print LISTENING in time"
                } else {
                    "exited before listening"
                };
                panic!(
                    "oidc-provider ({node} {}) {why}; its stderr:\n{}",
                    script.display(),
                    stderr_lines.lock().unwrap().join("\n")
                );
            }
        };
        // Keep draining stdout (oidc-provider prints notices there) so the pipe never fills.
        tokio::spawn(async move { while let Ok(Some(_)) = stdout.next_line().await {} });

        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(15))
            .build()
            .expect("an HTTP client");
        let stdin = child.stdin.take();
        OidcProvider { port, http, _child: child, _stdin: stdin }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:<port>`, with no trailing slash; discovery is at
    /// `{issuer}/.well-known/openid-configuration`.
    pub fn issuer(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    async fn admin(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/admin/{path}", self.issuer());
        let mut request = self.http.request(method, &url);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let resp = request.send().await.unwrap_or_else(|e| panic!("{url}: {e}"));
        let status = resp.status();
        let text = resp.text().await.unwrap_or_default();
        assert!(status.is_success(), "{url}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// The account that signs in at the next authorization: `{"sub", "email",
    /// "email_verified", "name", "given_name", "family_name", "groups": [..]}` (only `sub` is
    /// required). `groups`, when not empty, is in every ID token; email claims with the
    /// `email` scope, name claims with `profile`, in the ID token and at userinfo.
    pub async fn set_account(&self, account: Value) {
        self.admin(reqwest::Method::POST, "account", Some(account)).await;
    }

    /// Registers another client (a Relying Party that learned its redirect URI after the
    /// provider started).
    pub async fn add_client(&self, client: &OidcClient) {
        self.admin(reqwest::Method::POST, "clients", Some(client.registration())).await;
    }

    /// No account signed in: authorizations end with `error=access_denied`.
    pub async fn clear_account(&self) {
        self.admin(reqwest::Method::DELETE, "account", None).await;
    }

    /// Signs ID tokens with a new RS256 key (new `kid`) from now on. The JWKS publishes the new
    /// key, and the previous ones too with `keep_old`.
    pub async fn rotate_keys(&self, keep_old: bool) {
        self.admin(reqwest::Method::POST, "rotate-keys", Some(json!({ "keep_old": keep_old }))).await;
    }

    /// Tampers with the ID tokens the token endpoint answers from now on (replaces any previous
    /// options; `json!({})` restores honest tokens). Keys: `id_token_audience_override`,
    /// `issuer_override`, `nonce_override` (values put in `aud`, `iss`, `nonce`),
    /// `expired_id_token: true` (`iat` two hours ago, `exp` one hour ago), and
    /// `foreign_signature: true` (signed by a key the JWKS never published, under the published
    /// kid). The tampered token is signed again, so only the claim under test is wrong.
    pub async fn set_options(&self, options: Value) {
        self.admin(reqwest::Method::POST, "options", Some(options)).await;
    }

    /// The authorization requests the provider received, oldest first, each as an object of
    /// its query parameters (`response_type`, `client_id`, `code_challenge_method`, `nonce`,
    /// `state`, ...).
    pub async fn requests(&self) -> Value {
        self.admin(reqwest::Method::GET, "requests", None).await
    }

    /// Plays the browser from the RP's authorization URL: follows the provider's redirects
    /// through the (automatic) interaction and answers the final redirect to the RP's
    /// redirect_uri (`code`, `state` and `iss`, or `error`), without requesting it. Each call is
    /// a fresh browser: no cookies from an earlier call, so the account set now signs in.
    ///
    /// Panics when the provider answers something other than a redirect (for example the
    /// error page of an unknown client or redirect_uri, which it must not redirect).
    pub async fn authorize(&self, authorization_url: &str) -> url::Url {
        match self.browse(authorization_url).await {
            Ending::Redirect(url) => url,
            Ending::Page(url, body) => panic!("GET {url} answered a page, not a redirect: {body}"),
        }
    }

    /// Like [`authorize`](Self::authorize) for `response_mode=form_post`: the provider ends
    /// with an auto-posting form to the redirect_uri; answers its action and fields (`code`,
    /// `state`, `iss`, or `error`), without posting it.
    pub async fn authorize_form_post(&self, authorization_url: &str) -> (String, Vec<(String, String)>) {
        match self.browse(authorization_url).await {
            Ending::Page(_, body) => crate::saml_idp::parse_form(&body),
            Ending::Redirect(url) => panic!("the provider redirected to {url} instead of posting a form"),
        }
    }

    async fn browse(&self, authorization_url: &str) -> Ending {
        let issuer = url::Url::parse(&self.issuer()).expect("the issuer URL");
        let mut current = url::Url::parse(authorization_url)
            .unwrap_or_else(|e| panic!("authorization URL {authorization_url:?}: {e}"));
        // The provider's interaction cookies; sent to every path, which its signed cookies
        // tolerate (their signature covers name and value only).
        let mut jar = BTreeMap::<String, String>::new();
        for _ in 0..MAX_REDIRECTS {
            let mut request = self.http.get(current.clone());
            if !jar.is_empty() {
                let cookie =
                    jar.iter().map(|(name, value)| format!("{name}={value}")).collect::<Vec<_>>().join("; ");
                request = request.header(reqwest::header::COOKIE, cookie);
            }
            let resp = request.send().await.unwrap_or_else(|e| panic!("GET {current}: {e}"));
            for set_cookie in resp.headers().get_all(reqwest::header::SET_COOKIE) {
                store_cookie(&mut jar, set_cookie.to_str().unwrap_or_default());
            }
            let status = resp.status();
            if !status.is_redirection() {
                let body = resp.text().await.unwrap_or_default();
                // form_post answers errors (access_denied...) with a 400 page holding the form.
                if status.is_success() || body.contains("<form") {
                    return Ending::Page(current, body);
                }
                panic!("GET {current} answered {status}, not a redirect: {body}");
            }
            let location = resp
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .unwrap_or_else(|| panic!("GET {current}: {status} without a Location"))
                .to_string();
            let next = current.join(&location).unwrap_or_else(|e| panic!("Location {location:?}: {e}"));
            if next.origin() != issuer.origin() {
                return Ending::Redirect(next);
            }
            current = next;
        }
        panic!("more than {MAX_REDIRECTS} redirects from {authorization_url}");
    }
}

/// Where a browser's walk through the provider ended.
enum Ending {
    /// A redirect leaving the provider (to the RP's redirect_uri).
    Redirect(url::Url),
    /// A page at the provider (a `form_post` form, at this URL).
    Page(url::Url, String),
}

/// Keeps `name=value` of a Set-Cookie header, or forgets the cookie when the header deletes it
/// (empty value or an expiry in 1970, as koa's cookies write a deletion).
fn store_cookie(jar: &mut BTreeMap<String, String>, header: &str) {
    let mut parts = header.split(';');
    let Some((name, value)) = parts.next().and_then(|p| p.split_once('=')) else {
        return;
    };
    let (name, value) = (name.trim(), value.trim());
    let deleted = value.is_empty()
        || parts.any(|attr| {
            let attr = attr.trim().to_ascii_lowercase();
            attr == "max-age=0" || (attr.starts_with("expires=") && attr.contains("1970"))
        });
    if deleted {
        jar.remove(name);
    } else {
        jar.insert(name.to_string(), value.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deleting_set_cookie_removes_the_cookie() {
        let mut jar = BTreeMap::new();
        store_cookie(&mut jar, "_interaction=abc; path=/interaction/x; httponly");
        assert_eq!(jar.get("_interaction").map(String::as_str), Some("abc"));
        store_cookie(&mut jar, "_interaction=; path=/interaction/x; expires=Thu, 01 Jan 1970 00:00:00 GMT");
        assert!(jar.is_empty());
    }
}
