//! The test harness, in five parts: the server under test (`app`), the one fixtures API (`fixtures`), the mail
//! the server wrote (`mail`), the binary as a child process (`process`) and direct looks into the database (`sql`). Tests import from `crate::helpers`.

mod app;
mod fixtures;
mod mail;
mod process;
mod sql;

pub use app::*;
pub use fixtures::*;
pub use mail::*;
pub use process::*;
pub use sql::*;
