### Error messages of accounts, pt-BR.

## Users and profiles
error-accounts-no_such_user = usuário não encontrado
error-accounts-id_taken = este id pertence a outro usuário
error-accounts-email_taken = este email já está cadastrado
error-accounts-address_changed = o endereço mudou desde que a verificação foi enviada
error-accounts-reason_too_long = reason deve ter no máximo 500 caracteres
error-accounts-status_invalid = status deve ser active ou suspended
error-accounts-avatar_url_invalid = avatar_url deve ser uma URL http(s)
error-accounts-metadata_not_object = metadata deve ser um objeto JSON
error-accounts-metadata_too_large = metadata deve ter no máximo 16 KiB

## Platform administration
error-accounts-platform_admins_only = somente para administradores da plataforma
error-accounts-search_too_long = a busca deve ter no máximo 254 caracteres
error-accounts-suspend_self = você não pode suspender nem reativar a si mesmo
error-accounts-delete_self = exclua sua própria conta com DELETE /api/v1/users/{"{"}id{"}"}

## Localization (overrides and translation keys)
error-accounts-namespace_length = namespace deve ter de 1 a 64 caracteres
error-accounts-messages_count = informe de 1 a { $max } mensagens
error-accounts-no_such_override = personalização não encontrada
error-accounts-key_invalid = key deve ter pelo menos dois segmentos separados por pontos, com a-z, 0-9 e _, e no máximo 128 caracteres
error-accounts-namespace_mismatch = namespace deve ser o primeiro segmento da chave
error-accounts-description_too_long = description deve ter no máximo 500 caracteres
error-accounts-variables_invalid = variables aceita até 20 nomes com letras, dígitos, _ e - (sem $)
error-accounts-key_builtin = já existe uma chave nativa com este nome
error-accounts-key_exists = esta chave já existe

## Organizations
error-accounts-organization_name_length = name deve ter de 1 a { $max } caracteres imprimíveis
error-accounts-slug_invalid = slug deve ter de 3 a 63 letras minúsculas, dígitos ou hifens não consecutivos
error-accounts-organization_metadata_invalid = metadata deve ser um objeto JSON de no máximo { $max } bytes
error-accounts-logo_url_invalid = logo_url deve ser uma URL https
error-accounts-slug_taken = este slug já está em uso
error-accounts-slug_from_name = não foi possível gerar um slug a partir do nome; informe um

## Members
error-accounts-role_invalid = role deve ser owner, admin ou member
error-accounts-no_such_member = membro não encontrado
error-accounts-already_member = este usuário já é membro
error-accounts-last_owner = uma organização mantém pelo menos um owner; nomeie outro owner primeiro
error-accounts-owner_not_provisioned = owners não podem ser provisionados; nomeie-os na organização
error-accounts-provisioned_role_invalid = role deve ser admin ou member
error-accounts-membership_changed = a associação mudou nesse meio-tempo; tente novamente

## Invitations
error-accounts-no_such_invitation = convite não encontrado
error-accounts-invitation_expired = este convite expirou; peça um novo
error-accounts-invitation_used = este convite já foi usado
error-accounts-invitation_revoked = este convite foi revogado
error-accounts-invitation_not_open = este convite não está aberto
error-accounts-address_is_member = este endereço já pertence a um membro
error-accounts-address_invited = este endereço tem um convite pendente; reenvie-o em vez disso
error-accounts-invitation_other_address = este convite é para outro endereço de email
error-accounts-invitation_unverified = verifique seu endereço de email antes de aceitar um convite
error-accounts-you_are_member = você já é membro
error-accounts-invitation_send_limit = um convite é enviado no máximo { $max } vezes

## Roles and policies
error-accounts-no_such_role = função não encontrada
error-accounts-builtin_role_read_only = as funções nativas são somente leitura
error-accounts-role_name_taken = já existe aqui uma função com este nome
error-accounts-role_name_invalid = name deve ter de 1 a 128 caracteres, sem caracteres de controle
error-accounts-role_name_builtin = esse nome pertence a uma função nativa
error-accounts-role_permissions_empty = uma função deve ter pelo menos uma permissão
error-accounts-permissions_unknown = permissões desconhecidas; consulte GET /api/v1/rbac/permissions
error-accounts-permissions_built_in_only = essas permissões vêm apenas com as funções nativas admin e owner
error-accounts-permissions_beyond_own = uma função só pode ter permissões que você mesmo tem
error-accounts-own_grants = uma permissão obtida por uma função personalizada nunca altera suas próprias funções
error-accounts-role_held = este usuário já tem a função
error-accounts-role_not_held = este usuário não tem a função
error-accounts-role_moved = uma função permanece onde foi criada
error-accounts-builtin_role_assign = as funções nativas vêm com a associação; altere a função do membro em vez disso
error-accounts-role_other_organization = a função pertence a outra organização
error-accounts-role_user_not_member = este usuário não é membro da organização da função
error-accounts-holders_not_members = todos os titulares devem ser membros da organização; nada foi alterado
error-accounts-platform_roles_admins_only = as funções de toda a plataforma são para administradores da plataforma
error-accounts-platform_policies_admins_only = as políticas de toda a plataforma são para administradores da plataforma
error-accounts-platform_wide_admins_only = { $what } de toda a plataforma: somente para administradores da plataforma
error-accounts-no_such_policy = política não encontrada
error-accounts-effect_invalid = effect deve ser allow ou deny
error-accounts-conditions_invalid = conditions não é válido: { $reason }
error-accounts-policy_moved = uma política permanece em sua organização
