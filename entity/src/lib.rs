//! sea-orm entities of impact-api: one module per table, no business logic.

pub mod country;
pub mod interreg_programme;
pub mod interreg_programme_country;
pub mod nuts_region;
pub mod outbound_email;
