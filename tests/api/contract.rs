//! Invariant: input PostgreSQL cannot store is a 400, never a 500; and the served contract
//! holds under fuzzing: schemathesis (PyPI, pinned in `tests/tools/requirements.txt`) runs
//! over the OpenAPI document with an admin token and any 5xx fails the build.

use crate::json;
use janua_testkit::{ExpectStatus, Person, TestStack, test_tool};
use serde_json::json;
use std::path::PathBuf;

#[tokio::test]
async fn input_postgresql_cannot_store_is_a_400_naming_the_field_and_stores_nothing() {
    let (app, admin) = TestStack::spawn_with_admin(|_| {}).await;
    let Person { id, token, .. } = app.person("ada@example.com").await;
    for (body, field) in [
        (json!({"name": "Acme\u{0}"}), "name"),
        (json!({"name": "Acme", "metadata": {"note": "a\u{0}b"}}), "metadata.note"),
        (json!({"name": "Acme", "metadata": {"k\u{0}": 1}}), "metadata.k\\u0000"),
        (json!({"name": "Acme", "metadata": {"list": [1, ["x\u{0}"]]}}), "metadata.list[1][0]"),
        (json!({"name": "Acme", "metadata": {"big": -1.7976931348623155e308}}), "metadata.big"),
    ] {
        let resp = app.post("/api/v1/organizations", &body, Some(&token)).await;
        let error = resp.expect_error(400, "VALIDATION_ERROR").await;
        assert_eq!(error["error"]["details"]["field"], field, "{body}");
    }
    let orgs = json(app.get("/api/v1/organizations", Some(&token)).await).await;
    assert_eq!(orgs["data"], json!([]), "nothing was stored");
    let resp =
        app.put(&format!("/api/v1/users/{id}"), &json!({"name": "Ada\u{0}Lovelace"}), Some(&token)).await;
    let error = resp.expect_error(400, "VALIDATION_ERROR").await;
    assert_eq!(error["error"]["details"]["field"], "name");
    let resp = app.get("/api/v1/admin/users?q=a%00b", Some(&admin)).await;
    let error = resp.expect_error(400, "VALIDATION_ERROR").await;
    assert_eq!(error["error"]["details"]["field"], "q");
    // A `\\u0000` that is no NUL (an escaped backslash) is stored as written.
    let resp = app
        .post(
            "/api/v1/organizations",
            &json!({"name": "Acme", "metadata": {"path": "C:\\u0000"}}),
            Some(&token),
        )
        .await;
    assert_eq!(resp.status(), 201);
    assert_eq!(json(resp).await["metadata"]["path"], "C:\\u0000");
}

/// Every operation of the served document, with generated valid and invalid inputs (NUL
/// characters, huge numbers, wrong types, missing fields), stateful sequences included: not
/// one answer may be a 5xx. Operations that would end the admin's own session or account are
/// left out so the run keeps its credential.
#[tokio::test]
async fn schemathesis_finds_no_server_error_in_the_served_contract() {
    let cli = test_tool("JANUA_SCHEMATHESIS", "schemathesis");
    let (app, admin) = TestStack::spawn_with_admin(|s| {
        s.rate_limits.anonymous_per_min = 1_000_000;
        s.rate_limits.admin_per_min = 1_000_000;
    })
    .await;
    let config = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tools/schemathesis.toml");
    let mut command = tokio::process::Command::new(&cli);
    command
        .arg("--config-file")
        .arg(&config)
        .arg("run")
        .arg(app.url("/api/v1/openapi.json"))
        .arg("--no-color");
    for id in ["signout", "revoke_all_sessions", "revoke_session", "delete_user"] {
        command.arg("--exclude-operation-id").arg(id);
    }
    let output = tokio::time::timeout(
        std::time::Duration::from_secs(600),
        command
            // The token goes through the environment, not the command line.
            .env("JANUA_SCHEMATHESIS_TOKEN", &admin)
            .current_dir(std::env::temp_dir())
            .output(),
    )
    .await
    .expect("schemathesis finishes within ten minutes")
    .expect("schemathesis runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "schemathesis found server errors:\n{stdout}\n{stderr}");
}
