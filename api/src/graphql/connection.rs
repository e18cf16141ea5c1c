//! Relay connections over the domain's keyset pages: `edges { cursor node }`, `nodes`, `pageInfo`, `totalCount`.
//!
//! The types are our own (not async-graphql's `Connection`) so that every one of them carries a description:
//! `XConnection` and `XEdge` are named after the item type `X`.

use crate::domain::pagination::{Page, PageRequest};
use crate::error::AppResult;
use async_graphql::{Context, Object, OutputType, SimpleObject, TypeName};
use std::borrow::Cow;

/// Where a page lies in its list, with the cursors to continue from.
#[derive(SimpleObject)]
pub struct PageInfo {
    /// Whether items come before this page: when paging forward, true whenever `after` was given; when paging
    /// backward (`last`), whether more items precede the page.
    pub has_previous_page: bool,
    /// Whether items come after this page: when paging forward, whether more items follow; when paging
    /// backward, true whenever `before` was given.
    pub has_next_page: bool,
    /// The cursor of the first item of the page, to pass as `before` for the previous page; null when the page
    /// is empty.
    pub start_cursor: Option<String>,
    /// The cursor of the last item of the page, to pass as `after` for the next page; null when the page is
    /// empty.
    pub end_cursor: Option<String>,
}

pub struct ConnectionOf<T> {
    edges: Vec<EdgeOf<T>>,
    has_previous_page: bool,
    has_next_page: bool,
    total_count: u64,
}

/// One page of a list (a Relay connection), in the order described on the field that returns it: the items as
/// `nodes` (or as `edges`, each with its cursor), `pageInfo` to fetch the next or previous page, and
/// `totalCount`. Pages are cut by the items' sort key, so none is skipped or repeated when items are added or
/// removed between requests.
#[Object(name_type)]
impl<T: OutputType> ConnectionOf<T> {
    /// Whether more items come before or after this page, and the cursors to fetch them.
    async fn page_info(&self) -> PageInfo {
        PageInfo {
            has_previous_page: self.has_previous_page,
            has_next_page: self.has_next_page,
            start_cursor: self.edges.first().map(|edge| edge.cursor.clone()),
            end_cursor: self.edges.last().map(|edge| edge.cursor.clone()),
        }
    }

    /// The items of this page, each with its cursor.
    async fn edges(&self) -> &[EdgeOf<T>] {
        &self.edges
    }

    /// The items of this page (the same as `edges { node }`).
    async fn nodes(&self) -> Vec<&T> {
        self.edges.iter().map(|edge| &edge.node).collect()
    }

    /// Number of items in the whole filtered list, not just this page.
    async fn total_count(&self) -> u64 {
        self.total_count
    }
}

impl<T: OutputType> TypeName for ConnectionOf<T> {
    fn type_name() -> Cow<'static, str> {
        format!("{}Connection", T::type_name()).into()
    }
}

pub struct EdgeOf<T> {
    pub(crate) cursor: String,
    pub(crate) node: T,
}

impl<T> EdgeOf<T> {
    pub fn new(cursor: String, node: T) -> Self {
        EdgeOf { cursor, node }
    }
}

/// An item of a list with its cursor.
#[Object(name_type)]
impl<T: OutputType> EdgeOf<T> {
    /// The item.
    async fn node(&self) -> &T {
        &self.node
    }

    /// The item's place in the list, opaque: pass it as `after` (or `before`) to fetch the items after (or
    /// before) this one.
    async fn cursor(&self) -> &str {
        &self.cursor
    }
}

impl<T: OutputType> TypeName for EdgeOf<T> {
    fn type_name() -> Cow<'static, str> {
        format!("{}Edge", T::type_name()).into()
    }
}

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
    ConnectionOf {
        edges: page.items.into_iter().map(|(cursor, item)| EdgeOf { cursor, node: to_node(item) }).collect(),
        has_previous_page: page.has_previous,
        has_next_page: page.has_next,
        total_count: page.total.unwrap_or_default(),
    }
}

/// Whether the selection of a connection's items (`nodes { ... }` or `edges { node { ... } }`) reaches the field
/// at `path` (e.g. `["partnerships", "partners"]`): a list primes the loaders of the next levels only then.
pub fn nodes_select(ctx: &async_graphql::Context<'_>, path: &[&str]) -> bool {
    let look_ahead = ctx.look_ahead();
    [look_ahead.field("nodes"), look_ahead.field("edges").field("node")].iter().any(|item| {
        let Some((first, rest)) = path.split_first() else { return true };
        let mut field = item.field(first);
        for name in rest {
            field = field.field(name);
        }
        field.exists()
    })
}
