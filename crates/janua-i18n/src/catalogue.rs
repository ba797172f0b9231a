//! The built-in catalogue: the keys Janua ships (English is the reference: every key is
//! defined there, its comment is its description and declares its variables) and the shipped
//! locales' messages.

use crate::key_of;
use crate::message::{Messages, variables_used};
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// The files of one shipped locale: the main catalogue, then each area's error messages.
macro_rules! shipped {
    ($tag:literal) => {
        (
            $tag,
            &[
                include_str!(concat!("../locales/", $tag, ".ftl")),
                include_str!(concat!("../locales/errors/auth/", $tag, ".ftl")),
                include_str!(concat!("../locales/errors/accounts/", $tag, ".ftl")),
                include_str!(concat!("../locales/errors/enterprise/", $tag, ".ftl")),
                include_str!(concat!("../locales/errors/platform/", $tag, ".ftl")),
            ],
        )
    };
}

/// The shipped locales: tag and Fluent sources. A test checks each is complete.
pub(crate) const SHIPPED: &[(&str, &[&str])] =
    &[shipped!("en"), shipped!("es"), shipped!("fr"), shipped!("de"), shipped!("pt-BR"), shipped!("ja")];

/// A message key of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Key {
    pub key: String,
    /// The key's first segment (`email`, `error`, `time`, or an operator's own).
    pub namespace: String,
    pub description: String,
    /// The variables a message of this key may use, without `$`.
    pub variables: Vec<String>,
    /// Shipped with Janua (else created through the API).
    pub builtin: bool,
}

/// The built-in catalogue.
pub struct Builtin {
    keys: Vec<Key>,
    locales: Vec<Messages>,
}

/// The catalogue, parsed once per process.
pub fn builtin() -> &'static Builtin {
    static BUILTIN: LazyLock<Builtin> = LazyLock::new(Builtin::load);
    &BUILTIN
}

impl Builtin {
    fn load() -> Builtin {
        let keys = SHIPPED[0].1.iter().flat_map(|source| describe(source)).collect::<BTreeMap<_, _>>();
        let keys = keys.into_values().collect();
        let locales = SHIPPED
            .iter()
            .map(|(tag, sources)| Messages::new(tag, sources.iter().flat_map(|source| split(source))))
            .collect();
        Builtin { keys, locales }
    }

    /// Every built-in key, sorted.
    pub fn keys(&self) -> &[Key] {
        &self.keys
    }

    pub fn key(&self, key: &str) -> Option<&Key> {
        self.keys.binary_search_by(|k| k.key.as_str().cmp(key)).ok().map(|i| &self.keys[i])
    }

    /// The shipped locales' tags, English first.
    pub fn locales(&self) -> impl Iterator<Item = &str> {
        self.locales.iter().map(Messages::tag)
    }

    pub fn locale(&self, tag: &str) -> Option<&Messages> {
        self.locales.iter().find(|m| m.tag() == tag)
    }
}

/// A Fluent file's messages as (dotted key, source text): a message starts at a line
/// `id = …` at the left margin and goes on over the lines that are blank or indented; its
/// text is what follows `=`, with the continuation lines' common indentation removed.
pub fn split(source: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let mut open = false;
    for line in source.lines() {
        let starts_message = line.starts_with(|c: char| c.is_ascii_alphabetic()) && line.contains(" =");
        if starts_message {
            let (id, rest) = line.split_once('=').map(|(a, b)| (a.trim(), b.trim())).unwrap_or((line, ""));
            out.push((key_of(id), vec![rest.to_string()]));
            open = true;
        } else if open && (line.trim().is_empty() || line.starts_with(' ')) {
            if let Some((_, lines)) = out.last_mut() {
                lines.push(line.to_string());
            }
        } else {
            open = false;
        }
    }
    out.into_iter()
        .map(|(key, mut lines)| {
            while lines.last().is_some_and(|l| l.trim().is_empty()) {
                lines.pop();
            }
            let indent = lines[1..]
                .iter()
                .filter(|l| !l.trim().is_empty())
                .map(|l| l.len() - l.trim_start().len())
                .min()
                .unwrap_or(0);
            let mut text = lines[0].clone();
            for l in &lines[1..] {
                text.push('\n');
                text.push_str(l.get(indent..).unwrap_or(""));
            }
            (key, text.trim_start().to_string())
        })
        .collect()
}

/// The keys of the reference file, with the description and the declared variables of each
/// (from the comment above it: `Variables: $a, $b`; without one, the variables it uses).
fn describe(source: &str) -> Vec<(String, Key)> {
    let mut comment: Vec<String> = Vec::new();
    let mut described: BTreeMap<String, (String, Option<Vec<String>>)> = BTreeMap::new();
    for line in source.lines() {
        if let Some(c) = line.strip_prefix("# ") {
            comment.push(c.to_string());
        } else if line.starts_with(|c: char| c.is_ascii_alphabetic()) && line.contains(" =") {
            let id = line.split_once('=').map(|(a, _)| a.trim()).unwrap_or(line);
            let mut description = Vec::new();
            let mut variables = None;
            for c in comment.drain(..) {
                match c.strip_prefix("Variables:") {
                    Some(v) => {
                        variables =
                            Some(v.split(',').map(|s| s.trim().trim_start_matches('$').to_string()).collect())
                    }
                    None => description.push(c),
                }
            }
            described.insert(key_of(id), (description.join(" "), variables));
        } else if !line.starts_with(' ') {
            comment.clear();
        }
    }
    let texts: BTreeMap<String, String> = split(source).into_iter().collect();
    described
        .into_iter()
        .map(|(key, (description, variables))| {
            let variables =
                variables.unwrap_or_else(|| texts.get(&key).map(|t| variables_used(t)).unwrap_or_default());
            let namespace = key.split('.').next().unwrap_or_default().to_string();
            (key.clone(), Key { key, namespace, description, variables, builtin: true })
        })
        .collect()
}
