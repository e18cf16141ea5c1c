//! The personal-data registry: every area that keeps data about a person declares the tables it answers for,
//! and how it exports and erases that data. `privacy` runs them all for `exportMyData` and `eraseMyAccount`;
//! a test fails when a table with an e-mail or user column is claimed by no area.

use uuid::Uuid;

/// The person whose data is exported or erased: the account and its (normalised) address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub user_id: Uuid,
    pub email: String,
}

/// The tables of one area that hold personal data, and what happens to them on erasure (for the docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claim {
    pub area: &'static str,
    pub tables: &'static [&'static str],
    /// One line: what erasure does to these tables (deleted, anonymised, kept by id only, ...).
    pub on_erasure: &'static str,
}
