//! Secrets at rest: Argon2id password hashes, and random opaque tokens of which only a SHA-256 hash is stored.
//!
//! Every Argon2 hash or check is costly on purpose, so a request may cause only a few of them
//! ([`with_password_check_budget`]), whatever the number of aliased mutations it holds.

use crate::error::AppError;
use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::future::Future;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU32, Ordering};

tokio::task_local! {
    /// The password checks the current request may still cause.
    static PASSWORD_CHECKS: PasswordChecks;
}

struct PasswordChecks {
    max: u32,
    spent: AtomicU32,
}

/// Runs a request's work with at most `max` password hashes and checks; each one past that fails with
/// `BAD_USER_INPUT` before any work is spent. Work outside such a scope (start-up, tools) is not counted.
pub async fn with_password_check_budget<F: Future>(max: u32, work: F) -> F::Output {
    PASSWORD_CHECKS.scope(PasswordChecks { max, spent: AtomicU32::new(0) }, work).await
}

/// Counts one Argon2 hash or check against the current request's budget.
fn spend_password_check() -> Result<(), AppError> {
    PASSWORD_CHECKS
        .try_with(|checks| within_budget(checks.max, checks.spent.fetch_add(1, Ordering::Relaxed)))
        .unwrap_or(Ok(()))
}

/// Fails as the next check would when the current request has spent its budget, without spending: for
/// recording an attempt (throttling) only when its check will run.
pub fn ensure_password_check_left() -> Result<(), AppError> {
    PASSWORD_CHECKS.try_with(|checks| within_budget(checks.max, checks.spent.load(Ordering::Relaxed))).unwrap_or(Ok(()))
}

fn within_budget(max: u32, spent: u32) -> Result<(), AppError> {
    if spent < max {
        Ok(())
    } else {
        Err(AppError::BadUserInput(format!(
            "a request may check or set at most {max} passwords; send one such mutation per request"
        )))
    }
}

/// Hashes a password (or client secret) with Argon2id and a random salt, as a PHC string.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    spend_password_check()?;
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("password hashing failed: {e}")))
}

/// Whether `password` matches the stored PHC string. A malformed stored hash never matches. Fails when the
/// request has spent its password checks.
pub fn verify_password(password: &str, stored: &str) -> Result<bool, AppError> {
    spend_password_check()?;
    Ok(matches(password, stored))
}

fn matches(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok())
}

/// Spends the same work as a real check when there is no account, so timing does not reveal which addresses exist.
/// Counts like a real check.
pub fn burn_password_check(password: &str) -> Result<(), AppError> {
    static DUMMY: LazyLock<Option<String>> = LazyLock::new(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default().hash_password(b"not a real password at all", &salt).map(|hash| hash.to_string()).ok()
    });
    spend_password_check()?;
    if let Some(dummy) = DUMMY.as_deref() {
        let _ = matches(password, dummy);
    }
    Ok(())
}

/// A new random token (256 bits, URL-safe) to hand out once.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What is stored of a token: its SHA-256, hex. Tokens are random, so no salt or slow hash is needed.
pub fn token_hash(token: &str) -> String {
    sha256_hex(token.as_bytes())
}

pub fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_with_the_right_one() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash).unwrap());
        assert!(!verify_password("correct horse batterY", &hash).unwrap());
        assert!(!verify_password("anything", "not a phc string").unwrap());
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(token_hash(&a).len(), 64);
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_ne!(token_hash(&a), token_hash(&b));
    }
}
