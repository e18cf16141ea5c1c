//! Relay connections over the domain's keyset pages: `edges { cursor node }`, `nodes`, `pageInfo`, `totalCount`.

use crate::domain::pagination::{Page, PageRequest};
use crate::error::AppResult;
use async_graphql::connection::{Connection, Edge, EmptyFields};
use async_graphql::{Context, OutputType, SimpleObject};

#[derive(SimpleObject)]
pub struct ConnectionTotal {
    /// Number of items in the whole filtered list, not just this page.
    pub total_count: u64,
}

/// The connection type of every list: `TConnection` with `TEdge`s.
pub type ConnectionOf<T> = Connection<String, T, ConnectionTotal, EmptyFields>;

/// Validates the Relay arguments; counts the total only when the query selects `totalCount`.
pub fn page_request(
    ctx: &Context<'_>,
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> AppResult<PageRequest> {
    let want_total = ctx.look_ahead().field("totalCount").exists();
    Ok(PageRequest::new(first, after, last, before)?.with_total(want_total))
}

pub fn connection<M, T: OutputType>(page: Page<M>, to_node: impl Fn(M) -> T) -> ConnectionOf<T> {
    let mut connection = Connection::with_additional_fields(
        page.has_previous,
        page.has_next,
        ConnectionTotal { total_count: page.total.unwrap_or_default() },
    );
    connection.edges.extend(page.items.into_iter().map(|(cursor, item)| Edge::new(cursor, to_node(item))));
    connection
}
