//! `Subscription` root: changes pushed over WebSocket (`graphql-transport-ws`, see `http::subscriptions`).
//! Each subscription listens to the in-process publisher (which reads committed events by position, woken by
//! this instance's commits and, on PostgreSQL, by other instances' NOTIFY) and passes every event through
//! the domain's delivery rule for the connection's principal before it is sent: nobody receives what they
//! could not read through a query. A subscriber that falls more than the publisher's buffer behind skips the
//! events it missed (logged); the change feed (`changes(after:)`) is the durable way to catch up.
//!
//! Adding a subscription on another subject is a few lines: `changes_of(ctx, |event| ...)` with the filter.

use crate::auth::Principal;
use crate::domain::Services;
use crate::domain::domain_events::EventType;
use crate::domain::events as domain_events_area;
use crate::domain::ids::{self, NodeType};
use crate::domain::live::may_receive;
use crate::graphql::context::ContextExt;
use crate::graphql::events::Event;
use crate::graphql::live::{Change, event_types};
use crate::graphql::node::GlobalId;
use async_graphql::{Context, ID, Subscription};
use entity::domain_event;
use futures::Stream;
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;

/// The events `accept`ed by a filter that the connection's principal may receive, as they are committed.
pub fn changes_of<F>(ctx: &Context<'_>, accept: F) -> impl Stream<Item = Change> + use<F>
where
    F: Fn(&domain_event::Model) -> bool + Send + Sync + 'static,
{
    let services = ctx.services().clone();
    let actor = ctx.actor().cloned();
    let receiver = services.publisher.subscribe();
    let loaders = ctx.loader_scope().clone();
    let changes = futures::stream::unfold(
        (services, actor, receiver, accept),
        |(services, actor, mut receiver, accept)| async move {
            loop {
                let event = match receiver.recv().await {
                    Ok(event) => event,
                    Err(RecvError::Lagged(skipped)) => {
                        tracing::warn!(skipped, "a live subscriber fell behind and skipped events");
                        continue;
                    }
                    Err(RecvError::Closed) => return None,
                };
                if !accept(&event) || !receives(&services, actor.as_ref(), &event).await {
                    continue;
                }
                return Some((Change(event), (services, actor, receiver, accept)));
            }
        },
    );
    // Each delivery resolves with loaders of its own (see `execution::LoaderScope`).
    futures::StreamExt::inspect(changes, move |_| loaders.renew())
}

async fn receives(services: &Services, actor: Option<&Principal>, event: &domain_event::Model) -> bool {
    may_receive(&services.db, actor, event).await.unwrap_or_else(|error| {
        error.log_if_internal();
        false
    })
}

#[derive(Default)]
pub struct LiveSubscription;

#[Subscription]
impl LiveSubscription {
    /// Changes of the applications the caller reads: those of the caller's organisations' partnerships (and
    /// those the caller created); staff: all.
    async fn application_changed(&self, ctx: &Context<'_>) -> async_graphql::Result<impl Stream<Item = Change>> {
        ctx.principal()?;
        Ok(changes_of(ctx, |event| event.subject_type == NodeType::Application.name()))
    }

    /// The event with its public seat counts (`capacity`, `seatsTaken`, `seatsLeft`), each time a registration
    /// for it or the event itself changes.
    async fn event_seats_changed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The event's global ID (`Event.id`).")] event_id: ID,
    ) -> async_graphql::Result<impl Stream<Item = Event> + use<>> {
        ctx.principal()?;
        let id = GlobalId::decode_as(&event_id, NodeType::Event)?;
        let subject = ids::encode(NodeType::Event, &id.to_string());
        let services = ctx.services().clone();
        let actor = ctx.actor().cloned();
        // The registrations' own events are their registrants'; what is sent is the event's public face.
        let about_event = move |event: &domain_event::Model| {
            event.subject_id == id
                || (event.subject_type == NodeType::EventRegistration.name()
                    && serde_json::from_str::<serde_json::Value>(&event.payload)
                        .is_ok_and(|payload| payload["eventId"].as_str() == Some(subject.as_str())))
        };
        let seats = changes_of_any(ctx, about_event);
        Ok(futures::StreamExt::filter_map(seats, move |_| {
            let (services, actor) = (services.clone(), actor.clone());
            async move {
                let event = domain_events_area::events_by_id(&services.db, &[id]).await.ok()?.pop()?;
                domain_events_area::policy::can_read(actor.as_ref(), &event).then_some(Event(event))
            }
        }))
    }

    /// Every change the caller may read, of `types` (`application.submitted`, ...; all when absent): the
    /// live counterpart of the `changes` feed, for integrators.
    async fn changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only these event types (`application.submitted`, ...); all when absent.")] types: Option<
            Vec<String>,
        >,
    ) -> async_graphql::Result<impl Stream<Item = Change>> {
        ctx.principal()?;
        let types: Vec<EventType> = event_types(types)?;
        let names: Vec<&'static str> = types.iter().map(|t| t.as_str()).collect();
        Ok(changes_of(ctx, move |event| names.is_empty() || names.contains(&event.event_type.as_str())))
    }
}

/// Like [`changes_of`], without the delivery rule: for subscriptions that send only a public projection
/// (seat counts), never the events themselves.
fn changes_of_any<F>(ctx: &Context<'_>, accept: F) -> impl Stream<Item = Arc<domain_event::Model>> + use<F>
where
    F: Fn(&domain_event::Model) -> bool + Send + Sync + 'static,
{
    let receiver = ctx.services().publisher.subscribe();
    let loaders = ctx.loader_scope().clone();
    let changes = futures::stream::unfold((receiver, accept), |(mut receiver, accept)| async move {
        loop {
            match receiver.recv().await {
                Ok(event) if accept(&event) => return Some((event, (receiver, accept))),
                Ok(_) => continue,
                Err(RecvError::Lagged(skipped)) => tracing::warn!(skipped, "a live subscriber fell behind"),
                Err(RecvError::Closed) => return None,
            }
        }
    });
    futures::StreamExt::inspect(changes, move |_| loaders.renew())
}
