//! sea-orm entities of impact-api: one module per table, no business logic.

pub mod app_user;
pub mod audit_event;
pub mod country;
pub mod event;
pub mod event_registration;
pub mod external_identity;
pub mod interreg_programme;
pub mod interreg_programme_country;
pub mod login_failure;
pub mod newsletter_delivery;
pub mod newsletter_issue;
pub mod nuts_region;
pub mod outbound_email;
pub mod resource;
pub mod service_account;
pub mod session;
pub mod subscriber;
pub mod subscriber_token;
pub mod subscription_consent;
pub mod user_programme;
pub mod user_role;
pub mod user_token;
