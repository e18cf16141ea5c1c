//! Identity and access: who the caller is (`Principal`), how tokens prove it (`jwt`, `external`,
//! `authenticate`), how secrets are kept (`secrets`), and the role guards of GraphQL fields (`guard`).
//! Object-level rules (owner, member, programme) live in the domain functions that load the objects.

pub mod authenticate;
pub mod external;
pub mod guard;
pub mod jwt;
pub mod secrets;

pub use entity::user_role::Role;
pub use jwt::SubjectKind;

use crate::error::{AppError, AppResult};
use uuid::Uuid;

/// Roles allowed to run the programme's back office.
pub const STAFF: &[Role] = &[Role::Staff, Role::Admin];
pub const ADMIN: &[Role] = &[Role::Admin];

/// An authenticated caller: a user (with a session) or an integrator's service account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub id: Uuid,
    pub kind: SubjectKind,
    pub roles: Vec<Role>,
    /// For managing authorities: the Interreg programmes they work for.
    pub programmes: Vec<Uuid>,
    /// The session family of a user's token.
    pub session: Option<Uuid>,
}

impl Principal {
    pub fn has_any(&self, roles: &[Role]) -> bool {
        self.roles.iter().any(|role| roles.contains(role))
    }

    pub fn is_staff(&self) -> bool {
        self.has_any(STAFF)
    }

    /// The user behind the call; service accounts are not users.
    pub fn user_id(&self) -> Option<Uuid> {
        (self.kind == SubjectKind::User).then_some(self.id)
    }
}

/// Who is calling: a principal, or nobody (anonymous). Put into every GraphQL request.
#[derive(Debug, Clone, Default)]
pub struct Caller(pub Option<Principal>);

impl Caller {
    pub fn principal(&self) -> AppResult<&Principal> {
        self.0.as_ref().ok_or(AppError::Unauthenticated)
    }

    /// The calling user's id; service accounts and anonymous callers are refused.
    pub fn user_id(&self) -> AppResult<Uuid> {
        self.principal()?.user_id().ok_or(AppError::Forbidden)
    }
}
