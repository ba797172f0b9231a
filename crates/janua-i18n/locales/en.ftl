### Janua's built-in messages, English: the reference catalogue. Every key Janua ships is
### defined here first. A key is the message id with its dots written as dashes
### (`email.verify.subject` is `email-verify-subject`); segments use `_`, never `-`.
### The comment above a message is the key's description; a line `Variables: $a, $b` in it
### declares what the message may use (a translation or an override may use no others).

## Durations (used inside other messages)

# A number of minutes.
# Variables: $count
time-minutes = { $count ->
    [one] one minute
   *[other] { $count } minutes
    }
# A number of hours.
# Variables: $count
time-hours = { $count ->
    [one] one hour
   *[other] { $count } hours
    }
# A number of days.
# Variables: $count
time-days = { $count ->
    [one] one day
   *[other] { $count } days
    }

## Parts every email has

# Opening line of an email when the recipient's name is unknown.
email-common-greeting = Hello,
# Opening line of an email to a named recipient.
# Variables: $name
email-common-greeting_named = Hello { $name },
# Shown under a button, above the raw link.
email-common-link_fallback = If the button does not work, copy this link into your browser:
# Footer of every email.
# Variables: $product
email-common-footer = This message was sent by { $product }. Replies to it are not read.
# Footer of an email sent on behalf of an organization.
# Variables: $product, $organization
email-common-footer_organization = This message was sent by { $product } on behalf of { $organization }. Replies to it are not read.
# How long a one-time link works.
# Variables: $duration
email-common-link_expiry = The link is valid for { $duration } and can be used once.

## Email verification

# Subject of the email that confirms an address.
email-verify-subject = Confirm your email address
# Heading of the email that confirms an address.
email-verify-heading = Confirm your email address
# Body of the email that confirms an address.
email-verify-body = Please confirm that this email address belongs to you by opening the link below.
# Button of the email that confirms an address.
email-verify-action = Confirm email address
# Closing note of the email that confirms an address.
email-verify-ignore = If you did not create an account or change its address, ignore this message.

## Password reset link

# Subject of the password reset email.
email-reset-subject = Reset your password
# Heading of the password reset email.
email-reset-heading = Reset your password
# Body of the password reset email.
email-reset-body = Someone asked to reset the password of this account. To choose a new password, open the link below.
# Button of the password reset email.
email-reset-action = Choose a new password
# Closing note of the password reset email.
email-reset-ignore = If it was not you, ignore this message; your password stays as it is.

## Magic link

# Subject of the sign-in link email.
email-magic_link-subject = Your sign-in link
# Heading of the sign-in link email.
email-magic_link-heading = Sign in
# Body of the sign-in link email.
email-magic_link-body = Open the link below to sign in.
# Button of the sign-in link email.
email-magic_link-action = Sign in
# Closing note of the sign-in link email.
email-magic_link-ignore = If you did not ask for this link, ignore this message.

## Invitation to an organization

# Subject of an invitation email.
# Variables: $organization
email-invitation-subject = You are invited to join { $organization }
# Heading of an invitation email.
# Variables: $organization
email-invitation-heading = Join { $organization }
# Body of an invitation email with a known inviter.
# Variables: $inviter, $organization, $role
email-invitation-body = { $inviter } invited you to join { $organization } as { $role }.
# Body of an invitation email when the inviter is unknown.
# Variables: $organization, $role
email-invitation-body_anonymous = You are invited to join { $organization } as { $role }.
# Button of an invitation email.
email-invitation-action = Accept the invitation
# How to accept an invitation.
email-invitation-note = Sign in or sign up with this email address to accept it.
# How long an invitation is open.
# Variables: $duration
email-invitation-expiry = The invitation is valid for { $duration }.
# Closing note of an invitation email.
email-invitation-ignore = If you did not expect this invitation, ignore this message.

## Password changed

# Subject of the notice that the password was changed.
email-password_changed-subject = Your password was changed
# Heading of the notice that the password was changed.
email-password_changed-heading = Your password was changed
# Body of the notice that the password was changed.
# Variables: $when, $address
email-password_changed-body = The password of your account was changed on { $when } from { $address }. Every other session was signed out.
# Warning in the notice that the password was changed.
email-password_changed-warning = If this was not you, reset your password at once.
# Button of the notice that the password was changed.
email-password_changed-action = Reset my password

## Password reset done

# Subject of the notice that the password was reset.
email-password_reset-subject = Your password was reset
# Heading of the notice that the password was reset.
email-password_reset-heading = Your password was reset
# Body of the notice that the password was reset.
# Variables: $when, $address
email-password_reset-body = The password of your account was reset on { $when } from { $address }, and every session was signed out.
# Introduces the list of ways to sign in after a reset.
email-password_reset-methods = Your account can now be signed in to with:
# A way to sign in: the new password.
email-password_reset-method_password = a password (the one just set)
# A way to sign in: passkeys.
# Variables: $count
email-password_reset-method_passkeys = { $count ->
    [one] one passkey
   *[other] { $count } passkeys
    }
# A way to sign in: linked accounts at sign-in providers.
# Variables: $count
email-password_reset-method_providers = { $count ->
    [one] one linked sign-in provider account
   *[other] { $count } linked sign-in provider accounts
    }
# Warning in the notice that the password was reset.
email-password_reset-warning = If you do not recognise one of these, sign in and remove it. If you did not reset your password, reset it again at once.
# Button of the notice that the password was reset.
email-password_reset-action = Reset my password

## Email address changed

# Subject of the notice sent to the old address after an address change.
email-email_changed-subject = Your email address was changed
# Heading of the notice sent to the old address after an address change.
email-email_changed-heading = Your email address was changed
# Body of the notice sent to the old address after an address change.
# Variables: $old_email, $new_email
email-email_changed-body = The email address of your account was changed from { $old_email } to { $new_email }.
# Warning in the notice sent to the old address after an address change.
email-email_changed-warning = Mail to this address no longer signs in to the account. If you did not make this change, contact your administrator at once.

## Data-subject request extended

# Subject of the email that says a data request needs more time.
email-request_extended-subject = Your data request: more time needed
# Heading of the email that says a data request needs more time.
email-request_extended-heading = Your data request needs more time
# Body of the email that says a data request needs more time.
# Variables: $request_type, $due
email-request_extended-body = Your { $request_type ->
    [access] access
    [portability] data portability
    [erasure] erasure
    [rectification] rectification
    [restriction] restriction
    [objection] objection
   *[other] data
    } request needs more time than the usual month. We will answer it by { $due }.
# Why a data request needs more time.
# Variables: $reason
email-request_extended-reason = Why: { $reason }
# The reference of a data request.
# Variables: $request_id
email-request_extended-reference = Request: { $request_id }

## Personal data export ready

# Subject of the email with the link to a personal data export.
email-export_ready-subject = Your personal data export
# Heading of the email with the link to a personal data export.
email-export_ready-heading = Your personal data export is ready
# Body of the email with the link to a personal data export.
email-export_ready-body = The copy of your personal data that was asked for is ready to download.
# Button of the email with the link to a personal data export.
email-export_ready-action = Download the archive
# How long the export link works.
# Variables: $until
email-export_ready-expiry = The link works once, until { $until }; then the archive is deleted.
# Closing note of the export email.
email-export_ready-ignore = If nobody you know asked for it, tell your administrator.

## Account deletion scheduled

# Subject of the email that announces the erasure of an account.
email-deletion_scheduled-subject = Your account is scheduled for deletion
# Heading of the email that announces the erasure of an account.
email-deletion_scheduled-heading = Your account is scheduled for deletion
# Body of the email that announces the erasure of an account.
# Variables: $until
email-deletion_scheduled-body = Your account was deactivated, and everything held about you will be erased on { $until }.
# How to keep an account scheduled for deletion.
email-deletion_scheduled-keep = To keep your account, cancel the deletion before then.
# Button of the email that announces the erasure of an account.
email-deletion_scheduled-action = Cancel the deletion
# Closing note of the email that announces the erasure of an account.
email-deletion_scheduled-ignore = If you asked for this, there is nothing to do.

## Error messages (the `message` of the error envelope; the `code` never changes)

# VALIDATION_ERROR, when nothing more precise is known.
error-validation_error = the request is not valid
# INVALID_CREDENTIALS.
error-invalid_credentials = email or password is incorrect
# UNAUTHORIZED.
error-unauthorized = authentication required
# FORBIDDEN.
error-forbidden = you are not allowed to do this
# ACCOUNT_SUSPENDED.
error-account_suspended = this account is suspended
# NOT_FOUND.
error-not_found = resource not found
# METHOD_NOT_ALLOWED.
error-method_not_allowed = this method is not allowed here
# CONFLICT.
error-conflict = the change conflicts with what exists
# PAYLOAD_TOO_LARGE.
error-payload_too_large = the request body is too large
# UNSUPPORTED_MEDIA_TYPE.
error-unsupported_media_type = the request body must be JSON
# RATE_LIMIT_EXCEEDED.
error-rate_limit_exceeded = too many requests; retry later
# INTERNAL_ERROR.
error-internal_error = internal error; quote the X-Request-Id header when reporting it
# SERVICE_UNAVAILABLE.
error-service_unavailable = a service is unavailable; retry later
# A required field is missing.
# Variables: $field
error-field-required = { $field } is required
# An email address is not valid.
error-email-invalid = email is not a valid address
# A password is too short.
# Variables: $field, $min
error-password-too_short = { $field } must be at least { $min } characters
# A password is too long.
# Variables: $field, $max
error-password-too_long = { $field } must be at most { $max } characters
# A password is on the list of common passwords.
# Variables: $field
error-password-too_common = { $field } is too common; choose another
# A new password equals the current one.
error-password-unchanged = new_password must differ from the current password
# The current password given is wrong.
error-password-current_incorrect = the current password is incorrect
# A password reset link is invalid.
error-link-reset_invalid = the reset link is invalid or has expired
# An email verification link is invalid.
error-link-verify_invalid = the verification link is invalid or has expired
# A name has the wrong length.
error-name-length = name must be 1 to 200 characters
# A locale is not a language tag.
error-locale-invalid = locale must be a BCP 47 language tag such as en or pt-BR
# An organization does not exist or is hidden from the caller.
error-organization-not_found = no such organization
# The caller's role in an organization does not allow an action.
error-organization-role_forbidden = your role in the organization does not allow this
# A translation is not valid Fluent.
# Variables: $key, $line, $column, $reason
error-translation-syntax = the message for { $key } is not valid at line { $line }, column { $column }: { $reason }
# A translation uses a variable its key does not declare.
# Variables: $key, $variable, $line, $column
error-translation-variable = the message for { $key } uses ${ $variable } at line { $line }, column { $column }, which the key does not declare
# A translation names a key that is not in the catalogue.
# Variables: $key
error-translation-unknown_key = { $key } is not a translation key
