//! The one error type of the service, its fixed set of codes, and how it shows in GraphQL and plain HTTP.
//!
//! Resolvers return `AppError` through async-graphql's `?` (which keeps it as the error's source);
//! `graphql::errors` then gives every GraphQL error its code in one place. Internal errors are logged (the
//! span carries the request id) and shown to users only as `INTERNAL` with the request id.

use async_graphql::SimpleObject;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// The codes of `extensions.code` (CONVENTIONS.md); no others are ever sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    Unauthenticated,
    Forbidden,
    NotFound,
    BadUserInput,
    Conflict,
    RateLimited,
    /// A change-feed cursor older than the retention: the events after it are gone; start again without one.
    CursorExpired,
    /// The database cannot be reached; the request may be retried later.
    ServiceUnavailable,
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Unauthenticated => "UNAUTHENTICATED",
            ErrorCode::Forbidden => "FORBIDDEN",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::BadUserInput => "BAD_USER_INPUT",
            ErrorCode::Conflict => "CONFLICT",
            ErrorCode::RateLimited => "RATE_LIMITED",
            ErrorCode::CursorExpired => "CURSOR_EXPIRED",
            ErrorCode::ServiceUnavailable => "SERVICE_UNAVAILABLE",
            ErrorCode::Internal => "INTERNAL",
        }
    }

    pub fn status(self) -> StatusCode {
        match self {
            ErrorCode::Unauthenticated => StatusCode::UNAUTHORIZED,
            ErrorCode::Forbidden => StatusCode::FORBIDDEN,
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::BadUserInput => StatusCode::BAD_REQUEST,
            ErrorCode::Conflict => StatusCode::CONFLICT,
            ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::CursorExpired => StatusCode::GONE,
            ErrorCode::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// A problem with a mutation's input that the user can fix, reported in the payload's `userErrors` (HTTP 200):
/// a broken business rule, a value that does not parse, or a target that does not exist or is not visible to
/// the caller (`NOT_FOUND`, the same answer in both cases).
#[derive(Debug, Clone, PartialEq, Eq, SimpleObject)]
pub struct UserError {
    /// Path to the input field at fault, from the mutation's argument: e.g. `["input", "email"]`, or
    /// `["input", "countries", "1"]` for an item of a list; `["input"]` when the input as a whole is at fault.
    pub field: Vec<String>,
    /// What is wrong and how to fix it, in English, for showing to the user.
    pub message: String,
    /// The kind of problem, stable for programs (the message may change).
    pub code: UserErrorCode,
}

impl UserError {
    pub fn new(field: &[&str], code: UserErrorCode, message: impl Into<String>) -> Self {
        Self { field: field.iter().map(|f| (*f).to_owned()).collect(), message: message.into(), code }
    }
}

/// Why a mutation's input was refused. Each area adds the codes its rules need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, async_graphql::Enum)]
pub enum UserErrorCode {
    /// The value does not have the required form (an e-mail, a code, a length).
    Invalid,
    /// A required value is missing or blank.
    Required,
    /// The value is already taken by another record.
    Taken,
    /// A referenced record does not exist or is not visible to the caller.
    NotFound,
    /// The value is too short or too weak.
    TooWeak,
    /// A token is unknown, already used or expired.
    InvalidToken,
    /// The credentials do not match.
    InvalidCredentials,
    /// The operation is not allowed in the record's current state.
    InvalidState,
    /// The account's e-mail address is not confirmed yet.
    EmailNotVerified,
    /// The person is already registered (or waiting, or pending confirmation) for this event.
    AlreadyRegistered,
    /// Registration for the event is not open now (before it opens or after it closes).
    RegistrationClosed,
    /// The country (or an organisation's country) does not take part in IMPACT.
    NotEligible,
    /// A programme-wide maximum (e.g. of pilot regions) is reached.
    LimitReached,
    /// The call is not open (not yet, or its deadline has passed).
    CallClosed,
    /// The application's check still finds errors.
    CheckFailed,
    /// A partner organisation has not confirmed taking part in the partnership (its owners have not accepted
    /// the invitation, or declined it).
    PartnerNotConfirmed,
    /// The decision needs an assessment first.
    AssessmentMissing,
    /// The expert has a conflict of interest with the region (a member of a partner organisation, or declared).
    ConflictOfInterest,
    /// The expert's available days would be exceeded.
    Overbooked,
    /// The record changed since the caller read it (a stale `revision`); nothing was written.
    Conflict,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("authentication required")]
    Unauthenticated,
    #[error("you are not allowed to do this")]
    Forbidden,
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    BadUserInput(String),
    #[error("{0}")]
    Conflict(String),
    #[error("too many attempts; try again in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// A change-feed cursor older than the retention (`CURSOR_EXPIRED`).
    #[error("{0}")]
    CursorExpired(String),
    /// Business rules the input breaks; a mutation reports them as `userErrors`.
    #[error("{}", .0.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("; "))]
    Rejected(Vec<UserError>),
    #[error("database error: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("internal error: {0}")]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn rejected(field: &[&str], code: UserErrorCode, message: impl Into<String>) -> Self {
        AppError::Rejected(vec![UserError::new(field, code, message)])
    }

    /// The target of a command (`field`, e.g. `["id"]`) does not exist or is not visible to the caller: the
    /// same answer either way, so a command never reveals what the caller may not see.
    pub fn not_found(field: &[&str], what: &str) -> Self {
        Self::rejected(field, UserErrorCode::NotFound, format!("there is no such {what}"))
    }

    /// The command is not allowed in the target's current state.
    pub fn invalid_state(field: &[&str], message: impl Into<String>) -> Self {
        Self::rejected(field, UserErrorCode::InvalidState, message)
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::Unauthenticated => ErrorCode::Unauthenticated,
            AppError::Forbidden => ErrorCode::Forbidden,
            AppError::NotFound(_) => ErrorCode::NotFound,
            AppError::BadUserInput(_) | AppError::Rejected(_) => ErrorCode::BadUserInput,
            AppError::Conflict(_) => ErrorCode::Conflict,
            AppError::RateLimited { .. } => ErrorCode::RateLimited,
            AppError::CursorExpired(_) => ErrorCode::CursorExpired,
            AppError::Database(error) if database_unavailable(error) => ErrorCode::ServiceUnavailable,
            AppError::Database(error) if value_refused(error) => ErrorCode::BadUserInput,
            AppError::Database(_) | AppError::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The message a user may see: internal details are replaced (log them with `log_if_internal`).
    pub fn public_message(&self) -> String {
        match self.code() {
            ErrorCode::Internal => "internal error".to_owned(),
            ErrorCode::ServiceUnavailable => "the service is unavailable for a moment; try again shortly".to_owned(),
            ErrorCode::BadUserInput if matches!(self, AppError::Database(_)) => {
                "a value is longer than its field accepts or holds characters it does not".to_owned()
            }
            _ => self.to_string(),
        }
    }

    /// Logs an internal error (or an unreachable database) with its cause; the current span carries the
    /// request id.
    pub fn log_if_internal(&self) {
        match self.code() {
            ErrorCode::Internal => tracing::error!(error = %self, "internal error"),
            ErrorCode::ServiceUnavailable => tracing::error!(error = %self, "the database is unavailable"),
            _ => {}
        }
    }
}

/// Whether a database error means the database cannot be reached (rather than a failed statement): no
/// connection to be had, a connection lost, the server shutting down, the database gone or unreadable.
pub fn database_unavailable(error: &sea_orm::DbErr) -> bool {
    use sea_orm::{DbErr, RuntimeErr};
    match error {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(error)) | DbErr::Query(RuntimeErr::SqlxError(error)) => {
            sqlx_unavailable(error)
        }
        _ => false,
    }
}

/// Whether the database refused a value the checks let through (a safety net behind the value types):
/// PostgreSQL's "value too long" (22001) and bytes it cannot store (22021, such as NUL).
fn value_refused(error: &sea_orm::DbErr) -> bool {
    use sea_orm::{DbErr, RuntimeErr};
    match error {
        DbErr::Exec(RuntimeErr::SqlxError(error)) | DbErr::Query(RuntimeErr::SqlxError(error)) => {
            matches!(&**error, sea_orm::sqlx::Error::Database(error)
                if matches!(error.code().as_deref(), Some("22001" | "22021")))
        }
        _ => false,
    }
}

fn sqlx_unavailable(error: &sea_orm::sqlx::Error) -> bool {
    use sea_orm::sqlx::Error;
    match error {
        Error::Io(_) | Error::Tls(_) | Error::PoolTimedOut | Error::PoolClosed | Error::WorkerCrashed => true,
        Error::Database(error) => {
            let code = error.code().unwrap_or_default();
            // PostgreSQL: connection exceptions (08…), shutdowns (57P01-57P03), a database that does not
            // exist (3D000), too many connections (53300).
            code.starts_with("08")
                || matches!(code.as_ref(), "57P01" | "57P02" | "57P03" | "3D000" | "53300")
                // SQLite (primary result codes): I/O error, cannot open, not a database.
                || code.parse::<i32>().is_ok_and(|code| matches!(code & 0xff, 10 | 14 | 26))
        }
        _ => false,
    }
}

/// Plain HTTP routes (health, files, one-click links) answer errors as `{"error": {"code", "message"}}`.
impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let code = self.code();
        self.log_if_internal();
        let body = serde_json::json!({ "error": { "code": code.as_str(), "message": self.public_message() } });
        (code.status(), axum::Json(body)).into_response()
    }
}

pub type AppResult<T> = Result<T, AppError>;
