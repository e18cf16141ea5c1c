//! GraphQL of newsletter issues (staff only): create, preview, send, and their delivery counts.

use crate::auth::STAFF;
use crate::auth::guard::RoleGuard;
use crate::domain::newsletter::issues::{self, DeliveryCounts, IssueInput};
use crate::error::UserError;
use crate::graphql::connection::{ConnectionOf, connection, nodes_select, page_request};
use crate::graphql::context::ContextExt;
use crate::graphql::newsletter::subscriptions::{Topic, domain_topics, topics};
use crate::graphql::node::{GlobalId, NodeType};
use crate::graphql::payload::into_payload;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::newsletter_issue;

#[derive(Clone)]
pub struct NewsletterIssue(pub newsletter_issue::Model);

impl NewsletterIssue {
    async fn counts(&self, ctx: &Context<'_>) -> async_graphql::Result<DeliveryCounts> {
        Ok(ctx.loaders().delivery_counts.load_one(self.0.id).await?.unwrap_or_default())
    }
}

/// A newsletter written by staff, for some topics in one language. Visible to staff only.
#[Object]
impl NewsletterIssue {
    /// Globally unique, opaque identifier.
    pub async fn id(&self) -> ID {
        GlobalId::encode(NodeType::NewsletterIssue, &self.0.id.to_string())
    }
    /// The subject line of the mail.
    async fn subject(&self) -> &str {
        &self.0.subject
    }
    /// Markdown, mailed as plain text.
    async fn body(&self) -> &str {
        &self.0.body
    }
    /// The topics it is for: it goes to confirmed subscribers of any of them.
    async fn topics(&self) -> Vec<Topic> {
        topics(&self.0.topics)
    }
    /// Only subscribers reading this language (ISO 639-1) receive it.
    async fn language(&self) -> &str {
        &self.0.language
    }
    /// When staff created it.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it was last sent; null while a draft.
    async fn sent_at(&self) -> Option<DateTime<Utc>> {
        self.0.sent_at
    }
    /// Mails queued for it, one per subscriber.
    async fn delivery_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        Ok(self.counts(ctx).await?.queued)
    }
    /// Of those, handed to the mail server.
    async fn sent_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        Ok(self.counts(ctx).await?.sent)
    }
    /// Of those, given up on.
    async fn failed_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        Ok(self.counts(ctx).await?.failed)
    }
}

/// A new newsletter issue (a draft until sent).
#[derive(InputObject)]
pub struct CreateNewsletterIssueInput {
    /// The subject line of the mail; not blank, at most 200 characters.
    pub subject: String,
    /// Markdown.
    pub body: String,
    /// The topics it is for, at least one.
    pub topics: Vec<Topic>,
    /// ISO 639-1 code.
    pub language: String,
}

/// The result of `createNewsletterIssue`.
#[derive(SimpleObject)]
pub struct NewsletterIssuePayload {
    /// The new draft; null when the input was refused.
    pub newsletter_issue: Option<NewsletterIssue>,
    /// Problems with the input; empty when the change was made.
    pub user_errors: Vec<UserError>,
}

/// The issue to send.
#[derive(InputObject)]
pub struct SendNewsletterIssueInput {
    /// The newsletter issue's global ID.
    pub issue_id: ID,
}

/// The result of `sendNewsletterIssue`.
#[derive(SimpleObject)]
pub struct SendNewsletterIssuePayload {
    /// The issue, with its new `sentAt`; null when the input was refused.
    pub newsletter_issue: Option<NewsletterIssue>,
    /// Mails queued by this request (those mailed by an earlier send are not mailed again).
    pub queued: Option<i32>,
    /// Problems with the input (`NOT_FOUND` on `["input", "issueId"]`); empty when the issue was sent.
    pub user_errors: Vec<UserError>,
}

/// What a subscriber would receive, with sample links. Staff only.
#[derive(SimpleObject)]
pub struct NewsletterPreview {
    /// The subject line of the mail.
    pub subject: String,
    /// The plain-text body as mailed, with the footer of manage and unsubscribe links.
    pub text: String,
}

#[derive(Default)]
pub struct NewsletterIssueQuery;

#[Object]
impl NewsletterIssueQuery {
    /// Newsletter issues, newest first (staff).
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn newsletter_issues(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page forward: at most this many items (default 20, at most 100); not together with `last`.")]
        first: Option<i32>,
        #[graphql(
            desc = "Cursor of the item after which the page starts (`pageInfo.endCursor` of the previous page)."
        )]
        after: Option<String>,
        #[graphql(
            desc = "Page backward: at most this many items, the last ones before `before` (at most 100); not together with `first`."
        )]
        last: Option<i32>,
        #[graphql(desc = "Cursor of the item before which the page ends (`pageInfo.startCursor` of the next page).")]
        before: Option<String>,
    ) -> async_graphql::Result<ConnectionOf<NewsletterIssue>> {
        let page = page_request(ctx, first, after, last, before)?;
        let db = &ctx.services().db;
        let page = issues::list_issues(db, ctx.actor(), &page).await?;
        if ["deliveryCount", "sentCount", "failedCount"].iter().any(|field| nodes_select(ctx, &[field])) {
            let ids: Vec<_> = page.items.iter().map(|(_, issue)| issue.id).collect();
            ctx.loaders().prime_delivery_counts(db, &ids).await?;
        }
        Ok(connection(page, NewsletterIssue))
    }

    /// The mail an issue makes, for a sample subscriber (staff).
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn preview_newsletter_issue(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The newsletter issue's global ID; an unknown one is refused (`BAD_USER_INPUT`).")] id: ID,
    ) -> async_graphql::Result<NewsletterPreview> {
        let id = GlobalId::decode_as(&id, NodeType::NewsletterIssue)?;
        let preview = issues::preview_issue(ctx.services(), ctx.actor(), id).await?;
        Ok(NewsletterPreview { subject: preview.subject, text: preview.text })
    }
}

#[derive(Default)]
pub struct NewsletterIssueMutation;

#[Object]
impl NewsletterIssueMutation {
    /// Writes a draft newsletter issue; nothing is mailed before `sendNewsletterIssue` (staff).
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn create_newsletter_issue(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The subject, body, topics and language.")] input: CreateNewsletterIssueInput,
    ) -> async_graphql::Result<NewsletterIssuePayload> {
        let services = ctx.services();
        let input = IssueInput {
            subject: input.subject,
            body: input.body,
            topics: domain_topics(input.topics),
            language: input.language,
        };
        let (issue, user_errors) = into_payload(issues::create_issue(services, ctx.actor(), input).await)?;
        Ok(NewsletterIssuePayload { newsletter_issue: issue.map(NewsletterIssue), user_errors })
    }

    /// Queues the issue for every confirmed subscriber of one of its topics who reads its language; a
    /// subscriber mailed by an earlier send is not mailed again (staff).
    #[graphql(guard = "RoleGuard(STAFF)")]
    async fn send_newsletter_issue(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The issue to send.")] input: SendNewsletterIssueInput,
    ) -> async_graphql::Result<SendNewsletterIssuePayload> {
        let services = ctx.services();
        let id = GlobalId::decode_as(&input.issue_id, NodeType::NewsletterIssue)?;
        let (sent, user_errors) = into_payload(issues::send_issue(services, ctx.actor(), id).await)?;
        let (issue, queued) = sent.map_or((None, None), |(issue, n)| (Some(issue), Some(n as i32)));
        Ok(SendNewsletterIssuePayload { newsletter_issue: issue.map(NewsletterIssue), queued, user_errors })
    }
}
