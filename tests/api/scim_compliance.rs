//! An independent SCIM 2.0 compliance check: `scim test` from PyPI's `scim2-cli` (which runs
//! `scim2-tester`), against the running stack through the gateway. It reads the discovery
//! documents, then creates, reads, filters, replaces, patches and deletes Users and Groups
//! with generated values, checking each answer against RFC 7643/7644 and our schemas.
//!
//! `scripts/setup.sh` installs it in `target/test-tools/venv`; `JANUA_SCIM2_CLI` names
//! another `scim` executable.

use janua_testkit::{TestStack, test_tool};

#[tokio::test]
async fn scim2_tester_finds_no_failures() {
    let cli = test_tool("JANUA_SCIM2_CLI", "scim");
    let app = TestStack::spawn().await;
    let owner = app.person("owner@compliance.test").await.token;
    let org = app.create_org_id(&owner, "Compliance").await;
    let token = app.create_scim_token(&owner, &org, "scim2-tester").await;

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
