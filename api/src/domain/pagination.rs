//! Keyset (cursor) pagination in SQL for every list: `first/after`, `last/before`, never OFFSET.
//!
//! A cursor is the opaque, URL-safe base64 of the row's sort key (as JSON), so the next page starts exactly
//! after the last row seen, however many rows were inserted or deleted meanwhile.

use crate::config::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
use crate::error::{AppError, AppResult};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sea_orm::IntoIdentity;
use sea_orm::sea_query::IntoValueTuple;
use sea_orm::{ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait, Select};
use serde::Serialize;
use serde::de::DeserializeOwned;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// `first` rows after `after`.
    Forward,
    /// `last` rows before `before`.
    Backward,
}

/// The order of a list by its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortOrder {
    Ascending,
    Descending,
}

/// A validated page request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub size: u64,
    pub direction: Direction,
    pub after: Option<String>,
    pub before: Option<String>,
    /// Whether the caller wants `totalCount` (one more COUNT query).
    pub want_total: bool,
}

impl PageRequest {
    /// Checks Relay arguments: at most one of `first`/`last`, neither negative nor above the maximum page size.
    pub fn new(
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> AppResult<Self> {
        let (size, direction) = match (first, last) {
            (Some(_), Some(_)) => {
                return Err(AppError::BadUserInput("pass either `first` or `last`, not both".to_owned()));
            }
            (Some(n), None) => (check_size("first", n)?, Direction::Forward),
            (None, Some(n)) => (check_size("last", n)?, Direction::Backward),
            (None, None) => (DEFAULT_PAGE_SIZE as u64, Direction::Forward),
        };
        Ok(Self { size, direction, after, before, want_total: false })
    }

    pub fn with_total(mut self, want_total: bool) -> Self {
        self.want_total = want_total;
        self
    }
}

fn check_size(name: &str, n: i32) -> AppResult<u64> {
    if n < 0 {
        return Err(AppError::BadUserInput(format!("`{name}` must not be negative")));
    }
    let n = n as u64;
    if n > MAX_PAGE_SIZE as u64 {
        return Err(AppError::BadUserInput(format!("`{name}` is {n}; a page holds at most {MAX_PAGE_SIZE} items")));
    }
    Ok(n)
}

/// One page of rows, each with its cursor.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<(String, T)>,
    pub has_previous: bool,
    pub has_next: bool,
    pub total: Option<u64>,
}

impl<T> Page<T> {
    pub fn map<U>(self, f: impl Fn(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(|(c, t)| (c, f(t))).collect(),
            has_previous: self.has_previous,
            has_next: self.has_next,
            total: self.total,
        }
    }
}

pub fn encode_cursor<K: Serialize>(key: &K) -> String {
    // Serialising plain keys (strings, numbers, timestamps, UUIDs) cannot fail.
    let json = serde_json::to_vec(key).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(json)
}

pub fn decode_cursor<K: DeserializeOwned>(cursor: &str) -> AppResult<K> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(|| AppError::BadUserInput(format!("`{cursor}` is not a valid cursor for this list")))
}

/// Fetches one page of `select`, ordered by `columns` (which must identify a row uniquely) in `order`,
/// whose values for a row are given by `key`.
pub async fn paginate<E, C, K, F>(
    db: &impl ConnectionTrait,
    select: Select<E>,
    columns: C,
    key: F,
    order: SortOrder,
    request: &PageRequest,
) -> AppResult<Page<E::Model>>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Sync,
    C: IntoIdentity,
    K: Serialize + DeserializeOwned + IntoValueTuple,
    F: Fn(&E::Model) -> K,
{
    paginate_as(db, select, |shown| shown, columns, key, order, request).await
}

/// As `paginate`, each row read as `M`: the columns of `select` with those `shown` adds (columns a page shows
/// beyond the entity's; `totalCount` counts `select` without them).
pub async fn paginate_as<E, M, C, K, F>(
    db: &impl ConnectionTrait,
    select: Select<E>,
    shown: impl FnOnce(Select<E>) -> Select<E>,
    columns: C,
    key: F,
    order: SortOrder,
    request: &PageRequest,
) -> AppResult<Page<M>>
where
    E: EntityTrait,
    E::Model: Sync,
    M: FromQueryResult + Sync,
    C: IntoIdentity,
    K: Serialize + DeserializeOwned + IntoValueTuple,
    F: Fn(&M) -> K,
{
    let total = if request.want_total { Some(select.clone().count(db).await?) } else { None };

    let mut cursor = shown(select).cursor_by(columns).into_model::<M>();
    if order == SortOrder::Descending {
        cursor.desc();
    }
    if let Some(after) = &request.after {
        cursor.after(decode_cursor::<K>(after)?);
    }
    if let Some(before) = &request.before {
        cursor.before(decode_cursor::<K>(before)?);
    }
    // One row more than asked tells whether there is another page in the direction of travel.
    let fetch = request.size + 1;
    let mut rows = match request.direction {
        Direction::Forward => cursor.first(fetch).all(db).await?,
        Direction::Backward => cursor.last(fetch).all(db).await?,
    };
    let has_more = rows.len() as u64 > request.size;
    let (has_previous, has_next) = match request.direction {
        Direction::Forward => {
            rows.truncate(request.size as usize);
            (request.after.is_some(), has_more)
        }
        Direction::Backward => {
            if has_more {
                rows.remove(0);
            }
            (has_more, request.before.is_some())
        }
    };
    let items = rows.into_iter().map(|row| (encode_cursor(&key(&row)), row)).collect();
    Ok(Page { items, has_previous, has_next, total })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_size_rules() {
        assert_eq!(PageRequest::new(None, None, None, None).map(|r| r.size).ok(), Some(20));
        assert_eq!(PageRequest::new(Some(100), None, None, None).map(|r| r.size).ok(), Some(100));
        assert!(matches!(PageRequest::new(Some(101), None, None, None), Err(AppError::BadUserInput(_))));
        assert!(matches!(PageRequest::new(None, None, Some(-1), None), Err(AppError::BadUserInput(_))));
        assert!(matches!(PageRequest::new(Some(1), None, Some(1), None), Err(AppError::BadUserInput(_))));
    }

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let cursor = encode_cursor(&("AT11".to_owned(),));
        assert_eq!(decode_cursor::<(String,)>(&cursor).ok(), Some(("AT11".to_owned(),)));
        assert!(decode_cursor::<(String,)>("not a cursor!").is_err());
        assert!(decode_cursor::<(String,)>(&encode_cursor(&42)).is_err());
    }
}
