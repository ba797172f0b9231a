//! Attribute-based access policies: pure evaluation, no I/O.
//!
//! A [`Policy`] says `allow` or `deny` for some actions (`resource:action` strings, `*`
//! wildcards) on some resources, when all of its conditions hold. Evaluating a request
//! against a set of policies: **deny wins** (any applicable deny decides), then the
//! applicable allow of highest priority; with none applicable the answer is deny. Every
//! decision comes with the policy that decided it and a reason a person can read.
//!
//! Conditions map an attribute path of the request (`subject.role`, `context.ip`,
//! `resource.organization_id`, ...) to one test:
//!
//! ```json
//! {"subject.roles": {"contains": "admin"},
//!  "context.ip": {"ip_in": ["10.0.0.0/8"]},
//!  "context.mfa": {"equals": true},
//!  "context.time": {"time_between": ["09:00", "17:00"]},
//!  "resource.organization_id": {"equals_attribute": "subject.organization_id"}}
//! ```

pub mod catalogue;
pub mod sample;

use chrono::{DateTime, Datelike, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::net::IpAddr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Effect {
    Allow,
    Deny,
}

/// One test on one attribute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Test {
    Equals(Value),
    NotEquals(Value),
    In(Vec<Value>),
    NotIn(Vec<Value>),
    /// The attribute is an array holding this value.
    Contains(Value),
    StartsWith(String),
    /// The attribute is an IP address inside one of these networks (CIDR).
    IpIn(Vec<String>),
    /// The attribute (RFC 3339) is before / after this instant.
    Before(DateTime<Utc>),
    After(DateTime<Utc>),
    /// The attribute's UTC time of day is within [from, to) (`HH:MM`; wraps past midnight).
    TimeBetween(String, String),
    /// The attribute's UTC weekday (`mon` .. `sun`) is one of these.
    WeekdayIn(Vec<String>),
    Gt(f64),
    Lt(f64),
    /// The attribute is present (true) or absent (false).
    Exists(bool),
    /// The attribute equals another attribute of the request.
    EqualsAttribute(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Policy {
    pub id: String,
    pub name: String,
    pub effect: Effect,
    pub actions: Vec<String>,
    pub resources: Vec<String>,
    #[serde(default)]
    pub conditions: BTreeMap<String, Test>,
    #[serde(default)]
    pub priority: i32,
}

/// What is asked: who (subject attributes), what action, on which resource, in what context.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Request {
    #[serde(default)]
    pub subject: Value,
    pub action: String,
    pub resource: String,
    /// Attributes of the resource (owner, organization, ...), reachable as `resource.*`.
    #[serde(default)]
    pub resource_attributes: Value,
    #[serde(default)]
    pub context: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub decision: Effect,
    pub policy_id: Option<String>,
    pub reason: String,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PolicyError {
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
}

fn invalid(field: &str, message: impl Into<String>) -> PolicyError {
    PolicyError::Invalid { field: field.into(), message: message.into() }
}

const ROOTS: [&str; 3] = ["subject", "resource", "context"];

impl Policy {
    /// Checks what evaluation cannot: patterns, attribute paths, networks, times.
    pub fn validate(&self) -> Result<(), PolicyError> {
        if self.name.trim().is_empty() || self.name.chars().count() > 128 {
            return Err(invalid("name", "name must be 1 to 128 characters"));
        }
        for (field, list) in [("actions", &self.actions), ("resources", &self.resources)] {
            if list.is_empty() || list.len() > 64 {
                return Err(invalid(field, format!("{field} must list 1 to 64 patterns")));
            }
            if list.iter().any(|p| p.is_empty() || p.len() > 256) {
                return Err(invalid(field, "patterns are 1 to 256 characters"));
            }
        }
        if self.conditions.len() > 32 {
            return Err(invalid("conditions", "at most 32 conditions"));
        }
        for (path, test) in &self.conditions {
            let root = path.split('.').next().unwrap_or_default();
            if !ROOTS.contains(&root) || path.split('.').any(str::is_empty) {
                return Err(invalid(
                    "conditions",
                    format!("{path:?}: an attribute path starts with subject., resource. or context."),
                ));
            }
            match test {
                Test::IpIn(nets) => {
                    for n in nets {
                        n.parse::<ipnet::IpNet>().map_err(|_| {
                            invalid("conditions", format!("{path}: {n:?} is not a CIDR network"))
                        })?;
                    }
                }
                Test::TimeBetween(a, b) => {
                    for t in [a, b] {
                        NaiveTime::parse_from_str(t, "%H:%M")
                            .map_err(|_| invalid("conditions", format!("{path}: {t:?} is not HH:MM")))?;
                    }
                }
                Test::WeekdayIn(days) => {
                    if let Some(d) = days.iter().find(|d| weekday_index(d).is_none()) {
                        return Err(invalid("conditions", format!("{path}: {d:?} is not mon..sun")));
                    }
                }
                Test::EqualsAttribute(other) => {
                    let root = other.split('.').next().unwrap_or_default();
                    if !ROOTS.contains(&root) {
                        return Err(invalid(
                            "conditions",
                            format!("{path}: {other:?} is not an attribute path"),
                        ));
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn matches_target(&self, req: &Request) -> bool {
        self.actions.iter().any(|p| glob(p, &req.action))
            && self.resources.iter().any(|p| glob(p, &req.resource))
    }

    /// Whether the policy applies to the request; if not, why not.
    pub fn applies(&self, req: &Request) -> Result<(), String> {
        if !self.actions.iter().any(|p| glob(p, &req.action)) {
            return Err(format!("action {:?} is not among {:?}", req.action, self.actions));
        }
        if !self.resources.iter().any(|p| glob(p, &req.resource)) {
            return Err(format!("resource {:?} is not among {:?}", req.resource, self.resources));
        }
        for (path, test) in &self.conditions {
            check(req, path, test)?;
        }
        Ok(())
    }

    /// This policy alone: its effect if it applies, otherwise the default deny.
    pub fn evaluate(&self, req: &Request) -> Decision {
        match self.applies(req) {
            Ok(()) => Decision {
                decision: self.effect,
                policy_id: Some(self.id.clone()),
                reason: format!(
                    "policy {:?} {} {} on {}: every condition holds",
                    self.name,
                    match self.effect {
                        Effect::Allow => "allows",
                        Effect::Deny => "denies",
                    },
                    req.action,
                    req.resource
                ),
            },
            Err(why) => Decision {
                decision: Effect::Deny,
                policy_id: None,
                reason: format!(
                    "policy {:?} does not apply ({why}); nothing allows it, so it is denied",
                    self.name
                ),
            },
        }
    }
}

/// A set of policies: deny wins, then the highest-priority allow; default deny.
pub fn evaluate(policies: &[Policy], req: &Request) -> Decision {
    let mut best_deny: Option<&Policy> = None;
    let mut best_allow: Option<&Policy> = None;
    for p in policies {
        if !p.matches_target(req) || p.applies(req).is_err() {
            continue;
        }
        let slot = match p.effect {
            Effect::Deny => &mut best_deny,
            Effect::Allow => &mut best_allow,
        };
        // Highest priority first; equal priorities by id, so order never matters.
        if slot.is_none_or(|b| (p.priority, &b.id) > (b.priority, &p.id)) {
            *slot = Some(p);
        }
    }
    if let Some(p) = best_deny {
        return Decision {
            decision: Effect::Deny,
            policy_id: Some(p.id.clone()),
            reason: format!("policy {:?} denies {} on {} (deny wins)", p.name, req.action, req.resource),
        };
    }
    if let Some(p) = best_allow {
        return Decision {
            decision: Effect::Allow,
            policy_id: Some(p.id.clone()),
            reason: format!("policy {:?} allows {} on {}", p.name, req.action, req.resource),
        };
    }
    Decision {
        decision: Effect::Deny,
        policy_id: None,
        reason: format!("no policy allows {} on {}; denied by default", req.action, req.resource),
    }
}

/// `*` matches any run of characters (including none); everything else is literal.
pub fn glob(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == b'*' {
        pi += 1;
    }
    pi == p.len()
}

fn attribute<'a>(req: &'a Request, path: &str) -> Option<&'a Value> {
    let mut parts = path.split('.');
    let root = match parts.next()? {
        "subject" => &req.subject,
        "resource" => &req.resource_attributes,
        "context" => &req.context,
        _ => return None,
    };
    parts.try_fold(root, |v, k| v.get(k)).filter(|v| !v.is_null())
}

fn weekday_index(d: &str) -> Option<u32> {
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .iter()
        .position(|w| w.eq_ignore_ascii_case(d))
        .map(|i| i as u32)
}

fn check(req: &Request, path: &str, test: &Test) -> Result<(), String> {
    let value = attribute(req, path);
    let fail = |what: String| Err(format!("condition {path} {what}"));
    match test {
        Test::Exists(want) => {
            if value.is_some() == *want {
                Ok(())
            } else if *want {
                fail("requires the attribute, which is absent".into())
            } else {
                fail("requires the attribute to be absent".into())
            }
        }
        _ => {
            let Some(v) = value else {
                return fail("is not met: the attribute is absent".into());
            };
            if holds(req, v, test) {
                Ok(())
            } else {
                fail(format!("is not met: {v} fails {}", describe(test)))
            }
        }
    }
}

fn describe(test: &Test) -> String {
    serde_json::to_string(test).unwrap_or_default()
}

fn holds(req: &Request, v: &Value, test: &Test) -> bool {
    match test {
        Test::Equals(x) => v == x,
        Test::NotEquals(x) => v != x,
        Test::In(xs) => xs.contains(v),
        Test::NotIn(xs) => !xs.contains(v),
        Test::Contains(x) => v.as_array().is_some_and(|a| a.contains(x)),
        Test::StartsWith(prefix) => v.as_str().is_some_and(|s| s.starts_with(prefix.as_str())),
        Test::IpIn(nets) => v.as_str().and_then(|s| s.parse::<IpAddr>().ok()).is_some_and(|ip| {
            nets.iter().filter_map(|n| n.parse::<ipnet::IpNet>().ok()).any(|n| n.contains(&ip))
        }),
        Test::Before(t) => time_of(v).is_some_and(|x| x < *t),
        Test::After(t) => time_of(v).is_some_and(|x| x > *t),
        Test::TimeBetween(from, to) => {
            let (Ok(from), Ok(to)) =
                (NaiveTime::parse_from_str(from, "%H:%M"), NaiveTime::parse_from_str(to, "%H:%M"))
            else {
                return false;
            };
            time_of(v).is_some_and(|x| {
                let t = x.time();
                if from <= to { from <= t && t < to } else { t >= from || t < to }
            })
        }
        Test::WeekdayIn(days) => time_of(v).is_some_and(|x| {
            let today = x.weekday().num_days_from_monday();
            days.iter().filter_map(|d| weekday_index(d)).any(|d| d == today)
        }),
        Test::Gt(n) => v.as_f64().is_some_and(|x| x > *n),
        Test::Lt(n) => v.as_f64().is_some_and(|x| x < *n),
        Test::Exists(_) => true,
        Test::EqualsAttribute(other) => attribute(req, other).is_some_and(|o| o == v),
    }
}

fn time_of(v: &Value) -> Option<DateTime<Utc>> {
    v.as_str().and_then(|s| DateTime::parse_from_rfc3339(s).ok()).map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests;
