//! The mail the server wrote (as `.eml` files in the test's mail directory) and the links in it.

use super::TestApp;
use std::path::Path;
use std::time::{Duration, Instant};

impl TestApp {
    /// The raw messages (.eml) delivered to `address`, waiting up to 5 s for the first to arrive (the sender
    /// works in the background); empty if none came.
    pub async fn mails_to(&self, address: &str) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let mails = mails_to(&self.mail_dir, address);
            if !mails.is_empty() || Instant::now() >= deadline {
                return mails;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// The `.eml` files in `dir` whose recipient (`To:`) is `address`, as they are now.
pub fn mails_to(dir: &Path, address: &str) -> Vec<String> {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read mail directory {}: {e}", dir.display()));
    entries
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "eml"))
        // A file being written may still be empty; it has no `To:` yet and is read on the next look.
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .filter(|mail| {
            mail.lines().map(|line| line.trim_end_matches('\r')).take_while(|line| !line.is_empty()).any(|line| {
                line.split_once(':').is_some_and(|(name, value)| {
                    name.eq_ignore_ascii_case("to") && recipient(value).eq_ignore_ascii_case(address)
                })
            })
        })
        .collect()
}

/// The address of a header value such as `maria@example.org` or `Maria <maria@example.org>`.
fn recipient(value: &str) -> &str {
    let value = value.trim();
    match (value.rfind('<'), value.rfind('>')) {
        (Some(open), Some(close)) if open < close => &value[open + 1..close],
        _ => value,
    }
}

/// The token of the newest mail to `to` carrying a `/{path}?token=` link.
/// Delivery is asynchronous: waits up to 5 s for the mail.
pub async fn mail_token(app: &TestApp, to: &str, path: &str) -> String {
    let marker = format!("/{path}?token=");
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        for mail in mails_to(&app.mail_dir, to).iter().rev() {
            let message = mail_parser::MessageParser::default().parse(mail.as_bytes()).expect("a MIME message");
            let body = message.body_text(0).expect("a text body");
            if let Some(start) = body.find(&marker) {
                let rest = &body[start + marker.len()..];
                return rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
            }
        }
        assert!(Instant::now() < deadline, "no mail to {to} with a {marker} link");
        app.mailer.notify();
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits (up to 5 s) for a mail to `to` whose text contains `needle`.
pub async fn wait_for_mail(app: &TestApp, to: &str, needle: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let found = mails_to(&app.mail_dir, to).iter().any(|raw| {
            let message = mail_parser::MessageParser::default().parse(raw.as_bytes()).expect("a MIME message");
            message.body_text(0).is_some_and(|body| body.contains(needle))
        });
        if found {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "no mail to {to} saying “{needle}”");
        app.mailer.notify();
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
