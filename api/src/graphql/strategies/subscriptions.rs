//! The `strategyChanged(regionId)` subscription: the strategy of a region, pushed each time a change reaches the
//! version the subscriber sees. Every delivery passes the strategies' read policy, as the `strategy` query does:
//! the public (and service accounts, with `read:strategies`) only the newest published version; the partners'
//! members and staff the current version, drafts included; managing authorities of the programmes covering the
//! region the newest version that reached review. A change to a version the subscriber does not see (a draft
//! amendment, for the public) is not delivered.

use super::{Strategy, language_arg};
use crate::domain::ids::NodeType;
use crate::domain::strategies;
use crate::graphql::context::ContextExt;
use crate::graphql::live::subscriptions::changes_of;
use crate::graphql::node::GlobalId;
use async_graphql::{Context, ID, Subscription};
use futures::{Stream, StreamExt};
use uuid::Uuid;

#[derive(Default)]
pub struct StrategySubscription;

#[Subscription]
impl StrategySubscription {
    /// The strategy of the cross-border region `regionId` as the caller sees it (the `strategy` query's rule),
    /// each time it is created or changed in the version the caller sees: texts, content, workflow moves,
    /// publication. Texts in `language` where translated.
    async fn strategy_changed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cross-border region's global ID (`CrossBorderRegion.id`).")] region_id: ID,
        #[graphql(
            desc = "The language of the texts (ISO 639-1 code); texts not translated into it come in the main language. Null: the main language."
        )]
        language: Option<String>,
    ) -> async_graphql::Result<impl Stream<Item = Strategy> + use<>> {
        ctx.principal()?;
        let region_id = GlobalId::decode_as(&region_id, NodeType::CrossBorderRegion)?;
        let language = language_arg(language)?;
        let (services, actor) = (ctx.services().clone(), ctx.actor().cloned());
        // Only this region's strategy events that the caller may receive (their version is the one it sees).
        let changes = changes_of(ctx, move |event| {
            event.subject_type == NodeType::Strategy.name() && payload_region(&event.payload) == Some(region_id)
        });
        Ok(changes.filter_map(move |_| {
            let (services, actor, language) = (services.clone(), actor.clone(), language.clone());
            async move {
                let mut views = strategies::views_by_region(&services.db, actor.as_ref(), &[region_id]).await.ok()?;
                views.remove(&region_id).map(|view| Strategy { view, language })
            }
        }))
    }
}

/// The `regionId` of a strategy event's payload.
fn payload_region(payload: &str) -> Option<Uuid> {
    let payload: serde_json::Value = serde_json::from_str(payload).ok()?;
    payload["regionId"].as_str().and_then(|id| Uuid::parse_str(id).ok())
}
