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
    let logged = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        logged.contains("unknown configuration variable ignored")
            && logged.contains("JANUA_RATE_LIMTS__ANONYMOUS_PER_MIN"),
        "{logged}"
    );
}
