//! Plain HTTP files of events: `GET /events.ics` (the feed of upcoming published events), `GET /events/{id}.ics`
//! (one event; no join URL in either) and the staff's `GET /events/{id}/registrations.csv` (bearer token).
//! `{id}` is the event's global ID (as in GraphQL) or its UUID.

use crate::app::AppState;
use crate::domain::events::calendar;
use crate::error::AppError;
use crate::graphql::node::{GlobalId, NodeType};
use async_graphql::ID;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

const CALENDAR: &str = "text/calendar; charset=utf-8";

fn event_id(raw: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(raw)
        .or_else(|_| GlobalId::decode_as(&ID(raw.to_owned()), NodeType::Event))
        .map_err(|_| AppError::NotFound("event".to_owned()))
}

pub async fn feed(State(state): State<AppState>) -> Result<Response, AppError> {
    let body = calendar::feed_ics(&state.services).await?;
    Ok(([(header::CONTENT_TYPE, CALENDAR)], body).into_response())
}

/// `/events/{id}.ics` (the router cannot match a suffix inside a segment, so the name is split here).
pub async fn single(State(state): State<AppState>, Path(file): Path<String>) -> Result<Response, AppError> {
    let raw = file.strip_suffix(".ics").ok_or_else(|| AppError::NotFound("file".to_owned()))?;
    let body = calendar::event_ics(&state.services, event_id(raw)?).await?;
    Ok(([(header::CONTENT_TYPE, CALENDAR)], body).into_response())
}

pub async fn registrations_csv(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let caller = super::graphql::caller(&state, &headers).await?;
    let principal = caller.principal()?;
    let body = calendar::registrations_csv(&state.services, Some(principal), event_id(&raw)?).await?;
    let disposition = format!("attachment; filename=\"registrations-{raw}.csv\"");
    Ok((
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, disposition)],
        body,
    )
        .into_response())
}
