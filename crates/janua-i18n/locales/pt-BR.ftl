### Janua's built-in messages, Brazilian Portuguese.

## Durations (used inside other messages)

time-minutes = { $count ->
    [one] { $count } minuto
   *[other] { $count } minutos
    }
time-hours = { $count ->
    [one] { $count } hora
   *[other] { $count } horas
    }
time-days = { $count ->
    [one] { $count } dia
   *[other] { $count } dias
    }

## Parts every email has

email-common-greeting = Olá,
email-common-greeting_named = Olá, { $name },
email-common-link_fallback = Se o botão não funcionar, copie este link e cole no seu navegador:
email-common-footer = Esta mensagem foi enviada por { $product }. Respostas a este e-mail não são lidas.
email-common-footer_organization = Esta mensagem foi enviada por { $product } em nome de { $organization }. Respostas a este e-mail não são lidas.
email-common-link_expiry = O link é válido por { $duration } e só pode ser usado uma vez.

## Email verification

email-verify-subject = Confirme seu endereço de e-mail
email-verify-heading = Confirme seu endereço de e-mail
email-verify-body = Confirme que este endereço de e-mail pertence a você abrindo o link abaixo.
email-verify-action = Confirmar endereço de e-mail
email-verify-ignore = Se você não criou uma conta nem alterou o endereço de e-mail dela, ignore esta mensagem.

## Password reset link

email-reset-subject = Redefina sua senha
email-reset-heading = Redefina sua senha
email-reset-body = Alguém solicitou a redefinição da senha desta conta. Para escolher uma nova senha, abra o link abaixo.
email-reset-action = Escolher uma nova senha
email-reset-ignore = Se não foi você, ignore esta mensagem; sua senha continuará a mesma.

## Magic link

email-magic_link-subject = Seu link para entrar
email-magic_link-heading = Entrar
email-magic_link-body = Abra o link abaixo para entrar.
email-magic_link-action = Entrar
email-magic_link-ignore = Se você não solicitou este link, ignore esta mensagem.

## Invitation to an organization

email-invitation-subject = Convite para participar de { $organization }
email-invitation-heading = Participe de { $organization }
email-invitation-body = { $inviter } convidou você para participar de { $organization } com a função { $role }.
email-invitation-body_anonymous = Você recebeu um convite para participar de { $organization } com a função { $role }.
email-invitation-action = Aceitar o convite
email-invitation-note = Para aceitá-lo, entre ou cadastre-se com este endereço de e-mail.
email-invitation-expiry = O convite é válido por { $duration }.
email-invitation-ignore = Se você não esperava este convite, ignore esta mensagem.

## Password changed

email-password_changed-subject = Sua senha foi alterada
email-password_changed-heading = Sua senha foi alterada
email-password_changed-body = A senha da sua conta foi alterada em { $when } a partir de { $address }. Todas as outras sessões foram encerradas.
email-password_changed-warning = Se não foi você, redefina sua senha imediatamente.
email-password_changed-action = Redefinir minha senha

## Password reset done

email-password_reset-subject = Sua senha foi redefinida
email-password_reset-heading = Sua senha foi redefinida
email-password_reset-body = A senha da sua conta foi redefinida em { $when } a partir de { $address }, e todas as sessões foram encerradas.
email-password_reset-methods = Agora você pode entrar na sua conta com:
email-password_reset-method_password = uma senha (a que acabou de ser definida)
email-password_reset-method_passkeys = { $count ->
    [one] { $count } chave de acesso
   *[other] { $count } chaves de acesso
    }
email-password_reset-method_providers = { $count ->
    [one] { $count } conta vinculada de provedor de login
   *[other] { $count } contas vinculadas de provedores de login
    }
email-password_reset-warning = Se você não reconhecer algum desses itens, entre na sua conta e remova-o. Se você não redefiniu sua senha, redefina-a novamente imediatamente.
email-password_reset-action = Redefinir minha senha

## Email address changed

email-email_changed-subject = Seu endereço de e-mail foi alterado
email-email_changed-heading = Seu endereço de e-mail foi alterado
email-email_changed-body = O endereço de e-mail da sua conta foi alterado de { $old_email } para { $new_email }.
email-email_changed-warning = Este endereço não pode mais ser usado para entrar na conta. Se você não fez essa alteração, entre em contato com seu administrador imediatamente.

## Data-subject request extended

email-request_extended-subject = Sua solicitação sobre dados pessoais: precisamos de mais tempo
email-request_extended-heading = Precisamos de mais tempo para atender à sua solicitação
email-request_extended-body = Sua solicitação { $request_type ->
    [access] de acesso
    [portability] de portabilidade de dados
    [erasure] de eliminação
    [rectification] de correção
    [restriction] de restrição do tratamento
    [objection] de oposição ao tratamento
   *[other] sobre seus dados
    } precisa de mais tempo do que o prazo habitual de um mês. Responderemos até { $due }.
email-request_extended-reason = Motivo: { $reason }
email-request_extended-reference = Solicitação: { $request_id }

## Personal data export ready

email-export_ready-subject = Exportação dos seus dados pessoais
email-export_ready-heading = A exportação dos seus dados pessoais está pronta
email-export_ready-body = A cópia dos seus dados pessoais que foi solicitada está pronta para download.
email-export_ready-action = Baixar o arquivo
email-export_ready-expiry = O link pode ser usado uma única vez, até { $until }; depois disso, o arquivo será excluído.
email-export_ready-ignore = Se ninguém que você conhece fez essa solicitação, avise seu administrador.

## Account deletion scheduled

email-deletion_scheduled-subject = Sua conta está programada para exclusão
email-deletion_scheduled-heading = Sua conta está programada para exclusão
email-deletion_scheduled-body = Sua conta foi desativada, e todos os dados mantidos sobre você serão apagados em { $until }.
email-deletion_scheduled-keep = Para manter sua conta, cancele a exclusão antes dessa data.
email-deletion_scheduled-action = Cancelar a exclusão
email-deletion_scheduled-ignore = Se foi você quem solicitou isso, não é preciso fazer nada.

## Error messages (the `message` of the error envelope; the `code` never changes)

error-validation_error = a requisição não é válida
error-invalid_credentials = e-mail ou senha incorretos
error-unauthorized = autenticação necessária
error-forbidden = você não tem permissão para fazer isso
error-account_suspended = esta conta está suspensa
error-not_found = recurso não encontrado
error-method_not_allowed = este método não é permitido aqui
error-conflict = a alteração entra em conflito com os dados existentes
error-payload_too_large = o corpo da requisição é grande demais
error-unsupported_media_type = o corpo da requisição deve ser JSON
error-rate_limit_exceeded = requisições demais; tente novamente mais tarde
error-internal_error = erro interno; informe o cabeçalho X-Request-Id ao relatar o problema
error-service_unavailable = um serviço está indisponível; tente novamente mais tarde
error-field-required = { $field } é obrigatório
error-email-invalid = email não é um endereço válido
error-password-too_short = { $field } deve ter pelo menos { $min } caracteres
error-password-too_long = { $field } deve ter no máximo { $max } caracteres
error-password-too_common = { $field } é comum demais; escolha outra senha
error-password-unchanged = new_password deve ser diferente da senha atual
error-password-current_incorrect = a senha atual está incorreta
error-link-reset_invalid = o link de redefinição é inválido ou expirou
error-link-verify_invalid = o link de verificação é inválido ou expirou
error-name-length = name deve ter de 1 a 200 caracteres
error-locale-invalid = locale deve ser uma tag de idioma BCP 47, como en ou pt-BR
error-organization-not_found = organização não encontrada
error-organization-role_forbidden = sua função na organização não permite isso
error-translation-syntax = a mensagem de { $key } não é válida na linha { $line }, coluna { $column }: { $reason }
error-translation-variable = a mensagem de { $key } usa ${ $variable } na linha { $line }, coluna { $column }, mas a chave não declara essa variável
error-translation-unknown_key = { $key } não é uma chave de tradução
