//! Org's part of the OpenAPI document; the gateway merges every service's part.

use crate::handlers::{invitations, members, organizations, policies, rbac};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    paths(
        organizations::create,
        organizations::list,
        organizations::get,
        organizations::update,
        organizations::delete,
        organizations::list_for_user,
        members::list,
        members::add,
        members::remove,
        members::change_role,
        invitations::create,
        invitations::list,
        invitations::details,
        invitations::accept,
        invitations::revoke,
        invitations::resend,
        policies::create,
        policies::list,
        policies::get,
        policies::update,
        policies::delete,
        policies::evaluate,
        rbac::permissions,
        rbac::list_roles,
        rbac::get_role,
        rbac::create_role,
        rbac::update_role,
        rbac::delete_role,
        rbac::assign,
        rbac::unassign
    ),
    components(schemas(
        organizations::CreateOrganization,
        organizations::UpdateOrganization,
        organizations::OrganizationView,
        members::AddMember,
        members::ChangeRole,
        members::MemberView,
        invitations::CreateInvitation,
        invitations::InvitationView,
        invitations::PublicInvitation,
        invitations::OrganizationSummary,
        policies::PolicyInput,
        policies::PolicyView,
        policies::EvaluateRequest,
        policies::DecisionView,
        rbac::RoleView,
        rbac::RoleInput,
        rbac::AssignRole,
        rbac::Assignment,
        rbac::PermissionView,
        crate::domain::roles::Role,
        janua_core::error::ErrorEnvelope,
        janua_core::error::ErrorBody
    ))
)]
pub struct ApiDoc;

pub async fn document() -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok().json(ApiDoc::openapi())
}
