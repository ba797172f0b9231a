### Error messages of enterprise, en.

## SSO configurations

# No SSO configuration has this id (or the caller may not see it).
error-enterprise-sso_configuration_not_found = no such SSO configuration
# A URL field of an SSO configuration cannot be parsed as a URL.
# Variables: $field
error-enterprise-url_invalid = { $field } is not a URL
# A URL field of an SSO configuration is not an http or https URL with a host.
# Variables: $field
error-enterprise-url_not_http = { $field } must be an http(s) URL
# The IdP metadata URL is not an absolute http(s) URL, or carries credentials.
error-enterprise-metadata_url_bad = idp_metadata_url: the URL must be an absolute http(s) URL without credentials
# The IdP metadata URL leads to an address the outbound guard refuses.
error-enterprise-metadata_url_not_allowed = idp_metadata_url: the address is not allowed
# The IdP metadata could not be fetched from its URL (no answer, or a server error).
error-enterprise-metadata_url_unreachable = idp_metadata_url: the address could not be reached
# What the IdP metadata URL answered is not a usable document.
error-enterprise-metadata_url_document_invalid = idp_metadata_url: the document at the address is invalid
# An update tries to change an SSO configuration's protocol (SAML or OIDC).
error-enterprise-protocol_immutable = the protocol of a configuration cannot change
# The default role of an SSO configuration is neither member nor admin.
error-enterprise-default_role_invalid = default_role is member or admin
# The admin groups of an SSO configuration are too many, empty or too long.
error-enterprise-admin_groups_invalid = admin_groups lists up to 100 group names of 1 to 256 characters
# An SSO configuration lists more than 50 domains.
error-enterprise-domains_too_many = at most 50 domains
# A SAML configuration was sent with an `oidc` part.
error-enterprise-saml_with_oidc = a SAML configuration takes `saml`, not `oidc`
# A SAML configuration was sent without its `saml` part.
error-enterprise-saml_missing = a SAML configuration needs `saml`
# An OIDC configuration was sent with a `saml` part.
error-enterprise-oidc_with_saml = an OIDC configuration takes `oidc`, not `saml`
# An OIDC configuration was sent without its `oidc` part.
error-enterprise-oidc_missing = an OIDC configuration needs `oidc`
# The IdP entity id of a SAML configuration is empty or too long.
error-enterprise-idp_entity_id_length = idp_entity_id must be 1 to 1024 characters
# The client id of an OIDC configuration is empty or too long.
error-enterprise-client_id_length = client_id must be 1 to 512 characters
# The client secret of an OIDC configuration is empty or too long.
error-enterprise-client_secret_length = client_secret must be 1 to 4096 characters
# The scopes of an OIDC configuration are too many, empty, too long or contain spaces.
error-enterprise-scopes_invalid = scopes are up to 20 names without spaces
# The OIDC issuer (or an address its discovery document names) is refused by the outbound guard.
error-enterprise-issuer_not_allowed = issuer: the address is not allowed
# The OIDC issuer's discovery document could not be fetched.
error-enterprise-issuer_unreachable = issuer: the address could not be reached
# The OIDC issuer's discovery document (or its keys) is not valid.
error-enterprise-issuer_discovery_invalid = issuer: the discovery document at the address is invalid
# A SAML configuration gives neither IdP metadata nor the IdP's entity id and SSO URL.
error-enterprise-saml_idp_missing = give the IdP's metadata (idp_metadata_xml or idp_metadata_url), or idp_entity_id and idp_sso_url
# A SAML configuration ends up with no IdP signing certificate.
error-enterprise-saml_certificate_required = the IdP's signing certificate is required
# An update names another organization than the SSO configuration's own.
error-enterprise-organization_immutable = a configuration cannot move to another organization

## Domain verification

# The domain named in the path of a verification is not a valid domain.
error-enterprise-domain_not_found = no such domain
# The domain to verify is not one of the SSO configuration's domains.
error-enterprise-domain_not_in_configuration = no such domain in this configuration
# The DNS TXT record proving a domain was not found; names the record and the value it must hold.
# Variables: $name, $value
error-enterprise-dns_record_not_found = no TXT record { $name } = { $value } was found
# The domain is already verified by another organization.
error-enterprise-domain_taken = another organization has verified this domain

## Domains an administrator enters

# A domain entered is empty.
error-enterprise-domain_empty = enter a domain, such as example.com
# A domain entered carries a URL scheme.
error-enterprise-domain_has_scheme = enter the domain only, without a scheme such as https://
# A domain entered is not ASCII (internationalised names must be in punycode).
error-enterprise-domain_not_ascii = internationalised domain names must be entered in their ASCII form (xn--...)
# A domain entered carries a path, query or fragment.
error-enterprise-domain_has_path = enter the domain only, without a path
# A domain entered carries a port.
error-enterprise-domain_has_port = enter the domain only, without a port
# An email address was entered where a domain is expected.
error-enterprise-domain_is_email = enter a domain, not an email address
# A domain entered is longer than 253 characters.
error-enterprise-domain_too_long = a domain is at most 253 characters long
# A domain entered has a single label (a top-level domain); names it, quoted.
# Variables: $domain
error-enterprise-domain_top_level = { $domain } is a top-level domain; enter a domain such as example.com
# A domain entered has an empty label.
error-enterprise-domain_empty_label = a domain cannot have empty labels (two dots in a row, or a leading dot)
# A label of a domain entered is longer than 63 characters; names the label, quoted.
# Variables: $label
error-enterprise-domain_label_too_long = the label { $label } is longer than 63 characters
# A label of a domain entered contains a character that is not a letter, digit or hyphen; names both, quoted.
# Variables: $label, $character
error-enterprise-domain_label_character = the label { $label } contains { $character }; only letters, digits and hyphens are allowed
# A label of a domain entered starts or ends with a hyphen; names the label, quoted.
# Variables: $label
error-enterprise-domain_label_hyphen = the label { $label } cannot start or end with a hyphen
# An IP address was entered where a domain is expected.
error-enterprise-domain_is_ip = enter a domain name, not an IP address

## SAML metadata and certificates

# The IdP metadata given is not a SAML EntityDescriptor; the parser's own words follow.
# Variables: $reason
error-enterprise-metadata_not_entity_descriptor = the IdP metadata is not a SAML EntityDescriptor: { $reason }
# The IdP metadata has no entityID.
error-enterprise-metadata_no_entity_id = the IdP metadata has no entityID
# The metadata has no IDPSSODescriptor.
error-enterprise-metadata_no_idp = the metadata describes no IdP (IDPSSODescriptor)
# The IdP metadata has no single sign-on service with the HTTP-Redirect binding.
error-enterprise-metadata_no_redirect_sso = the IdP offers no HTTP-Redirect single sign-on service
# The IdP metadata has no signing certificate.
error-enterprise-metadata_no_certificate = the IdP metadata has no signing certificate
# An IdP certificate given is neither PEM nor base64.
error-enterprise-certificate_encoding = a certificate is neither PEM nor base64 DER
# An IdP certificate given does not decode to an X.509 certificate.
error-enterprise-certificate_not_x509 = a certificate is not an X.509 certificate

## SAML sign-in and logout

# A posted SAML message is not base64.
error-enterprise-saml_not_base64 = SAMLResponse is not base64
# A posted SAML message does not decode to UTF-8 text.
error-enterprise-saml_not_utf8 = SAMLResponse is not UTF-8 XML
# A SAML response (or LogoutRequest) is malformed; the detail (often the SAML library's words) follows.
# Variables: $reason
error-enterprise-saml_malformed = the SAML response is malformed: { $reason }
# A SAML response is not signed by one of the IdP's certificates.
error-enterprise-saml_signature_invalid = the SAML response is not validly signed by the identity provider
# A SAML response (or LogoutRequest) is addressed to another service provider; the detail follows in parentheses.
# Variables: $reason
error-enterprise-saml_audience_mismatch = the SAML response is not for this service provider ({ $reason })
# A SAML response answers another request than this browser's sign-in; the detail follows in parentheses.
# Variables: $reason
error-enterprise-saml_in_response_to_mismatch = the SAML response does not answer this sign-in ({ $reason })
# An IdP-initiated SAML response arrived for a connection that does not allow them.
error-enterprise-saml_unsolicited = unsolicited (IdP-initiated) SAML responses are not allowed for this connection
# A SAML assertion (or LogoutRequest) is outside its validity period; the detail follows in parentheses.
# Variables: $reason
error-enterprise-saml_expired = the SAML assertion is expired or not yet valid ({ $reason })
# A SAML assertion was posted a second time.
error-enterprise-saml_replayed = the SAML assertion was already used
# A SAML response carries no assertion or more than one.
error-enterprise-saml_assertion_count = a SAML response must carry exactly one assertion
# A SAML response was refused for another reason; the detail (often the SAML library's words) follows.
# Variables: $reason
error-enterprise-saml_refused = the SAML response was refused: { $reason }
# The single logout endpoint was posted without a SAMLRequest.
error-enterprise-saml_request_required = SAMLRequest (a LogoutRequest) is required
# A SAML response names no enabled SAML configuration of this service.
error-enterprise-saml_unknown_service_provider = the SAML response is for no enabled SSO configuration
# A LogoutRequest is not signed by any configured IdP.
error-enterprise-logout_signature_invalid = the LogoutRequest is not validly signed by a configured identity provider
# A LogoutRequest was posted a second time.
error-enterprise-logout_replayed = this LogoutRequest was already used

## Starting and completing a sign-in

# No enabled single sign-on matches the email, organization or configuration given.
error-enterprise-sso_not_found = no single sign-on is set up for this
# Starting single sign-on names neither an email, an organization nor a configuration.
error-enterprise-sso_target_missing = give email, organization or configuration_id
# The redirect_uri given to start single sign-on is not allow-listed.
error-enterprise-redirect_uri_not_allowed = redirect_uri is not on the allow-list
# The identity provider's answer was posted from another browser than the one that started the sign-in.
error-enterprise-browser_mismatch = this sign-in was started in another browser
# The OIDC callback's state names no sign-in under way.
error-enterprise-unknown_state = no sign-in under way for this state
# The OIDC provider answered the callback with an error; names its error code.
# Variables: $error
error-enterprise-provider_error = the identity provider answered { $error }
# The OIDC provider's address (or one it names) is refused by the outbound guard during a sign-in.
error-enterprise-oidc_provider_not_allowed = the identity provider's address is not allowed
# The ID token's nonce is not the one of this browser's sign-in.
error-enterprise-oidc_nonce_mismatch = the ID token's nonce does not match this sign-in
# The identity provider sent no usable email address for the user signing in.
error-enterprise-email_missing = the identity provider sent no email address for this user
# The email of a first sign-in is outside the organization's verified domains.
error-enterprise-domain_not_verified = the user's email domain is not a verified domain of this organization

## SCIM tokens

# No SCIM token of this organization has this id.
error-enterprise-scim_token_not_found = no such SCIM token
