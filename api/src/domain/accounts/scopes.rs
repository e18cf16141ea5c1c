//! Integrator scopes: what a service account may do beyond reading public data, chosen by admins. Scopes
//! bind service accounts only (people have roles): `webhooks:manage` to register webhook endpoints, and
//! `read:applications`, `read:events`, `read:strategies` to receive those areas' changes (feed,
//! subscriptions, webhooks), always within what the area's read policy lets the account read.

use crate::auth::{Principal, SubjectKind};
use crate::error::{AppError, AppResult};
use entity::service_account_scope;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    ReadStrategies,
    ReadApplications,
    ReadEvents,
    WebhooksManage,
}

impl Scope {
    pub const ALL: [Scope; 4] =
        [Scope::ReadStrategies, Scope::ReadApplications, Scope::ReadEvents, Scope::WebhooksManage];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::ReadStrategies => "read:strategies",
            Scope::ReadApplications => "read:applications",
            Scope::ReadEvents => "read:events",
            Scope::WebhooksManage => "webhooks:manage",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// The scope a service account needs to receive events of type `event_type` (`area.fact`); none for
    /// areas without one (public reference data, calls, resources...).
    pub fn for_event_type(event_type: &str) -> Option<Self> {
        match event_type.split_once('.').map(|(area, _)| area) {
            Some("application" | "partnership") => Some(Scope::ReadApplications),
            Some("event" | "registration") => Some(Scope::ReadEvents),
            Some("strategy") => Some(Scope::ReadStrategies),
            _ => None,
        }
    }
}

/// The scopes of a service account.
pub async fn scopes_of(db: &impl ConnectionTrait, account_id: Uuid) -> AppResult<Vec<Scope>> {
    Ok(scopes_of_accounts(db, &[account_id]).await?.remove(&account_id).unwrap_or_default())
}

/// The scopes of several service accounts in one statement, each sorted; accounts without scopes are absent.
pub async fn scopes_of_accounts(
    db: &impl ConnectionTrait,
    account_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<Scope>>> {
    let mut by_account: HashMap<Uuid, Vec<Scope>> = HashMap::new();
    if account_ids.is_empty() {
        return Ok(by_account);
    }
    let rows = service_account_scope::Entity::find()
        .filter(service_account_scope::Column::ServiceAccountId.is_in(account_ids.iter().copied()))
        .all(db)
        .await?;
    for row in rows {
        if let Some(scope) = Scope::parse(&row.scope) {
            by_account.entry(row.service_account_id).or_default().push(scope);
        }
    }
    by_account.values_mut().for_each(|scopes| scopes.sort());
    Ok(by_account)
}

/// The scopes that bind `actor`: none (unbound) for people and anonymous callers, the account's own for
/// service accounts.
pub async fn binding(db: &impl ConnectionTrait, actor: Option<&Principal>) -> AppResult<Option<Vec<Scope>>> {
    match actor {
        Some(p) if p.kind == SubjectKind::Service => Ok(Some(scopes_of(db, p.id).await?)),
        _ => Ok(None),
    }
}

/// Refuses (`FORBIDDEN`) a service account without `scope`; people pass (their roles decide).
pub async fn require(db: &impl ConnectionTrait, actor: &Principal, scope: Scope) -> AppResult<()> {
    match binding(db, Some(actor)).await? {
        Some(scopes) if !scopes.contains(&scope) => Err(AppError::Forbidden),
        _ => Ok(()),
    }
}
