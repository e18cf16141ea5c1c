//! The delivery read rule: who may receive a domain event. It is the read rule of the event's subject:
//!
//! - `PUBLIC` events go to everybody (they are about what everybody reads: a published call or event);
//! - `STAFF` events go to the programme's staff only;
//! - `PARTIES` events go to staff and to the subject's parties, as its area's policy defines them: the
//!   people who read an application or partnership (members of its organisations, its creator), the members
//!   of an organisation, the creator of a region, the registrant of a registration, the account holder, and
//!   anybody who reads a call, event, resource or programme through its area's `can_read` (drafts stay staff's),
//!   an expert of their own profile and assignments, and, for a strategy, whoever sees the version the event is
//!   about through the strategies' read policy (partners and staff the current version, the managing
//!   authorities of the region's programmes the newest reviewed one, everybody the newest published one).
//!   A partnership's partner events (`partnership.partner_invited`, `_confirmed`, `_declined`,
//!   `partnership.invitation_withdrawn`) are about the partnership: the members of every partner organisation,
//!   invited ones included (a withdrawn organisation no longer is one), its creator and staff receive them.
//!   Subjects without parties of their own (service accounts, newsletter subscriptions) stay with staff.
//!
//! A service account receives the events of applications, events and strategies only with the matching
//! scope (`read:applications`, `read:events`, `read:strategies`), and still only what the rule above allows.
//!
//! Subjects are loaded at delivery time, so a change of access (a member leaving an organisation) applies to
//! later deliveries; a subject that no longer exists is delivered to staff only.

use crate::auth::Principal;
use crate::domain::accounts::scopes::{self, Scope};
use crate::domain::domain_events::Visibility;
use crate::domain::ids::NodeType;
use crate::domain::policy::is_staff;
use crate::domain::{
    accounts, applications, calls, events, experts, newsletter, partnerships, programmes, regions, resources,
    strategies,
};
use crate::error::AppResult;
use entity::{domain_event, organisation_member};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// Whether `actor` may receive `event`.
pub async fn may_receive(
    db: &impl ConnectionTrait,
    actor: Option<&Principal>,
    event: &domain_event::Model,
) -> AppResult<bool> {
    Ok(readable(db, actor, std::slice::from_ref(event)).await?.first().copied().unwrap_or(false))
}

/// For each of `events`, whether `actor` may receive it; one query per subject type at most.
pub async fn readable(
    db: &impl ConnectionTrait,
    actor: Option<&Principal>,
    events: &[domain_event::Model],
) -> AppResult<Vec<bool>> {
    let staff = is_staff(actor);
    let scopes = scopes::binding(db, actor).await?;
    let scoped = |event: &domain_event::Model| match (&scopes, Scope::for_event_type(&event.event_type)) {
        (Some(granted), Some(needed)) => granted.contains(&needed),
        _ => true,
    };
    let mut asked: HashMap<NodeType, Vec<Uuid>> = HashMap::new();
    if !staff {
        for event in events.iter().filter(|e| visibility(e) == Visibility::Parties) {
            if let Some(node_type) = NodeType::parse(&event.subject_type) {
                asked.entry(node_type).or_default().push(event.subject_id);
            }
        }
    }
    let mut parties: HashSet<(NodeType, Uuid)> = HashSet::new();
    // A strategy's parties see one version each: an event is theirs when it is about that version.
    let mut strategy_versions: HashMap<Uuid, Uuid> = HashMap::new();
    for (node_type, ids) in asked {
        if node_type == NodeType::Strategy {
            strategy_versions.extend(visible_strategy_versions(db, actor, &ids).await?);
            continue;
        }
        for id in readable_subjects(db, actor, node_type, &ids).await? {
            parties.insert((node_type, id));
        }
    }
    Ok(events
        .iter()
        .map(|event| {
            scoped(event)
                && match visibility(event) {
                    Visibility::Public => true,
                    Visibility::Staff => staff,
                    Visibility::Parties => {
                        staff
                            || match NodeType::parse(&event.subject_type) {
                                Some(NodeType::Strategy) => strategy_versions
                                    .get(&event.subject_id)
                                    .is_some_and(|version| Some(*version) == strategy_version_of(event)),
                                Some(node_type) => parties.contains(&(node_type, event.subject_id)),
                                None => false,
                            }
                    }
                }
        })
        .collect())
}

/// The version a strategy event is about (its payload's `versionId`).
pub fn strategy_version_of(event: &domain_event::Model) -> Option<Uuid> {
    let payload: serde_json::Value = serde_json::from_str(&event.payload).ok()?;
    payload["versionId"].as_str().and_then(|id| Uuid::parse_str(id).ok())
}

/// For each of the strategies `ids` that `actor` sees, the version it sees (the strategies' read policy).
async fn visible_strategy_versions(
    db: &impl ConnectionTrait,
    actor: Option<&Principal>,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Uuid>> {
    Ok(strategies::views_by_id(db, actor, ids).await?.into_iter().map(|v| (v.strategy.id, v.version.id)).collect())
}

/// The stored visibility; an unknown value is treated as the narrowest (staff only).
fn visibility(event: &domain_event::Model) -> Visibility {
    Visibility::parse(&event.visibility).unwrap_or(Visibility::Staff)
}

/// The subject types whose `PARTIES` events a non-staff `actor` may possibly receive (a first filter in SQL).
pub fn party_subject_types(actor: Option<&Principal>) -> Vec<NodeType> {
    let public = [
        NodeType::Country,
        NodeType::NutsRegion,
        NodeType::InterregProgramme,
        NodeType::Call,
        NodeType::Event,
        NodeType::Resource,
    ];
    let mut types = public.to_vec();
    if actor.and_then(Principal::user_id).is_some() {
        types.extend([
            NodeType::User,
            NodeType::EventRegistration,
            NodeType::Organisation,
            NodeType::CrossBorderRegion,
            NodeType::Partnership,
            NodeType::Application,
            NodeType::ExpertProfile,
            NodeType::ExpertAssignment,
            NodeType::StrategyComment,
        ]);
    }
    types.push(NodeType::Strategy);
    types
}

/// Of `ids` (subjects of `node_type`), the ones whose parties include `actor` (who is not staff).
async fn readable_subjects(
    db: &impl ConnectionTrait,
    actor: Option<&Principal>,
    node_type: NodeType,
    ids: &[Uuid],
) -> AppResult<Vec<Uuid>> {
    let user_id = actor.and_then(Principal::user_id);
    let keep = |ok: bool, id: Uuid| ok.then_some(id);
    Ok(match node_type {
        NodeType::Country | NodeType::NutsRegion => ids.to_vec(),
        NodeType::InterregProgramme => programmes::programmes_by_id(db, ids)
            .await?
            .into_iter()
            .filter_map(|m| keep(programmes::policy::can_read(actor, &m), m.id))
            .collect(),
        NodeType::Call => calls::calls_by_id(db, ids)
            .await?
            .into_iter()
            .filter_map(|m| keep(calls::policy::can_read(actor, &m), m.id))
            .collect(),
        NodeType::Event => events::events_by_id(db, ids)
            .await?
            .into_iter()
            .filter_map(|m| keep(events::policy::can_read(actor, &m), m.id))
            .collect(),
        NodeType::EventRegistration => events::registrations::registrations_by_id(db, ids)
            .await?
            .into_iter()
            .filter_map(|m| keep(events::policy::can_read_registration(actor, &m), m.id))
            .collect(),
        NodeType::Resource => resources::resources_by_id(db, ids)
            .await?
            .into_iter()
            .filter_map(|m| keep(resources::policy::can_read(actor, &m), m.id))
            .collect(),
        NodeType::NewsletterIssue => newsletter::issues::issues_by_id(db, ids)
            .await?
            .into_iter()
            .filter_map(|m| keep(newsletter::policy::can_read_issue(actor, &m), m.id))
            .collect(),
        NodeType::User => ids.iter().copied().filter(|id| accounts::policy::can_read(actor, *id)).collect(),
        // The public face of an organisation or a region is everybody's; its changes are its parties'.
        NodeType::Organisation => match user_id {
            Some(user_id) => organisation_member::Entity::find()
                .filter(organisation_member::Column::OrganisationId.is_in(ids.iter().copied()))
                .filter(organisation_member::Column::UserId.eq(user_id))
                .all(db)
                .await?
                .into_iter()
                .map(|m| m.organisation_id)
                .collect(),
            None => Vec::new(),
        },
        NodeType::CrossBorderRegion => match user_id {
            Some(user_id) => regions::regions_by_id(db, ids)
                .await?
                .into_iter()
                .filter_map(|m| keep(m.created_by == user_id, m.id))
                .collect(),
            None => Vec::new(),
        },
        NodeType::Partnership => partnerships::visible_ids(db, actor, ids).await?,
        NodeType::Application => applications::visible_by_id(db, actor, ids).await?.into_iter().map(|m| m.id).collect(),
        NodeType::ExpertProfile => {
            ids.iter().copied().filter(|id| experts::policy::can_read_profile(actor, *id)).collect()
        }
        NodeType::ExpertAssignment => experts::assignments::assignments_by_id(db, ids)
            .await?
            .into_iter()
            .filter_map(|m| keep(experts::policy::can_read_assignment(actor, &m), m.id))
            .collect(),
        // Strategies are read per version (`visible_strategy_versions`), never here.
        NodeType::Strategy => Vec::new(),
        // A comment thread is read by those who read its strategy's comments.
        NodeType::StrategyComment => {
            strategies::comments::visible_by_id(db, actor, ids).await?.into_iter().map(|m| m.id).collect()
        }
        // Webhook endpoints are their owners' and staff's; their events are STAFF.
        NodeType::ServiceAccount
        | NodeType::NewsletterSubscription
        | NodeType::WebhookEndpoint
        | NodeType::WebhookDelivery => Vec::new(),
    })
}
