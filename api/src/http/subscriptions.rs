//! GraphQL subscriptions over WebSocket at `/graphql`, with the `graphql-transport-ws` protocol (the one of
//! the `graphql-ws` client library; the older `graphql-ws` subprotocol of Apollo is accepted too).
//!
//! The client authenticates in `connection_init` with `{ "authorization": "Bearer <access token>" }`. The
//! connection is closed with 4401 (`Unauthorized`) when the payload has no token or its token has expired by
//! the server's clock (also within the verifier's leeway for clock skew), with 4403 (`Forbidden`) when the
//! token is not valid, and with 4401 once an accepted token expires (the client reconnects with a fresh one).
//! Every subscription then runs as that principal, through the same policies as its queries.

use crate::app::AppState;
use crate::auth::Caller;
use crate::domain::Origin;
use crate::error::AppError;
use crate::graphql::RequestContext;
use crate::http::REQUEST_ID_HEADER;
use async_graphql::Data;
use async_graphql::http::{ALL_WEBSOCKET_PROTOCOLS, WebSocket as GraphQLWebSocket, WebSocketProtocols, WsMessage};
use axum::extract::FromRequestParts;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use futures::{SinkExt, StreamExt};
use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;

/// Close code: the `connection_init` payload names no token or an expired one, or an accepted token expired.
pub const UNAUTHORIZED: u16 = 4401;
/// Close code: the token in `connection_init` is not valid.
pub const FORBIDDEN: u16 = 4403;

/// Whether the request asks to upgrade to a WebSocket.
pub fn is_upgrade(parts: &Parts) -> bool {
    parts
        .headers
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

/// Accepts the upgrade and serves the GraphQL WebSocket protocol on it.
pub async fn upgrade(state: AppState, peer: SocketAddr, mut parts: Parts) -> Response {
    // The first subprotocol offered that is known (`graphql-transport-ws` or the older `graphql-ws`).
    let protocol = parts
        .headers
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|value| value.to_str().ok())
        .and_then(|offered| offered.split(',').find_map(|p| WebSocketProtocols::from_str(p.trim()).ok()));
    let Some(protocol) = protocol else {
        return (StatusCode::BAD_REQUEST, "offer the graphql-transport-ws subprotocol").into_response();
    };
    let upgrade = match WebSocketUpgrade::from_request_parts(&mut parts, &()).await {
        Ok(upgrade) => upgrade,
        Err(rejection) => return rejection.into_response(),
    };
    let request_id = parts.headers.get(REQUEST_ID_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let origin = super::client_address::origin(&state.services.config.auth.trusted_proxies, peer, &parts.headers);
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| serve(state, origin, request_id, socket, protocol))
        .into_response()
}

async fn serve(state: AppState, origin: Origin, request_id: String, socket: WebSocket, protocol: WebSocketProtocols) {
    let (mut sink, stream) = socket.split();
    let input = stream.take_while(|message| futures::future::ready(message.is_ok())).filter_map(|message| {
        futures::future::ready(match message {
            Ok(Message::Text(text)) => Some(text.as_str().as_bytes().to_vec()),
            Ok(Message::Binary(bytes)) => Some(bytes.to_vec()),
            _ => None,
        })
    });
    // Why `connection_init` was refused, to close with the protocol's code instead of the library's 1002.
    let refusal: Arc<Mutex<Option<(u16, String)>>> = Arc::default();
    let (expiry_tx, expiry_rx) = oneshot::channel::<Duration>();
    let init = {
        let (state, refusal) = (state.clone(), refusal.clone());
        move |payload: serde_json::Value| async move {
            match authenticate(&state, &payload).await {
                Ok((caller, lifetime)) => {
                    if let Some(lifetime) = lifetime {
                        let _ = expiry_tx.send(lifetime);
                    }
                    let mut data = Data::default();
                    data.insert(caller);
                    data.insert(origin.clone());
                    data.insert(RequestContext { request_id });
                    Ok(data)
                }
                Err((code, reason)) => {
                    if let Ok(mut refusal) = refusal.lock() {
                        *refusal = Some((code, reason.clone()));
                    }
                    Err(async_graphql::Error::new(reason))
                }
            }
        }
    };
    let messages =
        GraphQLWebSocket::new(state.graphql.clone(), input, protocol).on_connection_init(init).map(move |message| {
            match message {
                WsMessage::Text(text) => Message::Text(text.into()),
                WsMessage::Close(code, reason) => {
                    let (code, reason) = refusal.lock().ok().and_then(|mut r| r.take()).unwrap_or((code, reason));
                    Message::Close(Some(CloseFrame { code, reason: reason.into() }))
                }
            }
        });
    futures::pin_mut!(messages);
    let mut expiry_rx = Some(expiry_rx);
    let mut expires: std::pin::Pin<Box<tokio::time::Sleep>> = Box::pin(tokio::time::sleep(Duration::MAX / 4));
    loop {
        tokio::select! {
            message = messages.next() => {
                let Some(message) = message else { break };
                if sink.send(message).await.is_err() {
                    break;
                }
            }
            lifetime = async { expiry_rx.as_mut().expect("polled only while present").await }, if expiry_rx.is_some() => {
                expiry_rx = None;
                if let Ok(lifetime) = lifetime {
                    expires.as_mut().reset(tokio::time::Instant::now() + lifetime);
                }
            }
            () = &mut expires => {
                let frame = CloseFrame { code: UNAUTHORIZED, reason: "the access token expired".into() };
                let _ = sink.send(Message::Close(Some(frame))).await;
                break;
            }
        }
    }
}

/// The caller named by the `connection_init` payload and how long its token stays valid (by the server
/// clock), or the close code and reason to refuse it with.
async fn authenticate(
    state: &AppState,
    payload: &serde_json::Value,
) -> Result<(Caller, Option<Duration>), (u16, String)> {
    let header = payload.get("authorization").or_else(|| payload.get("Authorization")).and_then(|v| v.as_str());
    let Some(header) = header else {
        return Err((UNAUTHORIZED, "Unauthorized: send { \"authorization\": \"Bearer <token>\" }".to_owned()));
    };
    let token = header
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|token| !token.is_empty())
        .ok_or_else(|| (FORBIDDEN, "Forbidden: the authorization is not a bearer token".to_owned()))?;
    let services = &state.services;
    match services.authenticator.authenticate(services, token).await {
        Ok(principal) => {
            let left = expires_at(token).map(|exp| exp - services.now().timestamp());
            // Past `exp` but within the verifier's leeway for clock skew: expired for a subscription, which
            // would be closed at once; refuse it before acknowledging, as a token that expired.
            if left.is_some_and(|left| left <= 0) {
                return Err((UNAUTHORIZED, "Unauthorized: the access token expired".to_owned()));
            }
            let lifetime = left.map(|left| Duration::from_secs(u64::try_from(left).unwrap_or(0)));
            Ok((Caller(Some(principal)), lifetime))
        }
        Err(AppError::Unauthenticated | AppError::Forbidden) => {
            Err((FORBIDDEN, "Forbidden: the access token is invalid or expired".to_owned()))
        }
        Err(error) => {
            error.log_if_internal();
            Err((1011, "internal error".to_owned()))
        }
    }
}

/// The `exp` claim of a token that was already verified.
fn expires_at(token: &str) -> Option<i64> {
    let claims = token.split('.').nth(1)?;
    let claims: serde_json::Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).ok()?).ok()?;
    claims.get("exp")?.as_i64()
}
