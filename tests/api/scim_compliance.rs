//! An independent SCIM 2.0 compliance check: `scim test` from PyPI's `scim2-cli` (which runs
//! `scim2-tester`), against the running stack through the gateway. It reads the discovery
//! documents, then creates, reads, filters, replaces, patches and deletes Users and Groups
//! with generated values, checking each answer against RFC 7643/7644 and our schemas.
//!
//! `scripts/setup.sh` installs it in `target/test-tools/venv`; `JANUA_SCIM2_CLI` names
//! another `scim` executable.

use crate::json;
use janua_testkit::TestStack;
use serde_json::json;
use std::path::PathBuf;

fn scim_cli() -> PathBuf {
    if let Ok(path) = std::env::var("JANUA_SCIM2_CLI") {
        return PathBuf::from(path);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/test-tools/venv/bin/scim")
}

#[tokio::test]
async fn scim2_tester_finds_no_failures() {
    let cli = scim_cli();
    assert!(cli.exists(), "{} is missing: run scripts/setup.sh (make setup)", cli.display());
    let app = TestStack::spawn().await;
    let pair = app.signup("owner@compliance.test", "correct horse battery").await;
    let owner = pair["access_token"].as_str().unwrap().to_string();
    let resp = app.post("/api/v1/organizations", &json!({ "name": "Compliance" }), Some(&owner)).await;
    assert_eq!(resp.status(), 201);
    let org = json(resp).await["id"].as_str().unwrap().to_string();
    let resp = app
        .post(
            &format!("/api/v1/organizations/{org}/scim-tokens"),
            &json!({ "description": "scim2-tester" }),
            Some(&owner),
        )
        .await;
    let token = json(resp).await["token"].as_str().unwrap().to_string();

    let output = tokio::process::Command::new(&cli)
        .arg("--url")
        .arg(app.url("/api/v1/scim/v2"))
        .arg("test")
        .arg("--verbose")
        // The token goes through the environment, not the command line (other users of the
        // machine can read argv).
        .env("SCIM_CLI_HEADERS", format!("Authorization: Bearer {token}"))
        .output()
        .await
        .expect("scim2-cli runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}\n{stderr}");
    assert!(output.status.success(), "scim test failed:\n{stdout}\n{stderr}");
}
