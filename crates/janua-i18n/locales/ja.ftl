### Janua's built-in messages, Japanese.

## Durations (used inside other messages)

time-minutes = { $count } 分
time-hours = { $count } 時間
time-days = { $count } 日

## Parts every email has

email-common-greeting = お客様
email-common-greeting_named = { $name } 様
email-common-link_fallback = ボタンが機能しない場合は、次のリンクをコピーしてブラウザーに貼り付けてください。
email-common-footer = このメールは { $product } から送信されました。送信専用のため、ご返信いただいても確認できません。
email-common-footer_organization = このメールは { $organization } に代わって { $product } から送信されました。送信専用のため、ご返信いただいても確認できません。
email-common-link_expiry = このリンクの有効期間は { $duration } で、ご利用いただけるのは 1 回のみです。

## Email verification

email-verify-subject = メールアドレスのご確認
email-verify-heading = メールアドレスのご確認
email-verify-body = 以下のリンクを開いて、このメールアドレスがご本人のものであることを確認してください。
email-verify-action = メールアドレスを確認
email-verify-ignore = アカウントの作成やメールアドレスの変更に心当たりがない場合は、このメールを無視してください。

## Password reset link

email-reset-subject = パスワードの再設定
email-reset-heading = パスワードの再設定
email-reset-body = このアカウントのパスワード再設定がリクエストされました。新しいパスワードを設定するには、以下のリンクを開いてください。
email-reset-action = 新しいパスワードを設定
email-reset-ignore = 心当たりがない場合は、このメールを無視してください。パスワードは変更されません。

## Magic link

email-magic_link-subject = サインイン用のリンク
email-magic_link-heading = サインイン
email-magic_link-body = 以下のリンクを開いてサインインしてください。
email-magic_link-action = サインイン
email-magic_link-ignore = このリンクをリクエストした覚えがない場合は、このメールを無視してください。

## Invitation to an organization

email-invitation-subject = { $organization } への招待が届いています
email-invitation-heading = { $organization } に参加
email-invitation-body = { $inviter } さんがあなたを { $role } として { $organization } に招待しました。
email-invitation-body_anonymous = { $role } として { $organization } に招待されています。
email-invitation-action = 招待を承諾
email-invitation-note = 招待を承諾するには、このメールアドレスでサインインまたは新規登録してください。
email-invitation-expiry = この招待の有効期間は { $duration } です。
email-invitation-ignore = この招待に心当たりがない場合は、このメールを無視してください。

## Password changed

email-password_changed-subject = パスワードが変更されました
email-password_changed-heading = パスワードが変更されました
email-password_changed-body = { $when } に { $address } から、お使いのアカウントのパスワードが変更されました。ほかのセッションはすべてサインアウトされています。
email-password_changed-warning = 心当たりがない場合は、ただちにパスワードを再設定してください。
email-password_changed-action = パスワードを再設定

## Password reset done

email-password_reset-subject = パスワードが再設定されました
email-password_reset-heading = パスワードが再設定されました
email-password_reset-body = { $when } に { $address } から、お使いのアカウントのパスワードが再設定され、すべてのセッションがサインアウトされました。
email-password_reset-methods = 現在、このアカウントには次の方法でサインインできます：
email-password_reset-method_password = パスワード（今回設定したもの）
email-password_reset-method_passkeys = パスキー（{ $count } 件）
email-password_reset-method_providers = 連携済みのサインインプロバイダーのアカウント（{ $count } 件）
email-password_reset-warning = 心当たりのないものがある場合は、サインインして削除してください。パスワードの再設定に心当たりがない場合は、ただちにもう一度パスワードを再設定してください。
email-password_reset-action = パスワードを再設定

## Email address changed

email-email_changed-subject = メールアドレスが変更されました
email-email_changed-heading = メールアドレスが変更されました
email-email_changed-body = お使いのアカウントのメールアドレスが { $old_email } から { $new_email } に変更されました。
email-email_changed-warning = 今後、このアドレス宛てのメールではアカウントにサインインできません。この変更に心当たりがない場合は、ただちに管理者にご連絡ください。

## Data-subject request extended

email-request_extended-subject = データに関するご請求：対応期間延長のお知らせ
email-request_extended-heading = ご請求への対応にお時間をいただいています
email-request_extended-body = お客様からの{ $request_type ->
    [access] 開示のご請求
    [portability] データポータビリティのご請求
    [erasure] 削除のご請求
    [rectification] 訂正のご請求
    [restriction] 処理制限のご請求
    [objection] 異議のお申し立て
   *[other] データに関するご請求
    }につきましては、通常の 1 か月を超えてお時間をいただく必要があります。{ $due } までにご回答いたします。
email-request_extended-reason = 理由：{ $reason }
email-request_extended-reference = 受付番号：{ $request_id }

## Personal data export ready

email-export_ready-subject = 個人データのエクスポート
email-export_ready-heading = 個人データのエクスポートの準備ができました
email-export_ready-body = リクエストされた個人データのコピーをダウンロードできるようになりました。
email-export_ready-action = アーカイブをダウンロード
email-export_ready-expiry = このリンクは { $until } まで、1 回のみご利用いただけます。期限を過ぎるとアーカイブは削除されます。
email-export_ready-ignore = このリクエストに心当たりがない場合は、管理者にお知らせください。

## Account deletion scheduled

email-deletion_scheduled-subject = アカウントの削除が予定されています
email-deletion_scheduled-heading = アカウントの削除が予定されています
email-deletion_scheduled-body = お使いのアカウントは無効化されました。お客様に関して保持しているすべての情報は { $until } に消去されます。
email-deletion_scheduled-keep = アカウントを残す場合は、それまでに削除をキャンセルしてください。
email-deletion_scheduled-action = 削除をキャンセル
email-deletion_scheduled-ignore = ご自身で削除をリクエストされた場合は、特に操作は必要ありません。

## Error messages (the `message` of the error envelope; the `code` never changes)

error-validation_error = リクエストが無効です
error-invalid_credentials = メールアドレスまたはパスワードが正しくありません
error-unauthorized = 認証が必要です
error-forbidden = この操作を行う権限がありません
error-account_suspended = このアカウントは停止されています
error-not_found = リソースが見つかりません
error-method_not_allowed = このメソッドはここでは使用できません
error-conflict = 変更内容が既存のデータと競合しています
error-payload_too_large = リクエスト本文が大きすぎます
error-unsupported_media_type = リクエスト本文は JSON である必要があります
error-rate_limit_exceeded = リクエストが多すぎます。しばらくしてから再試行してください
error-internal_error = 内部エラーが発生しました。報告の際は X-Request-Id ヘッダーの値をお知らせください
error-service_unavailable = 一部のサービスを利用できません。しばらくしてから再試行してください
error-field-required = { $field } は必須です
error-email-invalid = email が有効なメールアドレスではありません
error-password-too_short = { $field } は { $min } 文字以上にしてください
error-password-too_long = { $field } は { $max } 文字以下にしてください
error-password-too_common = { $field } は一般的すぎるため使用できません。別のものを選んでください
error-password-unchanged = new_password には現在のパスワードと異なるものを指定してください
error-password-current_incorrect = 現在のパスワードが正しくありません
error-link-reset_invalid = 再設定リンクが無効か、有効期限が切れています
error-link-verify_invalid = 確認リンクが無効か、有効期限が切れています
error-name-length = name は 1～200 文字にしてください
error-locale-invalid = locale には en や pt-BR などの BCP 47 言語タグを指定してください
error-organization-not_found = 組織が見つかりません
error-organization-role_forbidden = 組織内のあなたのロールでは、この操作は許可されていません
error-translation-syntax = { $key } のメッセージの { $line } 行目 { $column } 列目が無効です：{ $reason }
error-translation-variable = { $key } のメッセージは { $line } 行目 { $column } 列目で ${ $variable } を使用していますが、このキーでは宣言されていません
error-translation-unknown_key = { $key } は翻訳キーではありません
