//! `outbound_email`: one mail in the outbox, from enqueueing (in the transaction that causes it) to delivery.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbound_email")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The recipient, as given when the mail was enqueued (checked when the message is built).
    #[sea_orm(column_type = "Text")]
    pub to_address: String,
    #[sea_orm(column_type = "Text")]
    pub subject: String,
    #[sea_orm(column_type = "Text")]
    pub text_body: String,
    /// Extra headers (e.g. `List-Unsubscribe`) as a JSON list of `[name, value]` pairs.
    #[sea_orm(column_type = "Text")]
    pub headers: String,
    pub status: OutboundEmailStatus,
    /// Delivery attempts begun, counted when a sender claims the mail.
    pub attempts: i32,
    /// When a PENDING mail is due.
    pub next_attempt_at: DateTimeUtc,
    /// Until when a SENDING mail belongs to the sender that claimed it; after that, another may send it again.
    pub lease_until: Option<DateTimeUtc>,
    /// Why the last attempt failed (never the body).
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
}

/// Where a mail is on its way out.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum OutboundEmailStatus {
    /// Waiting for its next attempt (`next_attempt_at`).
    #[sea_orm(string_value = "PENDING")]
    Pending,
    /// Claimed by a sender until `lease_until`.
    #[sea_orm(string_value = "SENDING")]
    Sending,
    /// Handed to the SMTP server (or written to the mail directory).
    #[sea_orm(string_value = "SENT")]
    Sent,
    /// Given up on: the message is invalid, or every attempt failed (`last_error` says why).
    #[sea_orm(string_value = "FAILED")]
    Failed,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
