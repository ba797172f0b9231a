### Error messages of accounts, fr.

## Users and profiles
error-accounts-no_such_user = utilisateur introuvable
error-accounts-id_taken = cet id appartient à un autre utilisateur
error-accounts-email_taken = cet email est déjà enregistré
error-accounts-address_changed = l'adresse a changé depuis l'envoi de la vérification
error-accounts-reason_too_long = reason contient au plus 500 caractères
error-accounts-status_invalid = status doit valoir active ou suspended
error-accounts-avatar_url_invalid = avatar_url doit être une URL http(s)
error-accounts-metadata_not_object = metadata doit être un objet JSON
error-accounts-metadata_too_large = metadata doit faire au plus 16 KiB

## Platform administration
error-accounts-platform_admins_only = réservé aux administrateurs de la plateforme
error-accounts-search_too_long = la recherche contient au plus 254 caractères
error-accounts-suspend_self = vous ne pouvez pas suspendre ni réactiver votre propre compte
error-accounts-delete_self = supprimez votre propre compte avec DELETE /api/v1/users/{"{"}id{"}"}

## Localization (overrides and translation keys)
error-accounts-namespace_length = namespace doit contenir entre 1 et 64 caractères
error-accounts-messages_count = indiquez entre 1 et { $max } messages
error-accounts-no_such_override = personnalisation introuvable
error-accounts-key_invalid = key doit comporter au moins deux segments séparés par des points, composés de a-z, 0-9 et _, et au plus 128 caractères
error-accounts-namespace_mismatch = namespace doit être le premier segment de la clé
error-accounts-description_too_long = description contient au plus 500 caractères
error-accounts-variables_invalid = variables contient au plus 20 noms composés de lettres, chiffres, _ et - (sans $)
error-accounts-key_builtin = une clé intégrée porte déjà ce nom
error-accounts-key_exists = cette clé existe déjà

## Organizations
error-accounts-organization_name_length = name doit contenir entre 1 et { $max } caractères imprimables
error-accounts-slug_invalid = slug doit contenir entre 3 et 63 lettres minuscules, chiffres ou tirets isolés
error-accounts-organization_metadata_invalid = metadata doit être un objet JSON d'au plus { $max } octets
error-accounts-logo_url_invalid = logo_url doit être une URL https
error-accounts-slug_taken = ce slug est déjà pris
error-accounts-slug_from_name = impossible de créer un slug à partir du nom ; indiquez-en un

## Members
error-accounts-role_invalid = role doit valoir owner, admin ou member
error-accounts-no_such_member = membre introuvable
error-accounts-already_member = cet utilisateur est déjà membre
error-accounts-last_owner = une organisation garde au moins un owner ; nommez d'abord un autre owner
error-accounts-owner_not_provisioned = les owners ne peuvent pas être provisionnés ; nommez-les dans l'organisation
error-accounts-provisioned_role_invalid = role doit valoir admin ou member
error-accounts-membership_changed = l'adhésion a changé entre-temps ; réessayez

## Invitations
error-accounts-no_such_invitation = invitation introuvable
error-accounts-invitation_expired = cette invitation a expiré ; demandez-en une nouvelle
error-accounts-invitation_used = cette invitation a déjà été utilisée
error-accounts-invitation_revoked = cette invitation a été révoquée
error-accounts-invitation_not_open = cette invitation n'est pas ouverte
error-accounts-address_is_member = cette adresse appartient déjà à un membre
error-accounts-address_invited = cette adresse a une invitation en attente ; renvoyez-la plutôt
error-accounts-invitation_other_address = cette invitation est destinée à une autre adresse email
error-accounts-invitation_unverified = vérifiez votre adresse email avant d'accepter une invitation
error-accounts-you_are_member = vous êtes déjà membre
error-accounts-invitation_send_limit = une invitation est envoyée au plus { $max } fois

## Roles and policies
error-accounts-no_such_role = rôle introuvable
error-accounts-builtin_role_read_only = les rôles intégrés sont en lecture seule
error-accounts-role_name_taken = un rôle portant ce nom existe déjà ici
error-accounts-role_name_invalid = name doit contenir entre 1 et 128 caractères, sans caractères de contrôle
error-accounts-role_name_builtin = ce nom appartient à un rôle intégré
error-accounts-role_permissions_empty = un rôle comporte au moins une autorisation
error-accounts-permissions_unknown = autorisations inconnues ; consultez GET /api/v1/rbac/permissions
error-accounts-permissions_built_in_only = ces autorisations ne sont fournies que par les rôles intégrés admin et owner
error-accounts-permissions_beyond_own = un rôle ne peut comporter que des autorisations que vous détenez vous-même
error-accounts-own_grants = une autorisation obtenue par un rôle personnalisé ne modifie jamais vos propres rôles
error-accounts-role_held = cet utilisateur détient déjà ce rôle
error-accounts-role_not_held = cet utilisateur ne détient pas ce rôle
error-accounts-role_moved = un rôle reste là où il a été créé
error-accounts-builtin_role_assign = les rôles intégrés découlent de l'adhésion ; modifiez plutôt le rôle du membre
error-accounts-role_other_organization = le rôle appartient à une autre organisation
error-accounts-role_user_not_member = cet utilisateur n'est pas membre de l'organisation du rôle
error-accounts-holders_not_members = chaque détenteur doit être membre de l'organisation ; rien n'a été modifié
error-accounts-platform_roles_admins_only = les rôles de niveau plateforme sont réservés aux administrateurs de la plateforme
error-accounts-platform_policies_admins_only = les politiques de niveau plateforme sont réservées aux administrateurs de la plateforme
error-accounts-platform_wide_admins_only = { $what } de niveau plateforme : réservé aux administrateurs de la plateforme
error-accounts-no_such_policy = politique introuvable
error-accounts-effect_invalid = effect doit valoir allow ou deny
error-accounts-conditions_invalid = conditions n'est pas valide : { $reason }
error-accounts-policy_moved = une politique reste dans son organisation
