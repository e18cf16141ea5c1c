//! Names become mail content, so they are one line without control characters, and what people typed shows
//! quoted (`> `) in the programme's mails, never as a line of the programme's own (issue 12).

use crate::helpers::{TestApp, each_backend, mails_to, staff_token, token, verified_user};
use serde_json::json;

const PHISHING: &str = "Ana\nYour account is locked. Log in at https://evil.example/login";
const ONE_LINE_PHISHING: &str = "Your account is locked, log in at https://evil.example/login";

/// The text bodies of the mails to `to`, waiting up to 5 s for at least `at_least` of them.
async fn bodies(app: &TestApp, to: &str, at_least: usize) -> Vec<String> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let bodies: Vec<String> = mails_to(&app.mail_dir, to)
            .iter()
            .filter_map(|raw| {
                let message = mail_parser::MessageParser::default().parse(raw.as_bytes())?;
                Some(message.body_text(0)?.replace("\r\n", "\n"))
            })
            .collect();
        if bodies.len() >= at_least || std::time::Instant::now() >= deadline {
            return bodies;
        }
        app.mailer.notify();
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Every line of `body` that mentions the attacker's URL is quoted.
fn only_quoted(body: &str) {
    let lines: Vec<&str> = body.lines().filter(|line| line.contains("evil.example")).collect();
    assert!(!lines.is_empty(), "the name is in the mail: {body}");
    for line in lines {
        assert!(line.starts_with("> "), "a line of user text not quoted: {line:?} in\n{body}");
    }
}

#[tokio::test]
async fn names_with_line_breaks_are_refused() {
    each_backend(|app| async move {
        let registered = app
            .data(
                "mutation($n: String!) { register(input: { email: \"ana@example.org\", password: \"correct horse battery staple\", displayName: $n, preferredLanguage: \"en\", intendedRole: APPLICANT }) { user { id } userErrors { field code } } }",
                json!({ "n": PHISHING }),
            )
            .await;
        assert_eq!(registered["register"]["userErrors"], json!([{ "field": ["input", "displayName"], "code": "INVALID" }]));
        assert!(mails_to(&app.mail_dir, "ana@example.org").is_empty(), "nothing mailed");

        let staff = staff_token(&app).await;
        let event = crate::event_squatting::published_webinar(&app, &staff, "Webinar", 5).await;
        let by_email = app
            .data(
                "mutation($e: ID!, $n: String!) { registerForEventByEmail(input: { eventId: $e, email: \"victim@example.org\", name: $n }) { registration { id } userErrors { field code } } }",
                json!({ "e": event, "n": PHISHING }),
            )
            .await;
        assert_eq!(by_email["registerForEventByEmail"]["userErrors"], json!([{ "field": ["input", "name"], "code": "INVALID" }]));

        let ben = token(&verified_user(&app, "ben@example.org", "APPLICANT").await);
        for name in ["Ben\r\nNovak", "Ben\tNovak", "Ben\u{2028}Novak", "Ben\u{202E}kavoN"] {
            let profile = app
                .data_as(
                    &ben,
                    "mutation($n: String!) { updateProfile(input: { displayName: $n }) { user { displayName } userErrors { field code } } }",
                    json!({ "n": name }),
                )
                .await;
            assert_eq!(
                profile["updateProfile"]["userErrors"],
                json!([{ "field": ["input", "displayName"], "code": "INVALID" }]),
                "{name:?}"
            );
        }
        let organisation = app
            .data_as(
                &ben,
                "mutation($n: String!) { createOrganisation(input: { name: $n, organisationType: NGO, country: \"AT\", registrationId: \"ZVR-1\" }) { organisation { id } userErrors { field code } } }",
                json!({ "n": PHISHING }),
            )
            .await;
        assert_eq!(organisation["createOrganisation"]["userErrors"], json!([{ "field": ["input", "name"], "code": "INVALID" }]));
    })
    .await;
}

#[tokio::test]
async fn a_typed_name_shows_quoted_in_the_mail() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let event = crate::event_squatting::published_webinar(&app, &staff, "Webinar", 5).await;
        let by_email = app
            .data(
                "mutation($e: ID!, $n: String!) { registerForEventByEmail(input: { eventId: $e, email: \"victim@example.org\", name: $n }) { registration { id } userErrors { field code } } }",
                json!({ "e": event, "n": ONE_LINE_PHISHING }),
            )
            .await;
        assert_eq!(by_email["registerForEventByEmail"]["userErrors"], json!([]));
        let mails = bodies(&app, "victim@example.org", 1).await;
        assert_eq!(mails.len(), 1);
        only_quoted(&mails[0]);
        assert!(mails[0].contains(&format!("> {ONE_LINE_PHISHING}\n")), "{}", mails[0]);

        let registered = app
            .data(
                "mutation($n: String!) { register(input: { email: \"victim2@example.org\", password: \"correct horse battery staple\", displayName: $n, preferredLanguage: \"en\", intendedRole: APPLICANT }) { user { id } userErrors { field code } } }",
                json!({ "n": ONE_LINE_PHISHING }),
            )
            .await;
        assert_eq!(registered["register"]["userErrors"], json!([]));
        let mails = bodies(&app, "victim2@example.org", 1).await;
        assert_eq!(mails.len(), 1);
        only_quoted(&mails[0]);
    })
    .await;
}

#[tokio::test]
async fn an_organisation_name_shows_quoted_in_the_invitation() {
    each_backend(|app| async move {
        let ana = token(&verified_user(&app, "ana@example.org", "APPLICANT").await);
        let created = app
            .data_as(
                &ana,
                "mutation($n: String!) { createOrganisation(input: { name: $n, organisationType: NGO, country: \"AT\", registrationId: \"ZVR-2\" }) { organisation { id } userErrors { field code } } }",
                json!({ "n": ONE_LINE_PHISHING }),
            )
            .await;
        assert_eq!(created["createOrganisation"]["userErrors"], json!([]), "{created}");
        let id = created["createOrganisation"]["organisation"]["id"].clone();
        let invited = app
            .data_as(
                &ana,
                "mutation($o: ID!) { inviteOrganisationMember(input: { organisationId: $o, email: \"victim@example.org\", role: EDITOR }) { userErrors { field code } } }",
                json!({ "o": id }),
            )
            .await;
        assert_eq!(invited["inviteOrganisationMember"]["userErrors"], json!([]), "{invited}");
        let mails = bodies(&app, "victim@example.org", 1).await;
        assert_eq!(mails.len(), 1);
        only_quoted(&mails[0]);
        let raw = &mails_to(&app.mail_dir, "victim@example.org")[0];
        assert!(!raw.lines().any(|l| l.starts_with("Subject:") && l.contains("evil")), "no typed name in the subject");
    })
    .await;
}
