//! The `janua` binary as an operator runs it.

use std::process::Command;

/// Unknown `JANUA_*` variables are warned about once logging is up, so the operator sees
/// the warning (a typo otherwise silently keeps a default).
#[test]
fn unknown_configuration_variables_are_warned_about_where_they_can_be_seen() {
    let output = Command::new(env!("CARGO_BIN_EXE_janua"))
        .args(["--target", "gateway", "--migrate-only"])
        .env("JANUA_RATE_LIMTS__ANONYMOUS_PER_MIN", "5")
        .env("JANUA_LOG__FORMAT", "json")
        .env("JANUA_LOG__LEVEL", "warn")
        .env_remove("RUST_LOG")
        .output()
        .expect("janua runs");
    assert!(output.status.success(), "{output:?}");
    let logged =
        format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(
        logged.contains("unknown configuration variable ignored")
            && logged.contains("JANUA_RATE_LIMTS__ANONYMOUS_PER_MIN"),
        "{logged}"
    );
}

/// `janua openapi` prints the whole document with nothing else running: every operation with
/// an id of its own, as code generators need, and the answers the gateway adds to every route
/// documented where they apply (429 and the rate-limit headers everywhere, 401 wherever a
/// credential is required), and 403 wherever the `Permissions:` line names a gate a signed-in
/// caller can fail (a permission, platform admins, owners) rather than hiding the resource
/// behind a 404.
#[test]
fn the_openapi_command_prints_the_document_without_any_service() {
    let output = Command::new(env!("CARGO_BIN_EXE_janua"))
        .arg("openapi")
        .env("JANUA_DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .env("JANUA_REDIS_URL", "redis://127.0.0.1:1")
        .output()
        .expect("janua runs");
    assert!(output.status.success(), "{output:?}");
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    for path in ["/api/v1/auth/signup", "/api/v1/health", "/api/invitations/invitations/{invite_id}"] {
        assert!(paths.contains_key(path), "{path} is missing");
    }
    let mut ids = std::collections::BTreeSet::new();
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            let id = operation["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path} has no id"));
            assert!(ids.insert(id.to_string()), "{id} is used twice");
            let responses = operation["responses"].as_object().unwrap();
            assert!(responses.contains_key("429"), "{id} does not document 429");
            let needs_credential = operation["security"].as_array().is_some_and(|any_of| {
                !any_of.is_empty() && any_of.iter().all(|r| r != &serde_json::json!({}))
            });
            if needs_credential {
                assert!(responses.contains_key("401"), "{id} does not document 401");
            }
            if gated(operation["description"].as_str().unwrap_or_default()) {
                assert!(responses.contains_key("403"), "{id} does not document 403");
            }
            for (status, response) in responses {
                if response.get("$ref").is_none() {
                    let headers = response["headers"].as_object();
                    assert!(
                        headers.is_some_and(|h| h.contains_key("X-RateLimit-Remaining")),
                        "{id} does not document the rate-limit headers on {status}"
                    );
                }
            }
        }
    }
    let limit = &doc["components"]["headers"]["X-RateLimit-Limit"];
    assert_eq!(limit["schema"]["type"], "integer", "{limit}");
    let too_many = &doc["components"]["responses"]["TooManyRequests"];
    assert!(too_many["headers"]["Retry-After"].is_object(), "{too_many}");
}

/// Whether an operation's `Permissions:` line names a gate that answers 403 to a signed-in
/// caller who fails it: a permission (`resource:action`), platform admins, or owners and
/// admins, unless it says that anyone else gets 404.
fn gated(description: &str) -> bool {
    let Some((_, permissions)) = description.split_once("Permissions:") else { return false };
    let permissions = permissions.to_lowercase();
    if permissions.contains("gets 404") || permissions.contains("404 otherwise") {
        return false;
    }
    let names_permission = permissions.split('`').skip(1).step_by(2).any(|quoted| {
        quoted.split_once(':').is_some_and(|(resource, action)| {
            [resource, action]
                .iter()
                .all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        })
    });
    names_permission
        || ["platform admins", "owners", "admins of"].iter().any(|gate| permissions.contains(gate))
}
