//! How a mail leaves the process: lettre's SMTP transport, or `.eml` files in a directory for local runs,
//! and how an outbox row becomes a message.

use crate::app::redact;
use crate::config::Mail;
use anyhow::Context;
use chrono::{DateTime, Utc};
use entity::outbound_email;
use lettre::message::Mailbox;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Longest wait for one SMTP command; keeps a send well inside the lease (`RetryPolicy::lease`).
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// Headers the mailer sets itself; an extra header may not replace them or add recipients.
const RESERVED_HEADERS: [&str; 11] = [
    "from",
    "sender",
    "to",
    "cc",
    "bcc",
    "subject",
    "date",
    "message-id",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
];

/// Where mail goes, and from whom it comes.
#[derive(Clone)]
pub struct Transport {
    from: Mailbox,
    delivery: Delivery,
}

#[derive(Clone)]
enum Delivery {
    Smtp { transport: AsyncSmtpTransport<Tokio1Executor>, url: String },
    Files { transport: AsyncFileTransport<Tokio1Executor>, dir: PathBuf },
}

impl Transport {
    /// The transport the configuration asks for: SMTP when `IMPACT_SMTP_URL` is set, files otherwise.
    /// A bad value is an error naming its variable (the URL's password redacted).
    pub fn from_config(config: &Mail) -> anyhow::Result<Self> {
        let from: Mailbox = config.mail_from.parse().with_context(|| {
            format!("IMPACT_MAIL_FROM={} is not a mailbox such as `IMPACT <no-reply@example.org>`", config.mail_from)
        })?;
        match config.smtp_url.as_deref().map(str::trim).filter(|url| !url.is_empty()) {
            Some(url) => Self::smtp(url, from)
                .with_context(|| format!("IMPACT_SMTP_URL={} is not a usable SMTP URL", redact(url))),
            None => Self::files(&config.mail_dir, from).with_context(|| {
                format!("cannot create the mail directory IMPACT_MAIL_DIR={}", config.mail_dir.display())
            }),
        }
    }

    /// SMTP from a URL: `smtp://host:25`, `smtp://user:pass@host:587?tls=required`, `smtps://user:pass@host`.
    pub fn smtp(url: &str, from: Mailbox) -> Result<Self, lettre::transport::smtp::Error> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?.timeout(Some(SMTP_TIMEOUT)).build();
        Ok(Self { from, delivery: Delivery::Smtp { transport, url: redact(url) } })
    }

    /// One `.eml` file per mail in `dir`, created if missing.
    pub fn files(dir: &Path, from: Mailbox) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let transport = AsyncFileTransport::<Tokio1Executor>::new(dir);
        Ok(Self { from, delivery: Delivery::Files { transport, dir: dir.to_path_buf() } })
    }

    /// Where mail goes, for the start-up log (no password).
    pub fn describe(&self) -> String {
        match &self.delivery {
            Delivery::Smtp { url, .. } => format!("SMTP server {url}"),
            Delivery::Files { dir, .. } => format!(".eml files in {}", dir.display()),
        }
    }

    /// The message of an outbox row. An error means the row can never be sent (a bad address or header);
    /// it names the fault but not the values.
    pub(crate) fn compose(&self, email: &outbound_email::Model, now: DateTime<Utc>) -> Result<Message, String> {
        let to: Mailbox = email.to_address.parse().map_err(|error| format!("invalid recipient address: {error}"))?;
        let headers: Vec<(String, String)> = serde_json::from_str(&email.headers)
            .map_err(|error| format!("extra headers are not a list of [name, value] pairs: {error}"))?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(email.subject.clone())
            .date(SystemTime::from(now))
            // The same id on every attempt, so a receiver can drop the duplicate of an at-least-once resend.
            .message_id(Some(format!("<{}@{}>", email.id, self.from.email.domain())))
            .header(ContentType::TEXT_PLAIN);
        for (name, value) in headers {
            if RESERVED_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
                return Err(format!("extra header `{name}` is set by the mailer itself"));
            }
            let header = HeaderName::new_from_ascii(name.clone())
                .map_err(|_| format!("extra header name `{}` is not a valid header name", name.escape_debug()))?;
            builder = builder.raw_header(HeaderValue::new(header, value));
        }
        builder.body(email.text_body.clone()).map_err(|error| format!("cannot build the message: {error}"))
    }

    /// Hands the message over; an error may go away on a later attempt.
    pub(crate) async fn send(&self, message: &Message) -> Result<(), String> {
        let raw = message.formatted();
        match &self.delivery {
            Delivery::Smtp { transport, .. } => {
                transport.send_raw(message.envelope(), &raw).await.map(drop).map_err(|error| error.to_string())
            }
            Delivery::Files { transport, .. } => {
                transport.send_raw(message.envelope(), &raw).await.map(drop).map_err(|error| error.to_string())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Transport;
    use crate::config::Mail;
    use chrono::{TimeZone, Utc};
    use entity::outbound_email::{Model, OutboundEmailStatus};

    fn transport() -> Transport {
        let dir = std::env::temp_dir().join(format!("impact-mail-unit-{}", uuid::Uuid::new_v4()));
        let config = Mail { mail_dir: dir.clone(), ..Mail::default() };
        let transport = Transport::from_config(&config).unwrap();
        std::fs::remove_dir(dir).unwrap();
        transport
    }

    fn row(to: &str, headers: &str) -> Model {
        let now = Utc.with_ymd_and_hms(2026, 2, 1, 9, 0, 0).unwrap();
        Model {
            id: uuid::Uuid::nil(),
            to_address: to.to_owned(),
            subject: "Confirm your subscription".to_owned(),
            text_body: "Hello,\nplease confirm.".to_owned(),
            headers: headers.to_owned(),
            status: OutboundEmailStatus::Sending,
            attempts: 1,
            next_attempt_at: now,
            lease_until: None,
            last_error: None,
            created_at: now,
            sent_at: None,
        }
    }

    fn formatted(row: &Model) -> Result<String, String> {
        let now = Utc.with_ymd_and_hms(2026, 2, 1, 9, 0, 0).unwrap();
        transport().compose(row, now).map(|m| String::from_utf8(m.formatted()).unwrap())
    }

    #[test]
    fn a_row_becomes_a_plain_text_utf8_message_with_its_extra_headers() {
        let text = formatted(&row("maria@example.org", r#"[["List-Unsubscribe","<https://x.test/u>"]]"#)).unwrap();
        assert!(text.contains("From: IMPACT <no-reply@impact.localhost>\r\n"), "{text}");
        assert!(text.contains("To: maria@example.org\r\n"), "{text}");
        assert!(text.contains("Subject: Confirm your subscription\r\n"), "{text}");
        assert!(text.contains("Content-Type: text/plain; charset=utf-8\r\n"), "{text}");
        assert!(text.contains("List-Unsubscribe: <https://x.test/u>\r\n"), "{text}");
        assert!(text.contains("Message-ID: <00000000-0000-0000-0000-000000000000@impact.localhost>\r\n"), "{text}");
        assert!(text.contains("Date: Sun, 01 Feb 2026 09:00:00 +0000\r\n"), "{text}");
        assert!(text.ends_with("\r\n\r\nHello,\r\nplease confirm."), "{text}");
    }

    #[test]
    fn bad_addresses_and_headers_are_refused_without_their_values() {
        let error = formatted(&row("not an address", "[]")).unwrap_err();
        assert!(error.starts_with("invalid recipient address"), "{error}");
        assert!(!error.contains("not an address"), "{error}");
        assert!(formatted(&row("a@example.org", r#"[["Bcc","spy@example.org"]]"#)).is_err());
        assert!(formatted(&row("a@example.org", r#"[["Bad Name","x"]]"#)).is_err());
        assert!(formatted(&row("a@example.org", "not json")).is_err());
    }

    #[test]
    fn a_header_value_cannot_inject_another_header() {
        let text = formatted(&row("a@example.org", r#"[["X-Topic","events\r\nBcc: spy@example.org"]]"#)).unwrap();
        assert!(!text.contains("\r\nBcc:"), "{text}");
    }

    #[test]
    fn a_bad_sender_or_smtp_url_names_its_variable() {
        let error = Transport::from_config(&Mail { mail_from: "nobody".to_owned(), ..Mail::default() }).err().unwrap();
        assert!(error.to_string().contains("IMPACT_MAIL_FROM"), "{error}");
        let config = Mail { smtp_url: Some("ftp://user:secret@host".to_owned()), ..Mail::default() };
        let error = Transport::from_config(&config).err().unwrap().to_string();
        assert!(error.contains("IMPACT_SMTP_URL=ftp://user:***@host"), "{error}");
    }
}
