//! Outgoing mail: the outbox (written in the caller's transaction), the delivery pass, and the sender task.
//!
//! A command queues mail through its unit of work (`Write::mail`), so the mail exists if and only if the change
//! committed; the unit wakes the sender after the commit. The sender claims due
//! rows one by one with a conditional update, sends them at least once, and retries failures with backoff.

mod outbox;
mod transport;
mod worker;

pub use crate::outbox::RetryPolicy;
pub use outbox::{OutgoingEmail, deliver_due, enqueue};
pub use transport::Transport;
pub use worker::{Mailer, spawn};

/// Quotes text a person wrote (a comment, a note) in a plain-text mail: every line prefixed with `> `, so the
/// reader tells the sender's words from the programme's.
pub fn quote(text: &str) -> String {
    text.lines()
        .map(|line| if line.is_empty() { ">".to_owned() } else { format!("> {line}") })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn quoting_prefixes_every_line() {
        assert_eq!(quote("Add a target.\n\nSee Art. 32"), "> Add a target.\n>\n> See Art. 32");
        assert_eq!(quote("one line"), "> one line");
    }
}
