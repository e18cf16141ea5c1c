//! Gives every GraphQL error its `extensions.code`, in one place, after execution.
//!
//! Errors from resolvers carry their `AppError` as source; errors async-graphql raises itself (an
//! unparsable document, failed validation, a limit exceeded, an argument of the wrong type) are the
//! client's input: `BAD_USER_INPUT`. Internal errors are logged and show only the request id.

use crate::error::{AppError, ErrorCode};
use crate::graphql::limits::document::truncate;
use async_graphql::ServerError;
use std::sync::Arc;

/// The longest error message sent (input quoted in it is cut, not echoed whole).
const MAX_MESSAGE_CHARS: usize = 300;

pub fn present(errors: &mut [ServerError], request_id: &str) {
    for error in errors {
        let source = error.source.clone();
        let app_error = source
            .as_deref()
            .and_then(|s| s.downcast_ref::<AppError>().or_else(|| s.downcast_ref::<Arc<AppError>>().map(Arc::as_ref)));
        let extensions = error.extensions.get_or_insert_with(Default::default);
        let code = match app_error {
            Some(app_error) => {
                app_error.log_if_internal();
                if let AppError::RateLimited { retry_after_secs } = app_error {
                    extensions.set("retryAfterSeconds", *retry_after_secs);
                }
                let code = app_error.code();
                error.message = truncate(&app_error.public_message(), MAX_MESSAGE_CHARS);
                code
            }
            None if extensions.get("code").is_some() => continue,
            None => {
                // async-graphql's own messages may quote the input (an argument's whole value): cut them.
                error.message = truncate(&error.message, MAX_MESSAGE_CHARS);
                ErrorCode::BadUserInput
            }
        };
        let extensions = error.extensions.get_or_insert_with(Default::default);
        extensions.set("code", code.as_str());
        if code == ErrorCode::Internal {
            extensions.set("requestId", request_id);
        }
    }
}
