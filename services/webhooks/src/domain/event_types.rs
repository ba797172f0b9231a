//! What an endpoint subscribes to: exact event types (`user.created`), every type of a
//! resource (`user.*`, `organization.member.*`), or everything (`*`).
//!
//! Exact types must be in Janua's event catalogue (`janua_events::catalogue`) and a pattern
//! must select at least one type in it, so a typo (`user.create`) is refused instead of
//! silently receiving nothing.

use janua_core::ApiError;

/// Entries one endpoint may subscribe to.
pub const MAX_SUBSCRIPTIONS: usize = 64;
const MAX_LEN: usize = 128;

/// The subscriptions of one endpoint, checked, without duplicates, sorted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscriptions(Vec<String>);

impl Subscriptions {
    pub fn parse(entries: &[String]) -> Result<Subscriptions, ApiError> {
        if entries.is_empty() || entries.len() > MAX_SUBSCRIPTIONS {
            return Err(ApiError::invalid(
                "events",
                "error.platform.events_count",
                vec![("max", MAX_SUBSCRIPTIONS.to_string().into())],
            ));
        }
        let mut out = Vec::with_capacity(entries.len());
        for entry in entries {
            let entry = entry.trim();
            if !is_valid(entry) {
                return Err(ApiError::invalid(
                    "events",
                    "error.platform.event_pattern_invalid",
                    vec![("entry", entry.chars().take(MAX_LEN).collect::<String>().into())],
                ));
            }
            if !selects_a_known_type(entry) {
                return Err(ApiError::invalid(
                    "events",
                    "error.platform.event_pattern_unknown",
                    vec![("entry", entry.to_string().into())],
                ));
            }
            out.push(entry.to_string());
        }
        out.sort();
        out.dedup();
        Ok(Subscriptions(out))
    }

    pub fn into_inner(self) -> Vec<String> {
        self.0
    }
}

/// `*`; or lower-case dot-separated segments (`[a-z][a-z0-9_]*`), at least two for an exact
/// type, ending in `.*` for a pattern.
pub fn is_valid(entry: &str) -> bool {
    if entry == "*" {
        return true;
    }
    if entry.is_empty() || entry.len() > MAX_LEN {
        return false;
    }
    let (segments, pattern) = match entry.strip_suffix(".*") {
        Some(prefix) => (prefix, true),
        None => (entry, false),
    };
    let parts: Vec<&str> = segments.split('.').collect();
    if !pattern && parts.len() < 2 {
        return false;
    }
    parts.iter().all(|s| is_segment(s))
}

fn selects_a_known_type(entry: &str) -> bool {
    janua_events::catalogue::EVENT_TYPES.iter().any(|t| selectors(t.name).iter().any(|s| s == entry))
}

fn is_segment(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Every subscription entry that selects `event_type`: the type itself, a `prefix.*` for each
/// of its prefixes, and `*`. An endpoint wants the event when its list shares one of them
/// (an indexed array overlap in the database).
pub fn selectors(event_type: &str) -> Vec<String> {
    let mut out = vec![event_type.to_string(), "*".to_string()];
    let mut end = 0;
    while let Some(dot) = event_type[end..].find('.') {
        end += dot;
        out.push(format!("{}.*", &event_type[..end]));
        end += 1;
    }
    out
}

/// Whether an endpoint subscribed to `subscriptions` wants `event_type`.
pub fn matches(subscriptions: &[String], event_type: &str) -> bool {
    let wanted = selectors(event_type);
    subscriptions.iter().any(|s| wanted.contains(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subs(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn exact_types_patterns_and_everything_match() {
        assert!(matches(&subs(&["user.created"]), "user.created"));
        assert!(!matches(&subs(&["user.created"]), "user.deleted"));
        assert!(matches(&subs(&["user.*"]), "user.deleted"));
        assert!(!matches(&subs(&["user.*"]), "users.deleted"));
        assert!(!matches(&subs(&["user.*"]), "session.created"));
        assert!(matches(&subs(&["organization.*"]), "organization.member.added"));
        assert!(matches(&subs(&["organization.member.*"]), "organization.member.added"));
        assert!(matches(&subs(&["*"]), "anything.at_all"));
        assert!(!matches(&subs(&[]), "user.created"));
    }

    #[test]
    fn selectors_list_every_prefix_pattern() {
        let mut s = selectors("a.b.c");
        s.sort();
        assert_eq!(s, subs(&["*", "a.*", "a.b.*", "a.b.c"]));
    }

    #[test]
    fn syntax_is_checked() {
        for ok in ["*", "user.created", "user.*", "organization.member_added", "a.b.*", "mfa2.x"] {
            assert!(is_valid(ok), "{ok}");
        }
        for bad in [
            "",
            "user",
            "User.created",
            "user.",
            ".user",
            "user..created",
            "user.*.x",
            "**",
            "user.cre-ated",
            "*.created",
            "user.* ",
            "1user.created",
        ] {
            assert!(!is_valid(bad), "{bad}");
        }
    }

    #[test]
    fn subscriptions_are_deduplicated_and_bounded() {
        let s = Subscriptions::parse(&subs(&["user.created", "user.*", "user.created"])).unwrap();
        assert_eq!(s.into_inner(), subs(&["user.*", "user.created"]));
        assert!(Subscriptions::parse(&[]).is_err());
        assert!(Subscriptions::parse(&vec!["user.created".to_string(); MAX_SUBSCRIPTIONS + 1]).is_err());
        assert!(Subscriptions::parse(&subs(&["nope"])).is_err());
    }

    #[test]
    fn subscriptions_name_types_janua_publishes() {
        assert!(Subscriptions::parse(&subs(&["*", "organization.*", "webhook.disabled"])).is_ok());
        for unknown in ["user.create", "nothing.*", "user.created.later", "user.created.*"] {
            let err = Subscriptions::parse(&subs(&[unknown])).unwrap_err();
            assert_eq!(err.details().unwrap()["field"], "events", "{unknown}");
        }
    }
}
