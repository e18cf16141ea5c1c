//! Global object identification: `interface Node`, opaque IDs, `node(id:)` and `nodes(ids:)`.
//!
//! An ID is the URL-safe base64 of `Type:key`. Clients must treat it as opaque; the server never trusts
//! it to mean access: each type's own authorization applies when it is resolved here.

use crate::config::MAX_PAGE_SIZE;
use crate::domain::accounts::policy::can_read as may_see_user;
use crate::domain::events::policy as event_policy;
use crate::domain::{applications, calls, experts, partnerships, strategies};
use crate::error::{AppError, AppResult};
use crate::graphql::accounts::User;
use crate::graphql::applications::Application;
use crate::graphql::calls::Call;
use crate::graphql::context::ContextExt;
use crate::graphql::events::Event;
use crate::graphql::events::registrations::EventRegistration;
use crate::graphql::experts::{ExpertAssignment, ExpertProfile};
use crate::graphql::newsletter::issues::NewsletterIssue;
use crate::graphql::organisations::Organisation;
use crate::graphql::partnerships::Partnership;
use crate::graphql::programmes::InterregProgramme;
use crate::graphql::reference::{Country, NutsRegion};
use crate::graphql::regions::CrossBorderRegion;
use crate::graphql::resources::Resource;
use crate::graphql::strategies::Strategy;
use crate::graphql::strategies::comments::StrategyComment;
use async_graphql::{Context, ID, Interface, Object};
use uuid::Uuid;

/// An object with a global ID, which `node(id:)` and `nodes(ids:)` fetch whatever its type (Relay object
/// identification). Who may see an object is the rule of its own type.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Globally unique, opaque identifier."))]
pub enum Node {
    Country(Country),
    NutsRegion(NutsRegion),
    InterregProgramme(InterregProgramme),
    User(User),
    NewsletterIssue(NewsletterIssue),
    Resource(Resource),
    Event(Event),
    EventRegistration(EventRegistration),
    Organisation(Organisation),
    CrossBorderRegion(CrossBorderRegion),
    Partnership(Partnership),
    Call(Call),
    Application(Application),
    ExpertProfile(ExpertProfile),
    ExpertAssignment(ExpertAssignment),
    Strategy(Strategy),
    StrategyComment(StrategyComment),
}

pub use crate::domain::ids::NodeType;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlobalId {
    pub node_type: NodeType,
    pub key: String,
}

impl GlobalId {
    pub fn encode(node_type: NodeType, key: &str) -> ID {
        ID(crate::domain::ids::encode(node_type, key))
    }

    pub fn decode(id: &ID) -> AppResult<Self> {
        let (node_type, key) = crate::domain::ids::decode(id.as_str())
            .ok_or_else(|| AppError::BadUserInput(format!("`{}` is not a valid ID", id.as_str())))?;
        Ok(Self { node_type, key })
    }

    /// The UUID inside an ID that must be of `expected` type (an argument naming, say, a user).
    pub fn decode_as(id: &ID, expected: NodeType) -> AppResult<Uuid> {
        let decoded = Self::decode(id)?;
        if decoded.node_type != expected {
            return Err(AppError::BadUserInput(format!("`{}` is not the ID of a {}", id.as_str(), expected.name())));
        }
        Uuid::parse_str(&decoded.key)
            .map_err(|_| AppError::BadUserInput(format!("`{}` is not a valid ID", id.as_str())))
    }
}

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Any object by its global ID; null when it does not exist or is not visible to the caller.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global ID, as given by an object's `id`; a malformed one is refused (`BAD_USER_INPUT`).")]
        id: ID,
    ) -> async_graphql::Result<Option<Node>> {
        let id = GlobalId::decode(&id)?;
        Ok(load(ctx, vec![id]).await?.pop().flatten())
    }

    /// Several objects by their global IDs, in the same order (null for each one missing or not visible).
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global IDs, at most 100; a malformed one refuses the whole request (`BAD_USER_INPUT`).")]
        ids: Vec<ID>,
    ) -> async_graphql::Result<Vec<Option<Node>>> {
        if ids.len() > MAX_PAGE_SIZE {
            return Err(AppError::BadUserInput(format!(
                "{} IDs asked; `nodes` takes at most {MAX_PAGE_SIZE}",
                ids.len()
            ))
            .into());
        }
        let ids = ids.iter().map(GlobalId::decode).collect::<AppResult<Vec<_>>>()?;
        Ok(load(ctx, ids).await?)
    }
}

/// Resolves IDs through the request's DataLoaders: one query per type, however many IDs.
pub(crate) async fn load(ctx: &Context<'_>, ids: Vec<GlobalId>) -> AppResult<Vec<Option<Node>>> {
    let loaders = ctx.loaders();
    let keys_of = |t: NodeType| ids.iter().filter(|id| id.node_type == t).map(|id| id.key.clone()).collect::<Vec<_>>();
    let uuids_of = |t: NodeType| {
        ids.iter().filter(|id| id.node_type == t).filter_map(|id| Uuid::parse_str(&id.key).ok()).collect::<Vec<_>>()
    };
    let caller = ctx.actor();
    let countries = &ctx.services().countries;
    let regions = loaders.nuts_regions.load_many(keys_of(NodeType::NutsRegion)).await?;
    let programmes = loaders.programmes.load_many(uuids_of(NodeType::InterregProgramme)).await?;
    // Each type's own visibility rule applies; what the caller may not see is null, like what does not exist.
    let visible_users = uuids_of(NodeType::User).into_iter().filter(|id| may_see_user(caller, *id));
    let users = loaders.users.load_many(visible_users).await?;
    let issues = if crate::domain::policy::is_staff(caller) {
        loaders.newsletter_issues.load_many(uuids_of(NodeType::NewsletterIssue)).await?
    } else {
        Default::default()
    };
    let resources = loaders.resources.load_many(uuids_of(NodeType::Resource)).await?;
    let events = loaders.events.load_many(uuids_of(NodeType::Event)).await?;
    let registrations = loaders.event_registrations.load_many(uuids_of(NodeType::EventRegistration)).await?;
    let services = ctx.services();
    let db = &services.db;
    // Organisations show their public face to everybody; the rest follows each type's own rule.
    let organisations = loaders.organisations.load_many(uuids_of(NodeType::Organisation)).await?;
    let border_regions: std::collections::HashMap<Uuid, entity::cross_border_region::Model> =
        crate::domain::regions::visible_by_id(db, caller, &uuids_of(NodeType::CrossBorderRegion))
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
    let visible_partnerships = partnerships::visible_ids(db, caller, &uuids_of(NodeType::Partnership)).await?;
    let partnerships = loaders.partnerships.load_many(visible_partnerships).await?;
    let calls: std::collections::HashMap<Uuid, entity::call::Model> = loaders
        .calls
        .load_many(uuids_of(NodeType::Call))
        .await?
        .into_iter()
        .filter(|(_, c)| calls::policy::can_read(caller, c))
        .collect();
    let applications: std::collections::HashMap<Uuid, entity::application::Model> =
        applications::visible_by_id(db, caller, &uuids_of(NodeType::Application))
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
    // Experts' profiles and assignments: their expert and staff only.
    let visible_profiles =
        uuids_of(NodeType::ExpertProfile).into_iter().filter(|id| experts::policy::can_read_profile(caller, *id));
    let profiles = loaders.expert_profiles.load_many(visible_profiles).await?;
    let expert_assignments = loaders.expert_assignments.load_many(uuids_of(NodeType::ExpertAssignment)).await?;
    let strategies: std::collections::HashMap<Uuid, strategies::StrategyView> =
        strategies::views_by_id(db, caller, &uuids_of(NodeType::Strategy))
            .await?
            .into_iter()
            .map(|v| (v.strategy.id, v))
            .collect();
    // Comments: whoever reads their strategy in full (staff, assigned experts, the partners' members).
    let strategy_comments: std::collections::HashMap<Uuid, entity::strategy_comment::Model> =
        strategies::comments::visible_by_id(db, caller, &uuids_of(NodeType::StrategyComment))
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
    let uuid = |id: &GlobalId| Uuid::parse_str(&id.key).ok();
    Ok(ids
        .iter()
        .map(|id| match id.node_type {
            NodeType::Country => countries.get(&id.key).cloned().map(|m| Node::Country(Country(m))),
            NodeType::NutsRegion => regions.get(&id.key).cloned().map(|m| Node::NutsRegion(NutsRegion(m))),
            NodeType::InterregProgramme => Uuid::parse_str(&id.key)
                .ok()
                .and_then(|key| programmes.get(&key).cloned())
                .filter(|m| crate::domain::programmes::policy::can_read(caller, m))
                .map(|m| Node::InterregProgramme(InterregProgramme(m))),
            NodeType::User => {
                Uuid::parse_str(&id.key).ok().and_then(|key| users.get(&key).cloned()).map(|m| Node::User(User(m)))
            }
            NodeType::NewsletterIssue => Uuid::parse_str(&id.key)
                .ok()
                .and_then(|key| issues.get(&key).cloned())
                .filter(|m| crate::domain::newsletter::policy::can_read_issue(caller, m))
                .map(|m| Node::NewsletterIssue(NewsletterIssue(m))),
            NodeType::Resource => Uuid::parse_str(&id.key)
                .ok()
                .and_then(|key| resources.get(&key).cloned())
                .filter(|m| crate::domain::resources::policy::can_read(caller, m))
                .map(|m| Node::Resource(Resource(m))),
            NodeType::Event => Uuid::parse_str(&id.key)
                .ok()
                .and_then(|key| events.get(&key).cloned())
                .filter(|m| event_policy::can_read(caller, m))
                .map(|m| Node::Event(Event(m))),
            NodeType::EventRegistration => Uuid::parse_str(&id.key)
                .ok()
                .and_then(|key| registrations.get(&key).cloned())
                .filter(|m| event_policy::can_read_registration(caller, m))
                .map(|m| Node::EventRegistration(EventRegistration(m))),
            NodeType::Organisation => {
                uuid(id).and_then(|k| organisations.get(&k).cloned()).map(|m| Node::Organisation(Organisation::from(m)))
            }
            NodeType::CrossBorderRegion => uuid(id)
                .and_then(|k| border_regions.get(&k).cloned())
                .map(|m| Node::CrossBorderRegion(CrossBorderRegion(m))),
            NodeType::Partnership => {
                uuid(id).and_then(|k| partnerships.get(&k).cloned()).map(|m| Node::Partnership(Partnership(m)))
            }
            NodeType::Call => uuid(id).and_then(|k| calls.get(&k).cloned()).map(|m| Node::Call(Call(m))),
            NodeType::Application => {
                uuid(id).and_then(|k| applications.get(&k).cloned()).map(|m| Node::Application(Application(m)))
            }
            NodeType::ExpertProfile => {
                uuid(id).and_then(|k| profiles.get(&k).cloned()).map(|m| Node::ExpertProfile(ExpertProfile(m)))
            }
            NodeType::ExpertAssignment => uuid(id)
                .and_then(|k| expert_assignments.get(&k).cloned())
                .filter(|m| experts::policy::can_read_assignment(caller, m))
                .map(|m| Node::ExpertAssignment(ExpertAssignment(m))),
            NodeType::Strategy => uuid(id)
                .and_then(|k| strategies.get(&k).cloned())
                .map(|view| Node::Strategy(Strategy { view, language: None })),
            NodeType::StrategyComment => uuid(id)
                .and_then(|k| strategy_comments.get(&k).cloned())
                .map(|m| Node::StrategyComment(StrategyComment(m))),
            // Subjects of domain events that are not (yet) GraphQL nodes.
            NodeType::ServiceAccount
            | NodeType::NewsletterSubscription
            | NodeType::WebhookEndpoint
            | NodeType::WebhookDelivery => None,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_reject_garbage() {
        let id = GlobalId::encode(NodeType::NutsRegion, "AT11");
        assert_eq!(
            GlobalId::decode(&id).ok(),
            Some(GlobalId { node_type: NodeType::NutsRegion, key: "AT11".to_owned() })
        );
        let programme = Uuid::new_v4().to_string();
        let id = GlobalId::encode(NodeType::InterregProgramme, &programme);
        assert_eq!(
            GlobalId::decode(&id).ok(),
            Some(GlobalId { node_type: NodeType::InterregProgramme, key: programme })
        );
        let not_a_uuid = GlobalId::encode(NodeType::InterregProgramme, "AT11");
        for bad in ["", "%%%", "Q291bnRyeQ", "VW5rbm93bjpY", not_a_uuid.as_str()] {
            assert!(GlobalId::decode(&ID(bad.to_owned())).is_err(), "{bad} should not decode");
        }
    }
}
