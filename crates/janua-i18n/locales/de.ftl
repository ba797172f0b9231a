### Janua's built-in messages, German.

## Durations (used inside other messages)

time-minutes = { $count ->
    [one] eine Minute
   *[other] { $count } Minuten
    }
time-hours = { $count ->
    [one] eine Stunde
   *[other] { $count } Stunden
    }
time-days = { $count ->
    [one] einen Tag
   *[other] { $count } Tage
    }

## Parts every email has

email-common-greeting = Hallo,
email-common-greeting_named = Hallo { $name },
email-common-link_fallback = Falls die Schaltfläche nicht funktioniert, kopieren Sie diesen Link in Ihren Browser:
email-common-footer = Diese E-Mail wurde von { $product } versendet. Antworten auf diese E-Mail werden nicht gelesen.
email-common-footer_organization = Diese E-Mail wurde von { $product } im Auftrag von { $organization } versendet. Antworten auf diese E-Mail werden nicht gelesen.
email-common-link_expiry = Der Link ist { $duration } gültig und kann nur einmal verwendet werden.

## Email verification

email-verify-subject = Bestätigen Sie Ihre E-Mail-Adresse
email-verify-heading = Bestätigen Sie Ihre E-Mail-Adresse
email-verify-body = Bitte bestätigen Sie über den folgenden Link, dass diese E-Mail-Adresse Ihnen gehört.
email-verify-action = E-Mail-Adresse bestätigen
email-verify-ignore = Wenn Sie kein Konto erstellt und keine E-Mail-Adresse geändert haben, können Sie diese Nachricht ignorieren.

## Password reset link

email-reset-subject = Passwort zurücksetzen
email-reset-heading = Passwort zurücksetzen
email-reset-body = Für dieses Konto wurde das Zurücksetzen des Passworts angefordert. Über den folgenden Link können Sie ein neues Passwort festlegen.
email-reset-action = Neues Passwort festlegen
email-reset-ignore = Falls Sie das nicht waren, ignorieren Sie diese Nachricht; Ihr Passwort bleibt unverändert.

## Magic link

email-magic_link-subject = Ihr Anmeldelink
email-magic_link-heading = Anmelden
email-magic_link-body = Öffnen Sie den folgenden Link, um sich anzumelden.
email-magic_link-action = Anmelden
email-magic_link-ignore = Falls Sie diesen Link nicht angefordert haben, ignorieren Sie diese Nachricht.

## Invitation to an organization

email-invitation-subject = Einladung zu { $organization }
email-invitation-heading = Treten Sie { $organization } bei
email-invitation-body = { $inviter } hat Sie eingeladen, { $organization } mit der Rolle { $role } beizutreten.
email-invitation-body_anonymous = Sie wurden eingeladen, { $organization } mit der Rolle { $role } beizutreten.
email-invitation-action = Einladung annehmen
email-invitation-note = Melden Sie sich mit dieser E-Mail-Adresse an oder registrieren Sie sich damit, um die Einladung anzunehmen.
email-invitation-expiry = Die Einladung ist { $duration } gültig.
email-invitation-ignore = Falls Sie diese Einladung nicht erwartet haben, ignorieren Sie diese Nachricht.

## Password changed

email-password_changed-subject = Ihr Passwort wurde geändert
email-password_changed-heading = Ihr Passwort wurde geändert
email-password_changed-body = Das Passwort Ihres Kontos wurde am { $when } von { $address } aus geändert. Alle anderen Sitzungen wurden beendet.
email-password_changed-warning = Falls Sie das nicht waren, setzen Sie Ihr Passwort sofort zurück.
email-password_changed-action = Passwort zurücksetzen

## Password reset done

email-password_reset-subject = Ihr Passwort wurde zurückgesetzt
email-password_reset-heading = Ihr Passwort wurde zurückgesetzt
email-password_reset-body = Das Passwort Ihres Kontos wurde am { $when } von { $address } aus zurückgesetzt, und alle Sitzungen wurden beendet.
email-password_reset-methods = Für Ihr Konto sind jetzt folgende Anmeldemethoden eingerichtet:
email-password_reset-method_password = ein Passwort (das soeben festgelegte)
email-password_reset-method_passkeys = { $count ->
    [one] ein Passkey
   *[other] { $count } Passkeys
    }
email-password_reset-method_providers = { $count ->
    [one] ein verknüpftes Konto bei einem Anmeldeanbieter
   *[other] { $count } verknüpfte Konten bei Anmeldeanbietern
    }
email-password_reset-warning = Falls Sie eine dieser Methoden nicht kennen, melden Sie sich an und entfernen Sie sie. Falls Sie Ihr Passwort nicht selbst zurückgesetzt haben, setzen Sie es sofort erneut zurück.
email-password_reset-action = Passwort zurücksetzen

## Email address changed

email-email_changed-subject = Ihre E-Mail-Adresse wurde geändert
email-email_changed-heading = Ihre E-Mail-Adresse wurde geändert
email-email_changed-body = Die E-Mail-Adresse Ihres Kontos wurde von { $old_email } in { $new_email } geändert.
email-email_changed-warning = Diese Adresse kann nicht mehr für die Anmeldung bei Ihrem Konto verwendet werden. Falls Sie diese Änderung nicht vorgenommen haben, wenden Sie sich umgehend an Ihren Administrator.

## Data-subject request extended

email-request_extended-subject = Ihr Datenschutzantrag: Wir benötigen mehr Zeit
email-request_extended-heading = Die Bearbeitung Ihres Datenschutzantrags dauert länger
email-request_extended-body = Die Bearbeitung Ihres { $request_type ->
    [access] Auskunftsantrags
    [portability] Antrags auf Datenübertragbarkeit
    [erasure] Löschantrags
    [rectification] Berichtigungsantrags
    [restriction] Antrags auf Einschränkung der Verarbeitung
    [objection] Widerspruchs
   *[other] Datenschutzantrags
    } benötigt mehr Zeit als die übliche Frist von einem Monat. Wir beantworten ihn bis spätestens { $due }.
email-request_extended-reason = Grund: { $reason }
email-request_extended-reference = Antragsnummer: { $request_id }

## Personal data export ready

email-export_ready-subject = Export Ihrer personenbezogenen Daten
email-export_ready-heading = Der Export Ihrer personenbezogenen Daten steht bereit
email-export_ready-body = Die angeforderte Kopie Ihrer personenbezogenen Daten steht zum Herunterladen bereit.
email-export_ready-action = Archiv herunterladen
email-export_ready-expiry = Der Link kann bis { $until } einmal verwendet werden; danach wird das Archiv gelöscht.
email-export_ready-ignore = Falls niemand, den Sie kennen, diesen Export angefordert hat, informieren Sie Ihren Administrator.

## Account deletion scheduled

email-deletion_scheduled-subject = Ihr Konto ist zur Löschung vorgemerkt
email-deletion_scheduled-heading = Ihr Konto ist zur Löschung vorgemerkt
email-deletion_scheduled-body = Ihr Konto wurde deaktiviert, und alle über Sie gespeicherten Daten werden am { $until } gelöscht.
email-deletion_scheduled-keep = Wenn Sie Ihr Konto behalten möchten, brechen Sie die Löschung vorher ab.
email-deletion_scheduled-action = Löschung abbrechen
email-deletion_scheduled-ignore = Falls Sie die Löschung selbst beantragt haben, müssen Sie nichts weiter tun.

## Error messages (the `message` of the error envelope; the `code` never changes)

error-validation_error = die Anfrage ist ungültig
error-invalid_credentials = E-Mail-Adresse oder Passwort ist falsch
error-unauthorized = Authentifizierung erforderlich
error-forbidden = Sie sind dazu nicht berechtigt
error-account_suspended = dieses Konto ist gesperrt
error-not_found = Ressource nicht gefunden
error-method_not_allowed = diese Methode ist hier nicht zulässig
error-conflict = die Änderung steht im Konflikt mit vorhandenen Daten
error-payload_too_large = der Inhalt der Anfrage ist zu groß
error-unsupported_media_type = der Inhalt der Anfrage muss JSON sein
error-rate_limit_exceeded = zu viele Anfragen; versuchen Sie es später erneut
error-internal_error = interner Fehler; geben Sie beim Melden den Header X-Request-Id an
error-service_unavailable = ein Dienst ist nicht verfügbar; versuchen Sie es später erneut
error-field-required = { $field } ist erforderlich
error-email-invalid = email ist keine gültige Adresse
error-password-too_short = { $field } muss mindestens { $min } Zeichen lang sein
error-password-too_long = { $field } darf höchstens { $max } Zeichen lang sein
error-password-too_common = { $field } ist zu verbreitet; wählen Sie ein anderes Passwort
error-password-unchanged = new_password muss sich vom aktuellen Passwort unterscheiden
error-password-current_incorrect = das aktuelle Passwort ist falsch
error-link-reset_invalid = der Link zum Zurücksetzen ist ungültig oder abgelaufen
error-link-verify_invalid = der Bestätigungslink ist ungültig oder abgelaufen
error-name-length = name muss 1 bis 200 Zeichen lang sein
error-locale-invalid = locale muss ein Sprach-Tag nach BCP 47 sein, etwa en oder pt-BR
error-organization-not_found = Organisation nicht gefunden
error-organization-role_forbidden = Ihre Rolle in der Organisation erlaubt dies nicht
error-translation-syntax = die Nachricht für { $key } ist in Zeile { $line }, Spalte { $column } ungültig: { $reason }
error-translation-variable = die Nachricht für { $key } verwendet ${ $variable } in Zeile { $line }, Spalte { $column }, obwohl der Schlüssel diese Variable nicht deklariert
error-translation-unknown_key = { $key } ist kein Übersetzungsschlüssel
