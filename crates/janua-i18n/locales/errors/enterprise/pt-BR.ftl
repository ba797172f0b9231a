### Error messages of enterprise, pt-BR.

## SSO configurations
error-enterprise-sso_configuration_not_found = configuração de SSO não encontrada
error-enterprise-url_invalid = { $field } não é uma URL
error-enterprise-url_not_http = { $field } deve ser uma URL http(s)
error-enterprise-metadata_url_bad = idp_metadata_url: a URL deve ser uma URL http(s) absoluta sem credenciais
error-enterprise-metadata_url_not_allowed = idp_metadata_url: o endereço não é permitido
error-enterprise-metadata_url_unreachable = idp_metadata_url: não foi possível acessar o endereço
error-enterprise-metadata_url_document_invalid = idp_metadata_url: o documento no endereço é inválido
error-enterprise-protocol_immutable = o protocolo de uma configuração não pode mudar
error-enterprise-default_role_invalid = default_role deve ser member ou admin
error-enterprise-admin_groups_invalid = admin_groups lista até 100 nomes de grupo de 1 a 256 caracteres
error-enterprise-domains_too_many = no máximo 50 domínios
error-enterprise-saml_with_oidc = uma configuração SAML usa `saml`, não `oidc`
error-enterprise-saml_missing = uma configuração SAML precisa de `saml`
error-enterprise-oidc_with_saml = uma configuração OIDC usa `oidc`, não `saml`
error-enterprise-oidc_missing = uma configuração OIDC precisa de `oidc`
error-enterprise-idp_entity_id_length = idp_entity_id deve ter de 1 a 1024 caracteres
error-enterprise-client_id_length = client_id deve ter de 1 a 512 caracteres
error-enterprise-client_secret_length = client_secret deve ter de 1 a 4096 caracteres
error-enterprise-scopes_invalid = scopes aceita até 20 nomes sem espaços
error-enterprise-issuer_not_allowed = issuer: o endereço não é permitido
error-enterprise-issuer_unreachable = issuer: não foi possível acessar o endereço
error-enterprise-issuer_discovery_invalid = issuer: o documento de descoberta no endereço é inválido
error-enterprise-saml_idp_missing = informe os metadados do IdP (idp_metadata_xml ou idp_metadata_url), ou idp_entity_id e idp_sso_url
error-enterprise-saml_certificate_required = o certificado de assinatura do IdP é obrigatório
error-enterprise-organization_immutable = uma configuração não pode ser movida para outra organização

## Domain verification
error-enterprise-domain_not_found = domínio não encontrado
error-enterprise-domain_not_in_configuration = domínio não encontrado nesta configuração
error-enterprise-dns_record_not_found = nenhum registro TXT { $name } = { $value } foi encontrado
error-enterprise-domain_taken = outra organização já verificou este domínio

## Domains an administrator enters
error-enterprise-domain_empty = informe um domínio, como example.com
error-enterprise-domain_has_scheme = informe apenas o domínio, sem um esquema como https://
error-enterprise-domain_not_ascii = nomes de domínio internacionalizados devem ser informados na forma ASCII (xn--...)
error-enterprise-domain_has_path = informe apenas o domínio, sem caminho
error-enterprise-domain_has_port = informe apenas o domínio, sem porta
error-enterprise-domain_is_email = informe um domínio, não um endereço de e-mail
error-enterprise-domain_too_long = um domínio tem no máximo 253 caracteres
error-enterprise-domain_top_level = { $domain } é um domínio de nível superior; informe um domínio como example.com
error-enterprise-domain_empty_label = um domínio não pode ter rótulos vazios (dois pontos seguidos ou um ponto inicial)
error-enterprise-domain_label_too_long = o rótulo { $label } tem mais de 63 caracteres
error-enterprise-domain_label_character = o rótulo { $label } contém { $character }; apenas letras, dígitos e hifens são permitidos
error-enterprise-domain_label_hyphen = o rótulo { $label } não pode começar nem terminar com hífen
error-enterprise-domain_is_ip = informe um nome de domínio, não um endereço IP

## SAML metadata and certificates
error-enterprise-metadata_not_entity_descriptor = os metadados do IdP não são um EntityDescriptor SAML: { $reason }
error-enterprise-metadata_no_entity_id = os metadados do IdP não têm entityID
error-enterprise-metadata_no_idp = os metadados não descrevem nenhum IdP (IDPSSODescriptor)
error-enterprise-metadata_no_redirect_sso = o IdP não oferece nenhum serviço de login único HTTP-Redirect
error-enterprise-metadata_no_certificate = os metadados do IdP não têm certificado de assinatura
error-enterprise-certificate_encoding = um certificado não está em PEM nem em DER base64
error-enterprise-certificate_not_x509 = um certificado não é um certificado X.509

## SAML sign-in and logout
error-enterprise-saml_not_base64 = SAMLResponse não está em base64
error-enterprise-saml_not_utf8 = SAMLResponse não é XML UTF-8
error-enterprise-saml_malformed = a resposta SAML está malformada: { $reason }
error-enterprise-saml_signature_invalid = a resposta SAML não tem uma assinatura válida do provedor de identidade
error-enterprise-saml_audience_mismatch = a resposta SAML não é para este provedor de serviços ({ $reason })
error-enterprise-saml_in_response_to_mismatch = a resposta SAML não corresponde a este login ({ $reason })
error-enterprise-saml_unsolicited = respostas SAML não solicitadas (iniciadas pelo IdP) não são permitidas nesta conexão
error-enterprise-saml_expired = a asserção SAML expirou ou ainda não é válida ({ $reason })
error-enterprise-saml_replayed = a asserção SAML já foi usada
error-enterprise-saml_assertion_count = uma resposta SAML deve conter exatamente uma asserção
error-enterprise-saml_refused = a resposta SAML foi recusada: { $reason }
error-enterprise-saml_request_required = SAMLRequest (uma LogoutRequest) é obrigatório
error-enterprise-saml_unknown_service_provider = a resposta SAML não corresponde a nenhuma configuração de SSO habilitada
error-enterprise-logout_signature_invalid = a LogoutRequest não tem uma assinatura válida de um provedor de identidade configurado
error-enterprise-logout_replayed = esta LogoutRequest já foi usada

## Starting and completing a sign-in
error-enterprise-sso_not_found = nenhum login único está configurado para isso
error-enterprise-sso_target_missing = informe email, organization ou configuration_id
error-enterprise-redirect_uri_not_allowed = redirect_uri não está na lista de permissões
error-enterprise-browser_mismatch = este login foi iniciado em outro navegador
error-enterprise-unknown_state = nenhum login em andamento para este state
error-enterprise-provider_error = o provedor de identidade respondeu { $error }
error-enterprise-oidc_provider_not_allowed = o endereço do provedor de identidade não é permitido
error-enterprise-oidc_nonce_mismatch = o nonce do token de ID não corresponde a este login
error-enterprise-email_missing = o provedor de identidade não enviou nenhum endereço de e-mail para este usuário
error-enterprise-domain_not_verified = o domínio do e-mail do usuário não é um domínio verificado desta organização

## SCIM tokens
error-enterprise-scim_token_not_found = token SCIM não encontrado
