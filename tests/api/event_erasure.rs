//! Erasing an account releases its event seats: `eraseMyAccount` cancels the registration through the one
//! cancellation path (`events::personal_data::erase`), so the seat goes to the first on the waitlist, who is
//! mailed, and no registration of the account or of its address remains.

use crate::helpers::*;
use entity::event_registration;
use sea_orm::{ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use uuid::Uuid;

const CREATE: &str =
    "mutation($i: CreateEventInput!) { createEvent(input: $i) { event { id } userErrors { field code } } }";
const PUBLISH: &str =
    "mutation($id: ID!) { publishEvent(input: { id: $id }) { event { status } userErrors { code } } }";
const REGISTER: &str = "mutation($e: ID!) { registerForEvent(input: { eventId: $e }) { registration { id status } userErrors { field code } } }";
const MY_STATUS: &str = "query($id: ID!) { node(id: $id) { ... on EventRegistration { status } } }";

fn one_seat_webinar() -> Value {
    json!({
        "kind": "WEBINAR",
        "title": "One seat only",
        "description": "A small webinar.",
        "startsAt": "2026-03-01T10:00:00Z",
        "endsAt": "2026-03-01T12:00:00Z",
        "timeZone": "Europe/Ljubljana",
        "joinUrl": "https://meet.example.org/one-seat",
        "capacity": 1,
        "registrationOpensAt": "2026-01-01T00:00:00Z",
        "registrationClosesAt": "2026-03-01T09:00:00Z",
        "topics": ["EVENTS"],
        "language": "en"
    })
}

async fn promotion_mail(app: &TestApp, to: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if mails_to(&app.mail_dir, to).iter().any(|m| m.contains("A seat is free for you")) {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        app.mailer.notify();
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn an_erased_registrants_seat_goes_to_the_first_on_the_waitlist() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let created = app.data_as(&staff, CREATE, json!({ "i": one_seat_webinar() })).await;
        let event_id = created["createEvent"]["event"]["id"].as_str().unwrap().to_owned();
        app.data_as(&staff, PUBLISH, json!({ "id": event_id })).await;

        let erased = verified_user(&app, "erased@example.org", "APPLICANT").await;
        let waiting = verified_user(&app, "waiting@example.org", "APPLICANT").await;
        let erased_token = erased["accessToken"].as_str().unwrap();
        let waiting_token = waiting["accessToken"].as_str().unwrap();
        let first = app.data_as(erased_token, REGISTER, json!({ "e": event_id })).await;
        assert_eq!(first["registerForEvent"]["registration"]["status"], "REGISTERED", "{first}");
        let second = app.data_as(waiting_token, REGISTER, json!({ "e": event_id })).await;
        assert_eq!(second["registerForEvent"]["registration"]["status"], "WAITLISTED", "{second}");
        let waiting_registration = second["registerForEvent"]["registration"]["id"].as_str().unwrap().to_owned();

        // The person erases the account, as a frontend lets them.
        let user_id = Uuid::parse_str(&key_of(erased["user"]["id"].as_str().unwrap())).unwrap();
        let done = app
            .data_as(
                erased_token,
                "mutation($p: String!) { eraseMyAccount(input: { password: $p }) { erased userErrors { code } } }",
                json!({ "p": PASSWORD }),
            )
            .await;
        assert_eq!(done["eraseMyAccount"]["userErrors"], json!([]), "{done}");
        assert_eq!(done["eraseMyAccount"]["erased"], true);

        let now = app.data_as(waiting_token, MY_STATUS, json!({ "id": waiting_registration })).await;
        assert_eq!(now["node"]["status"], "REGISTERED", "{now}");
        assert!(promotion_mail(&app, "waiting@example.org").await, "the promoted person is mailed");

        let db = db(&app).await;
        let n = event_registration::Entity::find()
            .filter(
                Condition::any()
                    .add(event_registration::Column::Email.eq("erased@example.org"))
                    .add(event_registration::Column::UserId.eq(user_id)),
            )
            .count(&db)
            .await
            .expect("count");
        assert_eq!(n, 0, "no registration of the erased account or address remains");
        let seats = app
            .data("query($id: ID!) { node(id: $id) { ... on Event { seatsTaken } } }", json!({ "id": event_id }))
            .await;
        assert_eq!(seats["node"]["seatsTaken"], 1);
        db.close().await.ok();
    })
    .await;
}
