//! The mutation pattern every area follows: one `input: XInput!` argument and an `XPayload` with the
//! changed object and `userErrors`. Broken business rules become `userErrors` (HTTP 200), and so does a
//! target that does not exist or is not visible (`NOT_FOUND` on `["input", "id"]` unless the command named
//! another field); everything else (unauthenticated, forbidden, internal) stays a top-level error.

use crate::error::{AppError, AppResult, UserError, UserErrorCode};

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
        Err(AppError::NotFound(what)) => Ok((
            None,
            vec![UserError::new(&["input", "id"], UserErrorCode::NotFound, format!("there is no such {what}"))],
        )),
        Err(other) => Err(other.into()),
    }
}
