//! The audit log: security events (logins, password changes) recorded where they happen, and workflow and
//! administrative changes recorded from their domain events by the unit of work, in the change's transaction.

pub mod personal_data;
pub mod policy;

use crate::auth::Principal;
use crate::domain::Origin;
use crate::domain::domain_events::DomainEvent;
use crate::domain::pagination::{Page, PageRequest, SortOrder, paginate};
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use entity::audit_event;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::Value;
use uuid::Uuid;

macro_rules! audit_actions {
    ($($variant:ident => $name:literal,)*) => {
        /// What happened. Stored by name; the GraphQL enum mirrors it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum AuditAction { $($variant,)* }

        impl AuditAction {
            pub const ALL: &'static [AuditAction] = &[$(AuditAction::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(AuditAction::$variant => $name,)* }
            }
        }
    };
}

audit_actions! {
    // Security events, recorded directly where they happen.
    AccountRegistered => "ACCOUNT_REGISTERED",
    EmailVerified => "EMAIL_VERIFIED",
    LoginSucceeded => "LOGIN_SUCCEEDED",
    LoginFailed => "LOGIN_FAILED",
    LoginRefused => "LOGIN_REFUSED",
    Logout => "LOGOUT",
    RefreshTokenReused => "REFRESH_TOKEN_REUSED",
    PasswordChanged => "PASSWORD_CHANGED",
    PasswordResetRequested => "PASSWORD_RESET_REQUESTED",
    ServiceTokenIssued => "SERVICE_TOKEN_ISSUED",
    ExternalUserLinked => "EXTERNAL_USER_LINKED",
    // Workflow and administrative changes, recorded from their domain events by the unit of work.
    RoleGranted => "ROLE_GRANTED",
    RoleRevoked => "ROLE_REVOKED",
    ServiceAccountCreated => "SERVICE_ACCOUNT_CREATED",
    AccountErased => "ACCOUNT_ERASED",
    SubscriptionErased => "SUBSCRIPTION_ERASED",
    ProgrammeCreated => "PROGRAMME_CREATED",
    ProgrammeUpdated => "PROGRAMME_UPDATED",
    CallCreated => "CALL_CREATED",
    CallUpdated => "CALL_UPDATED",
    CallPublished => "CALL_PUBLISHED",
    MemberInvited => "MEMBER_INVITED",
    MemberJoined => "MEMBER_JOINED",
    MemberChanged => "MEMBER_CHANGED",
    MemberRemoved => "MEMBER_REMOVED",
    RegionStatusChanged => "REGION_STATUS_CHANGED",
    ApplicationSubmitted => "APPLICATION_SUBMITTED",
    ApplicationWithdrawn => "APPLICATION_WITHDRAWN",
    ApplicationReturned => "APPLICATION_RETURNED",
    ApplicationEligibilityAssessed => "APPLICATION_ELIGIBILITY_ASSESSED",
    ApplicationQualityAssessed => "APPLICATION_QUALITY_ASSESSED",
    ApplicationDecided => "APPLICATION_DECIDED",
    ExpertApplied => "EXPERT_APPLIED",
    ExpertVetted => "EXPERT_VETTED",
    AssignmentProposed => "ASSIGNMENT_PROPOSED",
    AssignmentAccepted => "ASSIGNMENT_ACCEPTED",
    AssignmentDeclined => "ASSIGNMENT_DECLINED",
    AssignmentEnded => "ASSIGNMENT_ENDED",
    StrategySubmitted => "STRATEGY_SUBMITTED",
    StrategyChangesRequested => "STRATEGY_CHANGES_REQUESTED",
    StrategyAdopted => "STRATEGY_ADOPTED",
    StrategyPublished => "STRATEGY_PUBLISHED",
    StrategyAmended => "STRATEGY_AMENDED",
    EventPublished => "EVENT_PUBLISHED",
    EventCancelled => "EVENT_CANCELLED",
    EventCompleted => "EVENT_COMPLETED",
    NewsletterIssueSent => "NEWSLETTER_ISSUE_SENT",
    ResourcePublished => "RESOURCE_PUBLISHED",
}

impl AuditAction {
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|a| a.as_str() == name)
    }
}

/// One event to record.
pub struct AuditEntry {
    pub action: AuditAction,
    pub actor: Option<Uuid>,
    pub subject: Option<Uuid>,
    pub detail: Value,
}

pub async fn record(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    origin: &Origin,
    entry: AuditEntry,
) -> AppResult<()> {
    audit_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        occurred_at: Set(now),
        action: Set(entry.action.as_str().to_owned()),
        actor_id: Set(entry.actor),
        subject_id: Set(entry.subject),
        subject_type: Set(None),
        client_address: Set(origin.client_address.clone()),
        detail: Set(entry.detail.to_string()),
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// Records a workflow or administrative change from its domain event (the unit of work calls this).
pub(crate) async fn record_change(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    origin: &Origin,
    actor: Option<Uuid>,
    action: AuditAction,
    event: &DomainEvent,
) -> AppResult<()> {
    let mut detail = event.payload.clone();
    if let Value::Object(fields) = &mut detail {
        fields.insert("event".to_owned(), Value::from(event.event_type.as_str()));
    }
    audit_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        occurred_at: Set(now),
        action: Set(action.as_str().to_owned()),
        actor_id: Set(actor),
        subject_id: Set(Some(event.subject_id)),
        subject_type: Set(Some(event.subject_type.name().to_owned())),
        client_address: Set(origin.client_address.clone()),
        detail: Set(detail.to_string()),
    }
    .insert(conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub action: Option<AuditAction>,
    pub subject: Option<Uuid>,
}

/// Newest first; for those `policy::can_list` lets in.
pub async fn list(
    conn: &impl ConnectionTrait,
    actor: Option<&Principal>,
    filter: &AuditFilter,
    page: &PageRequest,
) -> AppResult<Page<audit_event::Model>> {
    policy::can_list(actor)?;
    let mut select = audit_event::Entity::find();
    if let Some(action) = filter.action {
        select = select.filter(audit_event::Column::Action.eq(action.as_str()));
    }
    if let Some(subject) = filter.subject {
        select = select.filter(audit_event::Column::SubjectId.eq(subject));
    }
    paginate(
        conn,
        select,
        (audit_event::Column::OccurredAt, audit_event::Column::Id),
        |e| (e.occurred_at, e.id),
        SortOrder::Descending,
        page,
    )
    .await
}
