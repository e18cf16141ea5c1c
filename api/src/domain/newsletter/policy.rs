//! Who may read and change newsletter data.
//!
//! - **Issues** are back-office work: only staff read them (list, `node(id:)`, preview) and run their commands
//!   (create, send).
//! - **Subscriptions** belong to an e-mail address, not to an account. The rule:
//!   - `subscribe` is open to anybody, signed in or not (the address is proven later by the confirmation link,
//!     and the answer is the same for every address, so it reveals nothing);
//!   - `confirm` is for the holder of the confirmation token: the token is the authority, no sign-in needed;
//!   - `update` and `unsubscribe` are for the holder of a manage token (from any newsletter mail; anonymous is
//!     fine), or for a signed-in *user* acting on the subscription of their own account's address — never on
//!     another principal's (service accounts are not people and have no address);
//!   - reading follows the same keys: a manage token shows its subscription, and a signed-in user sees the one
//!     of their own address (`me.subscription`). There is no list of subscriptions and no subscription node.

use crate::auth::Principal;
use crate::domain::newsletter::subscriptions::SubscriberKey;
use crate::domain::policy::{is_staff, require_staff, require_user};
use crate::error::{AppError, AppResult};
use entity::newsletter_issue;
use sea_orm::Condition;

/// Issues are for staff only.
pub fn can_read_issue(actor: Option<&Principal>, _issue: &newsletter_issue::Model) -> bool {
    is_staff(actor)
}

/// `can_read_issue` as a query condition, for lists: everything for staff, nothing for anyone else.
pub fn issues_read_filter(actor: Option<&Principal>) -> Condition {
    if is_staff(actor) { Condition::all() } else { Condition::any() }
}

/// Creating, previewing and sending issues (staff).
pub fn can_manage_issues(actor: Option<&Principal>) -> AppResult<&Principal> {
    require_staff(actor)
}

/// Subscribing an address: anybody (see the module's rule).
pub fn can_subscribe(_actor: Option<&Principal>) -> AppResult<()> {
    Ok(())
}

/// Confirming with a confirmation token: whoever holds the token.
pub fn can_confirm(_actor: Option<&Principal>) -> AppResult<()> {
    Ok(())
}

/// Updating or unsubscribing: the holder of a manage token, or a signed-in user acting on their own address
/// (`SubscriberKey::Caller` must be the actor itself).
pub fn can_change(actor: Option<&Principal>, key: &SubscriberKey<'_>) -> AppResult<()> {
    match key {
        SubscriberKey::Token(_) => Ok(()),
        SubscriberKey::Caller(owner) => {
            let me = require_user(actor)?;
            if me.id == owner.id { Ok(()) } else { Err(AppError::Forbidden) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{Role, SubjectKind};
    use uuid::Uuid;

    fn principal(kind: SubjectKind, roles: Vec<Role>) -> Principal {
        Principal { id: Uuid::new_v4(), kind, roles, programmes: Vec::new(), session: None }
    }

    #[test]
    fn issues_are_for_staff_and_subscriptions_for_their_token_or_own_user() {
        let staff = principal(SubjectKind::User, vec![Role::Staff]);
        let applicant = principal(SubjectKind::User, vec![Role::Applicant]);
        assert!(can_manage_issues(Some(&staff)).is_ok());
        assert!(matches!(can_manage_issues(Some(&applicant)), Err(AppError::Forbidden)));
        assert!(matches!(can_manage_issues(None), Err(AppError::Unauthenticated)));

        assert!(can_change(None, &SubscriberKey::Token("t")).is_ok());
        assert!(can_change(Some(&applicant), &SubscriberKey::Caller(&applicant)).is_ok());
        assert!(matches!(can_change(Some(&staff), &SubscriberKey::Caller(&applicant)), Err(AppError::Forbidden)));
        assert!(matches!(can_change(None, &SubscriberKey::Caller(&applicant)), Err(AppError::Unauthenticated)));
        let service = principal(SubjectKind::Service, Vec::new());
        assert!(matches!(can_change(Some(&service), &SubscriberKey::Caller(&service)), Err(AppError::Forbidden)));
    }
}
