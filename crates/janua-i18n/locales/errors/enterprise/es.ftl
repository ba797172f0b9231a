### Error messages of enterprise, es.

## SSO configurations
error-enterprise-sso_configuration_not_found = esa configuración de SSO no existe
error-enterprise-url_invalid = { $field } no es una URL
error-enterprise-url_not_http = { $field } debe ser una URL http(s)
error-enterprise-metadata_url_bad = idp_metadata_url: la URL debe ser una URL http(s) absoluta sin credenciales
error-enterprise-metadata_url_not_allowed = idp_metadata_url: la dirección no está permitida
error-enterprise-metadata_url_unreachable = idp_metadata_url: no se pudo acceder a la dirección
error-enterprise-metadata_url_document_invalid = idp_metadata_url: el documento de la dirección no es válido
error-enterprise-protocol_immutable = el protocolo de una configuración no puede cambiar
error-enterprise-default_role_invalid = default_role debe ser member o admin
error-enterprise-admin_groups_invalid = admin_groups admite hasta 100 nombres de grupo de entre 1 y 256 caracteres
error-enterprise-domains_too_many = como máximo 50 dominios
error-enterprise-saml_with_oidc = una configuración SAML usa `saml`, no `oidc`
error-enterprise-saml_missing = una configuración SAML necesita `saml`
error-enterprise-oidc_with_saml = una configuración OIDC usa `oidc`, no `saml`
error-enterprise-oidc_missing = una configuración OIDC necesita `oidc`
error-enterprise-idp_entity_id_length = idp_entity_id debe tener entre 1 y 1024 caracteres
error-enterprise-client_id_length = client_id debe tener entre 1 y 512 caracteres
error-enterprise-client_secret_length = client_secret debe tener entre 1 y 4096 caracteres
error-enterprise-scopes_invalid = scopes admite hasta 20 nombres sin espacios
error-enterprise-issuer_not_allowed = issuer: la dirección no está permitida
error-enterprise-issuer_unreachable = issuer: no se pudo acceder a la dirección
error-enterprise-issuer_discovery_invalid = issuer: el documento de descubrimiento de la dirección no es válido
error-enterprise-saml_idp_missing = indica los metadatos del IdP (idp_metadata_xml o idp_metadata_url), o idp_entity_id e idp_sso_url
error-enterprise-saml_certificate_required = el certificado de firma del IdP es obligatorio
error-enterprise-organization_immutable = una configuración no puede pasar a otra organización

## Domain verification
error-enterprise-domain_not_found = ese dominio no existe
error-enterprise-domain_not_in_configuration = ese dominio no existe en esta configuración
error-enterprise-dns_record_not_found = no se encontró ningún registro TXT { $name } = { $value }
error-enterprise-domain_taken = otra organización ya verificó este dominio

## Domains an administrator enters
error-enterprise-domain_empty = introduce un dominio, como example.com
error-enterprise-domain_has_scheme = introduce solo el dominio, sin un esquema como https://
error-enterprise-domain_not_ascii = los nombres de dominio internacionalizados deben introducirse en su forma ASCII (xn--...)
error-enterprise-domain_has_path = introduce solo el dominio, sin ruta
error-enterprise-domain_has_port = introduce solo el dominio, sin puerto
error-enterprise-domain_is_email = introduce un dominio, no una dirección de correo electrónico
error-enterprise-domain_too_long = un dominio tiene como máximo 253 caracteres
error-enterprise-domain_top_level = { $domain } es un dominio de nivel superior; introduce un dominio como example.com
error-enterprise-domain_empty_label = un dominio no puede tener etiquetas vacías (dos puntos seguidos o un punto inicial)
error-enterprise-domain_label_too_long = la etiqueta { $label } tiene más de 63 caracteres
error-enterprise-domain_label_character = la etiqueta { $label } contiene { $character }; solo se permiten letras, dígitos y guiones
error-enterprise-domain_label_hyphen = la etiqueta { $label } no puede empezar ni terminar con un guion
error-enterprise-domain_is_ip = introduce un nombre de dominio, no una dirección IP

## SAML metadata and certificates
error-enterprise-metadata_not_entity_descriptor = los metadatos del IdP no son un EntityDescriptor de SAML: { $reason }
error-enterprise-metadata_no_entity_id = los metadatos del IdP no tienen entityID
error-enterprise-metadata_no_idp = los metadatos no describen ningún IdP (IDPSSODescriptor)
error-enterprise-metadata_no_redirect_sso = el IdP no ofrece ningún servicio de inicio de sesión único HTTP-Redirect
error-enterprise-metadata_no_certificate = los metadatos del IdP no tienen certificado de firma
error-enterprise-certificate_encoding = un certificado no está en PEM ni en DER base64
error-enterprise-certificate_not_x509 = un certificado no es un certificado X.509

## SAML sign-in and logout
error-enterprise-saml_not_base64 = SAMLResponse no está en base64
error-enterprise-saml_not_utf8 = SAMLResponse no es XML en UTF-8
error-enterprise-saml_malformed = la respuesta SAML tiene un formato incorrecto: { $reason }
error-enterprise-saml_signature_invalid = la respuesta SAML no tiene una firma válida del proveedor de identidad
error-enterprise-saml_audience_mismatch = la respuesta SAML no es para este proveedor de servicios ({ $reason })
error-enterprise-saml_in_response_to_mismatch = la respuesta SAML no corresponde a este inicio de sesión ({ $reason })
error-enterprise-saml_unsolicited = las respuestas SAML no solicitadas (iniciadas por el IdP) no están permitidas en esta conexión
error-enterprise-saml_expired = la aserción SAML ha expirado o todavía no es válida ({ $reason })
error-enterprise-saml_replayed = la aserción SAML ya se utilizó
error-enterprise-saml_assertion_count = una respuesta SAML debe contener exactamente una aserción
error-enterprise-saml_refused = se rechazó la respuesta SAML: { $reason }
error-enterprise-saml_request_required = SAMLRequest (una LogoutRequest) es obligatorio
error-enterprise-saml_unknown_service_provider = la respuesta SAML no corresponde a ninguna configuración de SSO habilitada
error-enterprise-logout_signature_invalid = la LogoutRequest no tiene una firma válida de un proveedor de identidad configurado
error-enterprise-logout_replayed = esta LogoutRequest ya se utilizó

## Starting and completing a sign-in
error-enterprise-sso_not_found = no hay inicio de sesión único configurado para esto
error-enterprise-sso_target_missing = indica email, organization o configuration_id
error-enterprise-redirect_uri_not_allowed = redirect_uri no está en la lista de permitidos
error-enterprise-browser_mismatch = este inicio de sesión se inició en otro navegador
error-enterprise-unknown_state = no hay ningún inicio de sesión en curso para este state
error-enterprise-provider_error = el proveedor de identidad respondió { $error }
error-enterprise-oidc_provider_not_allowed = la dirección del proveedor de identidad no está permitida
error-enterprise-oidc_nonce_mismatch = el nonce del token de ID no coincide con este inicio de sesión
error-enterprise-email_missing = el proveedor de identidad no envió ninguna dirección de correo electrónico para este usuario
error-enterprise-domain_not_verified = el dominio del correo electrónico del usuario no es un dominio verificado de esta organización

## SCIM tokens
error-enterprise-scim_token_not_found = ese token de SCIM no existe
