//! Organization slugs: lower-case ASCII letters, digits and single hyphens, 3 to 63 long.

pub const MIN: usize = 3;
pub const MAX: usize = 63;

pub fn is_valid(slug: &str) -> bool {
    (MIN..=MAX).contains(&slug.len())
        && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--")
}

/// A slug made from a name ("Acme, Inc." -> "acme-inc"); None if nothing usable is left.
pub fn from_name(name: &str) -> Option<String> {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= MAX {
            break;
        }
    }
    let out = out.trim_end_matches('-').to_string();
    is_valid(&out).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_from_names() {
        assert_eq!(from_name("Acme, Inc.").as_deref(), Some("acme-inc"));
        assert_eq!(from_name("  Über  Corp ").as_deref(), Some("ber-corp"));
        assert_eq!(from_name("!!"), None);
        assert!(is_valid("acme-2"));
        assert!(!is_valid("Acme"));
        assert!(!is_valid("-acme"));
        assert!(!is_valid("a--b"));
        assert!(!is_valid("ab"));
    }
}
