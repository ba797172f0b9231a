### Janua's built-in messages, French.

## Durations (used inside other messages)

time-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
    }
time-hours = { $count ->
    [one] { $count } heure
   *[other] { $count } heures
    }
time-days = { $count ->
    [one] { $count } jour
   *[other] { $count } jours
    }

## Parts every email has

email-common-greeting = Bonjour,
email-common-greeting_named = Bonjour { $name },
email-common-link_fallback = Si le bouton ne fonctionne pas, copiez ce lien dans votre navigateur :
email-common-footer = Ce message a été envoyé par { $product }. Les réponses à ce message ne sont pas lues.
email-common-footer_organization = Ce message a été envoyé par { $product } au nom de { $organization }. Les réponses à ce message ne sont pas lues.
email-common-link_expiry = Le lien est valable { $duration } et ne peut être utilisé qu'une seule fois.

## Email verification

email-verify-subject = Confirmez votre adresse e-mail
email-verify-heading = Confirmez votre adresse e-mail
email-verify-body = Veuillez confirmer que cette adresse e-mail vous appartient en ouvrant le lien ci-dessous.
email-verify-action = Confirmer l'adresse e-mail
email-verify-ignore = Si vous n'avez pas créé de compte ni modifié votre adresse e-mail, ignorez ce message.

## Password reset link

email-reset-subject = Réinitialisez votre mot de passe
email-reset-heading = Réinitialisez votre mot de passe
email-reset-body = Quelqu'un a demandé la réinitialisation du mot de passe de ce compte. Pour choisir un nouveau mot de passe, ouvrez le lien ci-dessous.
email-reset-action = Choisir un nouveau mot de passe
email-reset-ignore = Si vous n'êtes pas à l'origine de cette demande, ignorez ce message ; votre mot de passe reste inchangé.

## Magic link

email-magic_link-subject = Votre lien de connexion
email-magic_link-heading = Connectez-vous
email-magic_link-body = Ouvrez le lien ci-dessous pour vous connecter.
email-magic_link-action = Se connecter
email-magic_link-ignore = Si vous n'avez pas demandé ce lien, ignorez ce message.

## Invitation to an organization

email-invitation-subject = Invitation à rejoindre { $organization }
email-invitation-heading = Rejoignez { $organization }
email-invitation-body = { $inviter } vous invite à rejoindre { $organization } en tant que { $role }.
email-invitation-body_anonymous = Vous avez reçu une invitation à rejoindre { $organization } en tant que { $role }.
email-invitation-action = Accepter l'invitation
email-invitation-note = Connectez-vous ou inscrivez-vous avec cette adresse e-mail pour l'accepter.
email-invitation-expiry = L'invitation est valable { $duration }.
email-invitation-ignore = Si vous n'attendiez pas cette invitation, ignorez ce message.

## Password changed

email-password_changed-subject = Votre mot de passe a été modifié
email-password_changed-heading = Votre mot de passe a été modifié
email-password_changed-body = Le mot de passe de votre compte a été modifié le { $when } depuis { $address }. Toutes vos autres sessions ont été fermées.
email-password_changed-warning = Si vous n'êtes pas à l'origine de cette modification, réinitialisez immédiatement votre mot de passe.
email-password_changed-action = Réinitialiser mon mot de passe

## Password reset done

email-password_reset-subject = Votre mot de passe a été réinitialisé
email-password_reset-heading = Votre mot de passe a été réinitialisé
email-password_reset-body = Le mot de passe de votre compte a été réinitialisé le { $when } depuis { $address }, et toutes les sessions ont été fermées.
email-password_reset-methods = Vous pouvez désormais vous connecter à votre compte avec :
email-password_reset-method_password = un mot de passe (celui que vous venez de définir)
email-password_reset-method_passkeys = { $count ->
    [one] { $count } clé d'accès
   *[other] { $count } clés d'accès
    }
email-password_reset-method_providers = { $count ->
    [one] { $count } compte lié chez un fournisseur de connexion
   *[other] { $count } comptes liés chez des fournisseurs de connexion
    }
email-password_reset-warning = Si vous ne reconnaissez pas l'un de ces moyens de connexion, connectez-vous et supprimez-le. Si vous n'avez pas réinitialisé votre mot de passe, réinitialisez-le à nouveau immédiatement.
email-password_reset-action = Réinitialiser mon mot de passe

## Email address changed

email-email_changed-subject = Votre adresse e-mail a été modifiée
email-email_changed-heading = Votre adresse e-mail a été modifiée
email-email_changed-body = L'adresse e-mail de votre compte, { $old_email }, a été remplacée par { $new_email }.
email-email_changed-warning = Cette adresse ne permet plus de se connecter au compte. Si vous n'êtes pas à l'origine de cette modification, contactez immédiatement votre administrateur.

## Data-subject request extended

email-request_extended-subject = Votre demande concernant vos données : délai supplémentaire nécessaire
email-request_extended-heading = Votre demande concernant vos données nécessite plus de temps
email-request_extended-body = Votre demande { $request_type ->
    [access] d'accès
    [portability] de portabilité des données
    [erasure] d'effacement
    [rectification] de rectification
    [restriction] de limitation du traitement
    [objection] d'opposition
   *[other] concernant vos données
    } nécessite plus de temps que le délai habituel d'un mois. Nous y répondrons au plus tard le { $due }.
email-request_extended-reason = Motif : { $reason }
email-request_extended-reference = Demande : { $request_id }

## Personal data export ready

email-export_ready-subject = Votre export de données personnelles
email-export_ready-heading = Votre export de données personnelles est prêt
email-export_ready-body = La copie de vos données personnelles qui a été demandée est prête à être téléchargée.
email-export_ready-action = Télécharger l'archive
email-export_ready-expiry = Le lien ne peut être utilisé qu'une seule fois, jusqu'au { $until } ; l'archive sera ensuite supprimée.
email-export_ready-ignore = Si personne de votre connaissance n'en a fait la demande, prévenez votre administrateur.

## Account deletion scheduled

email-deletion_scheduled-subject = La suppression de votre compte est programmée
email-deletion_scheduled-heading = La suppression de votre compte est programmée
email-deletion_scheduled-body = Votre compte a été désactivé et toutes les données vous concernant seront effacées le { $until }.
email-deletion_scheduled-keep = Pour conserver votre compte, annulez la suppression avant cette date.
email-deletion_scheduled-action = Annuler la suppression
email-deletion_scheduled-ignore = Si vous en avez fait la demande, vous n'avez rien à faire.

## Error messages (the `message` of the error envelope; the `code` never changes)

error-validation_error = la requête n'est pas valide
error-invalid_credentials = adresse e-mail ou mot de passe incorrect
error-unauthorized = authentification requise
error-forbidden = vous n'avez pas l'autorisation d'effectuer cette action
error-account_suspended = ce compte est suspendu
error-not_found = ressource introuvable
error-method_not_allowed = cette méthode n'est pas autorisée ici
error-conflict = la modification entre en conflit avec les données existantes
error-payload_too_large = le corps de la requête est trop volumineux
error-unsupported_media_type = le corps de la requête doit être au format JSON
error-rate_limit_exceeded = trop de requêtes ; réessayez plus tard
error-internal_error = erreur interne ; indiquez l'en-tête X-Request-Id lorsque vous la signalez
error-service_unavailable = un service est indisponible ; réessayez plus tard
error-field-required = { $field } est obligatoire
error-email-invalid = email n'est pas une adresse valide
error-password-too_short = { $field } doit contenir au moins { $min } caractères
error-password-too_long = { $field } doit contenir au plus { $max } caractères
error-password-too_common = { $field } est trop courant ; choisissez-en un autre
error-password-unchanged = new_password doit être différent du mot de passe actuel
error-password-current_incorrect = le mot de passe actuel est incorrect
error-link-reset_invalid = le lien de réinitialisation est invalide ou a expiré
error-link-verify_invalid = le lien de vérification est invalide ou a expiré
error-name-length = name doit contenir entre 1 et 200 caractères
error-locale-invalid = locale doit être une étiquette de langue BCP 47, par exemple en ou pt-BR
error-organization-not_found = organisation introuvable
error-organization-role_forbidden = votre rôle dans l'organisation ne permet pas cette action
error-translation-syntax = le message de { $key } n'est pas valide à la ligne { $line }, colonne { $column } : { $reason }
error-translation-variable = le message de { $key } utilise ${ $variable } à la ligne { $line }, colonne { $column }, une variable que la clé ne déclare pas
error-translation-unknown_key = { $key } n'est pas une clé de traduction
