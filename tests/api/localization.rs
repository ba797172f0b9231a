//! The Localization router through the gateway, and error messages in the reader's language.

use janua_testkit::{ExpectStatus, TestStack};
use serde_json::json;

#[tokio::test]
async fn locales_list_the_shipped_languages_complete() {
    let app = TestStack::spawn().await;
    let body = app.get("/api/v1/localization/locales", None).await.expect_status(200).await;
    assert_eq!(body["default"], "en");
    let codes: Vec<&str> =
        body["data"].as_array().unwrap().iter().map(|l| l["code"].as_str().unwrap()).collect();
    for shipped in ["en", "es", "fr", "de", "pt-BR", "ja"] {
        assert!(codes.contains(&shipped), "{codes:?}");
    }
    let pt = body["data"].as_array().unwrap().iter().find(|l| l["code"] == "pt-BR").unwrap();
    assert_eq!(pt["name"], "Portuguese (Brazil)");
    assert_eq!(pt["native_name"], "Português (Brasil)");
    assert_eq!(pt["completeness"], 1.0);
}

#[tokio::test]
async fn translations_fall_back_and_carry_an_etag() {
    let app = TestStack::spawn().await;
    // de-CH is not shipped: German, region dropped.
    let resp = app.get("/api/v1/localization/translations/de-ch?namespace=email", None).await;
    let etag = resp.headers()["etag"].to_str().unwrap().to_string();
    let body = resp.expect_status(200).await;
    assert_eq!(body["locale"], "de-CH");
    assert_eq!(body["fallbacks"], json!(["de-CH", "de", "en"]));
    let subject = body["messages"]["email.verify.subject"].as_str().unwrap();
    assert!(subject.contains("E-Mail"), "{subject}");
    assert!(body["messages"].as_object().unwrap().keys().all(|k| k.starts_with("email.")));
    // Unchanged: 304 for the same ETag.
    let again = app
        .http
        .get(app.url("/api/v1/localization/translations/de-CH?namespace=email"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    // A tag that is not BCP 47 is refused.
    let bad = app.get("/api/v1/localization/translations/not_a_tag", None).await;
    let body = bad.expect_error(400, "VALIDATION_ERROR").await;
    assert_eq!(body["error"]["details"]["field"], "locale_code");
}

#[tokio::test]
async fn overrides_apply_at_once_fall_back_when_removed_and_are_checked() {
    let (app, admin) = TestStack::spawn_with_admin(|_| {}).await;
    let path = "/api/v1/localization/translations";
    // Bad Fluent: refused with where.
    let resp = app
        .post(path, &json!({"locale":"es","messages":{"email.verify.subject":"Hola\n{ $name"}}), Some(&admin))
        .await;
    let body = resp.expect_error(400, "VALIDATION_ERROR").await;
    assert_eq!(body["error"]["details"]["field"], "messages.email.verify.subject");
    assert_eq!(body["error"]["details"]["line"], 2, "{body}");
    assert!(body["error"]["details"]["column"].as_u64().unwrap() >= 7, "{body}");
    // A variable the key does not declare.
    let resp = app
        .post(
            path,
            &json!({"locale":"es","messages":{"email.invitation.subject":"Únete a { $org }"}}),
            Some(&admin),
        )
        .await;
    let body = resp.expect_error(400, "VALIDATION_ERROR").await;
    assert_eq!(body["error"]["details"]["column"], 11, "{body}");
    // An unknown key.
    let resp =
        app.post(path, &json!({"locale":"es","messages":{"email.nope.subject":"x"}}), Some(&admin)).await;
    resp.expect_error(400, "VALIDATION_ERROR").await;
    // Nothing of the refused writes landed.
    let es = app.get("/api/v1/localization/translations/es", None).await.expect_status(200).await;
    let shipped = es["messages"]["email.invitation.subject"].clone();
    // A good override answers the effective messages and applies to the next read.
    let text = "¡Te esperan en { $organization }!";
    let resp = app
        .post(path, &json!({"locale":"es","messages":{"email.invitation.subject":text}}), Some(&admin))
        .await;
    let body = resp.expect_status(200).await;
    assert_eq!(body["messages"]["email.invitation.subject"], text);
    let es_mx = app.get("/api/v1/localization/translations/es-MX", None).await.expect_status(200).await;
    assert_eq!(es_mx["messages"]["email.invitation.subject"], text);
    // Removing it falls back to the shipped message.
    let resp =
        app.delete("/api/v1/localization/translations/es/email.invitation.subject", Some(&admin)).await;
    assert_eq!(resp.expect_status(200).await["messages"]["email.invitation.subject"], shipped);
    let again =
        app.delete("/api/v1/localization/translations/es/email.invitation.subject", Some(&admin)).await;
    again.expect_error(404, "NOT_FOUND").await;
    // The write and the removal were published (audit and webhooks see them).
    let events = app.outbox_events("identity").await;
    assert_eq!(events.types().iter().filter(|t| **t == "localization.updated").count(), 2);
}

#[tokio::test]
async fn organizations_override_their_own_messages_only() {
    let (app, admin) = TestStack::spawn_with_admin(|_| {}).await;
    let [owner, member, stranger] =
        app.people(["owner@example.com", "member@example.com", "stranger@example.com"]).await;
    let org = app.create_org_id(&owner.token, "Acme").await;
    app.add_member(&owner.token, &org, &member.id, "member").await;
    let path = "/api/v1/localization/translations";
    let write =
        json!({"locale":"en","organization_id": org, "messages":{"email.verify.subject":"Welcome to Acme"}});
    app.post(path, &write, Some(&stranger.token)).await.expect_error(404, "NOT_FOUND").await;
    app.post(path, &write, Some(&member.token)).await.expect_error(403, "FORBIDDEN").await;
    // Platform overrides are for platform admins.
    let platform = json!({"locale":"en","messages":{"email.verify.subject":"Hi"}});
    app.post(path, &platform, Some(&owner.token)).await.expect_error(403, "FORBIDDEN").await;
    app.post(path, &write, Some(&owner.token)).await.expect_status(200).await;
    // The organization's readers get it, before the platform's override; others do not.
    let platform = json!({"locale":"en","messages":{"email.verify.subject":"Platform subject","email.verify.heading":"Platform heading"}});
    app.post(path, &platform, Some(&admin)).await.expect_status(200).await;
    let acme = app
        .get(&format!("/api/v1/localization/translations/en?organization_id={org}"), None)
        .await
        .expect_status(200)
        .await;
    assert_eq!(acme["messages"]["email.verify.subject"], "Welcome to Acme");
    assert_eq!(
        acme["messages"]["email.verify.heading"], "Platform heading",
        "the organization inherits the platform"
    );
    let everyone = app.get("/api/v1/localization/translations/en", None).await.expect_status(200).await;
    assert_eq!(everyone["messages"]["email.verify.subject"], "Platform subject");
    // A deleted organization's overrides go with it.
    app.delete(&format!("/api/v1/organizations/{org}"), Some(&owner.token)).await.expect_status(204).await;
    let left = format!("SELECT count(*) AS n FROM translations WHERE organization_id = '{org}'");
    app.wait_for_count("the organization's overrides", "identity", &left, 0).await;
    assert_eq!(
        app.count("identity", "SELECT count(*) AS n FROM translations WHERE organization_id IS NULL").await,
        2
    );
}

#[tokio::test]
async fn platform_admins_add_keys_to_the_catalogue() {
    let (app, admin) = TestStack::spawn_with_admin(|_| {}).await;
    let someone = app.person("someone@example.com").await;
    let keys = "/api/v1/localization/translation-keys";
    app.get(keys, Some(&someone.token)).await.expect_error(403, "FORBIDDEN").await;
    let list = app.get(&format!("{keys}?namespace=email"), Some(&admin)).await.expect_status(200).await;
    let invitation =
        list["data"].as_array().unwrap().iter().find(|k| k["key"] == "email.invitation.body").unwrap();
    assert_eq!(invitation["variables"], json!(["inviter", "organization", "role"]));
    assert_eq!(invitation["builtin"], true);
    let new = json!({"key":"app.login.title","namespace":"app","description":"Title of our login page","variables":["brand"]});
    app.post(keys, &new, Some(&someone.token)).await.expect_error(403, "FORBIDDEN").await;
    let created = app.post(keys, &new, Some(&admin)).await.expect_status(201).await;
    assert_eq!(created["builtin"], false);
    app.post(keys, &new, Some(&admin)).await.expect_error(409, "CONFLICT").await;
    let bad = json!({"key":"App-Login","description":""});
    app.post(keys, &bad, Some(&admin)).await.expect_error(400, "VALIDATION_ERROR").await;
    // Its messages are overrides like any other; it counts in completeness.
    let write = json!({"locale":"fr","messages":{"app.login.title":"Bienvenue chez { $brand }"}});
    app.post("/api/v1/localization/translations", &write, Some(&admin)).await.expect_status(200).await;
    let fr =
        app.get("/api/v1/localization/translations/fr?namespace=app", None).await.expect_status(200).await;
    assert_eq!(fr["messages"], json!({"app.login.title": "Bienvenue chez { $brand }"}));
    let locales = app.get("/api/v1/localization/locales", None).await.expect_status(200).await;
    let de = locales["data"].as_array().unwrap().iter().find(|l| l["code"] == "de").unwrap();
    assert!(de["completeness"].as_f64().unwrap() < 1.0, "{de}");
}

#[tokio::test]
async fn errors_follow_accept_language_and_keep_their_code() {
    let app = TestStack::spawn().await;
    let ask = |lang: &'static str| {
        app.http
            .post(app.url("/api/v1/auth/signup"))
            .header("accept-language", lang)
            .json(&json!({"email":"a@example.com","password":"short"}))
            .send()
    };
    let english = ask("en").await.unwrap();
    assert_eq!(english.headers()["content-language"], "en");
    let english = english.expect_error(400, "VALIDATION_ERROR").await;
    let german = ask("de-CH, fr;q=0.5").await.unwrap();
    assert_eq!(german.headers()["content-language"], "de");
    let german = german.expect_error(400, "VALIDATION_ERROR").await;
    assert_ne!(german["error"]["message"], english["error"]["message"]);
    assert!(german["error"]["message"].as_str().unwrap().contains("10"), "{german}");
    assert_eq!(german["error"]["details"], english["error"]["details"]);
    // q-values: French preferred over German here.
    let french = ask("de;q=0.2, fr;q=0.9").await.unwrap();
    assert_eq!(french.headers()["content-language"], "fr");
    // Errors of the gateway itself, too; an unknown language gets the default.
    let resp = app.http.get(app.url("/api/v1/nope")).header("accept-language", "ja").send().await.unwrap();
    assert_eq!(resp.headers()["content-language"], "ja");
    let body = resp.expect_error(404, "NOT_FOUND").await;
    assert_ne!(body["error"]["message"], "no such route");
    let resp = app.http.get(app.url("/api/v1/nope")).header("accept-language", "tlh").send().await.unwrap();
    assert_eq!(resp.headers()["content-language"], "en");
}

#[tokio::test]
async fn mail_goes_out_in_the_recipients_language_as_text_and_html() {
    let app = TestStack::spawn().await;
    let ana = app.person("ana@example.com").await;
    let profile =
        app.put(&format!("/api/v1/users/{}", ana.id), &json!({"locale":"es-mx"}), Some(&ana.token)).await;
    assert_eq!(profile.expect_status(200).await["locale"], "es-MX");
    let bad =
        app.put(&format!("/api/v1/users/{}", ana.id), &json!({"locale":"español"}), Some(&ana.token)).await;
    bad.expect_error(400, "VALIDATION_ERROR").await;
    app.post("/api/v1/auth/resend-verification", &json!({"email":"ana@example.com"}), None)
        .await
        .expect_status(202)
        .await;
    let subject = "Confirma tu dirección de correo electrónico";
    let es =
        app.get("/api/v1/localization/translations/es?namespace=email", None).await.expect_status(200).await;
    assert_eq!(es["messages"]["email.verify.subject"], subject, "the shipped Spanish subject");
    let text = app.mail_body("ana@example.com", subject, 0).await;
    assert!(text.contains("/verify-email?token="), "{text}");
    let mail = app
        .smtp
        .mails_to("ana@example.com")
        .into_iter()
        .find(|m| m.subject().as_deref() == Some(subject))
        .unwrap();
    let html = mail.html().expect("an HTML part");
    assert!(html.contains("lang=\"es\"") && html.contains("verify-email?token="), "{html}");
    // The lifetime is the configured one, in Spanish words (24 hours is one day).
    let day =
        app.get("/api/v1/localization/translations/es?namespace=time", None).await.expect_status(200).await;
    assert!(day["messages"]["time.days"].as_str().unwrap().contains("día"));
    assert!(text.contains("1 día") || text.contains("un día"), "{text}");
    // The token it carries works (the English one of the sign-up died with the resend).
    let token = janua_testkit::token_from_link(&text);
    app.post("/api/v1/auth/verify-email", &json!({ "token": token }), None).await.expect_status(200).await;
}

#[tokio::test]
async fn an_organizations_override_reaches_its_next_invitation_at_once() {
    let app = TestStack::spawn().await;
    let ada = app.verified_person("ada@example.com").await;
    let org = app.create_org_id(&ada.token, "Acme").await;
    let write = |subject: &'static str| json!({"locale":"en","organization_id": org, "messages":{"email.invitation.subject": subject}});
    let path = "/api/v1/localization/translations";
    app.post(path, &write("Come build rockets at { $organization }"), Some(&ada.token))
        .await
        .expect_status(200)
        .await;
    let invitations = format!("/api/v1/invitations/organizations/{org}/invitations");
    let invite = |to: &'static str| {
        let body = json!({"email": to, "role": "member"});
        let (app, path, token) = (&app, invitations.clone(), ada.token.clone());
        async move { app.post(&path, &body, Some(&token)).await }
    };
    invite("bob@example.com").await.expect_status(201).await;
    let body = app.mail_body("bob@example.com", "Come build rockets at Acme", 0).await;
    assert!(body.contains("/invitations/") && body.contains("Acme"), "{body}");
    // Changed again: the very next invitation says so, no restart, no wait.
    app.post(path, &write("Acme needs you"), Some(&ada.token)).await.expect_status(200).await;
    invite("carol@example.com").await.expect_status(201).await;
    let body = app.mail_body("carol@example.com", "Acme needs you", 0).await;
    assert!(body.contains("7 days"), "the configured lifetime: {body}");
    // Other organizations keep the shipped subject.
    let other = app.create_org_id(&ada.token, "Globex").await;
    let resp = app
        .post(
            &format!("/api/v1/invitations/organizations/{other}/invitations"),
            &json!({"email":"dan@example.com","role":"member"}),
            Some(&ada.token),
        )
        .await;
    resp.expect_status(201).await;
    app.mail_body("dan@example.com", "You are invited to join Globex", 0).await;
}

#[tokio::test]
async fn an_invitation_speaks_its_own_or_its_organizations_language_and_shows_its_logo() {
    let app = TestStack::spawn().await;
    let ada = app.verified_person("ada@example.com").await;
    let logo = "https://cdn.example.com/acme.png";
    let bad = json!({"name":"Acme","locale":"français"});
    app.post("/api/v1/organizations", &bad, Some(&ada.token))
        .await
        .expect_error(400, "VALIDATION_ERROR")
        .await;
    let bad = json!({"name":"Acme","logo_url":"javascript:alert(1)"});
    app.post("/api/v1/organizations", &bad, Some(&ada.token))
        .await
        .expect_error(400, "VALIDATION_ERROR")
        .await;
    let org = app
        .post(
            "/api/v1/organizations",
            &json!({"name":"Acme","locale":"fr-ca","logo_url": logo}),
            Some(&ada.token),
        )
        .await
        .expect_status(201)
        .await;
    assert_eq!(org["locale"], "fr-CA");
    assert_eq!(org["logo_url"], logo);
    let id = org["id"].as_str().unwrap();
    let invitations = format!("/api/v1/invitations/organizations/{id}/invitations");
    let fr =
        app.get("/api/v1/localization/translations/fr?namespace=email", None).await.expect_status(200).await;
    let subject =
        fr["messages"]["email.invitation.subject"].as_str().unwrap().replace("{ $organization }", "Acme");
    app.post(&invitations, &json!({"email":"bob@example.com","role":"member"}), Some(&ada.token))
        .await
        .expect_status(201)
        .await;
    app.mail_body("bob@example.com", &subject, 0).await;
    let mail = app.smtp.mails_to("bob@example.com").pop().unwrap();
    let html = mail.html().expect("an HTML part");
    assert!(html.contains("cdn.example.com") && html.contains("lang=\"fr\""), "{html}");
    // The invitation's own locale wins over the organization's.
    let de =
        app.get("/api/v1/localization/translations/de?namespace=email", None).await.expect_status(200).await;
    let subject =
        de["messages"]["email.invitation.subject"].as_str().unwrap().replace("{ $organization }", "Acme");
    let body = json!({"email":"carol@example.com","role":"member","locale":"de-AT"});
    app.post(&invitations, &body, Some(&ada.token)).await.expect_status(201).await;
    app.mail_body("carol@example.com", &subject, 0).await;
    // Cleared, the organization's mail falls back to the default language.
    let cleared = app
        .put(
            &format!("/api/v1/organizations/{id}"),
            &json!({"locale": null, "logo_url": null}),
            Some(&ada.token),
        )
        .await;
    let cleared = cleared.expect_status(200).await;
    assert!(cleared["locale"].is_null() && cleared["logo_url"].is_null(), "{cleared}");
    app.post(&invitations, &json!({"email":"dan@example.com","role":"member"}), Some(&ada.token))
        .await
        .expect_status(201)
        .await;
    app.mail_body("dan@example.com", "You are invited to join Acme", 0).await;
}

#[tokio::test]
async fn a_new_account_speaks_the_language_it_signed_up_in() {
    let app = TestStack::spawn().await;
    let signup = |email: &'static str, lang: Option<&'static str>, locale: Option<&'static str>| {
        let mut req = app.http.post(app.url("/api/v1/auth/signup"));
        if let Some(lang) = lang {
            req = req.header("accept-language", lang);
        }
        let mut body = json!({"email": email, "password": janua_testkit::PASSWORD});
        if let Some(locale) = locale {
            body["locale"] = json!(locale);
        }
        async move { req.json(&body).send().await.unwrap() }
    };
    // The browser's language, among the shipped ones.
    let fr = signup("fr@example.com", Some("fr-CH, en;q=0.5"), None).await.expect_status(201).await;
    assert_eq!(fr["user"]["locale"], "fr");
    let subject = janua_i18n_subject(&app, "fr").await;
    let text = app.mail_body("fr@example.com", &subject, 0).await;
    assert!(text.contains("/verify-email?token="), "{text}");
    // A locale given wins; none at all is the default.
    let pt = signup("pt@example.com", Some("fr"), Some("pt-br")).await.expect_status(201).await;
    assert_eq!(pt["user"]["locale"], "pt-BR");
    let en = signup("en@example.com", None, None).await.expect_status(201).await;
    assert_eq!(en["user"]["locale"], "en");
    let bad = signup("bad@example.com", None, Some("klingon!")).await;
    let body = bad.expect_error(400, "VALIDATION_ERROR").await;
    assert_eq!(body["error"]["details"]["field"], "locale");
}

/// The shipped subject of the verification email in `locale`.
async fn janua_i18n_subject(app: &TestStack, locale: &str) -> String {
    let path = format!("/api/v1/localization/translations/{locale}?namespace=email");
    let body = app.get(&path, None).await.expect_status(200).await;
    body["messages"]["email.verify.subject"].as_str().unwrap().to_string()
}
