//! Janua's messages, in one place for every service: the built-in catalogue (Fluent, shipped
//! in `locales/*.ftl`, English the reference), overrides layered on it (a platform's, an
//! organization's), language tags (BCP 47, validated and written canonically) and the one
//! fallback chain:
//!
//! organization override (locale) -> platform override (locale) -> built-in (locale), for the
//! locale, then the locale without its last subtags (`pt-BR` -> `pt`, `de-CH` -> `de`), then a
//! shipped locale of the same language, then the configured default locale, then `en`.
//!
//! A key is dotted (`email.verify.subject`); its Fluent message id is the key with dashes for
//! dots (`email-verify-subject`), so a key's segments never hold a dash.

pub mod catalogue;
pub mod message;
pub mod names;
pub mod tag;

pub use catalogue::{Key, builtin};
pub use message::{Messages, Problem};

use std::collections::HashMap;
use std::sync::Arc;

/// A value a message is formatted with.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Number(i64),
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(s)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Number(n)
    }
}

impl From<usize> for Value {
    fn from(n: usize) -> Self {
        Value::Number(n as i64)
    }
}

/// The variables of one formatting.
pub type Args = Vec<(&'static str, Value)>;

/// One scope's overrides (the platform's, or one organization's): locale tag -> messages.
#[derive(Default)]
pub struct Overrides {
    by_locale: HashMap<String, Messages>,
}

impl Overrides {
    /// From `(locale, key, text)` rows (texts were checked when they were saved; one that no
    /// longer compiles is skipped, never fatal).
    pub fn from_rows(rows: impl IntoIterator<Item = (String, String, String)>) -> Overrides {
        let mut grouped: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for (locale, key, text) in rows {
            grouped.entry(locale).or_default().push((key, text));
        }
        let by_locale = grouped.into_iter().map(|(locale, texts)| {
            let messages = Messages::new(&locale, texts);
            (locale, messages)
        });
        Overrides { by_locale: by_locale.collect() }
    }

    pub fn is_empty(&self) -> bool {
        self.by_locale.is_empty()
    }

    pub fn locale(&self, tag: &str) -> Option<&Messages> {
        self.by_locale.get(tag)
    }

    /// The locales that hold at least one override.
    pub fn locales(&self) -> impl Iterator<Item = &str> {
        self.by_locale.keys().map(String::as_str)
    }
}

/// What a message is looked up in, for one reader: the chain of locales and the override
/// layers (an organization's first, then the platform's), over the built-in catalogue.
#[derive(Clone)]
pub struct Resolver {
    chain: Vec<String>,
    organization: Option<Arc<Overrides>>,
    platform: Option<Arc<Overrides>>,
}

impl Resolver {
    /// For a reader of `locale` (any tag, even one that does not parse: it then counts for
    /// nothing) with `default` as the configured default locale.
    pub fn new(locale: &str, default: &str) -> Resolver {
        Resolver { chain: tag::fallback_chain(locale, default), organization: None, platform: None }
    }

    pub fn with_overrides(
        mut self, organization: Option<Arc<Overrides>>, platform: Option<Arc<Overrides>>,
    ) -> Resolver {
        self.organization = organization;
        self.platform = platform;
        self
    }

    /// The locales tried, in order.
    pub fn chain(&self) -> &[String] {
        &self.chain
    }

    /// The first locale of the chain that has anything (the language of what this reader
    /// reads, for `Content-Language`).
    pub fn language(&self) -> &str {
        self.chain
            .iter()
            .find(|t| builtin().locale(t).is_some() || self.layers().any(|o| o.locale(t).is_some()))
            .map(String::as_str)
            .unwrap_or("en")
    }

    fn layers(&self) -> impl Iterator<Item = &Overrides> {
        self.organization.iter().chain(self.platform.iter()).map(|o| o.as_ref())
    }

    /// The messages that hold `key` first along the chain, with the locale they are in.
    pub fn find(&self, key: &str) -> Option<&Messages> {
        for tag in &self.chain {
            for layer in self.layers() {
                if let Some(m) = layer.locale(tag).filter(|m| m.has(key)) {
                    return Some(m);
                }
            }
            if let Some(m) = builtin().locale(tag).filter(|m| m.has(key)) {
                return Some(m);
            }
        }
        None
    }

    /// The message's Fluent source after fallback.
    pub fn text(&self, key: &str) -> Option<&str> {
        self.find(key).and_then(|m| m.text(key))
    }

    /// The formatted message; the key itself when no layer of any locale has it (never for
    /// a built-in key: English is complete).
    pub fn format(&self, key: &str, args: &[(&str, Value)]) -> String {
        self.find(key).and_then(|m| m.format(key, args)).unwrap_or_else(|| key.to_string())
    }
}

/// A built-in key's English text formatted (what an error says before it is localized).
pub fn english(key: &str, args: &[(&str, Value)]) -> String {
    builtin().locale("en").and_then(|m| m.format(key, args)).unwrap_or_else(|| key.to_string())
}

/// A dotted key's Fluent message id.
pub fn message_id(key: &str) -> String {
    key.replace('.', "-")
}

/// A Fluent message id's dotted key.
pub fn key_of(id: &str) -> String {
    id.replace('-', ".")
}

/// Whether `key` may name a message: at least two dot-separated segments of lower-case
/// letters, digits and `_`, starting with a letter, at most 128 characters.
pub fn is_valid_key(key: &str) -> bool {
    let segments: Vec<&str> = key.split('.').collect();
    key.len() <= 128
        && segments.len() >= 2
        && key.starts_with(|c: char| c.is_ascii_lowercase())
        && segments.iter().all(|s| {
            !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
}

#[cfg(test)]
mod tests;
