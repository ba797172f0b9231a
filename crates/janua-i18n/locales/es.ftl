### Janua's built-in messages, Spanish.

## Durations (used inside other messages)

time-minutes = { $count ->
    [one] un minuto
   *[other] { $count } minutos
    }
time-hours = { $count ->
    [one] una hora
   *[other] { $count } horas
    }
time-days = { $count ->
    [one] un día
   *[other] { $count } días
    }

## Parts every email has

email-common-greeting = Hola:
email-common-greeting_named = Hola, { $name }:
email-common-link_fallback = Si el botón no funciona, copia este enlace en tu navegador:
email-common-footer = Este mensaje fue enviado por { $product }. Las respuestas a este correo no se leen.
email-common-footer_organization = Este mensaje fue enviado por { $product } en nombre de { $organization }. Las respuestas a este correo no se leen.
email-common-link_expiry = El enlace es válido durante { $duration } y solo puede usarse una vez.

## Email verification

email-verify-subject = Confirma tu dirección de correo electrónico
email-verify-heading = Confirma tu dirección de correo electrónico
email-verify-body = Abre el enlace de abajo para confirmar que esta dirección de correo electrónico es tuya.
email-verify-action = Confirmar dirección de correo electrónico
email-verify-ignore = Si no creaste una cuenta ni cambiaste su dirección, ignora este mensaje.

## Password reset link

email-reset-subject = Restablece tu contraseña
email-reset-heading = Restablece tu contraseña
email-reset-body = Alguien solicitó restablecer la contraseña de esta cuenta. Para elegir una nueva contraseña, abre el enlace de abajo.
email-reset-action = Elegir una nueva contraseña
email-reset-ignore = Si no fuiste tú, ignora este mensaje; tu contraseña no cambiará.

## Magic link

email-magic_link-subject = Tu enlace de inicio de sesión
email-magic_link-heading = Inicia sesión
email-magic_link-body = Abre el enlace de abajo para iniciar sesión.
email-magic_link-action = Iniciar sesión
email-magic_link-ignore = Si no solicitaste este enlace, ignora este mensaje.

## Invitation to an organization

email-invitation-subject = Tienes una invitación para unirte a { $organization }
email-invitation-heading = Únete a { $organization }
email-invitation-body = { $inviter } te invitó a unirte a { $organization } como { $role }.
email-invitation-body_anonymous = Tienes una invitación para unirte a { $organization } como { $role }.
email-invitation-action = Aceptar la invitación
email-invitation-note = Inicia sesión o regístrate con esta dirección de correo electrónico para aceptarla.
email-invitation-expiry = La invitación es válida durante { $duration }.
email-invitation-ignore = Si no esperabas esta invitación, ignora este mensaje.

## Password changed

email-password_changed-subject = Se cambió tu contraseña
email-password_changed-heading = Se cambió tu contraseña
email-password_changed-body = La contraseña de tu cuenta se cambió el { $when } desde { $address }. Se cerraron todas las demás sesiones.
email-password_changed-warning = Si no fuiste tú, restablece tu contraseña de inmediato.
email-password_changed-action = Restablecer mi contraseña

## Password reset done

email-password_reset-subject = Se restableció tu contraseña
email-password_reset-heading = Se restableció tu contraseña
email-password_reset-body = La contraseña de tu cuenta se restableció el { $when } desde { $address } y se cerraron todas las sesiones.
email-password_reset-methods = Ahora puedes iniciar sesión en tu cuenta con:
email-password_reset-method_password = una contraseña (la que acabas de establecer)
email-password_reset-method_passkeys = { $count ->
    [one] una llave de acceso
   *[other] { $count } llaves de acceso
    }
email-password_reset-method_providers = { $count ->
    [one] una cuenta vinculada de un proveedor de inicio de sesión
   *[other] { $count } cuentas vinculadas de proveedores de inicio de sesión
    }
email-password_reset-warning = Si no reconoces alguno de estos métodos, inicia sesión y elimínalo. Si no restableciste tu contraseña, vuelve a restablecerla de inmediato.
email-password_reset-action = Restablecer mi contraseña

## Email address changed

email-email_changed-subject = Se cambió tu dirección de correo electrónico
email-email_changed-heading = Se cambió tu dirección de correo electrónico
email-email_changed-body = La dirección de correo electrónico de tu cuenta se cambió de { $old_email } a { $new_email }.
email-email_changed-warning = Esta dirección ya no permite iniciar sesión en la cuenta. Si no hiciste este cambio, ponte en contacto con tu administrador de inmediato.

## Data-subject request extended

email-request_extended-subject = Tu solicitud sobre tus datos: se necesita más tiempo
email-request_extended-heading = Tu solicitud sobre tus datos necesita más tiempo
email-request_extended-body = Tu solicitud { $request_type ->
    [access] de acceso
    [portability] de portabilidad de datos
    [erasure] de supresión
    [rectification] de rectificación
    [restriction] de limitación del tratamiento
    [objection] de oposición
   *[other] sobre tus datos
    } necesita más tiempo que el plazo habitual de un mes. Te responderemos a más tardar el { $due }.
email-request_extended-reason = Motivo: { $reason }
email-request_extended-reference = Solicitud: { $request_id }

## Personal data export ready

email-export_ready-subject = Tu exportación de datos personales
email-export_ready-heading = Tu exportación de datos personales está lista
email-export_ready-body = La copia de tus datos personales que se solicitó ya está lista para descargar.
email-export_ready-action = Descargar el archivo
email-export_ready-expiry = El enlace solo puede usarse una vez y es válido hasta el { $until }; después, el archivo se eliminará.
email-export_ready-ignore = Si nadie que conozcas la solicitó, informa a tu administrador.

## Account deletion scheduled

email-deletion_scheduled-subject = Se programó la eliminación de tu cuenta
email-deletion_scheduled-heading = Se programó la eliminación de tu cuenta
email-deletion_scheduled-body = Tu cuenta se desactivó y todos los datos que tenemos sobre ti se borrarán el { $until }.
email-deletion_scheduled-keep = Para conservar tu cuenta, cancela la eliminación antes de esa fecha.
email-deletion_scheduled-action = Cancelar la eliminación
email-deletion_scheduled-ignore = Si fuiste tú quien lo solicitó, no tienes que hacer nada.

## Error messages (the `message` of the error envelope; the `code` never changes)

error-validation_error = la solicitud no es válida
error-invalid_credentials = el correo electrónico o la contraseña son incorrectos
error-unauthorized = se requiere autenticación
error-forbidden = no tienes permiso para hacer esto
error-account_suspended = esta cuenta está suspendida
error-not_found = recurso no encontrado
error-method_not_allowed = este método no está permitido aquí
error-conflict = el cambio entra en conflicto con lo que ya existe
error-payload_too_large = el cuerpo de la solicitud es demasiado grande
error-unsupported_media_type = el cuerpo de la solicitud debe ser JSON
error-rate_limit_exceeded = demasiadas solicitudes; vuelve a intentarlo más tarde
error-internal_error = error interno; indica el encabezado X-Request-Id al notificarlo
error-service_unavailable = un servicio no está disponible; vuelve a intentarlo más tarde
error-field-required = { $field } es obligatorio
error-email-invalid = email no es una dirección válida
error-password-too_short = { $field } debe tener al menos { $min } caracteres
error-password-too_long = { $field } debe tener como máximo { $max } caracteres
error-password-too_common = { $field } es demasiado común; elige otra contraseña
error-password-unchanged = new_password debe ser diferente de la contraseña actual
error-password-current_incorrect = la contraseña actual es incorrecta
error-link-reset_invalid = el enlace de restablecimiento no es válido o ha expirado
error-link-verify_invalid = el enlace de verificación no es válido o ha expirado
error-name-length = name debe tener entre 1 y 200 caracteres
error-locale-invalid = locale debe ser una etiqueta de idioma BCP 47, como en o pt-BR
error-organization-not_found = esa organización no existe
error-organization-role_forbidden = tu rol en la organización no permite hacer esto
error-translation-syntax = el mensaje de { $key } no es válido en la línea { $line }, columna { $column }: { $reason }
error-translation-variable = el mensaje de { $key } usa ${ $variable } en la línea { $line }, columna { $column }, una variable que la clave no declara
error-translation-unknown_key = { $key } no es una clave de traducción
