//! Newsletter: topics, subscriptions with consent (`subscriptions`), issues written by staff (`issues`), and
//! [`notify_topic`], which other areas call to mail every confirmed subscriber of a topic. Who may run each
//! command is in `policy`; every command goes through the unit of work and emits its domain event.
//!
//! Every mail to a subscriber carries its own long-lived manage token (only the hash is stored): a manage link
//! for the frontend and a one-click unsubscribe link (RFC 8058) served by the API itself, also given in the
//! `List-Unsubscribe` and `List-Unsubscribe-Post` headers.

pub mod issues;
pub mod personal_data;
pub mod policy;
pub mod subscriptions;

use crate::auth::secrets::{new_token, token_hash};
use crate::domain::Services;
use crate::domain::unit_of_work::Write;
use crate::error::{AppResult, UserError, UserErrorCode};
use crate::mail::OutgoingEmail;
use chrono::{DateTime, Utc};
use entity::subscriber::{self, SubscriptionStatus};
use entity::subscriber_token::{self, SubscriberTokenPurpose};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

/// What one can subscribe to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Topic {
    CallsPilotRegions,
    CallsExperts,
    Events,
    ToolsAndAnalysis,
    News,
}

impl Topic {
    pub const ALL: [Topic; 5] =
        [Topic::CallsPilotRegions, Topic::CallsExperts, Topic::Events, Topic::ToolsAndAnalysis, Topic::News];

    pub fn as_str(self) -> &'static str {
        match self {
            Topic::CallsPilotRegions => "CALLS_PILOT_REGIONS",
            Topic::CallsExperts => "CALLS_EXPERTS",
            Topic::Events => "EVENTS",
            Topic::ToolsAndAnalysis => "TOOLS_AND_ANALYSIS",
            Topic::News => "NEWS",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// The condition "`column` (a list stored by [`join_list`]) holds this topic".
    pub fn is_in(self, column: impl ColumnTrait) -> sea_orm::sea_query::SimpleExpr {
        column.like(format!("%,{},%", self.as_str()))
    }
}

/// At least one topic, each once, in a stable order.
pub fn check_topics(field: &str, topics: &[Topic]) -> Result<Vec<Topic>, UserError> {
    let mut topics = topics.to_vec();
    topics.sort();
    topics.dedup();
    if topics.is_empty() {
        return Err(UserError::new(&[field], UserErrorCode::Required, "choose at least one topic"));
    }
    Ok(topics)
}

/// A list stored in one text column, each item between commas (`,EVENTS,NEWS,`), so `LIKE '%,X,%'` finds X.
pub fn join_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let items: Vec<&str> = items.into_iter().collect();
    if items.is_empty() { String::new() } else { format!(",{},", items.join(",")) }
}

pub fn split_list(stored: &str) -> Vec<String> {
    stored.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

pub fn topics_column(topics: &[Topic]) -> String {
    join_list(topics.iter().map(|t| t.as_str()))
}

pub fn topics_of(stored: &str) -> Vec<Topic> {
    split_list(stored).iter().filter_map(|t| Topic::parse(t)).collect()
}

/// Stores a new manage token for the subscriber and returns it (to put in one mail).
pub(crate) async fn new_manage_token(
    conn: &impl ConnectionTrait,
    subscriber_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<String> {
    let token = new_token();
    subscriber_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        subscriber_id: Set(subscriber_id),
        purpose: Set(SubscriberTokenPurpose::Manage),
        token_hash: Set(token_hash(&token)),
        expires_at: Set(None),
        used_at: Set(None),
        created_at: Set(now),
    }
    .insert(conn)
    .await?;
    Ok(token)
}

/// The links every subscriber mail carries: the frontend's manage page and the API's one-click unsubscribe.
pub struct Links {
    pub manage: String,
    pub unsubscribe: String,
}

pub fn links(services: &Services, manage_token: &str) -> Links {
    let frontend = services.config.frontend_url.trim_end_matches('/');
    let public = services.config.public_url.trim_end_matches('/');
    Links {
        manage: format!("{frontend}/manage-subscription?token={manage_token}"),
        unsubscribe: format!("{public}/unsubscribe/{manage_token}"),
    }
}

/// A mail to a subscriber: `text` with the manage and unsubscribe links below it, and the RFC 8058 headers.
pub fn subscriber_mail(services: &Services, to: &str, subject: &str, text: &str, manage_token: &str) -> OutgoingEmail {
    let links = links(services, manage_token);
    let text_body = format!(
        "{text}\n\n--\nYou receive this mail because of your subscription to IMPACT news.\n\
         Manage your subscription: {manage}\nUnsubscribe with one click: {unsubscribe}\n",
        text = text.trim_end(),
        manage = links.manage,
        unsubscribe = links.unsubscribe,
    );
    OutgoingEmail {
        to: to.to_owned(),
        subject: subject.to_owned(),
        text_body,
        headers: vec![
            ("List-Unsubscribe".to_owned(), format!("<{}>", links.unsubscribe)),
            ("List-Unsubscribe-Post".to_owned(), "List-Unsubscribe=One-Click".to_owned()),
        ],
    }
}

/// Confirmed subscribers of `topic` (optionally only those reading `language`), oldest first.
pub(crate) async fn confirmed_subscribers(
    conn: &impl ConnectionTrait,
    topics: &[Topic],
    language: Option<&str>,
) -> AppResult<Vec<subscriber::Model>> {
    let mut any_topic = sea_orm::Condition::any();
    for topic in topics {
        any_topic = any_topic.add(topic.is_in(subscriber::Column::Topics));
    }
    let mut select = subscriber::Entity::find()
        .filter(subscriber::Column::Status.eq(SubscriptionStatus::Confirmed))
        .filter(subscriber::Column::Email.is_not_null())
        .filter(any_topic);
    if let Some(language) = language {
        select = select.filter(subscriber::Column::Language.eq(language));
    }
    Ok(select.order_by_asc(subscriber::Column::Id).all(conn).await?)
}

/// Queues `text` for every confirmed subscriber of `topic` (any language), each mail with its own manage and
/// unsubscribe links and the `List-Unsubscribe` headers, in the unit of work of the change it announces
/// (nobody is told of a change that failed). Returns the number of mails queued.
pub async fn notify_topic(tx: &mut Write, topic: Topic, subject: &str, text: &str) -> AppResult<usize> {
    let now = tx.now();
    let subscribers = confirmed_subscribers(&**tx, &[topic], None).await?;
    for subscriber in &subscribers {
        let Some(email) = subscriber.email.as_deref() else { continue };
        let token = new_manage_token(&**tx, subscriber.id, now).await?;
        let mail = subscriber_mail(tx.services(), email, subject, text, &token);
        tx.mail(mail).await?;
    }
    Ok(subscribers.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_lists_round_trip() {
        let stored = topics_column(&[Topic::Events, Topic::News]);
        assert_eq!(stored, ",EVENTS,NEWS,");
        assert_eq!(topics_of(&stored), vec![Topic::Events, Topic::News]);
        assert_eq!(topics_of(""), Vec::<Topic>::new());
        assert!(check_topics("topics", &[]).is_err());
        assert_eq!(
            check_topics("topics", &[Topic::News, Topic::Events, Topic::News]).ok(),
            Some(vec![Topic::Events, Topic::News])
        );
    }
}
