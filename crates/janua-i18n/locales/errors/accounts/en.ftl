### Error messages of accounts, en.

## Users and profiles
# A user does not exist (or is not visible to the caller).
error-accounts-no_such_user = no such user
# Creating a user with an id that already belongs to a user with another email.
error-accounts-id_taken = this id belongs to another user
# An email address is already used by another account.
error-accounts-email_taken = this email is already registered
# Verifying an address that is no longer the user's address (it changed after the verification mail was sent).
error-accounts-address_changed = the address changed since the proof was sent
# The reason given for a change is longer than 500 characters.
error-accounts-reason_too_long = reason is at most 500 characters
# A user status other than active or suspended was given.
error-accounts-status_invalid = status must be active or suspended
# A profile's avatar_url is not an http or https URL.
error-accounts-avatar_url_invalid = avatar_url must be an http(s) URL
# A profile's metadata is not a JSON object.
error-accounts-metadata_not_object = metadata must be a JSON object
# A profile's metadata is larger than 16 KiB.
error-accounts-metadata_too_large = metadata must be at most 16 KiB

## Platform administration
# An action only platform admins may take was attempted by someone else.
error-accounts-platform_admins_only = platform admins only
# The search text of the user list (q) is longer than 254 characters.
error-accounts-search_too_long = search is at most 254 characters
# An admin tried to suspend or unsuspend their own account.
error-accounts-suspend_self = you cannot suspend or unsuspend yourself
# An admin tried to force-delete their own account through the admin endpoint.
error-accounts-delete_self = delete your own account with DELETE /api/v1/users/{"{"}id{"}"}

## Localization (overrides and translation keys)
# A namespace filter is empty or longer than 64 characters.
error-accounts-namespace_length = namespace is 1 to 64 characters
# A write of translations holds no message or more than the limit.
# Variables: $max
error-accounts-messages_count = give 1 to { $max } messages
# Deleting a translation override that does not exist.
error-accounts-no_such_override = no such override
# A new translation key is not made of valid dot-separated segments.
error-accounts-key_invalid = key is at least two dot-separated segments of a-z, 0-9 and _, at most 128 characters
# The namespace given for a new key is not the key's first segment.
error-accounts-namespace_mismatch = namespace is the key's first segment
# A translation key's description is longer than 500 characters.
error-accounts-description_too_long = description is at most 500 characters
# A new key's variables are too many or not valid names.
error-accounts-variables_invalid = variables are up to 20 names of letters, digits, _ and - (without $)
# A new translation key has the name of a built-in key.
error-accounts-key_builtin = a built-in key has this name
# A new translation key already exists.
error-accounts-key_exists = this key exists already

## Organizations
# An organization name is empty, too long or has control characters.
# Variables: $max
error-accounts-organization_name_length = name must be 1 to { $max } printable characters
# An organization slug has the wrong form.
error-accounts-slug_invalid = slug must be 3 to 63 lower-case letters, digits or single hyphens
# An organization's metadata is not a JSON object or is too large.
# Variables: $max
error-accounts-organization_metadata_invalid = metadata must be a JSON object of at most { $max } bytes
# An organization's logo_url is not an https URL.
error-accounts-logo_url_invalid = logo_url must be an https URL
# Another organization already has this slug.
error-accounts-slug_taken = this slug is taken
# No slug was given and none could be made from the organization's name.
error-accounts-slug_from_name = could not make a slug from the name; give one

## Members
# A member or invitation role other than owner, admin or member was given.
error-accounts-role_invalid = role must be owner, admin or member
# A membership does not exist.
error-accounts-no_such_member = no such member
# Adding a user who is already a member of the organization.
error-accounts-already_member = this user is a member already
# The last owner of an organization would leave or lose the owner role.
error-accounts-last_owner = an organization keeps at least one owner; make another owner first
# Provisioning (the internal API) asked to make a member an owner.
error-accounts-owner_not_provisioned = owners cannot be provisioned; make one in the organization
# Provisioning gave a role other than admin or member.
error-accounts-provisioned_role_invalid = role must be admin or member
# A membership changed while it was being provisioned; the call may be retried.
error-accounts-membership_changed = the membership changed meanwhile; try again

## Invitations
# An invitation does not exist (or is not visible to the caller).
error-accounts-no_such_invitation = no such invitation
# An invitation is no longer open: it has expired.
error-accounts-invitation_expired = this invitation has expired; ask for a new one
# An invitation is no longer open: it was accepted already.
error-accounts-invitation_used = this invitation has been used already
# An invitation is no longer open: it was revoked.
error-accounts-invitation_revoked = this invitation was revoked
# An invitation is no longer open, for another reason.
error-accounts-invitation_not_open = this invitation is not open
# Inviting an address that belongs to a member of the organization.
error-accounts-address_is_member = this address belongs to a member already
# Inviting an address that already has a pending invitation.
error-accounts-address_invited = this address has a pending invitation; resend it instead
# Accepting an invitation sent to another email address than the caller's.
error-accounts-invitation_other_address = this invitation is for another email address
# Accepting an invitation before the caller's email address is verified.
error-accounts-invitation_unverified = verify your email address before accepting an invitation
# Accepting an invitation to an organization the caller is a member of already.
error-accounts-you_are_member = you are a member already
# Resending an invitation that has been sent the maximum number of times.
# Variables: $max
error-accounts-invitation_send_limit = an invitation is sent at most { $max } times

## Roles and policies
# A role does not exist (or is not visible to the caller).
error-accounts-no_such_role = no such role
# Changing or deleting a built-in role.
error-accounts-builtin_role_read_only = built-in roles are read-only
# Another role where this one belongs already has its name.
error-accounts-role_name_taken = a role with this name exists here
# A custom role's name is empty, too long or has control characters.
error-accounts-role_name_invalid = name is 1 to 128 characters, without control characters
# A custom role would take the name of a built-in role.
error-accounts-role_name_builtin = that name belongs to a built-in role
# A custom role was given no permission.
error-accounts-role_permissions_empty = a role holds at least one permission
# A custom role names permissions that do not exist (details.unknown lists them).
error-accounts-permissions_unknown = unknown permissions; see GET /api/v1/rbac/permissions
# A custom role names permissions only the built-in admin and owner roles carry.
error-accounts-permissions_built_in_only = these permissions come with the built-in admin and owner roles only
# A custom role would carry permissions the caller does not hold.
error-accounts-permissions_beyond_own = a role can carry only permissions you hold yourself
# The caller would change a role they hold, with authority that comes from a custom role.
error-accounts-own_grants = a permission held through a custom role never changes your own roles
# Assigning a role to a user who holds it already.
error-accounts-role_held = this user holds the role already
# Removing a role from a user who does not hold it.
error-accounts-role_not_held = this user does not hold the role
# Changing a role would move it to another organization.
error-accounts-role_moved = a role stays where it was made
# Assigning a built-in role directly (it comes with membership).
error-accounts-builtin_role_assign = built-in roles come with membership; change the member's role instead
# The organization named in an assignment is not the role's.
error-accounts-role_other_organization = the role belongs to another organization
# Assigning an organization's role to a user who is not a member of it.
error-accounts-role_user_not_member = this user is not a member of the role's organization
# Setting a role's holders that include non-members of the organization (details.not_members lists them).
error-accounts-holders_not_members = every holder must be a member of the organization; nothing changed
# Managing platform-wide roles without being a platform admin.
error-accounts-platform_roles_admins_only = platform-wide roles are for platform admins
# Managing platform-wide policies without being a platform admin.
error-accounts-platform_policies_admins_only = platform-wide policies are for platform admins
# Managing other platform-wide things without being a platform admin; $what names them (in English).
# Variables: $what
error-accounts-platform_wide_admins_only = platform-wide { $what } are for platform admins
# A policy does not exist (or is not visible to the caller).
error-accounts-no_such_policy = no such policy
# A policy's effect is neither allow nor deny.
error-accounts-effect_invalid = effect must be allow or deny
# A policy's conditions cannot be read; $reason is the parser's explanation (in English).
# Variables: $reason
error-accounts-conditions_invalid = conditions: { $reason }
# Changing a policy would move it to another organization.
error-accounts-policy_moved = a policy stays in its organization
