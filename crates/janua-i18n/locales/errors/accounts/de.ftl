### Error messages of accounts, de.

## Users and profiles
error-accounts-no_such_user = Benutzer nicht gefunden
error-accounts-id_taken = diese id gehört einem anderen Benutzer
error-accounts-email_taken = diese E-Mail-Adresse ist bereits registriert
error-accounts-address_changed = die Adresse hat sich geändert, seit die Bestätigung gesendet wurde
error-accounts-reason_too_long = reason darf höchstens 500 Zeichen lang sein
error-accounts-status_invalid = status muss active oder suspended sein
error-accounts-avatar_url_invalid = avatar_url muss eine http(s)-URL sein
error-accounts-metadata_not_object = metadata muss ein JSON-Objekt sein
error-accounts-metadata_too_large = metadata darf höchstens 16 KiB groß sein

## Platform administration
error-accounts-platform_admins_only = nur für Plattform-Administratoren
error-accounts-search_too_long = die Suche darf höchstens 254 Zeichen lang sein
error-accounts-suspend_self = Sie können Ihr eigenes Konto nicht sperren oder entsperren
error-accounts-delete_self = löschen Sie Ihr eigenes Konto mit DELETE /api/v1/users/{"{"}id{"}"}

## Localization (overrides and translation keys)
error-accounts-namespace_length = namespace muss 1 bis 64 Zeichen lang sein
error-accounts-messages_count = geben Sie 1 bis { $max } Nachrichten an
error-accounts-no_such_override = Überschreibung nicht gefunden
error-accounts-key_invalid = key muss aus mindestens zwei durch Punkte getrennten Segmenten aus a-z, 0-9 und _ bestehen, höchstens 128 Zeichen
error-accounts-namespace_mismatch = namespace muss das erste Segment des Schlüssels sein
error-accounts-description_too_long = description darf höchstens 500 Zeichen lang sein
error-accounts-variables_invalid = variables sind bis zu 20 Namen aus Buchstaben, Ziffern, _ und - (ohne $)
error-accounts-key_builtin = ein eingebauter Schlüssel hat bereits diesen Namen
error-accounts-key_exists = dieser Schlüssel existiert bereits

## Organizations
error-accounts-organization_name_length = name muss 1 bis { $max } druckbare Zeichen lang sein
error-accounts-slug_invalid = slug muss aus 3 bis 63 Kleinbuchstaben, Ziffern oder einzelnen Bindestrichen bestehen
error-accounts-organization_metadata_invalid = metadata muss ein JSON-Objekt mit höchstens { $max } Bytes sein
error-accounts-logo_url_invalid = logo_url muss eine https-URL sein
error-accounts-slug_taken = dieser slug ist bereits vergeben
error-accounts-slug_from_name = aus dem Namen ließ sich kein slug bilden; geben Sie einen an

## Members
error-accounts-role_invalid = role muss owner, admin oder member sein
error-accounts-no_such_member = Mitglied nicht gefunden
error-accounts-already_member = dieser Benutzer ist bereits Mitglied
error-accounts-last_owner = eine Organisation behält mindestens einen owner; ernennen Sie zuerst einen weiteren owner
error-accounts-owner_not_provisioned = owner können nicht bereitgestellt werden; ernennen Sie sie in der Organisation
error-accounts-provisioned_role_invalid = role muss admin oder member sein
error-accounts-membership_changed = die Mitgliedschaft hat sich inzwischen geändert; versuchen Sie es erneut

## Invitations
error-accounts-no_such_invitation = Einladung nicht gefunden
error-accounts-invitation_expired = diese Einladung ist abgelaufen; fordern Sie eine neue an
error-accounts-invitation_used = diese Einladung wurde bereits verwendet
error-accounts-invitation_revoked = diese Einladung wurde widerrufen
error-accounts-invitation_not_open = diese Einladung ist nicht offen
error-accounts-address_is_member = diese Adresse gehört bereits einem Mitglied
error-accounts-address_invited = für diese Adresse gibt es eine offene Einladung; senden Sie diese stattdessen erneut
error-accounts-invitation_other_address = diese Einladung gilt für eine andere E-Mail-Adresse
error-accounts-invitation_unverified = bestätigen Sie Ihre E-Mail-Adresse, bevor Sie eine Einladung annehmen
error-accounts-you_are_member = Sie sind bereits Mitglied
error-accounts-invitation_send_limit = eine Einladung wird höchstens { $max }-mal gesendet

## Roles and policies
error-accounts-no_such_role = Rolle nicht gefunden
error-accounts-builtin_role_read_only = eingebaute Rollen sind schreibgeschützt
error-accounts-role_name_taken = hier gibt es bereits eine Rolle mit diesem Namen
error-accounts-role_name_invalid = name muss 1 bis 128 Zeichen lang sein, ohne Steuerzeichen
error-accounts-role_name_builtin = dieser Name gehört einer eingebauten Rolle
error-accounts-role_permissions_empty = eine Rolle enthält mindestens eine Berechtigung
error-accounts-permissions_unknown = unbekannte Berechtigungen; siehe GET /api/v1/rbac/permissions
error-accounts-permissions_built_in_only = diese Berechtigungen gibt es nur mit den eingebauten Rollen admin und owner
error-accounts-permissions_beyond_own = eine Rolle kann nur Berechtigungen enthalten, die Sie selbst besitzen
error-accounts-own_grants = eine über eine benutzerdefinierte Rolle erhaltene Berechtigung ändert nie Ihre eigenen Rollen
error-accounts-role_held = dieser Benutzer hat die Rolle bereits
error-accounts-role_not_held = dieser Benutzer hat die Rolle nicht
error-accounts-role_moved = eine Rolle bleibt dort, wo sie erstellt wurde
error-accounts-builtin_role_assign = eingebaute Rollen ergeben sich aus der Mitgliedschaft; ändern Sie stattdessen die Rolle des Mitglieds
error-accounts-role_other_organization = die Rolle gehört zu einer anderen Organisation
error-accounts-role_user_not_member = dieser Benutzer ist kein Mitglied der Organisation der Rolle
error-accounts-holders_not_members = jeder Inhaber muss Mitglied der Organisation sein; nichts wurde geändert
error-accounts-platform_roles_admins_only = plattformweite Rollen sind Plattform-Administratoren vorbehalten
error-accounts-platform_policies_admins_only = plattformweite Richtlinien sind Plattform-Administratoren vorbehalten
error-accounts-platform_wide_admins_only = plattformweite { $what } sind Plattform-Administratoren vorbehalten
error-accounts-no_such_policy = Richtlinie nicht gefunden
error-accounts-effect_invalid = effect muss allow oder deny sein
error-accounts-conditions_invalid = conditions ist ungültig: { $reason }
error-accounts-policy_moved = eine Richtlinie bleibt in ihrer Organisation
