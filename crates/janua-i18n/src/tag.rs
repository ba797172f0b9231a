//! Language tags: BCP 47 validation, the canonical spelling, the fallback chain and
//! `Accept-Language` negotiation.

use crate::catalogue::builtin;

/// `tag` validated against BCP 47 (RFC 5646 syntax and the IANA registry) and written with
/// the conventional case (`pt-br` -> `pt-BR`, `ZH-hant-tw` -> `zh-Hant-TW`); `None` for
/// anything else.
pub fn canonical(tag: &str) -> Option<String> {
    if tag.is_empty() || tag.len() > 64 || !tag.is_ascii() {
        return None;
    }
    let parsed = language_tags::LanguageTag::parse(tag).ok()?;
    parsed.validate().ok()?;
    Some(conventional_case(parsed.as_str()))
}

/// RFC 5646 section 2.1.1: language lower case, script title case, region upper case, the
/// rest lower case; after a singleton (an extension or `x`) everything is lower case.
fn conventional_case(tag: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut after_singleton = false;
    for (i, sub) in tag.split('-').enumerate() {
        let lower = sub.to_ascii_lowercase();
        let written = if i == 0 || after_singleton {
            lower
        } else if sub.len() == 1 {
            after_singleton = true;
            lower
        } else if sub.len() == 4 && sub.chars().all(|c| c.is_ascii_alphabetic()) {
            let mut c = lower.chars();
            c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
        } else if (sub.len() == 2 && sub.chars().all(|c| c.is_ascii_alphabetic()))
            || (sub.len() == 3 && sub.chars().all(|c| c.is_ascii_digit()))
        {
            sub.to_ascii_uppercase()
        } else {
            lower
        };
        out.push(written);
    }
    out.join("-")
}

/// The tag and its shorter forms, longest first, up to the first extension:
/// `zh-Hant-TW` -> `zh-Hant-TW`, `zh-Hant`, `zh`.
pub fn truncations(tag: &str) -> Vec<String> {
    let subtags: Vec<&str> = tag.split('-').take_while(|s| s.len() > 1).collect();
    (1..=subtags.len()).rev().map(|n| subtags[..n].join("-")).collect()
}

/// The primary language subtag.
pub fn language(tag: &str) -> &str {
    tag.split('-').next().unwrap_or(tag)
}

/// Where a reader of `locale` finds messages, in order: the locale, its shorter forms, a
/// shipped locale of the same language, then the same for `default`, then `en`. A locale
/// that is not a valid tag contributes nothing.
pub fn fallback_chain(locale: &str, default: &str) -> Vec<String> {
    let mut chain: Vec<String> = Vec::new();
    for start in [locale, default, "en"] {
        let Some(tag) = canonical(start) else { continue };
        for t in truncations(&tag) {
            push_unique(&mut chain, t);
        }
        if let Some(shipped) = builtin().locales().find(|l| language(l) == language(&tag)) {
            push_unique(&mut chain, shipped.to_string());
        }
    }
    chain
}

fn push_unique(chain: &mut Vec<String>, tag: String) {
    if !chain.contains(&tag) {
        chain.push(tag);
    }
}

/// The language ranges of an `Accept-Language` header, most wanted first (q-values honoured,
/// ties in the order given; `q=0` means "not this one" and drops the range; a malformed range
/// or q-value is ignored, never an error).
pub fn accept_language(header: &str) -> Vec<String> {
    let mut ranges: Vec<(u16, usize, String)> = Vec::new();
    for (i, item) in header.split(',').enumerate().take(32) {
        let mut parts = item.split(';');
        let range = parts.next().unwrap_or("").trim();
        let mut q = 1000u16;
        for p in parts {
            let p = p.trim();
            if let Some(v) = p.strip_prefix("q=").or_else(|| p.strip_prefix("Q=")) {
                // A malformed q-value drops the range.
                q = parse_q(v).unwrap_or_default();
            }
        }
        if q == 0 || range.is_empty() {
            continue;
        }
        if range == "*" || canonical(range).is_some() {
            ranges.push((q, i, range.to_string()));
        }
    }
    ranges.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    ranges.into_iter().map(|(_, _, r)| r).collect()
}

/// RFC 9110 qvalue: `0`, `1`, `0.x` up to three decimals, `1.0`; in thousandths.
fn parse_q(v: &str) -> Option<u16> {
    let (int, frac) = v.split_once('.').unwrap_or((v, ""));
    if frac.len() > 3 || !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let thousandths: u16 = format!("{frac:0<3}").parse().ok()?;
    match int {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// The shipped locale an `Accept-Language` header asks for, if any: for each range in order
/// of preference, the range, its shorter forms, then a shipped locale of its language.
/// `None` (no header, only `*`, nothing shipped) leaves the choice to the default.
pub fn negotiate(header: Option<&str>) -> Option<String> {
    for range in accept_language(header?) {
        if range == "*" {
            return None;
        }
        let Some(tag) = canonical(&range) else { continue };
        for t in truncations(&tag) {
            if builtin().locale(&t).is_some() {
                return Some(t);
            }
        }
        if let Some(shipped) = builtin().locales().find(|l| language(l) == language(&tag)) {
            return Some(shipped.to_string());
        }
    }
    None
}
