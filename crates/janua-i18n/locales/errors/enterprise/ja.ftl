### Error messages of enterprise, ja.

## SSO configurations
error-enterprise-sso_configuration_not_found = SSO 設定が見つかりません
error-enterprise-url_invalid = { $field } が URL ではありません
error-enterprise-url_not_http = { $field } には http(s) の URL を指定してください
error-enterprise-metadata_url_bad = idp_metadata_url：認証情報を含まない絶対 http(s) URL を指定してください
error-enterprise-metadata_url_not_allowed = idp_metadata_url：このアドレスは許可されていません
error-enterprise-metadata_url_unreachable = idp_metadata_url：アドレスに接続できませんでした
error-enterprise-metadata_url_document_invalid = idp_metadata_url：アドレスのドキュメントが無効です
error-enterprise-protocol_immutable = 設定のプロトコルは変更できません
error-enterprise-default_role_invalid = default_role は member または admin にしてください
error-enterprise-admin_groups_invalid = admin_groups には 1～256 文字のグループ名を 100 個まで指定してください
error-enterprise-domains_too_many = ドメインは 50 個までです
error-enterprise-saml_with_oidc = SAML 設定には `oidc` ではなく `saml` を指定してください
error-enterprise-saml_missing = SAML 設定には `saml` が必要です
error-enterprise-oidc_with_saml = OIDC 設定には `saml` ではなく `oidc` を指定してください
error-enterprise-oidc_missing = OIDC 設定には `oidc` が必要です
error-enterprise-idp_entity_id_length = idp_entity_id は 1～1024 文字にしてください
error-enterprise-client_id_length = client_id は 1～512 文字にしてください
error-enterprise-client_secret_length = client_secret は 1～4096 文字にしてください
error-enterprise-scopes_invalid = scopes には空白を含まない名前を 20 個まで指定してください
error-enterprise-issuer_not_allowed = issuer：このアドレスは許可されていません
error-enterprise-issuer_unreachable = issuer：アドレスに接続できませんでした
error-enterprise-issuer_discovery_invalid = issuer：アドレスのディスカバリードキュメントが無効です
error-enterprise-saml_idp_missing = IdP のメタデータ（idp_metadata_xml または idp_metadata_url）、または idp_entity_id と idp_sso_url を指定してください
error-enterprise-saml_certificate_required = IdP の署名証明書が必要です
error-enterprise-organization_immutable = 設定を別の組織に移すことはできません

## Domain verification
error-enterprise-domain_not_found = ドメインが見つかりません
error-enterprise-domain_not_in_configuration = この設定にそのドメインはありません
error-enterprise-dns_record_not_found = TXT レコード { $name } = { $value } が見つかりませんでした
error-enterprise-domain_taken = このドメインは別の組織が検証済みです

## Domains an administrator enters
error-enterprise-domain_empty = example.com のようなドメインを入力してください
error-enterprise-domain_has_scheme = https:// などのスキームを付けずにドメインのみを入力してください
error-enterprise-domain_not_ascii = 国際化ドメイン名は ASCII 形式（xn--...）で入力してください
error-enterprise-domain_has_path = パスを付けずにドメインのみを入力してください
error-enterprise-domain_has_port = ポートを付けずにドメインのみを入力してください
error-enterprise-domain_is_email = メールアドレスではなくドメインを入力してください
error-enterprise-domain_too_long = ドメインは 253 文字以内にしてください
error-enterprise-domain_top_level = { $domain } はトップレベルドメインです。example.com のようなドメインを入力してください
error-enterprise-domain_empty_label = ドメインに空のラベル（連続したドットや先頭のドット）は使えません
error-enterprise-domain_label_too_long = ラベル { $label } が 63 文字を超えています
error-enterprise-domain_label_character = ラベル { $label } に { $character } が含まれています。使えるのは英字、数字、ハイフンのみです
error-enterprise-domain_label_hyphen = ラベル { $label } の先頭と末尾にハイフンは使えません
error-enterprise-domain_is_ip = IP アドレスではなくドメイン名を入力してください

## SAML metadata and certificates
error-enterprise-metadata_not_entity_descriptor = IdP メタデータが SAML EntityDescriptor ではありません：{ $reason }
error-enterprise-metadata_no_entity_id = IdP メタデータに entityID がありません
error-enterprise-metadata_no_idp = メタデータに IdP（IDPSSODescriptor）の記述がありません
error-enterprise-metadata_no_redirect_sso = IdP が HTTP-Redirect のシングルサインオンサービスを提供していません
error-enterprise-metadata_no_certificate = IdP メタデータに署名証明書がありません
error-enterprise-certificate_encoding = 証明書が PEM でも base64 DER でもありません
error-enterprise-certificate_not_x509 = X.509 証明書ではない証明書があります

## SAML sign-in and logout
error-enterprise-saml_not_base64 = SAMLResponse が base64 ではありません
error-enterprise-saml_not_utf8 = SAMLResponse が UTF-8 の XML ではありません
error-enterprise-saml_malformed = SAML レスポンスの形式が正しくありません：{ $reason }
error-enterprise-saml_signature_invalid = SAML レスポンスに ID プロバイダーの有効な署名がありません
error-enterprise-saml_audience_mismatch = この SAML レスポンスはこのサービスプロバイダー宛てではありません（{ $reason }）
error-enterprise-saml_in_response_to_mismatch = SAML レスポンスがこのサインインに対応していません（{ $reason }）
error-enterprise-saml_unsolicited = この接続では非要求型（IdP 起点）の SAML レスポンスは許可されていません
error-enterprise-saml_expired = SAML アサーションの有効期限が切れているか、まだ有効ではありません（{ $reason }）
error-enterprise-saml_replayed = この SAML アサーションは使用済みです
error-enterprise-saml_assertion_count = SAML レスポンスにはアサーションをちょうど 1 つ含める必要があります
error-enterprise-saml_refused = SAML レスポンスが拒否されました：{ $reason }
error-enterprise-saml_request_required = SAMLRequest（LogoutRequest）は必須です
error-enterprise-saml_unknown_service_provider = SAML レスポンスに対応する有効な SSO 設定がありません
error-enterprise-logout_signature_invalid = LogoutRequest に、設定済みの ID プロバイダーによる有効な署名がありません
error-enterprise-logout_replayed = この LogoutRequest は使用済みです

## Starting and completing a sign-in
error-enterprise-sso_not_found = シングルサインオンが設定されていません
error-enterprise-sso_target_missing = email、organization、configuration_id のいずれかを指定してください
error-enterprise-redirect_uri_not_allowed = redirect_uri が許可リストにありません
error-enterprise-browser_mismatch = このサインインは別のブラウザーで開始されました
error-enterprise-unknown_state = この state に対応する進行中のサインインはありません
error-enterprise-provider_error = ID プロバイダーが { $error } を返しました
error-enterprise-oidc_provider_not_allowed = ID プロバイダーのアドレスは許可されていません
error-enterprise-oidc_nonce_mismatch = ID トークンの nonce がこのサインインと一致しません
error-enterprise-email_missing = ID プロバイダーからこのユーザーのメールアドレスが送信されませんでした
error-enterprise-domain_not_verified = ユーザーのメールドメインはこの組織の検証済みドメインではありません

## SCIM tokens
error-enterprise-scim_token_not_found = SCIM トークンが見つかりません
