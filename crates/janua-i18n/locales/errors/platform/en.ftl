### Error messages of platform, en.

## Requests in general (gateway and every service)

# The path matches no route of the API.
error-platform-no_such_route = no such route
# The route exists but not for this HTTP method.
# Variables: $method
error-platform-method_not_allowed_here = { $method } is not allowed here
# The HTTP method is not one the gateway can forward.
error-platform-method_not_supported = method not supported
# A request with a body that is not JSON (or a form where a form is accepted).
error-platform-json_body_expected = expected a JSON body with Content-Type: application/json
# The request body is larger than the gateway accepts.
# Variables: $limit
error-platform-body_larger_than = request body is larger than { $limit } bytes
# A service refuses a JSON body that is larger than it accepts.
error-platform-body_too_large = request body is too large
# The request body could not be read to the end.
error-platform-body_unreadable = the request body could not be read
# The JSON body does not parse or does not fit the operation; $reason is the parser's own words.
# Variables: $reason
error-platform-json_invalid = invalid JSON body: { $reason }
# The query string does not fit the operation; $reason is the parser's own words.
# Variables: $reason
error-platform-query_invalid = invalid query string: { $reason }
# A JSON string or key, a query parameter or the path holds a NUL character, which cannot be stored.
# Variables: $field
error-platform-field_contains_nul = { $field } may not contain NUL characters (\u0000)
# A JSON number is too large to be stored as given.
# Variables: $field
error-platform-number_too_large = { $field } is a number too large to store (at most 1e300 in magnitude)
# Text with a NUL character reached the database (when no field could be named).
error-platform-text_contains_nul = text may not contain NUL characters (\u0000)
# A unique value (a name, a slug, an address) is taken already.
error-platform-already_exists = a resource with these values already exists
# A description is longer than allowed.
# Variables: $max
error-platform-description_too_long = description is at most { $max } characters
# The page size asked for is out of range.
error-platform-limit_range = limit must be between 1 and 100
# The pagination cursor was not given by a previous page.
error-platform-cursor_invalid = cursor is not valid
# The readiness check: some dependency is down.
error-platform-not_ready = not ready

## Real-time connection (WebSocket)

# The query string of the WebSocket connection cannot be read.
error-platform-query_malformed = the query string is malformed
# The request to the WebSocket endpoint is not a valid upgrade; $reason says why.
# Variables: $reason
error-platform-not_websocket_handshake = not a WebSocket handshake: { $reason }

## Webhooks

# No webhook with this id that the caller may see.
error-platform-no_such_webhook = no such webhook
# No delivery with this id for the webhook.
error-platform-no_such_delivery = no such delivery
# Testing or redelivering to a disabled webhook.
error-platform-webhook_disabled = the webhook is disabled; enable it first
# Redelivering while an attempt of that delivery is under way.
error-platform-delivery_in_progress = this delivery is being attempted right now
# Someone who is not a platform admin creates a webhook without an organization.
error-platform-webhook_organization_required = webhooks without an organization receive every event and are for platform admins; give an organization_id
# A webhook must subscribe to at least one and at most $max entries.
# Variables: $max
error-platform-events_count = events must list 1 to { $max } event types or patterns
# A subscription entry is neither an event type nor a pattern.
# Variables: $entry
error-platform-event_pattern_invalid = '{ $entry }' is not an event type (`user.created`), a pattern (`user.*`) or `*`
# A subscription entry selects no event type Janua publishes.
# Variables: $entry
error-platform-event_pattern_unknown = '{ $entry }' matches no event type Janua publishes
# A webhook URL is longer than allowed.
# Variables: $max
error-platform-url_too_long = url is at most { $max } characters
# A webhook URL does not parse as an absolute URL.
error-platform-url_not_absolute = url must be an absolute http or https URL
# A webhook URL with a scheme other than http or https.
error-platform-url_scheme = url must use http or https
# A webhook URL with credentials in it.
error-platform-url_credentials = url must not carry a user name or password
# A webhook URL without a host.
error-platform-url_no_host = url must name a host
# A webhook URL with a #fragment.
error-platform-url_fragment = url must not have a fragment
# The host of a webhook URL does not resolve.
error-platform-url_unresolved = url's host does not resolve
# The host of a webhook URL resolves to an address deliveries may not reach.
# Variables: $address
error-platform-url_refused_address = url resolves to { $address }, a loopback, private, link-local or reserved address

## Audit log

# The event type filter is not an event type or family.
error-platform-log_type_invalid = type must be an event type such as user.created, or a family such as user.*
# The outcome filter is neither success nor failure.
error-platform-outcome_invalid = outcome must be success or failure
# The time range ends before it starts.
error-platform-range_invalid = to must be after from
# An audit log export in a format other than csv or jsonl.
error-platform-log_format_invalid = format must be csv or jsonl
# The gateway asked to record an event type it does not record.
error-platform-event_not_recorded = not an event type the gateway records

## Compliance reports

# The control status filter is not a known status.
error-platform-control_status_invalid = status must be passing, failing, not_applicable or manual
# The framework is not one Janua reports on.
error-platform-framework_invalid = framework must be one of soc2, iso27001, gdpr, hipaa
# No report with this id that the caller may see.
error-platform-no_such_report = no such report
# A report download in a format other than json or csv.
error-platform-report_format_invalid = format must be json or csv
# Downloading a report that is not completed; $status is its status (a code such as pending or failed).
# Variables: $status
error-platform-report_not_completed = the report is { $status }, not completed
# The organization of a report was deleted before the report was made.
error-platform-organization_gone = the organization no longer exists
# Too many reports or exports of the caller wait to be made; $what is reports or exports.
# Variables: $max, $what
error-platform-too_many_pending = { $max } of your { $what } are still being prepared; wait for them

## Data-subject requests, exports and erasure

# No data-subject request with this id that the caller may see.
error-platform-no_such_request = no such request
# The request type is not a known one.
error-platform-request_type_invalid = type must be access, portability, erasure, rectification, restriction or objection
# The status filter of data-subject requests is not a known status.
error-platform-request_status_filter_invalid = status must be received, in_progress, completed, rejected or cancelled
# A data-subject request is moved to a status it cannot be moved to.
error-platform-request_next_status_invalid = status must be in_progress, completed, rejected or cancelled
# The subject is named both by id and by address.
error-platform-subject_both_given = give subject_id or subject_email, not both
# No account has the subject id given.
error-platform-no_account_with_id = no account has this id
# No account has the subject address given.
error-platform-no_account_with_address = no account has this address
# The request is closed; $status is its status (a code such as completed or rejected).
# Variables: $status
error-platform-request_status = the request is { $status }
# The request named is about someone else than the subject named.
error-platform-request_other_subject = the request is about another subject
# A data export is tied to a request that is neither an access nor a portability request.
error-platform-export_request_kind = an export fulfils an access or portability request
# An erasure is tied to a request that is not an erasure request.
error-platform-erasure_request_kind = an erasure fulfils an erasure request
# A reason is longer than allowed.
# Variables: $max
error-platform-reason_too_long = a reason is at most { $max } characters
# A change of a request gives neither a status nor an extension.
error-platform-status_or_extension_needed = give a status or an extension
# An extension of the due date is not 1 or 2 months.
error-platform-extension_months = an extension is 1 or 2 months
# An extension of the due date without a reason.
error-platform-extension_reason_needed = an extension needs a reason
# The due date of the request was extended before (once only).
error-platform-request_extended_already = the request was extended already
# A request cannot move from its status to the one asked for; both are status codes.
# Variables: $current, $status
error-platform-request_transition = a request that is { $current } cannot become { $status }
# Rejecting a request without a reason.
error-platform-rejection_reason_needed = a rejection needs a reason
# No data export with this id that the caller may see.
error-platform-no_such_export = no such export
# Downloading an export whose link is wrong, used or expired.
error-platform-export_link_gone = no such export, or its link was used or has expired
# An export is asked for an account whose address is not verified.
error-platform-export_email_unverified = the account's email address is not verified: the export's link is mailed only to a verified address
# The account was deleted while its export was being made.
error-platform-account_gone = the account no longer exists
# The account has no verified address to mail the export's link to.
error-platform-no_verified_address = the account has no verified email address to send the link to
# No erasure with this id that the caller may see.
error-platform-no_such_erasure = no such erasure
# Cancelling an erasure anonymously without the token of the mailed link.
error-platform-token_needed = give the token of the mailed link
# Scheduling the erasure of an account whose erasure is scheduled already.
error-platform-erasure_scheduled_already = the erasure of this account is scheduled already
# Cancelling an erasure that is no longer scheduled; $status is its status (a code such as cancelled or completed).
# Variables: $status
error-platform-erasure_status = the erasure is { $status }
# Cancelling an erasure that has started.
error-platform-erasure_begun = the erasure has begun; it can no longer be cancelled
