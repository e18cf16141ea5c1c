//! The test harness, in four parts: the server under test (`app`), the one fixtures API (`fixtures`), the mail
//! the server wrote (`mail`) and direct looks into the database (`sql`). Tests import from `crate::helpers`.

mod app;
mod fixtures;
mod mail;
mod sql;

pub use app::*;
pub use fixtures::*;
pub use mail::*;
pub use sql::*;
