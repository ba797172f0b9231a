//! Every `JANUA_*` variable the deployment files set is a configuration key Janua reads: a
//! typo in a ConfigMap, a Secret, the production Secret's example or the compose file would
//! otherwise keep a default silently. The files are read line by line (no YAML parser among
//! the dependencies): a variable is a `JANUA_…` name followed by `:` or `=`.

use janua_core::config::Settings;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml" || e == "env") {
            out.push(path);
        }
    }
}

/// The `JANUA_*` names set in `text`: `JANUA_X: value`, `JANUA_X=value`, `- JANUA_X=value`,
/// with or without quotes around the name.
fn variables(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.lines() {
        let line = line.trim_start().trim_start_matches("- ").trim_start_matches(['#', ' ']);
        let line = line.trim_start_matches(['"', '\'']);
        let Some(rest) = line.strip_prefix("JANUA_") else { continue };
        let name_len =
            rest.bytes().take_while(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_').count();
        let after = rest[name_len..].trim_start_matches(['"', '\'']);
        if after.starts_with(':') || after.starts_with('=') {
            found.push(format!("JANUA_{}", &rest[..name_len]));
        }
    }
    found
}

#[test]
fn every_janua_variable_in_the_deployment_files_is_a_configuration_key() {
    let mut paths = Vec::new();
    files(&root().join("deploy"), &mut paths);
    let settings = Settings::default();
    let mut checked = 0;
    let mut unknown = Vec::new();
    for path in &paths {
        let text = std::fs::read_to_string(path).unwrap();
        let names = variables(&text);
        checked += names.len();
        for name in settings.unknown_variables(names.iter().map(String::as_str)) {
            unknown.push(format!("{}: {name}", path.strip_prefix(root()).unwrap_or(path).display()));
        }
    }
    assert!(unknown.is_empty(), "not configuration keys:\n{}", unknown.join("\n"));
    // The base ConfigMap alone sets a few dozen; the check saw them.
    assert!(checked > 40, "only {checked} variables found under deploy/");
}

#[test]
fn the_reader_finds_names_and_a_typo_is_caught() {
    let text = "data:\n  JANUA_PUBLIC_URL: \"x\"\n  # JANUA_LOG__LEVEL: info\nJANUA_RATE_LIMTS__X=5\n      - JANUA_SMTP__PORT=25\n  not: JANUA_SMTP__HOST\n";
    let names = variables(text);
    assert_eq!(names, ["JANUA_PUBLIC_URL", "JANUA_LOG__LEVEL", "JANUA_RATE_LIMTS__X", "JANUA_SMTP__PORT"]);
    assert_eq!(
        Settings::default().unknown_variables(names.iter().map(String::as_str)),
        ["JANUA_RATE_LIMTS__X"]
    );
}
