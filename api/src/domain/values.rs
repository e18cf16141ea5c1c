//! Parsed input values shared by the areas: e-mail addresses, language codes, display names, passwords,
//! search terms. Invalid input becomes a `UserError` naming its field and never reaches the database; a
//! message quotes at most [`MAX_QUOTED_CHARS`] characters of what was sent.
//!
//! Every text of every request has already passed `graphql::limits` (no control characters, at most
//! `IMPACT_MAX_TEXT_LENGTH` characters, lists of at most `IMPACT_MAX_LIST_INPUT` items); the value types
//! add each field's own maximum.

use crate::error::{AppError, UserError, UserErrorCode};
use sea_orm::sea_query::LikeExpr;
use std::str::FromStr;

/// The most characters of an input that a message quotes.
pub const MAX_QUOTED_CHARS: usize = 60;

/// `input` as a message may quote it: cut after [`MAX_QUOTED_CHARS`] characters.
pub fn quoted(input: &str) -> String {
    crate::graphql::limits::document::truncate(input, MAX_QUOTED_CHARS)
}

/// An e-mail address in its one canonical form, so that one mailbox is one account, one subscriber, one
/// registration: trimmed and lower-cased; a quoted local part unquoted when the quotes add nothing
/// (`"ana.novak"@…` is `ana.novak@…`) and refused otherwise; the domain IDNA-converted to its ASCII form
/// (`bücher.example` → `xn--bcher-kva.example`). What the mail sender cannot deliver is refused: comments,
/// domain literals (`[192.0.2.1]`), domains without a dot, and local parts beyond ASCII (which need SMTPUTF8).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

/// The longest local part (RFC 5321).
const MAX_LOCAL_PART: usize = 64;
/// The longest address (RFC 5321, a forward path less its angle brackets).
const MAX_ADDRESS: usize = 254;

impl Email {
    pub fn parse(field: &str, input: &str) -> Result<Self, UserError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(UserError::new(&[field], UserErrorCode::Required, "enter an e-mail address"));
        }
        canonical(trimmed).map(Self).map_err(|reason| {
            UserError::new(
                &[field],
                UserErrorCode::Invalid,
                format!("`{}` is not an e-mail address we can write to: {reason}", quoted(trimmed)),
            )
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// The canonical form of an address (see [`Email`]), or why there is none.
fn canonical(input: &str) -> Result<String, &'static str> {
    let lowered = input.to_lowercase();
    let (local, domain) = lowered.rsplit_once('@').ok_or("it has no `@`")?;
    let local = match local.strip_prefix('"').and_then(|l| l.strip_suffix('"')) {
        // A quoted local part is the same mailbox as the unquoted one when that is a plain dot-atom.
        Some(inner) if is_dot_atom(inner) => inner,
        Some(_) => return Err("write the part before `@` without quotes"),
        None if is_dot_atom(local) => local,
        None if !local.is_ascii() => {
            return Err(
                "the part before `@` may hold only ASCII letters, digits and . ! # $ % & ' * + - / = ? ^ _ ` { | } ~",
            );
        }
        None => return Err("the part before `@` is not valid"),
    };
    if local.len() > MAX_LOCAL_PART {
        return Err("the part before `@` is longer than 64 characters");
    }
    if domain.starts_with('[') {
        return Err("write a domain name after `@`, not an address in brackets");
    }
    let domain = idna::domain_to_ascii_strict(domain).map_err(|_| "the domain is not valid")?;
    if !domain.contains('.') || domain.ends_with('.') {
        return Err("the domain needs a dot, as in example.org");
    }
    let address = format!("{local}@{domain}");
    if address.len() > MAX_ADDRESS || email_address::EmailAddress::from_str(&address).is_err() {
        return Err("it is too long or not valid");
    }
    Ok(address)
}

/// RFC 5322's dot-atom: atoms of ASCII letters, digits and ``! # $ % & ' * + - / = ? ^ _ ` { | } ~``, joined by
/// single dots.
fn is_dot_atom(text: &str) -> bool {
    !text.is_empty()
        && text.split('.').all(|atom| {
            !atom.is_empty() && atom.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&b))
        })
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
                format!("`{}` is not an ISO 639-1 language code", quoted(input)),
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

/// A name that can end up in a mail: a person's display or registration name, an organisation's, a
/// partnership's or a region's. One trimmed line of at most `max` characters (200 unless said otherwise) with
/// no control characters at all (no line breaks or tabs either), no Unicode line or paragraph separators and no
/// bidirectional-text controls: a name cannot add lines to a mail or disguise what it says.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PersonName(String);

impl PersonName {
    /// The most characters of a person's name.
    pub const MAX_CHARS: usize = 200;

    /// A person's name (display or registration name).
    pub fn parse(field: &str, input: &str) -> Result<Self, UserError> {
        Self::parse_max(field, input, Self::MAX_CHARS)
    }

    /// A name of at most `max` characters (an organisation's, a partnership's, a region's).
    pub fn parse_max(field: &str, input: &str, max: usize) -> Result<Self, UserError> {
        let name = input.trim();
        if name.is_empty() {
            return Err(UserError::new(&[field], UserErrorCode::Required, format!("`{field}` must not be blank")));
        }
        if name.chars().any(breaks_a_line) {
            return Err(UserError::new(
                &[field],
                UserErrorCode::Invalid,
                format!("`{field}` must be one line, without line breaks, tabs or other control characters"),
            ));
        }
        bounded_text(field, name, max).map(|name| Self(name.to_owned()))
    }

    /// A name from elsewhere (an identity provider): forbidden characters become spaces, runs of spaces one,
    /// cut to [`Self::MAX_CHARS`]; `None` when nothing is left.
    pub fn sanitised(input: &str) -> Option<Self> {
        let spaced: String = input.chars().map(|c| if breaks_a_line(c) { ' ' } else { c }).collect();
        let name: String =
            spaced.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(Self::MAX_CHARS).collect();
        (!name.is_empty()).then_some(Self(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// Characters a one-line name may not hold: control characters (line breaks and tabs included), the Unicode
/// line and paragraph separators, and the bidirectional-text controls that reorder what a reader sees.
fn breaks_a_line(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// An optional text, trimmed; blank (empty or only whitespace) means absent.
pub fn blank_to_none(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
}

/// A required, trimmed text of at most `max` characters, without control characters.
pub fn required_text(field: &str, input: &str, max: usize) -> Result<String, UserError> {
    let text = input.trim();
    if text.is_empty() {
        Err(UserError::new(&[field], UserErrorCode::Required, format!("`{field}` must not be blank")))
    } else {
        bounded_text(field, text, max).map(str::to_owned)
    }
}

/// An optional, trimmed text (blank means absent) of at most `max` characters, without control characters.
pub fn optional_text(field: &str, input: Option<&str>, max: usize) -> Result<Option<String>, UserError> {
    match input.map(str::trim).filter(|text| !text.is_empty()) {
        Some(text) => bounded_text(field, text, max).map(|text| Some(text.to_owned())),
        None => Ok(None),
    }
}

/// `text` if it has at most `max` characters and no control characters other than tab and line breaks.
pub fn bounded_text<'t>(field: &str, text: &'t str, max: usize) -> Result<&'t str, UserError> {
    if text.chars().count() > max {
        Err(UserError::new(&[field], UserErrorCode::Invalid, format!("`{field}` is longer than {max} characters")))
    } else if text.chars().any(crate::graphql::limits::document::is_forbidden_control) {
        Err(UserError::new(&[field], UserErrorCode::Invalid, format!("`{field}` holds a control character")))
    } else {
        Ok(text)
    }
}

/// A search term: trimmed, at most [`SearchTerm::MAX_CHARS`] characters; matched literally (`%` and `_` are
/// no wildcards).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchTerm(String);

impl SearchTerm {
    pub const MAX_CHARS: usize = 100;

    /// None for no term or a blank one; a term that is too long is refused as `BAD_USER_INPUT`.
    pub fn parse(field: &str, input: Option<&str>) -> Result<Option<Self>, AppError> {
        optional_text(field, input, Self::MAX_CHARS).map(|term| term.map(Self)).map_err(|error| {
            AppError::BadUserInput(format!("{}; search for at most {} characters", error.message, Self::MAX_CHARS))
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `LIKE` anywhere in the text, for `text` matched literally.
pub fn like_contains(text: &str) -> LikeExpr {
    LikeExpr::new(format!("%{}%", escape_like(text))).escape(LIKE_ESCAPE)
}

/// `LIKE` at the start of the text, for `text` matched literally.
pub fn like_prefix(text: &str) -> LikeExpr {
    LikeExpr::new(format!("{}%", escape_like(text))).escape(LIKE_ESCAPE)
}

const LIKE_ESCAPE: char = '\\';

fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | LIKE_ESCAPE) {
            escaped.push(LIKE_ESCAPE);
        }
        escaped.push(c);
    }
    escaped
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
    fn emails_have_one_canonical_form() {
        let canonical = |input: &str| Email::parse("email", input).map(Email::into_string);
        assert_eq!(canonical("\"dupe.person\"@example.org").unwrap(), "dupe.person@example.org");
        assert_eq!(canonical("\"Dupe.Person\"@EXAMPLE.org").unwrap(), "dupe.person@example.org");
        assert_eq!(canonical("Person@EXAMPLE.org").unwrap(), "person@example.org");
        assert_eq!(canonical("ana@Bücher.Example").unwrap(), "ana@xn--bcher-kva.example");
        assert_eq!(canonical("ana@xn--bcher-kva.example").unwrap(), "ana@xn--bcher-kva.example");
        assert_eq!(canonical("o'brien+news@example.org").unwrap(), "o'brien+news@example.org");
        for bad in [
            "\"dupe person\"@example.org",
            "\"dupe..person\"@example.org",
            "\"a@b\"@example.org",
            "ana@[192.0.2.1]",
            "(comment)ana@example.org",
            "ana(comment)@example.org",
            "jürgen@example.org",
            "ana..novak@example.org",
            ".ana@example.org",
            "ana@example.org.",
            "ana@-bad-.example",
        ] {
            assert!(canonical(bad).is_err(), "{bad} was accepted as {:?}", canonical(bad));
        }
        assert!(canonical(&format!("{}@example.org", "a".repeat(65))).is_err());
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
    fn texts_and_search_terms() {
        assert_eq!(required_text("name", "  Ana ", 10).unwrap(), "Ana");
        assert_eq!(required_text("name", "a\0b", 10).unwrap_err().code, UserErrorCode::Invalid);
        assert_eq!(required_text("name", "abcdefghijk", 10).unwrap_err().code, UserErrorCode::Invalid);
        assert_eq!(optional_text("note", Some("  "), 10).unwrap(), None);
        assert!(SearchTerm::parse("search", Some(&"x".repeat(101))).is_err());
        assert_eq!(SearchTerm::parse("search", Some(" ")).unwrap(), None);
        assert_eq!(escape_like("50%_a\\b"), "50\\%\\_a\\\\b");
        assert_eq!(quoted(&"x".repeat(100)).chars().count(), MAX_QUOTED_CHARS + 1);
    }

    #[test]
    fn names_are_one_line() {
        assert_eq!(
            PersonName::parse("name", "  Ana Novak ").map(PersonName::into_string).ok(),
            Some("Ana Novak".into())
        );
        for bad in
            ["Ana\nVisit https://evil.example", "Ana\r\nX", "Ana\tNovak", "Ana\u{2028}X", "Ana\u{202E}kavoN", "a\0b"]
        {
            assert_eq!(PersonName::parse("name", bad).unwrap_err().code, UserErrorCode::Invalid, "{bad:?}");
        }
        assert_eq!(PersonName::parse("name", " ").unwrap_err().code, UserErrorCode::Required);
        assert!(PersonName::parse("name", &"x".repeat(201)).is_err());
        assert!(PersonName::parse_max("name", &"x".repeat(255), 255).is_ok());
        assert_eq!(
            PersonName::sanitised(" Ana\n\nNovak\u{202E} ").map(PersonName::into_string),
            Some("Ana Novak".to_owned())
        );
        assert_eq!(PersonName::sanitised("\n\t"), None);
    }

    #[test]
    fn language_codes() {
        assert!(LanguageCode::parse("l", "EN").is_ok());
        assert!(LanguageCode::parse("l", "eng").is_err());
        assert!(LanguageCode::parse("l", "e1").is_err());
    }
}
