//! The mutation pattern every area follows: one `input: XInput!` argument and an `XPayload` with the
//! changed object and `userErrors`. Broken business rules become `userErrors` (HTTP 200); everything
//! else (unauthenticated, forbidden, internal) stays a top-level error.

use crate::error::{AppError, AppResult, UserError};

/// Splits a domain result into the payload's object and its user errors. Field paths are made relative
/// to the mutation's arguments (`["input", "email"]`).
pub fn into_payload<T>(result: AppResult<T>) -> async_graphql::Result<(Option<T>, Vec<UserError>)> {
    match result {
        Ok(value) => Ok((Some(value), Vec::new())),
        Err(AppError::Rejected(errors)) => Ok((
            None,
            errors
                .into_iter()
                .map(|mut e| {
                    e.field.insert(0, "input".to_owned());
                    e
                })
                .collect(),
        )),
        Err(other) => Err(other.into()),
    }
}
