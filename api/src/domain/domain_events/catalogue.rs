//! Every kind of domain event the service emits, written once: its name (`area.fact`, past tense) and, for
//! workflow and administrative changes, the action under which it also appears in the audit log.
//! Payloads hold ids, statuses and counts, never secrets and never personal data such as names or addresses
//! (an erasure would otherwise have to rewrite history); the subject's global ID is on every event.

use crate::domain::audit::AuditAction;

macro_rules! event_types {
    ($($variant:ident => $name:literal $(, audit $action:ident)?;)*) => {
        /// The kind of a domain event.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum EventType { $($variant,)* }

        impl EventType {
            pub const ALL: &'static [EventType] = &[$(EventType::$variant,)*];

            /// The stored and published name, e.g. `application.submitted`.
            pub fn as_str(self) -> &'static str {
                match self { $(EventType::$variant => $name,)* }
            }

            /// The audit-log action this event is recorded under, for workflow and administrative changes.
            pub fn audit_action(self) -> Option<AuditAction> {
                match self { $(EventType::$variant => event_types!(@audit $($action)?),)* }
            }
        }
    };
    (@audit $action:ident) => { Some(AuditAction::$action) };
    (@audit) => { None };
}

event_types! {
    // Accounts and access
    AccountRegistered => "account.registered";
    AccountEmailVerified => "account.email_verified";
    AccountVerificationRequested => "account.verification_requested";
    AccountPasswordResetRequested => "account.password_reset_requested";
    AccountPasswordReset => "account.password_reset";
    AccountPasswordChanged => "account.password_changed";
    AccountProfileUpdated => "account.profile_updated";
    AccountExternalLinked => "account.external_linked";
    AccountErased => "account.erased", audit AccountErased;
    SessionStarted => "session.started";
    SessionEnded => "session.ended";
    RoleGranted => "role.granted", audit RoleGranted;
    RoleRevoked => "role.revoked", audit RoleRevoked;
    ServiceAccountCreated => "service_account.created", audit ServiceAccountCreated;
    ServiceAccountTokenIssued => "service_account.token_issued";
    ServiceAccountScopesChanged => "service_account.scopes_changed";
    ServiceAccountRevoked => "service_account.revoked";
    // Reference data
    ProgrammeCreated => "programme.created", audit ProgrammeCreated;
    ProgrammeUpdated => "programme.updated", audit ProgrammeUpdated;
    // Calls
    CallCreated => "call.created", audit CallCreated;
    CallUpdated => "call.updated", audit CallUpdated;
    CallPublished => "call.published", audit CallPublished;
    // Organisations
    OrganisationCreated => "organisation.created";
    OrganisationUpdated => "organisation.updated";
    OrganisationMemberInvited => "organisation.member_invited", audit MemberInvited;
    OrganisationMemberJoined => "organisation.member_joined", audit MemberJoined;
    OrganisationMemberChanged => "organisation.member_changed", audit MemberChanged;
    OrganisationMemberRemoved => "organisation.member_removed", audit MemberRemoved;
    // Cross-border regions and partnerships
    RegionCreated => "region.created";
    RegionUpdated => "region.updated";
    RegionStatusChanged => "region.status_changed", audit RegionStatusChanged;
    PartnershipCreated => "partnership.created";
    PartnershipUpdated => "partnership.updated";
    PartnershipPartnerInvited => "partnership.partner_invited";
    PartnershipPartnerConfirmed => "partnership.partner_confirmed";
    PartnershipPartnerDeclined => "partnership.partner_declined";
    PartnershipInvitationWithdrawn => "partnership.invitation_withdrawn";
    // Applications
    ApplicationCreated => "application.created";
    ApplicationUpdated => "application.updated";
    ApplicationSubmitted => "application.submitted", audit ApplicationSubmitted;
    ApplicationWithdrawn => "application.withdrawn", audit ApplicationWithdrawn;
    ApplicationReturned => "application.returned", audit ApplicationReturned;
    ApplicationEligibilityAssessed => "application.eligibility_assessed", audit ApplicationEligibilityAssessed;
    ApplicationQualityAssessed => "application.quality_assessed", audit ApplicationQualityAssessed;
    ApplicationDecided => "application.decided", audit ApplicationDecided;
    // Experts and their assignments
    ExpertProfileSaved => "expert.profile_saved";
    ExpertApplied => "expert.applied", audit ExpertApplied;
    ExpertVetted => "expert.vetted", audit ExpertVetted;
    AssignmentProposed => "assignment.proposed", audit AssignmentProposed;
    AssignmentAccepted => "assignment.accepted", audit AssignmentAccepted;
    AssignmentDeclined => "assignment.declined", audit AssignmentDeclined;
    AssignmentEnded => "assignment.ended", audit AssignmentEnded;
    // Strategies
    StrategyCreated => "strategy.created";
    StrategyUpdated => "strategy.updated";
    StrategyContentChanged => "strategy.content_changed";
    StrategySubmitted => "strategy.submitted", audit StrategySubmitted;
    StrategyChangesRequested => "strategy.changes_requested", audit StrategyChangesRequested;
    StrategyAdopted => "strategy.adopted", audit StrategyAdopted;
    StrategyPublished => "strategy.published", audit StrategyPublished;
    StrategyAmended => "strategy.amended", audit StrategyAmended;
    StrategyCommentAdded => "strategy_comment.added";
    StrategyCommentReplied => "strategy_comment.replied";
    StrategyCommentResolved => "strategy_comment.resolved";
    StrategyCommentReopened => "strategy_comment.reopened";
    // Events and registrations
    EventCreated => "event.created";
    EventUpdated => "event.updated";
    EventPublished => "event.published", audit EventPublished;
    EventCancelled => "event.cancelled", audit EventCancelled;
    EventCompleted => "event.completed", audit EventCompleted;
    RegistrationCreated => "registration.created";
    RegistrationConfirmed => "registration.confirmed";
    RegistrationPromoted => "registration.promoted";
    RegistrationCancelled => "registration.cancelled";
    RegistrationAttendanceMarked => "registration.attendance_marked";
    // Newsletter and resources
    SubscriptionRequested => "subscription.requested";
    SubscriptionConfirmed => "subscription.confirmed";
    SubscriptionUpdated => "subscription.updated";
    SubscriptionUnsubscribed => "subscription.unsubscribed";
    SubscriptionErased => "subscription.erased", audit SubscriptionErased;
    NewsletterIssueCreated => "newsletter_issue.created";
    NewsletterIssueSent => "newsletter_issue.sent", audit NewsletterIssueSent;
    ResourceCreated => "resource.created";
    ResourceUpdated => "resource.updated";
    ResourcePublished => "resource.published", audit ResourcePublished;
    // Webhooks
    WebhookEndpointCreated => "webhook_endpoint.created";
    WebhookEndpointSecretRotated => "webhook_endpoint.secret_rotated";
    WebhookEndpointDisabled => "webhook_endpoint.disabled";
    WebhookDeliveryReplayed => "webhook_delivery.replayed";
}

impl EventType {
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|t| t.as_str() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::EventType;
    use std::collections::HashSet;

    #[test]
    fn names_are_unique_area_dot_fact() {
        let mut seen = HashSet::new();
        for event_type in EventType::ALL {
            let name = event_type.as_str();
            assert!(seen.insert(name), "{name} is listed twice");
            let (area, fact) = name.split_once('.').unwrap_or_default();
            assert!(!area.is_empty() && !fact.is_empty(), "{name} is not area.fact");
            assert!(name.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c == '.'), "{name}");
            assert_eq!(EventType::parse(name), Some(*event_type));
        }
    }
}
