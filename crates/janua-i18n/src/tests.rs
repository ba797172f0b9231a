use super::*;
use crate::message::{ProblemKind, check};

#[test]
fn every_shipped_locale_has_every_key_and_only_declared_variables() {
    let catalogue = builtin();
    let shipped: Vec<&str> = catalogue.locales().collect();
    assert_eq!(shipped, ["en", "es", "fr", "de", "pt-BR", "ja"]);
    assert!(catalogue.keys().len() > 90, "{}", catalogue.keys().len());
    for tag in shipped {
        let messages = catalogue.locale(tag).unwrap();
        let sources = crate::catalogue::SHIPPED.iter().find(|(t, _)| *t == tag).unwrap().1;
        let raw: Vec<_> = sources.iter().flat_map(|s| crate::catalogue::split(s)).collect();
        // Nothing was left out for not compiling, nothing is there twice or unknown.
        assert_eq!(raw.len(), messages.len(), "{tag}: a message does not compile or is repeated");
        for key in catalogue.keys() {
            let text = messages.text(&key.key).unwrap_or_else(|| panic!("{tag} lacks {}", key.key));
            if let Err(p) = check(text, &key.variables) {
                panic!("{tag} {}: {p:?} in {text:?}", key.key);
            }
        }
        for key in messages.keys() {
            assert!(catalogue.key(key).is_some(), "{tag} has {key}, which en.ftl does not define");
        }
    }
}

#[test]
fn keys_carry_description_and_variables() {
    let key = builtin().key("email.invitation.body").unwrap();
    assert_eq!(key.namespace, "email");
    assert!(key.description.contains("invitation"), "{}", key.description);
    assert_eq!(key.variables, ["inviter", "organization", "role"]);
    assert!(builtin().key("email.verify.subject").unwrap().variables.is_empty());
}

#[test]
fn plurals_and_variables_format_per_locale() {
    let en = builtin().locale("en").unwrap();
    assert_eq!(en.format("time.hours", &[("count", Value::Number(1))]).unwrap(), "one hour");
    assert_eq!(en.format("time.hours", &[("count", Value::Number(24))]).unwrap(), "24 hours");
    let es = Resolver::new("es", "en");
    assert_eq!(es.format("time.minutes", &[("count", Value::Number(30))]), "30 minutos");
    let org = es.format("email.invitation.subject", &[("organization", "Acme".into())]);
    assert!(org.contains("Acme") && !org.contains('\u{2068}'), "{org}");
}

#[test]
fn tags_are_validated_and_written_canonically() {
    assert_eq!(tag::canonical("pt-br").as_deref(), Some("pt-BR"));
    assert_eq!(tag::canonical("ZH-hant-tw").as_deref(), Some("zh-Hant-TW"));
    assert_eq!(tag::canonical("en-US-u-ca-gregory").as_deref(), Some("en-US-u-ca-gregory"));
    assert_eq!(tag::canonical("de-CH-1996").as_deref(), Some("de-CH-1996"));
    for bad in ["", "english", "en_US", "xx-", "e", "en--US", "12", "zz-ZZ-zz-invalid-tag-x"] {
        assert_eq!(tag::canonical(bad), None, "{bad}");
    }
}

#[test]
fn the_fallback_chain_goes_region_language_default_english() {
    assert_eq!(tag::fallback_chain("pt-BR", "en"), ["pt-BR", "pt", "en"]);
    assert_eq!(tag::fallback_chain("de-CH", "fr"), ["de-CH", "de", "fr", "en"]);
    // A language shipped only with a region is found from the bare language or another region.
    assert_eq!(tag::fallback_chain("pt-PT", "en"), ["pt-PT", "pt", "pt-BR", "en"]);
    assert_eq!(tag::fallback_chain("not a tag", "es"), ["es", "en"]);
}

#[test]
fn a_key_missing_in_a_locale_falls_back_along_the_chain() {
    // An override for `pt` (not shipped) holds one key; pt-BR readers get it only where
    // neither pt-BR layer has the key, after the region's own messages.
    let platform = Arc::new(Overrides::from_rows([
        ("pt".to_string(), "app.custom.hello".to_string(), "Olá".to_string()),
        ("de-CH".to_string(), "email.verify.subject".to_string(), "Adresse bestätigen (CH)".to_string()),
    ]));
    let pt = Resolver::new("pt-BR", "en").with_overrides(None, Some(platform.clone()));
    assert_eq!(pt.format("app.custom.hello", &[]), "Olá");
    assert_eq!(
        pt.text("email.verify.subject"),
        builtin().locale("pt-BR").unwrap().text("email.verify.subject")
    );
    let ch = Resolver::new("de-CH", "en").with_overrides(None, Some(platform.clone()));
    assert_eq!(ch.format("email.verify.subject", &[]), "Adresse bestätigen (CH)");
    assert_eq!(
        ch.format("email.verify.heading", &[]),
        builtin().locale("de").unwrap().format("email.verify.heading", &[]).unwrap()
    );
    // The organization's layer comes before the platform's.
    let org = Arc::new(Overrides::from_rows([(
        "de-CH".to_string(),
        "email.verify.subject".to_string(),
        "Acme".to_string(),
    )]));
    let ch = Resolver::new("de-CH", "en").with_overrides(Some(org), Some(platform));
    assert_eq!(ch.format("email.verify.subject", &[]), "Acme");
    // A key nobody has is its own text.
    assert_eq!(Resolver::new("ja", "en").format("app.unknown.key", &[]), "app.unknown.key");
}

#[test]
fn accept_language_honours_q_values() {
    assert_eq!(tag::accept_language("de-CH, fr;q=0.5"), ["de-CH", "fr"]);
    assert_eq!(tag::accept_language("fr;q=0.5, ja;q=0.9, es;q=0"), ["ja", "fr"]);
    assert_eq!(tag::accept_language("en;q=2, de;q=0.1234, it;q=abc, fr"), ["fr"]);
    assert_eq!(tag::negotiate(Some("de-CH, fr;q=0.5")).as_deref(), Some("de"));
    assert_eq!(tag::negotiate(Some("it, fr;q=0.5")).as_deref(), Some("fr"));
    assert_eq!(tag::negotiate(Some("pt")).as_deref(), Some("pt-BR"));
    assert_eq!(tag::negotiate(Some("it, *;q=0.1")), None);
    assert_eq!(tag::negotiate(Some("")), None);
    assert_eq!(tag::negotiate(None), None);
}

#[test]
fn a_bad_message_is_refused_with_its_position() {
    let vars = vec!["name".to_string()];
    assert_eq!(check("Hello { $name }", &vars), Ok(()));
    assert_eq!(check("{ $n ->\n  [one] one\n *[other] many\n}", &["n".into()]), Ok(()));
    let p = check("Hello\nworld { $name", &vars).unwrap_err();
    assert!(matches!(p.kind, ProblemKind::Syntax(_)), "{p:?}");
    assert_eq!(p.line, 2, "{p:?}");
    assert!(p.column >= 7, "{p:?}");
    let p = check("Hi { $nmae }!", &vars).unwrap_err();
    assert_eq!((p.line, p.column, p.kind.clone()), (1, 6, ProblemKind::Undeclared("nmae".into())));
    assert!(check("   ", &vars).is_err());
    assert!(check("{ other-message }", &vars).is_err());
    assert!(check("{ -brand }", &vars).is_err());
    assert!(check("{ NUMBER($name) }", &vars).is_err());
    assert!(check("line\n.attr = x", &vars).is_err());
    assert!(check("{ $name ->\n [a] x\n}", &vars).is_err(), "a select needs a default variant");
}

#[test]
fn keys_are_dotted_lower_case_segments() {
    assert!(is_valid_key("email.verify.subject"));
    assert!(is_valid_key("app.login.title_2"));
    for bad in ["email", "Email.x", "email..x", "email.x-y", "1a.b", "email.", ".a.b"] {
        assert!(!is_valid_key(bad), "{bad}");
    }
    assert_eq!(message_id("email.password_changed.subject"), "email-password_changed-subject");
    assert_eq!(key_of("email-password_changed-subject"), "email.password_changed.subject");
}

#[test]
fn locales_have_names() {
    assert_eq!(names::names("pt-BR"), ("Portuguese (Brazil)".into(), "Português (Brasil)".into()));
    assert_eq!(names::names("ja"), ("Japanese".into(), "日本語".into()));
    assert_eq!(names::names("tlh"), ("tlh".into(), "tlh".into()));
}
