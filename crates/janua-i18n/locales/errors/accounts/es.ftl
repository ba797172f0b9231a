### Error messages of accounts, es.

## Users and profiles
error-accounts-no_such_user = ese usuario no existe
error-accounts-id_taken = este id pertenece a otro usuario
error-accounts-email_taken = este email ya está registrado
error-accounts-address_changed = la dirección cambió después de enviar la verificación
error-accounts-reason_too_long = reason admite como máximo 500 caracteres
error-accounts-status_invalid = status debe ser active o suspended
error-accounts-avatar_url_invalid = avatar_url debe ser una URL http(s)
error-accounts-metadata_not_object = metadata debe ser un objeto JSON
error-accounts-metadata_too_large = metadata debe ocupar como máximo 16 KiB

## Platform administration
error-accounts-platform_admins_only = solo para administradores de la plataforma
error-accounts-search_too_long = la búsqueda admite como máximo 254 caracteres
error-accounts-suspend_self = no puedes suspender ni reactivar tu propia cuenta
error-accounts-delete_self = elimina tu propia cuenta con DELETE /api/v1/users/{"{"}id{"}"}

## Localization (overrides and translation keys)
error-accounts-namespace_length = namespace debe tener entre 1 y 64 caracteres
error-accounts-messages_count = indica entre 1 y { $max } mensajes
error-accounts-no_such_override = esa personalización no existe
error-accounts-key_invalid = key debe tener al menos dos segmentos separados por puntos, con a-z, 0-9 y _, y como máximo 128 caracteres
error-accounts-namespace_mismatch = namespace debe ser el primer segmento de la clave
error-accounts-description_too_long = description admite como máximo 500 caracteres
error-accounts-variables_invalid = variables admite hasta 20 nombres de letras, dígitos, _ y - (sin $)
error-accounts-key_builtin = ya existe una clave integrada con este nombre
error-accounts-key_exists = esta clave ya existe

## Organizations
error-accounts-organization_name_length = name debe tener entre 1 y { $max } caracteres imprimibles
error-accounts-slug_invalid = slug debe tener entre 3 y 63 letras minúsculas, dígitos o guiones no consecutivos
error-accounts-organization_metadata_invalid = metadata debe ser un objeto JSON de como máximo { $max } bytes
error-accounts-logo_url_invalid = logo_url debe ser una URL https
error-accounts-slug_taken = este slug ya está en uso
error-accounts-slug_from_name = no se pudo generar un slug a partir del nombre; indica uno

## Members
error-accounts-role_invalid = role debe ser owner, admin o member
error-accounts-no_such_member = ese miembro no existe
error-accounts-already_member = este usuario ya es miembro
error-accounts-last_owner = una organización conserva al menos un owner; nombra antes a otro owner
error-accounts-owner_not_provisioned = no se pueden aprovisionar owners; nómbralos en la organización
error-accounts-provisioned_role_invalid = role debe ser admin o member
error-accounts-membership_changed = la membresía cambió mientras tanto; inténtalo de nuevo

## Invitations
error-accounts-no_such_invitation = esa invitación no existe
error-accounts-invitation_expired = esta invitación ha caducado; pide una nueva
error-accounts-invitation_used = esta invitación ya se ha usado
error-accounts-invitation_revoked = esta invitación fue revocada
error-accounts-invitation_not_open = esta invitación no está abierta
error-accounts-address_is_member = esta dirección ya pertenece a un miembro
error-accounts-address_invited = esta dirección tiene una invitación pendiente; reenvíala en su lugar
error-accounts-invitation_other_address = esta invitación es para otra dirección de email
error-accounts-invitation_unverified = verifica tu dirección de email antes de aceptar una invitación
error-accounts-you_are_member = ya eres miembro
error-accounts-invitation_send_limit = una invitación se envía como máximo { $max } veces

## Roles and policies
error-accounts-no_such_role = ese rol no existe
error-accounts-builtin_role_read_only = los roles integrados son de solo lectura
error-accounts-role_name_taken = ya existe aquí un rol con este nombre
error-accounts-role_name_invalid = name debe tener entre 1 y 128 caracteres, sin caracteres de control
error-accounts-role_name_builtin = ese nombre pertenece a un rol integrado
error-accounts-role_permissions_empty = un rol debe tener al menos un permiso
error-accounts-permissions_unknown = permisos desconocidos; consulta GET /api/v1/rbac/permissions
error-accounts-permissions_built_in_only = estos permisos solo vienen con los roles integrados admin y owner
error-accounts-permissions_beyond_own = un rol solo puede tener permisos que tú mismo tengas
error-accounts-own_grants = un permiso obtenido mediante un rol personalizado nunca cambia tus propios roles
error-accounts-role_held = este usuario ya tiene el rol
error-accounts-role_not_held = este usuario no tiene el rol
error-accounts-role_moved = un rol permanece donde se creó
error-accounts-builtin_role_assign = los roles integrados vienen con la membresía; cambia en su lugar el rol del miembro
error-accounts-role_other_organization = el rol pertenece a otra organización
error-accounts-role_user_not_member = este usuario no es miembro de la organización del rol
error-accounts-holders_not_members = todos los titulares deben ser miembros de la organización; no se cambió nada
error-accounts-platform_roles_admins_only = los roles de toda la plataforma son solo para administradores de la plataforma
error-accounts-platform_policies_admins_only = las políticas de toda la plataforma son solo para administradores de la plataforma
error-accounts-platform_wide_admins_only = { $what } de toda la plataforma: solo para administradores de la plataforma
error-accounts-no_such_policy = esa política no existe
error-accounts-effect_invalid = effect debe ser allow o deny
error-accounts-conditions_invalid = conditions no es válido: { $reason }
error-accounts-policy_moved = una política permanece en su organización
