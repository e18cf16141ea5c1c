//! Typing someone's address into `registerForEventByEmail` squats nothing (issue 12): the registration holds
//! no seat until the address confirms it, the member whose verified address it is registers (taking it over)
//! or cancels it, and the address's owner can register by e-mail over it.

use crate::helpers::{TestApp, each_backend, mail_token, mails_to, staff_token, token, verified_user};
use serde_json::{Value, json};

const BY_EMAIL: &str = "mutation($e: ID!, $m: String!, $n: String!) { registerForEventByEmail(input: { eventId: $e, email: $m, name: $n }) { registration { id status } userErrors { field code } } }";
const REGISTER: &str = "mutation($e: ID!) { registerForEvent(input: { eventId: $e }) { registration { id status name } userErrors { field code } } }";
const CANCEL: &str = "mutation($e: ID!) { cancelEventRegistration(input: { eventId: $e }) { registration { id status } userErrors { field code } } }";
const CONFIRM: &str = "mutation($t: String!) { confirmEventRegistration(input: { token: $t }) { registration { status } userErrors { field code } } }";
const SEATS: &str = "query($id: ID!) { node(id: $id) { ... on Event { seatsTaken } } }";

/// A published webinar on 1 March 2026 with registration open now; its global ID.
pub async fn published_webinar(app: &TestApp, staff: &str, title: &str, capacity: i32) -> String {
    let input = json!({
        "kind": "WEBINAR", "title": title, "description": "Online.", "joinUrl": "https://meet.example.org/w",
        "startsAt": "2026-03-01T10:00:00Z", "endsAt": "2026-03-01T12:00:00Z", "timeZone": "Europe/Vienna",
        "capacity": capacity, "registrationOpensAt": "2026-01-01T00:00:00Z", "registrationClosesAt": "2026-03-01T09:00:00Z",
        "topics": ["EVENTS"], "language": "en"
    });
    let created = app
        .data_as(
            staff,
            "mutation($i: CreateEventInput!) { createEvent(input: $i) { event { id } userErrors { field code } } }",
            json!({ "i": input }),
        )
        .await;
    assert_eq!(created["createEvent"]["userErrors"], json!([]), "{created}");
    let id = created["createEvent"]["event"]["id"].as_str().unwrap().to_owned();
    let published = app
        .data_as(
            staff,
            "mutation($id: ID!) { publishEvent(input: { id: $id }) { userErrors { code } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(published["publishEvent"]["userErrors"], json!([]));
    id
}

/// Every token of a confirmation link in the mails to `to`, waiting up to 5 s for at least `at_least`.
async fn confirmation_links(app: &TestApp, to: &str, at_least: usize) -> Vec<String> {
    let marker = "/confirm-event-registration?token=";
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let links: Vec<String> = mails_to(&app.mail_dir, to)
            .iter()
            .filter_map(|raw| {
                let message = mail_parser::MessageParser::default().parse(raw.as_bytes())?;
                let body = message.body_text(0)?.into_owned();
                let start = body.find(marker)? + marker.len();
                Some(
                    body[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect(),
                )
            })
            .collect();
        if links.len() >= at_least || std::time::Instant::now() >= deadline {
            return links;
        }
        app.mailer.notify();
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

async fn seats_taken(app: &TestApp, event: &str) -> i64 {
    app.data(SEATS, json!({ "id": event })).await["node"]["seatsTaken"].as_i64().unwrap()
}

async fn squat(app: &TestApp, event: &str, address: &str) -> Value {
    let squatted = app.data(BY_EMAIL, json!({ "e": event, "m": address, "n": "Squatter" })).await;
    assert_eq!(squatted["registerForEventByEmail"]["userErrors"], json!([]), "{squatted}");
    assert_eq!(squatted["registerForEventByEmail"]["registration"]["status"], "PENDING");
    squatted["registerForEventByEmail"]["registration"].clone()
}

#[tokio::test]
async fn a_member_registers_and_cancels_although_someone_registered_their_address() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let event = published_webinar(&app, &staff, "Webinar", 1).await;
        let member = token(&verified_user(&app, "member@example.org", "APPLICANT").await);
        let squatted = squat(&app, &event, "member@example.org").await;
        assert_eq!(seats_taken(&app, &event).await, 0, "the squatter holds no seat");

        let registered = app.data_as(&member, REGISTER, json!({ "e": event })).await;
        assert_eq!(registered["registerForEvent"]["userErrors"], json!([]), "{registered}");
        let registration = &registered["registerForEvent"]["registration"];
        assert_eq!(registration["status"], "REGISTERED");
        assert_eq!(registration["id"], squatted["id"], "the member took the pending registration over");
        assert_eq!(registration["name"], "Member", "with the member's own name");
        assert_eq!(seats_taken(&app, &event).await, 1);
        // The link mailed for the squatter's registration no longer confirms anything.
        let link = mail_token(&app, "member@example.org", "confirm-event-registration").await;
        let confirmed = app.data(CONFIRM, json!({ "t": link })).await;
        assert_eq!(confirmed["confirmEventRegistration"]["userErrors"][0]["code"], "INVALID_TOKEN", "{confirmed}");

        let cancelled = app.data_as(&member, CANCEL, json!({ "e": event })).await;
        assert_eq!(cancelled["cancelEventRegistration"]["userErrors"], json!([]), "{cancelled}");
        assert_eq!(cancelled["cancelEventRegistration"]["registration"]["status"], "CANCELLED");
        assert_eq!(seats_taken(&app, &event).await, 0);
    })
    .await;
}

#[tokio::test]
async fn a_member_cancels_a_pending_registration_of_their_address() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let event = published_webinar(&app, &staff, "Webinar", 5).await;
        let member = token(&verified_user(&app, "member@example.org", "APPLICANT").await);
        let squatted = squat(&app, &event, "member@example.org").await;
        let cancelled = app.data_as(&member, CANCEL, json!({ "e": event })).await;
        assert_eq!(cancelled["cancelEventRegistration"]["userErrors"], json!([]), "{cancelled}");
        assert_eq!(cancelled["cancelEventRegistration"]["registration"]["id"], squatted["id"]);
        assert_eq!(cancelled["cancelEventRegistration"]["registration"]["status"], "CANCELLED");
        // Someone else's address is not the member's to cancel.
        squat(&app, &event, "other@example.org").await;
        let foreign = app.data_as(&member, CANCEL, json!({ "e": event })).await;
        assert_eq!(foreign["cancelEventRegistration"]["userErrors"][0]["code"], "NOT_FOUND", "{foreign}");
    })
    .await;
}

#[tokio::test]
async fn the_address_owner_registers_by_email_over_a_pending_registration() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let event = published_webinar(&app, &staff, "Webinar", 5).await;
        squat(&app, &event, "guest@example.org").await;
        let squatters_link = mail_token(&app, "guest@example.org", "confirm-event-registration").await;
        let own = app.data(BY_EMAIL, json!({ "e": event, "m": "guest@example.org", "n": "Guest" })).await;
        assert_eq!(own["registerForEventByEmail"]["userErrors"], json!([]), "{own}");
        assert_eq!(own["registerForEventByEmail"]["registration"]["status"], "PENDING");
        let stale = app.data(CONFIRM, json!({ "t": squatters_link })).await;
        assert_eq!(stale["confirmEventRegistration"]["userErrors"][0]["code"], "INVALID_TOKEN", "{stale}");
        let fresh = confirmation_links(&app, "guest@example.org", 2)
            .await
            .into_iter()
            .find(|link| *link != squatters_link)
            .expect("a second confirmation link");
        let confirmed = app.data(CONFIRM, json!({ "t": fresh })).await;
        assert_eq!(confirmed["confirmEventRegistration"]["registration"]["status"], "REGISTERED", "{confirmed}");
        assert_eq!(seats_taken(&app, &event).await, 1);
    })
    .await;
}
