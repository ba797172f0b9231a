//! The emails auth sends, as letters: what to say (a kind, its values, the link) and to whom
//! (the recipient's locale, the organization it concerns). A letter is queued sealed and
//! rendered when it is sent, in the recipient's language after fallback, with the platform's
//! and the organization's overrides as they are then (so an override applies to the next mail
//! at once), from the templates in `templates/` (minijinja) as text and HTML.

use janua_core::internal::InternalClient;
use janua_i18n::{Overrides, Resolver, Value};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};
use uuid::Uuid;

/// What the footer names as the sender.
const PRODUCT: &str = "Janua";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Verify,
    Reset,
    MagicLink,
    Invitation,
    PasswordChanged,
    PasswordReset,
    EmailChanged,
    RequestExtended,
    ExportReady,
    DeletionScheduled,
}

impl Kind {
    /// The catalogue prefix of the kind's messages.
    fn prefix(self) -> &'static str {
        match self {
            Kind::Verify => "email.verify",
            Kind::Reset => "email.reset",
            Kind::MagicLink => "email.magic_link",
            Kind::Invitation => "email.invitation",
            Kind::PasswordChanged => "email.password_changed",
            Kind::PasswordReset => "email.password_reset",
            Kind::EmailChanged => "email.email_changed",
            Kind::RequestExtended => "email.request_extended",
            Kind::ExportReady => "email.export_ready",
            Kind::DeletionScheduled => "email.deletion_scheduled",
        }
    }
}

/// The organization a letter concerns: named in the header (its logo when it has one) and
/// the footer; its overrides come first.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Organization {
    pub id: Uuid,
    pub name: String,
    pub logo_url: Option<String>,
}

/// A value of a letter's messages.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Val {
    Number(i64),
    Text(String),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Letter {
    pub kind: Kind,
    /// The recipient's locale (any tag: delivery falls back).
    pub locale: String,
    /// The recipient's name, for the greeting.
    pub name: Option<String>,
    /// The button's link.
    pub link: Option<String>,
    pub organization: Option<Organization>,
    /// The values of the kind's messages (`ttl_secs` becomes `$duration`).
    #[serde(default)]
    pub values: BTreeMap<String, Val>,
}

impl Letter {
    pub fn new(kind: Kind, locale: &str) -> Letter {
        Letter {
            kind,
            locale: locale.to_string(),
            name: None,
            link: None,
            organization: None,
            values: BTreeMap::new(),
        }
    }

    pub fn name(mut self, name: Option<&str>) -> Letter {
        self.name = name.filter(|n| !n.trim().is_empty()).map(str::to_string);
        self
    }

    pub fn link(mut self, link: impl Into<String>) -> Letter {
        self.link = Some(link.into());
        self
    }

    pub fn organization(mut self, org: Organization) -> Letter {
        self.organization = Some(org);
        self
    }

    pub fn text(mut self, name: &str, value: impl Into<String>) -> Letter {
        self.values.insert(name.to_string(), Val::Text(value.into()));
        self
    }

    pub fn number(mut self, name: &str, value: i64) -> Letter {
        self.values.insert(name.to_string(), Val::Number(value));
        self
    }

    /// How long the link works (shown in the reader's words: minutes, hours or days).
    pub fn lifetime(self, secs: i64) -> Letter {
        self.number("ttl_secs", secs)
    }

    /// The subject with the built-in messages only (what the queue records).
    pub fn plain_subject(&self, default_locale: &str) -> String {
        let resolver = Resolver::new(&self.locale, default_locale);
        resolver.format(&format!("{}.subject", self.kind.prefix()), &self.args(&resolver))
    }

    fn args(&self, resolver: &Resolver) -> Vec<(&str, Value)> {
        let mut args: Vec<(&str, Value)> = self
            .values
            .iter()
            .map(|(k, v)| {
                let value = match v {
                    Val::Number(n) => Value::Number(*n),
                    Val::Text(s) => Value::Text(s.clone()),
                };
                (k.as_str(), value)
            })
            .collect();
        if let Some(Val::Number(secs)) = self.values.get("ttl_secs") {
            args.push(("duration", Value::Text(duration(resolver, *secs))));
        }
        if let Some(org) = &self.organization {
            args.push(("organization", Value::Text(org.name.clone())));
        }
        if let Some(name) = &self.name {
            args.push(("name", Value::Text(name.clone())));
        }
        args.push(("product", Value::Text(PRODUCT.to_string())));
        args
    }

    /// The letter in the reader's language: subject, text and HTML.
    pub fn render(&self, resolver: &Resolver) -> Rendered {
        let args = self.args(resolver);
        let t = |key: &str| resolver.format(key, &args);
        let own = |part: &str| t(&format!("{}.{part}", self.kind.prefix()));
        let number = |name: &str| match self.values.get(name) {
            Some(Val::Number(n)) => *n,
            _ => 0,
        };
        let has = |name: &str| matches!(self.values.get(name), Some(Val::Text(s)) if !s.is_empty());
        let mut paragraphs = Vec::new();
        let mut items = Vec::new();
        let mut notes = Vec::new();
        let mut action = None;
        match self.kind {
            Kind::Verify | Kind::Reset | Kind::MagicLink => {
                paragraphs.push(own("body"));
                action = Some(own("action"));
                notes.push(t("email.common.link_expiry"));
                notes.push(own("ignore"));
            }
            Kind::Invitation => {
                paragraphs.push(if has("inviter") { own("body") } else { own("body_anonymous") });
                action = Some(own("action"));
                notes.push(own("note"));
                notes.push(own("expiry"));
                notes.push(own("ignore"));
            }
            Kind::PasswordChanged => {
                paragraphs.push(own("body"));
                paragraphs.push(own("warning"));
                action = Some(own("action"));
            }
            Kind::PasswordReset => {
                paragraphs.push(own("body"));
                paragraphs.push(own("methods"));
                items.push(own("method_password"));
                if number("passkeys") > 0 {
                    items.push(resolver.format(
                        "email.password_reset.method_passkeys",
                        &[("count", Value::Number(number("passkeys")))],
                    ));
                }
                if number("providers") > 0 {
                    items.push(resolver.format(
                        "email.password_reset.method_providers",
                        &[("count", Value::Number(number("providers")))],
                    ));
                }
                paragraphs.push(own("warning"));
                action = Some(own("action"));
            }
            Kind::EmailChanged => {
                paragraphs.push(own("body"));
                paragraphs.push(own("warning"));
            }
            Kind::RequestExtended => {
                paragraphs.push(own("body"));
                if has("reason") {
                    paragraphs.push(own("reason"));
                }
                paragraphs.push(own("reference"));
            }
            Kind::ExportReady => {
                paragraphs.push(own("body"));
                action = Some(own("action"));
                notes.push(own("expiry"));
                notes.push(own("ignore"));
            }
            Kind::DeletionScheduled => {
                paragraphs.push(own("body"));
                paragraphs.push(own("keep"));
                action = Some(own("action"));
                notes.push(own("ignore"));
            }
        }
        let action = match (action, &self.link) {
            (Some(label), Some(url)) => Some(serde_json::json!({ "label": label, "url": url })),
            _ => None,
        };
        let greeting =
            if self.name.is_some() { t("email.common.greeting_named") } else { t("email.common.greeting") };
        let footer = if self.organization.is_some() {
            t("email.common.footer_organization")
        } else {
            t("email.common.footer")
        };
        let subject = own("subject");
        let context = minijinja::context! {
            lang => resolver.language(),
            subject => &subject,
            greeting => greeting,
            heading => own("heading"),
            paragraphs => paragraphs,
            items => items,
            action => action,
            link_fallback => t("email.common.link_fallback"),
            notes => notes,
            footer => footer,
            organization => self.organization.as_ref().map(|o| serde_json::json!({
                "name": o.name,
                "logo_url": o.logo_url.as_deref().filter(|u| u.starts_with("https://") || u.starts_with("http://")),
            })),
        };
        let render = |name: &str| {
            TEMPLATES
                .get_template(name)
                .and_then(|t| t.render(&context))
                .unwrap_or_else(|e| {
                    tracing::error!(template = name, error = %e, "an email template failed; sending the text alone");
                    String::new()
                })
        };
        Rendered { subject, text: render("email.txt"), html: render("email.html") }
    }
}

/// A letter ready to send.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    /// Empty when the HTML template could not be rendered (the text goes alone).
    pub html: String,
}

/// The templates, parsed once: `.html` ones escape what they insert.
static TEMPLATES: LazyLock<minijinja::Environment<'static>> = LazyLock::new(|| {
    let mut env = minijinja::Environment::new();
    env.set_keep_trailing_newline(true);
    env.add_template("email.txt", include_str!("../templates/email.txt")).expect("email.txt parses");
    env.add_template("email.html", include_str!("../templates/email.html")).expect("email.html parses");
    env
});

/// `secs` in the reader's words: whole days, else whole hours, else minutes (at least one).
fn duration(resolver: &Resolver, secs: i64) -> String {
    let (key, count) = if secs >= 86_400 && secs % 86_400 == 0 {
        ("time.days", secs / 86_400)
    } else if secs >= 3_600 && secs % 3_600 == 0 {
        ("time.hours", secs / 3_600)
    } else {
        ("time.minutes", ((secs + 59) / 60).max(1))
    };
    resolver.format(key, &[("count", Value::Number(count))])
}

/// Where letters find the overrides of messages: identity, which owns them, asked when a
/// letter is sent.
#[derive(Clone)]
pub struct Localizer {
    identity: InternalClient,
    default_locale: String,
}

#[derive(Deserialize)]
struct ScopeOverrides {
    overrides: Vec<OverrideRow>,
}

#[derive(Deserialize)]
struct OverrideRow {
    locale: String,
    key: String,
    message: String,
}

impl Localizer {
    pub fn new(identity: InternalClient, default_locale: &str) -> Localizer {
        Localizer { identity, default_locale: default_locale.to_string() }
    }

    pub fn default_locale(&self) -> &str {
        &self.default_locale
    }

    /// The resolver for a letter's reader: the platform's overrides and the organization's.
    /// Identity unreachable is an error: the letter waits rather than go out without them.
    pub async fn resolver(&self, letter: &Letter) -> Result<Resolver, janua_core::ApiError> {
        let platform = self.scope(None).await?;
        let organization = match &letter.organization {
            Some(org) => Some(self.scope(Some(org.id)).await?),
            None => None,
        };
        Ok(Resolver::new(&letter.locale, &self.default_locale).with_overrides(organization, Some(platform)))
    }

    async fn scope(&self, org: Option<Uuid>) -> Result<Arc<Overrides>, janua_core::ApiError> {
        let query: Vec<(&str, String)> =
            org.map(|o| ("organization_id", o.to_string())).into_iter().collect();
        let answer: Option<ScopeOverrides> = self.identity.get("/localization/overrides", &query).await?;
        let rows = answer.ok_or_else(|| janua_core::ApiError::unavailable("the identity service"))?.overrides;
        Ok(Arc::new(Overrides::from_rows(rows.into_iter().map(|r| (r.locale, r.key, r.message)))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_letter_renders_in_its_readers_language_as_text_and_html() {
        let letter = Letter::new(Kind::Verify, "es-MX")
            .name(Some("Ana <b>"))
            .link("https://id.example.com/verify-email?token=abc&x=1")
            .lifetime(86_400);
        let rendered = letter.render(&Resolver::new(&letter.locale, "en"));
        let es = janua_i18n::builtin().locale("es").unwrap();
        assert_eq!(rendered.subject, es.format("email.verify.subject", &[]).unwrap());
        assert!(
            rendered.text.contains("https://id.example.com/verify-email?token=abc&x=1"),
            "{}",
            rendered.text
        );
        assert!(rendered.text.contains("Ana <b>"));
        assert!(rendered.html.contains("lang=\"es\""));
        assert!(rendered.html.contains("Ana &lt;b&gt;"), "the HTML escapes what it inserts");
        assert!(rendered.html.contains("token=abc&amp;x=1"));
        let day = es.format("time.days", &[("count", Value::Number(1))]).unwrap();
        assert!(rendered.text.contains(&day), "{}", rendered.text);
    }

    #[test]
    fn lifetimes_read_in_the_largest_whole_unit() {
        let en = Resolver::new("en", "en");
        assert_eq!(duration(&en, 1800), "30 minutes");
        assert_eq!(duration(&en, 86_400), "one day");
        assert_eq!(duration(&en, 7 * 86_400), "7 days");
        assert_eq!(duration(&en, 7200), "2 hours");
        assert_eq!(duration(&en, 5400), "90 minutes");
        assert_eq!(duration(&en, 10), "one minute");
    }
}
