### Error messages of enterprise, fr.

## SSO configurations
error-enterprise-sso_configuration_not_found = configuration SSO introuvable
error-enterprise-url_invalid = { $field } n'est pas une URL
error-enterprise-url_not_http = { $field } doit être une URL http(s)
error-enterprise-metadata_url_bad = idp_metadata_url : l'URL doit être une URL http(s) absolue sans identifiants
error-enterprise-metadata_url_not_allowed = idp_metadata_url : l'adresse n'est pas autorisée
error-enterprise-metadata_url_unreachable = idp_metadata_url : l'adresse n'a pas pu être jointe
error-enterprise-metadata_url_document_invalid = idp_metadata_url : le document à cette adresse n'est pas valide
error-enterprise-protocol_immutable = le protocole d'une configuration ne peut pas changer
error-enterprise-default_role_invalid = default_role doit être member ou admin
error-enterprise-admin_groups_invalid = admin_groups contient au plus 100 noms de groupe de 1 à 256 caractères
error-enterprise-domains_too_many = 50 domaines au maximum
error-enterprise-saml_with_oidc = une configuration SAML prend `saml`, pas `oidc`
error-enterprise-saml_missing = une configuration SAML nécessite `saml`
error-enterprise-oidc_with_saml = une configuration OIDC prend `oidc`, pas `saml`
error-enterprise-oidc_missing = une configuration OIDC nécessite `oidc`
error-enterprise-idp_entity_id_length = idp_entity_id doit contenir entre 1 et 1024 caractères
error-enterprise-client_id_length = client_id doit contenir entre 1 et 512 caractères
error-enterprise-client_secret_length = client_secret doit contenir entre 1 et 4096 caractères
error-enterprise-scopes_invalid = scopes contient au plus 20 noms sans espaces
error-enterprise-issuer_not_allowed = issuer : l'adresse n'est pas autorisée
error-enterprise-issuer_unreachable = issuer : l'adresse n'a pas pu être jointe
error-enterprise-issuer_discovery_invalid = issuer : le document de découverte à cette adresse n'est pas valide
error-enterprise-saml_idp_missing = indiquez les métadonnées de l'IdP (idp_metadata_xml ou idp_metadata_url), ou idp_entity_id et idp_sso_url
error-enterprise-saml_certificate_required = le certificat de signature de l'IdP est obligatoire
error-enterprise-organization_immutable = une configuration ne peut pas être déplacée vers une autre organisation

## Domain verification
error-enterprise-domain_not_found = domaine introuvable
error-enterprise-domain_not_in_configuration = domaine introuvable dans cette configuration
error-enterprise-dns_record_not_found = aucun enregistrement TXT { $name } = { $value } n'a été trouvé
error-enterprise-domain_taken = une autre organisation a déjà vérifié ce domaine

## Domains an administrator enters
error-enterprise-domain_empty = saisissez un domaine, par exemple example.com
error-enterprise-domain_has_scheme = saisissez uniquement le domaine, sans schéma comme https://
error-enterprise-domain_not_ascii = les noms de domaine internationalisés doivent être saisis sous leur forme ASCII (xn--...)
error-enterprise-domain_has_path = saisissez uniquement le domaine, sans chemin
error-enterprise-domain_has_port = saisissez uniquement le domaine, sans port
error-enterprise-domain_is_email = saisissez un domaine, pas une adresse e-mail
error-enterprise-domain_too_long = un domaine contient au plus 253 caractères
error-enterprise-domain_top_level = { $domain } est un domaine de premier niveau ; saisissez un domaine comme example.com
error-enterprise-domain_empty_label = un domaine ne peut pas avoir de libellés vides (deux points consécutifs ou un point initial)
error-enterprise-domain_label_too_long = le libellé { $label } dépasse 63 caractères
error-enterprise-domain_label_character = le libellé { $label } contient { $character } ; seuls les lettres, chiffres et traits d'union sont autorisés
error-enterprise-domain_label_hyphen = le libellé { $label } ne peut pas commencer ni se terminer par un trait d'union
error-enterprise-domain_is_ip = saisissez un nom de domaine, pas une adresse IP

## SAML metadata and certificates
error-enterprise-metadata_not_entity_descriptor = les métadonnées de l'IdP ne sont pas un EntityDescriptor SAML : { $reason }
error-enterprise-metadata_no_entity_id = les métadonnées de l'IdP n'ont pas d'entityID
error-enterprise-metadata_no_idp = les métadonnées ne décrivent aucun IdP (IDPSSODescriptor)
error-enterprise-metadata_no_redirect_sso = l'IdP ne propose aucun service d'authentification unique HTTP-Redirect
error-enterprise-metadata_no_certificate = les métadonnées de l'IdP ne contiennent aucun certificat de signature
error-enterprise-certificate_encoding = un certificat n'est ni en PEM ni en DER base64
error-enterprise-certificate_not_x509 = un certificat n'est pas un certificat X.509

## SAML sign-in and logout
error-enterprise-saml_not_base64 = SAMLResponse n'est pas en base64
error-enterprise-saml_not_utf8 = SAMLResponse n'est pas du XML UTF-8
error-enterprise-saml_malformed = la réponse SAML est mal formée : { $reason }
error-enterprise-saml_signature_invalid = la réponse SAML n'est pas signée de manière valide par le fournisseur d'identité
error-enterprise-saml_audience_mismatch = la réponse SAML n'est pas destinée à ce fournisseur de services ({ $reason })
error-enterprise-saml_in_response_to_mismatch = la réponse SAML ne correspond pas à cette connexion ({ $reason })
error-enterprise-saml_unsolicited = les réponses SAML non sollicitées (initiées par l'IdP) ne sont pas autorisées pour cette connexion
error-enterprise-saml_expired = l'assertion SAML a expiré ou n'est pas encore valide ({ $reason })
error-enterprise-saml_replayed = l'assertion SAML a déjà été utilisée
error-enterprise-saml_assertion_count = une réponse SAML doit contenir exactement une assertion
error-enterprise-saml_refused = la réponse SAML a été refusée : { $reason }
error-enterprise-saml_request_required = SAMLRequest (une LogoutRequest) est obligatoire
error-enterprise-saml_unknown_service_provider = la réponse SAML ne correspond à aucune configuration SSO active
error-enterprise-logout_signature_invalid = la LogoutRequest n'est pas signée de manière valide par un fournisseur d'identité configuré
error-enterprise-logout_replayed = cette LogoutRequest a déjà été utilisée

## Starting and completing a sign-in
error-enterprise-sso_not_found = aucune authentification unique n'est configurée pour cela
error-enterprise-sso_target_missing = indiquez email, organization ou configuration_id
error-enterprise-redirect_uri_not_allowed = redirect_uri ne figure pas dans la liste d'autorisation
error-enterprise-browser_mismatch = cette connexion a été commencée dans un autre navigateur
error-enterprise-unknown_state = aucune connexion n'est en cours pour ce state
error-enterprise-provider_error = le fournisseur d'identité a répondu { $error }
error-enterprise-oidc_provider_not_allowed = l'adresse du fournisseur d'identité n'est pas autorisée
error-enterprise-oidc_nonce_mismatch = le nonce de l'ID token ne correspond pas à cette connexion
error-enterprise-email_missing = le fournisseur d'identité n'a envoyé aucune adresse e-mail pour cet utilisateur
error-enterprise-domain_not_verified = le domaine de l'adresse e-mail de l'utilisateur n'est pas un domaine vérifié de cette organisation

## SCIM tokens
error-enterprise-scim_token_not_found = jeton SCIM introuvable
