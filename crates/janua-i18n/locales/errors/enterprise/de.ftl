### Error messages of enterprise, de.

## SSO configurations
error-enterprise-sso_configuration_not_found = SSO-Konfiguration nicht gefunden
error-enterprise-url_invalid = { $field } ist keine URL
error-enterprise-url_not_http = { $field } muss eine http(s)-URL sein
error-enterprise-metadata_url_bad = idp_metadata_url: die URL muss eine absolute http(s)-URL ohne Zugangsdaten sein
error-enterprise-metadata_url_not_allowed = idp_metadata_url: die Adresse ist nicht zulässig
error-enterprise-metadata_url_unreachable = idp_metadata_url: die Adresse war nicht erreichbar
error-enterprise-metadata_url_document_invalid = idp_metadata_url: das Dokument unter der Adresse ist ungültig
error-enterprise-protocol_immutable = das Protokoll einer Konfiguration kann nicht geändert werden
error-enterprise-default_role_invalid = default_role muss member oder admin sein
error-enterprise-admin_groups_invalid = admin_groups enthält höchstens 100 Gruppennamen mit je 1 bis 256 Zeichen
error-enterprise-domains_too_many = höchstens 50 Domains
error-enterprise-saml_with_oidc = eine SAML-Konfiguration verwendet `saml`, nicht `oidc`
error-enterprise-saml_missing = eine SAML-Konfiguration benötigt `saml`
error-enterprise-oidc_with_saml = eine OIDC-Konfiguration verwendet `oidc`, nicht `saml`
error-enterprise-oidc_missing = eine OIDC-Konfiguration benötigt `oidc`
error-enterprise-idp_entity_id_length = idp_entity_id muss 1 bis 1024 Zeichen lang sein
error-enterprise-client_id_length = client_id muss 1 bis 512 Zeichen lang sein
error-enterprise-client_secret_length = client_secret muss 1 bis 4096 Zeichen lang sein
error-enterprise-scopes_invalid = scopes enthält höchstens 20 Namen ohne Leerzeichen
error-enterprise-issuer_not_allowed = issuer: die Adresse ist nicht zulässig
error-enterprise-issuer_unreachable = issuer: die Adresse war nicht erreichbar
error-enterprise-issuer_discovery_invalid = issuer: das Discovery-Dokument unter der Adresse ist ungültig
error-enterprise-saml_idp_missing = geben Sie die Metadaten des IdP (idp_metadata_xml oder idp_metadata_url) oder idp_entity_id und idp_sso_url an
error-enterprise-saml_certificate_required = das Signaturzertifikat des IdP ist erforderlich
error-enterprise-organization_immutable = eine Konfiguration kann nicht in eine andere Organisation verschoben werden

## Domain verification
error-enterprise-domain_not_found = Domain nicht gefunden
error-enterprise-domain_not_in_configuration = Domain in dieser Konfiguration nicht gefunden
error-enterprise-dns_record_not_found = kein TXT-Eintrag { $name } = { $value } gefunden
error-enterprise-domain_taken = eine andere Organisation hat diese Domain bereits verifiziert

## Domains an administrator enters
error-enterprise-domain_empty = geben Sie eine Domain ein, etwa example.com
error-enterprise-domain_has_scheme = geben Sie nur die Domain ein, ohne Schema wie https://
error-enterprise-domain_not_ascii = internationalisierte Domainnamen müssen in ihrer ASCII-Form (xn--...) eingegeben werden
error-enterprise-domain_has_path = geben Sie nur die Domain ein, ohne Pfad
error-enterprise-domain_has_port = geben Sie nur die Domain ein, ohne Port
error-enterprise-domain_is_email = geben Sie eine Domain ein, keine E-Mail-Adresse
error-enterprise-domain_too_long = eine Domain ist höchstens 253 Zeichen lang
error-enterprise-domain_top_level = { $domain } ist eine Top-Level-Domain; geben Sie eine Domain wie example.com ein
error-enterprise-domain_empty_label = eine Domain darf keine leeren Labels haben (zwei Punkte hintereinander oder ein führender Punkt)
error-enterprise-domain_label_too_long = das Label { $label } ist länger als 63 Zeichen
error-enterprise-domain_label_character = das Label { $label } enthält { $character }; erlaubt sind nur Buchstaben, Ziffern und Bindestriche
error-enterprise-domain_label_hyphen = das Label { $label } darf nicht mit einem Bindestrich beginnen oder enden
error-enterprise-domain_is_ip = geben Sie einen Domainnamen ein, keine IP-Adresse

## SAML metadata and certificates
error-enterprise-metadata_not_entity_descriptor = die IdP-Metadaten sind kein SAML-EntityDescriptor: { $reason }
error-enterprise-metadata_no_entity_id = die IdP-Metadaten enthalten keine entityID
error-enterprise-metadata_no_idp = die Metadaten beschreiben keinen IdP (IDPSSODescriptor)
error-enterprise-metadata_no_redirect_sso = der IdP bietet keinen Single-Sign-On-Dienst mit HTTP-Redirect an
error-enterprise-metadata_no_certificate = die IdP-Metadaten enthalten kein Signaturzertifikat
error-enterprise-certificate_encoding = ein Zertifikat ist weder PEM noch base64-kodiertes DER
error-enterprise-certificate_not_x509 = ein Zertifikat ist kein X.509-Zertifikat

## SAML sign-in and logout
error-enterprise-saml_not_base64 = SAMLResponse ist nicht base64-kodiert
error-enterprise-saml_not_utf8 = SAMLResponse ist kein UTF-8-XML
error-enterprise-saml_malformed = die SAML-Antwort ist fehlerhaft: { $reason }
error-enterprise-saml_signature_invalid = die SAML-Antwort ist nicht gültig vom Identitätsanbieter signiert
error-enterprise-saml_audience_mismatch = die SAML-Antwort ist nicht für diesen Service Provider bestimmt ({ $reason })
error-enterprise-saml_in_response_to_mismatch = die SAML-Antwort gehört nicht zu dieser Anmeldung ({ $reason })
error-enterprise-saml_unsolicited = unaufgeforderte (vom IdP initiierte) SAML-Antworten sind für diese Verbindung nicht zulässig
error-enterprise-saml_expired = die SAML-Assertion ist abgelaufen oder noch nicht gültig ({ $reason })
error-enterprise-saml_replayed = die SAML-Assertion wurde bereits verwendet
error-enterprise-saml_assertion_count = eine SAML-Antwort muss genau eine Assertion enthalten
error-enterprise-saml_refused = die SAML-Antwort wurde abgelehnt: { $reason }
error-enterprise-saml_request_required = SAMLRequest (ein LogoutRequest) ist erforderlich
error-enterprise-saml_unknown_service_provider = die SAML-Antwort gehört zu keiner aktivierten SSO-Konfiguration
error-enterprise-logout_signature_invalid = der LogoutRequest ist nicht gültig von einem konfigurierten Identitätsanbieter signiert
error-enterprise-logout_replayed = dieser LogoutRequest wurde bereits verwendet

## Starting and completing a sign-in
error-enterprise-sso_not_found = hierfür ist kein Single Sign-On eingerichtet
error-enterprise-sso_target_missing = geben Sie email, organization oder configuration_id an
error-enterprise-redirect_uri_not_allowed = redirect_uri steht nicht auf der Zulassungsliste
error-enterprise-browser_mismatch = diese Anmeldung wurde in einem anderen Browser gestartet
error-enterprise-unknown_state = für diesen state läuft keine Anmeldung
error-enterprise-provider_error = der Identitätsanbieter antwortete { $error }
error-enterprise-oidc_provider_not_allowed = die Adresse des Identitätsanbieters ist nicht zulässig
error-enterprise-oidc_nonce_mismatch = die Nonce des ID-Tokens passt nicht zu dieser Anmeldung
error-enterprise-email_missing = der Identitätsanbieter hat keine E-Mail-Adresse für diesen Benutzer gesendet
error-enterprise-domain_not_verified = die E-Mail-Domain des Benutzers ist keine verifizierte Domain dieser Organisation

## SCIM tokens
error-enterprise-scim_token_not_found = SCIM-Token nicht gefunden
