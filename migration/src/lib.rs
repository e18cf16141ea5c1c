//! Schema and reference-data migrations, applied in order on SQLite and PostgreSQL alike.
//!
//! Every migration is one file named `mYYYYMMDD_NNNNNN_name.rs`. Reference data ships inside this crate
//! (`data/`, copied from the programme's shared data set) so a build never reads files outside the repository.

pub use sea_orm_migration::prelude::*;

mod m20261121_000001_create_country;
mod m20261121_000002_load_countries;
mod m20261121_000003_create_nuts_region;
mod m20261121_000004_load_nuts_regions;
mod m20261121_000005_create_interreg_programme;
mod m20261121_000006_load_interreg_programmes;
mod m20261121_000010_create_identity;
mod m20261121_000020_create_outbound_email;
mod m20261121_000030_create_applicant_flow;
mod m20261121_000040_create_newsletter;
mod m20261121_000041_create_resource;
mod m20261121_000050_create_events;
mod m20261123_000060_create_domain_event;
mod m20261123_000100_create_strategies;
mod m20261123_000120_create_country_language;
mod m20261123_000121_create_experts;
mod m20261123_000130_create_strategy_comment;
mod m20261123_000140_create_webhooks;
mod m20261123_000141_create_service_account_scope;
mod m20261123_000150_create_mail_quota;
mod m20261123_000151_canonical_emails;
mod m20261123_000152_partner_confirmation;
mod m20261206_000153_index_foreign_keys;
mod reference_data;
mod schema_helpers;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261121_000001_create_country::Migration),
            Box::new(m20261121_000002_load_countries::Migration),
            Box::new(m20261121_000003_create_nuts_region::Migration),
            Box::new(m20261121_000004_load_nuts_regions::Migration),
            Box::new(m20261121_000005_create_interreg_programme::Migration),
            Box::new(m20261121_000006_load_interreg_programmes::Migration),
            Box::new(m20261121_000010_create_identity::Migration),
            Box::new(m20261121_000020_create_outbound_email::Migration),
            Box::new(m20261121_000030_create_applicant_flow::Migration),
            Box::new(m20261121_000040_create_newsletter::Migration),
            Box::new(m20261121_000041_create_resource::Migration),
            Box::new(m20261121_000050_create_events::Migration),
            Box::new(m20261123_000060_create_domain_event::Migration),
            Box::new(m20261123_000100_create_strategies::Migration),
            Box::new(m20261123_000120_create_country_language::Migration),
            Box::new(m20261123_000121_create_experts::Migration),
            Box::new(m20261123_000130_create_strategy_comment::Migration),
            Box::new(m20261123_000140_create_webhooks::Migration),
            Box::new(m20261123_000141_create_service_account_scope::Migration),
            Box::new(m20261123_000150_create_mail_quota::Migration),
            Box::new(m20261123_000151_canonical_emails::Migration),
            Box::new(m20261123_000152_partner_confirmation::Migration),
            Box::new(m20261206_000153_index_foreign_keys::Migration),
        ]
    }
}
