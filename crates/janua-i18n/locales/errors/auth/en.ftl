### Error messages of auth, en.

# The account a privacy mail is for no longer exists (internal API).
error-auth-account_not_found = no such account
# An account claim after SSO: the account's current address is not the one the identity provider proved.
error-auth-address_not_proven = the account's address is not the proven one
# Backup codes were asked for while TOTP is not enabled.
error-auth-backup_codes_need_totp = enable TOTP before making backup codes
# A passkey ceremony (registration or sign-in) is unknown, expired or already used.
error-auth-ceremony_gone = this ceremony is unknown, expired or already completed; begin again
# A TOTP or backup code given to enable or use MFA is wrong.
error-auth-code_incorrect = the code is incorrect
# The credential sent for a passkey ceremony is not a WebAuthn credential; the reason is the parser's own (English) explanation.
# Variables: $reason
error-auth-credential_malformed = not a WebAuthn credential: { $reason }
# The authenticator's answer to a passkey registration was refused.
error-auth-credential_refused = the authenticator's answer was not accepted
# Turning TOTP off without giving a code or the password.
error-auth-disable_proof_required = give a current code or the password
# Sign-up with an email address that already has an account.
error-auth-email_taken = this email is already registered
# The email hint of a passkey sign-in is longer than an address can be.
error-auth-email_too_long = email is too long
# Unlinking a provider account would leave the account no way to sign in.
error-auth-last_linked_account = this linked account is the account's last way to sign in; set a password or add another method first
# Deleting a passkey would leave the account no way to sign in.
error-auth-last_passkey = this passkey is the account's last way to sign in; set a password or add another method first
# Unlinking a provider the account is not linked to.
error-auth-linked_account_not_found = no such linked account
# An OAuth callback whose state is unknown, expired, used or bound to another browser.
error-auth-oauth_state_invalid = this sign-in is unknown, expired, already used or from another browser; start again
# Registering a passkey when the account already holds the most it may (checked at completion).
# Variables: $max
error-auth-passkey_limit = an account holds at most { $max } passkeys
# Starting a passkey registration when the account already holds the most it may.
# Variables: $max
error-auth-passkey_limit_reached = an account holds at most { $max } passkeys; delete one first
# A passkey's name is empty, too long or has control characters.
# Variables: $max
error-auth-passkey_name_invalid = name must be 1 to { $max } printable characters
# A passkey sign-in whose assertion is refused.
error-auth-passkey_not_accepted = the passkey was not accepted
# Registering a passkey that is already registered.
error-auth-passkey_taken = this passkey is registered already
# A privacy mail of an unknown kind (internal API).
error-auth-privacy_mail_kind_invalid = kind must be export_ready or deletion_scheduled
# An account claim proven by anything but SSO (internal API).
error-auth-proven_by_invalid = proven_by is sso
# OAuth sign-in with a verified email of an account whose own address is unverified: it must link the provider itself.
# Variables: $provider
error-auth-provider_account_exists = an account with this email exists; sign in to it and link { $provider } from there
# Linking a provider when an account of it is linked already.
# Variables: $provider
error-auth-provider_already_linked = a { $provider } account is linked already; unlink it first
# The sign-in provider's token or identity was refused (bad ID token, nonce, or error answer).
error-auth-provider_answer_refused = the sign-in provider's answer was not accepted
# The sign-in provider answered the callback with an error (the user refused, or it did).
error-auth-provider_denied = the sign-in provider did not grant access
# OAuth sign-in without a provider account link and without a verified email.
error-auth-provider_email_unverified = the provider did not confirm an email address for this account; sign in another way and link it from there
# Linking a provider account that is linked to another user.
# Variables: $provider
error-auth-provider_linked_elsewhere = this { $provider } account is linked to another user
# An OAuth route names a sign-in provider that is not configured.
error-auth-provider_not_found = no such sign-in provider
# OAuth sign-in of an unknown email while sign-up through providers is off.
error-auth-provider_signup_closed = sign-up with this provider is closed
# OAuth sign-up raced with another creation of an account for the same email.
error-auth-provider_signup_race = an account with this email was just created; try again
# Reauthentication without a password or an authenticator code.
error-auth-reauth_proof_required = give the password or a current authenticator code
# An OAuth start names a redirect_uri outside the allow-list.
error-auth-redirect_uri_not_allowed = redirect_uri is not on the allow-list
# A compliance report sent for signing is not a JSON object (internal API).
error-auth-report_not_object = the report must be a JSON object
# A sign-in completed by another service names a method other than SAML or OIDC SSO (internal API).
error-auth-sso_method_invalid = method is sso:saml or sso:oidc
# Starting TOTP enrolment when TOTP is on already.
error-auth-totp_already_enabled = TOTP is already enabled; disable it first
# Turning TOTP off when it is not on.
error-auth-totp_not_enabled = TOTP is not enabled
# A sign-in completed by another service names a user that does not exist (internal API).
error-auth-user_not_found = no such user
