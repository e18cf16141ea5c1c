//! Parsed input values shared by the areas: e-mail addresses, language codes, display names, passwords.
//! Invalid input becomes a `UserError` naming its field and never reaches the database.

use crate::error::{UserError, UserErrorCode};
use std::str::FromStr;

/// An e-mail address, trimmed and lower-cased so that uniqueness ignores case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(field: &str, input: &str) -> Result<Self, UserError> {
        let normalised = input.trim().to_lowercase();
        if normalised.is_empty() {
            return Err(UserError::new(&[field], UserErrorCode::Required, "enter an e-mail address"));
        }
        match email_address::EmailAddress::from_str(&normalised) {
            Ok(_) if normalised.len() <= 254 && normalised.contains('.') => Ok(Self(normalised)),
            _ => Err(UserError::new(
                &[field],
                UserErrorCode::Invalid,
                format!("`{}` is not an e-mail address", input.trim()),
            )),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// An ISO 639-1 language code, lower-case (`en`, `fr`, `sl`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LanguageCode(String);

impl LanguageCode {
    pub fn parse(field: &str, input: &str) -> Result<Self, UserError> {
        let code = input.trim().to_ascii_lowercase();
        if code.len() == 2 && code.bytes().all(|b| b.is_ascii_lowercase()) {
            Ok(Self(code))
        } else {
            Err(UserError::new(
                &[field],
                UserErrorCode::Invalid,
                format!("`{input}` is not an ISO 639-1 language code"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// An optional text, trimmed; blank (empty or only whitespace) means absent.
pub fn blank_to_none(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
}

/// A required, trimmed text of at most `max` characters.
pub fn required_text(field: &str, input: &str, max: usize) -> Result<String, UserError> {
    let text = input.trim();
    if text.is_empty() {
        Err(UserError::new(&[field], UserErrorCode::Required, format!("`{field}` must not be blank")))
    } else if text.chars().count() > max {
        Err(UserError::new(&[field], UserErrorCode::Invalid, format!("`{field}` is longer than {max} characters")))
    } else {
        Ok(text.to_owned())
    }
}

/// The password rules: long enough, not absurdly long, and not the e-mail address itself.
pub fn check_password(field: &str, password: &str, email: Option<&str>, min_length: usize) -> Result<(), UserError> {
    let length = password.chars().count();
    if length < min_length {
        return Err(UserError::new(
            &[field],
            UserErrorCode::TooWeak,
            format!("the password needs at least {min_length} characters"),
        ));
    }
    if length > 256 {
        return Err(UserError::new(&[field], UserErrorCode::Invalid, "the password is longer than 256 characters"));
    }
    let lowered = password.trim().to_lowercase();
    if email.is_some_and(|email| lowered == email || email.split('@').next() == Some(lowered.as_str())) {
        return Err(UserError::new(&[field], UserErrorCode::TooWeak, "the password must not be your e-mail address"));
    }
    Ok(())
}

/// Collects the errors of several independent checks, so a user sees every problem at once.
#[derive(Debug, Default)]
pub struct Checks(Vec<UserError>);

impl Checks {
    pub fn take<T>(&mut self, result: Result<T, UserError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.0.push(error);
                None
            }
        }
    }

    pub fn push(&mut self, error: UserError) {
        self.0.push(error);
    }

    /// `Err(Rejected)` with every error collected, if any.
    pub fn finish(self) -> crate::error::AppResult<()> {
        if self.0.is_empty() { Ok(()) } else { Err(crate::error::AppError::Rejected(self.0)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("email", "  Ana@Example.ORG ").map(Email::into_string).ok(),
            Some("ana@example.org".into())
        );
        for bad in ["", "ana", "ana@", "@example.org", "ana example@org.eu", "ana@localhost"] {
            assert!(Email::parse("email", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn password_rules() {
        assert!(check_password("p", "short", None, 10).is_err());
        assert!(check_password("p", "ana@example.org", Some("ana@example.org"), 10).is_err());
        assert!(check_password("p", "ANA@EXAMPLE.ORG", Some("ana@example.org"), 10).is_err());
        assert!(check_password("p", "a long enough passphrase", Some("ana@example.org"), 10).is_ok());
        assert!(check_password("p", &"x".repeat(257), None, 10).is_err());
    }

    #[test]
    fn language_codes() {
        assert!(LanguageCode::parse("l", "EN").is_ok());
        assert!(LanguageCode::parse("l", "eng").is_err());
        assert!(LanguageCode::parse("l", "e1").is_err());
    }
}
