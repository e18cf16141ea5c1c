//! Plain HTTP exports of strategies for managing authorities and integrators: `GET /strategies/export.csv` and
//! `GET /strategies/export.json` (bearer token; the same visibility as GraphQL's `strategies`, and its filters as
//! query parameters: `programmeIds` and `countries` comma-separated, `status` comma-separated, `updatedSince`
//! RFC 3339).

use crate::app::AppState;
use crate::domain::reference::CountryCode;
use crate::domain::strategies::StrategyFilter;
use crate::domain::strategies::export::{self, Format};
use crate::error::AppError;
use crate::graphql::node::{GlobalId, NodeType};
use async_graphql::ID;
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use entity::strategy::StrategyStatus;
use futures::TryStreamExt;
use sea_orm::ActiveEnum;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExportQuery {
    programme_ids: Option<String>,
    countries: Option<String>,
    status: Option<String>,
    updated_since: Option<String>,
}

fn list(raw: &Option<String>) -> Option<Vec<String>> {
    raw.as_deref().map(|v| v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect())
}

fn filter(raw: Option<String>) -> Result<StrategyFilter, AppError> {
    let query: ExportQuery = serde_urlencoded::from_str(raw.as_deref().unwrap_or_default())
        .map_err(|e| AppError::BadUserInput(format!("bad query string: {e}")))?;
    let programmes = list(&query.programme_ids)
        .map(|ids| ids.into_iter().map(|id| GlobalId::decode_as(&ID(id), NodeType::InterregProgramme)).collect())
        .transpose()?;
    let countries = list(&query.countries)
        .map(|codes| codes.iter().map(|c| CountryCode::parse(c).map(|c| c.as_str().to_owned())).collect())
        .transpose()?;
    let statuses = list(&query.status)
        .map(|names| {
            names
                .iter()
                .map(|n| {
                    StrategyStatus::try_from_value(&n.to_ascii_uppercase())
                        .map_err(|_| AppError::BadUserInput(format!("`{n}` is not a strategy status")))
                })
                .collect()
        })
        .transpose()?;
    let updated_since = query
        .updated_since
        .map(|s| {
            DateTime::parse_from_rfc3339(&s)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| AppError::BadUserInput(format!("`{s}` is not an RFC 3339 time")))
        })
        .transpose()?;
    Ok(StrategyFilter { programmes, countries, statuses, updated_since })
}

pub async fn csv(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let caller = super::graphql::caller(&state, &headers).await?;
    let principal = caller.principal()?;
    let chunks = export::export(state.services.db.clone(), Some(principal.clone()), filter(query)?, Format::Csv);
    let body = Body::from_stream(chunks.map_err(|e| {
        e.log_if_internal();
        std::io::Error::other(e.public_message())
    }));
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"strategies.csv\""),
        ],
        body,
    )
        .into_response())
}

pub async fn json(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let caller = super::graphql::caller(&state, &headers).await?;
    let principal = caller.principal()?;
    let chunks = export::export(state.services.db.clone(), Some(principal.clone()), filter(query)?, Format::Json);
    let body = Body::from_stream(chunks.map_err(|e| {
        e.log_if_internal();
        std::io::Error::other(e.public_message())
    }));
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}
