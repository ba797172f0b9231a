//! Identity's routes: the public ones are declared on their handlers (`#[utoipa::path]`), each once.

use crate::handlers::{admin, internal, localization, users};
use actix_web::web;
use janua_service::housekeeping::Retention;

janua_service::endpoints! {
    users::{me, get_user, update_user},
    admin::{list_users, admin_users, stats, suspend, unsuspend, force_delete, delete_user},
    localization::{locales, translations, write_translations, delete_translation, list_keys, create_key},
}

/// `/internal/v1`: the user record, for auth (sign-up, sign-in, MFA) and enterprise (SCIM).
pub fn internal_api(cfg: &mut web::ServiceConfig) {
    cfg.route("/users/by-email", web::get().to(internal::user_by_email))
        .route("/users/{user_id}", web::put().to(internal::create_user))
        .route("/users/{user_id}", web::get().to(internal::get_user))
        .route("/users/{user_id}", web::delete().to(internal::delete_user))
        .route("/users/{user_id}", web::patch().to(internal::update_user))
        .route("/users/{user_id}/verify-email", web::post().to(internal::verify_email))
        .route("/users/{user_id}/mfa", web::post().to(internal::set_mfa))
        .route("/localization/overrides", web::get().to(localization::internal_overrides));
}

/// What identity holds about a person: the profile.
const PERSONAL_DATA: &[janua_service::Section] = &[janua_service::Section {
    name: "profile",
    query: "SELECT id, email, email_verified, name, avatar_url, locale, status, mfa_enabled, metadata, roles,
            created_at, updated_at FROM users WHERE id = $1",
}];
/// The account row goes first through `DELETE /internal/v1/users/{id}` (with `user.deleted`,
/// which carries no personal data); erasure here makes sure of it and clears what identity's
/// outbox published about the person.
const ERASE: &[&str] = &[
    "DELETE FROM users WHERE id = $1",
    "UPDATE translations SET updated_by = NULL WHERE updated_by = $1",
    "UPDATE translation_keys SET created_by = NULL WHERE created_by = $1",
];

/// What identity deletes by age: the tombstones of deleted accounts once their tokens have
/// all expired.
const RETENTION: &[Retention] = &[Retention {
    task: "revoked_users",
    table: "revoked_users",
    due: "until < now() - make_interval(secs => $1)",
    keep: |_| 0,
}];

pub const ROUTES: janua_service::Routes = janua_service::Routes {
    public: endpoints,
    internal: internal_api,
    personal_data: PERSONAL_DATA,
    erase: ERASE,
    retention: RETENTION,
};
