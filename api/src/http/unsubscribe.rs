//! One-click unsubscribe (RFC 8058): `POST /unsubscribe/{token}` with the body `List-Unsubscribe=One-Click`,
//! no login. Mail clients send it from the `List-Unsubscribe` header of every newsletter mail. It runs the
//! newsletter's `unsubscribe` command anonymously: the manage token is the authority.

use crate::app::AppState;
use crate::domain::newsletter::subscriptions::{self, ONE_CLICK_SOURCE, SubscriberKey};
use crate::error::{AppError, UserErrorCode};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

pub async fn one_click(State(state): State<AppState>, Path(token): Path<String>, body: Bytes) -> Response {
    let form: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    if !form.iter().any(|(k, v)| k == "List-Unsubscribe" && v == "One-Click") {
        return AppError::BadUserInput("the body must be `List-Unsubscribe=One-Click` (RFC 8058)".to_owned())
            .into_response();
    }
    match subscriptions::unsubscribe(&state.services, None, SubscriberKey::Token(&token), Some(ONE_CLICK_SOURCE)).await
    {
        Ok(_) => (StatusCode::OK, "You are unsubscribed; no more newsletters will be sent to you.\n").into_response(),
        Err(AppError::Rejected(errors)) if errors.iter().any(|e| e.code == UserErrorCode::InvalidToken) => {
            AppError::NotFound("subscription".to_owned()).into_response()
        }
        Err(other) => other.into_response(),
    }
}
