### Error messages of accounts, ja.

## Users and profiles
error-accounts-no_such_user = ユーザーが見つかりません
error-accounts-id_taken = この id は別のユーザーのものです
error-accounts-email_taken = このメールアドレスはすでに登録されています
error-accounts-address_changed = 確認の送信後にアドレスが変更されました
error-accounts-reason_too_long = reason は 500 文字以下にしてください
error-accounts-status_invalid = status には active または suspended を指定してください
error-accounts-avatar_url_invalid = avatar_url には http(s) の URL を指定してください
error-accounts-metadata_not_object = metadata には JSON オブジェクトを指定してください
error-accounts-metadata_too_large = metadata は 16 KiB 以下にしてください

## Platform administration
error-accounts-platform_admins_only = プラットフォーム管理者専用です
error-accounts-search_too_long = 検索文字列は 254 文字以下にしてください
error-accounts-suspend_self = 自分自身を停止または停止解除することはできません
error-accounts-delete_self = 自分のアカウントは DELETE /api/v1/users/{"{"}id{"}"} で削除してください

## Localization (overrides and translation keys)
error-accounts-namespace_length = namespace は 1～64 文字にしてください
error-accounts-messages_count = メッセージは 1～{ $max } 件指定してください
error-accounts-no_such_override = 上書きが見つかりません
error-accounts-key_invalid = key は a-z、0-9、_ からなる 2 つ以上のドット区切りセグメントで、128 文字以下にしてください
error-accounts-namespace_mismatch = namespace にはキーの最初のセグメントを指定してください
error-accounts-description_too_long = description は 500 文字以下にしてください
error-accounts-variables_invalid = variables には英字、数字、_、- からなる名前を 20 個まで指定してください（$ なし）
error-accounts-key_builtin = この名前は組み込みキーで使われています
error-accounts-key_exists = このキーはすでに存在します

## Organizations
error-accounts-organization_name_length = name は 1～{ $max } 文字の印字可能な文字にしてください
error-accounts-slug_invalid = slug は小文字、数字、単独のハイフンで 3～63 文字にしてください
error-accounts-organization_metadata_invalid = metadata は { $max } バイト以下の JSON オブジェクトにしてください
error-accounts-logo_url_invalid = logo_url には https の URL を指定してください
error-accounts-slug_taken = この slug はすでに使われています
error-accounts-slug_from_name = 名前から slug を作成できませんでした。slug を指定してください

## Members
error-accounts-role_invalid = role には owner、admin、member のいずれかを指定してください
error-accounts-no_such_member = メンバーが見つかりません
error-accounts-already_member = このユーザーはすでにメンバーです
error-accounts-last_owner = 組織には owner が 1 人以上必要です。先に別の owner を任命してください
error-accounts-owner_not_provisioned = owner はプロビジョニングできません。組織内で任命してください
error-accounts-provisioned_role_invalid = role には admin または member を指定してください
error-accounts-membership_changed = その間にメンバーシップが変更されました。もう一度お試しください

## Invitations
error-accounts-no_such_invitation = 招待が見つかりません
error-accounts-invitation_expired = この招待は有効期限が切れています。新しい招待を依頼してください
error-accounts-invitation_used = この招待はすでに使用されています
error-accounts-invitation_revoked = この招待は取り消されました
error-accounts-invitation_not_open = この招待は有効ではありません
error-accounts-address_is_member = このアドレスはすでにメンバーのものです
error-accounts-address_invited = このアドレスには保留中の招待があります。代わりに再送してください
error-accounts-invitation_other_address = この招待は別のメールアドレス宛てです
error-accounts-invitation_unverified = 招待を承諾する前にメールアドレスを確認してください
error-accounts-you_are_member = すでにメンバーです
error-accounts-invitation_send_limit = 招待の送信は { $max } 回までです

## Roles and policies
error-accounts-no_such_role = ロールが見つかりません
error-accounts-builtin_role_read_only = 組み込みロールは読み取り専用です
error-accounts-role_name_taken = この名前のロールはここにすでに存在します
error-accounts-role_name_invalid = name は制御文字を含まない 1～128 文字にしてください
error-accounts-role_name_builtin = その名前は組み込みロールのものです
error-accounts-role_permissions_empty = ロールには 1 つ以上の権限が必要です
error-accounts-permissions_unknown = 不明な権限です。GET /api/v1/rbac/permissions を参照してください
error-accounts-permissions_built_in_only = これらの権限は組み込みロールの admin と owner にのみ付与されます
error-accounts-permissions_beyond_own = ロールには自分が持っている権限しか含められません
error-accounts-own_grants = カスタムロールで得た権限では自分のロールを変更できません
error-accounts-role_held = このユーザーはすでにこのロールを持っています
error-accounts-role_not_held = このユーザーはこのロールを持っていません
error-accounts-role_moved = ロールは作成された場所から移動できません
error-accounts-builtin_role_assign = 組み込みロールはメンバーシップに付随します。代わりにメンバーのロールを変更してください
error-accounts-role_other_organization = このロールは別の組織のものです
error-accounts-role_user_not_member = このユーザーはロールの組織のメンバーではありません
error-accounts-holders_not_members = 保持者は全員組織のメンバーである必要があります。変更は行われていません
error-accounts-platform_roles_admins_only = プラットフォーム全体のロールはプラットフォーム管理者専用です
error-accounts-platform_policies_admins_only = プラットフォーム全体のポリシーはプラットフォーム管理者専用です
error-accounts-platform_wide_admins_only = プラットフォーム全体の { $what } はプラットフォーム管理者専用です
error-accounts-no_such_policy = ポリシーが見つかりません
error-accounts-effect_invalid = effect には allow または deny を指定してください
error-accounts-conditions_invalid = conditions が無効です：{ $reason }
error-accounts-policy_moved = ポリシーは所属する組織から移動できません
