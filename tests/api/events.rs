//! Events as staff, registrants and the public see them: status moves, registration with its capacity and
//! waitlist under concurrency, the join URL's visibility, the .ics files and the staff's export.

use crate::helpers::{
    TestApp, each_backend, each_backend_with, first_error_code, mail_token, staff_token, token, verified_user,
    wait_for_mail,
};
use chrono::{DateTime, Duration, Utc};
use futures::future::join_all;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::str::FromStr;

const CREATE: &str =
    "mutation($i: CreateEventInput!) { createEvent(input: $i) { event { id status } userErrors { field code } } }";
const REGISTER: &str = "mutation($e: ID!) { registerForEvent(input: { eventId: $e }) { registration { id status waitlistPosition } userErrors { field code } } }";
const BY_EMAIL: &str = "mutation($e: ID!, $m: String!, $n: String!) { registerForEventByEmail(input: { eventId: $e, email: $m, name: $n }) { registration { id status } userErrors { field code } } }";
const CONFIRM: &str = "mutation($t: String!) { confirmEventRegistration(input: { token: $t }) { registration { id email status waitlistPosition } userErrors { field code } } }";
const CANCEL_BY_TOKEN: &str = "mutation($t: String!) { cancelEventRegistration(input: { token: $t }) { registration { status } userErrors { field code } } }";
const JOIN_URL: &str = "https://meet.example.org/impact-clld";

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

/// A webinar on 1 March 2026, registration open from 1 January until an hour before it starts.
fn webinar(capacity: i32) -> Value {
    json!({
        "kind": "WEBINAR",
        "title": "Designing CLLD strategies across borders",
        "description": "How pilot regions **design** their strategies.",
        "startsAt": "2026-03-01T10:00:00Z",
        "endsAt": "2026-03-01T12:00:00Z",
        "timeZone": "Europe/Ljubljana",
        "joinUrl": JOIN_URL,
        "capacity": capacity,
        "registrationOpensAt": "2026-01-01T00:00:00Z",
        "registrationClosesAt": "2026-03-01T09:00:00Z",
        "topics": ["EVENTS", "TOOLS_AND_ANALYSIS"],
        "language": "en"
    })
}

async fn create(app: &TestApp, staff: &str, input: Value) -> String {
    let data = app.data_as(staff, CREATE, json!({ "i": input })).await;
    assert_eq!(data["createEvent"]["userErrors"], json!([]), "{data}");
    data["createEvent"]["event"]["id"].as_str().unwrap().to_owned()
}

async fn status_move(app: &TestApp, staff: &str, mutation: &str, id: &str) -> Value {
    let query = format!(
        "mutation($id: ID!) {{ {mutation}(input: {{ id: $id }}) {{ event {{ status }} userErrors {{ field code }} }} }}"
    );
    app.data_as(staff, &query, json!({ "id": id })).await[mutation].clone()
}

async fn published(app: &TestApp, staff: &str, input: Value) -> String {
    let id = create(app, staff, input).await;
    assert_eq!(status_move(app, staff, "publishEvent", &id).await["event"]["status"], "PUBLISHED");
    id
}

async fn seats_taken(app: &TestApp, id: &str) -> i64 {
    let query = "query($id: ID!) { node(id: $id) { ... on Event { seatsTaken } } }";
    app.data(query, json!({ "id": id })).await["node"]["seatsTaken"].as_i64().unwrap()
}

#[tokio::test]
async fn only_the_allowed_status_moves_happen() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let invalid = json!([{ "field": ["input"], "code": "INVALID_STATE" }]);
        let draft = create(&app, &staff, webinar(10)).await;
        for refused in ["completeEvent", "cancelEvent"] {
            assert_eq!(status_move(&app, &staff, refused, &draft).await["userErrors"], invalid, "draft: {refused}");
        }
        assert_eq!(status_move(&app, &staff, "publishEvent", &draft).await["event"]["status"], "PUBLISHED");
        assert_eq!(status_move(&app, &staff, "publishEvent", &draft).await["userErrors"], invalid);
        assert_eq!(status_move(&app, &staff, "cancelEvent", &draft).await["event"]["status"], "CANCELLED");
        for refused in ["publishEvent", "completeEvent", "cancelEvent"] {
            assert_eq!(status_move(&app, &staff, refused, &draft).await["userErrors"], invalid, "cancelled: {refused}");
        }
        let other = published(&app, &staff, webinar(10)).await;
        assert_eq!(status_move(&app, &staff, "completeEvent", &other).await["event"]["status"], "COMPLETED");
        for refused in ["publishEvent", "completeEvent", "cancelEvent"] {
            assert_eq!(status_move(&app, &staff, refused, &other).await["userErrors"], invalid, "completed: {refused}");
        }
        // A completed event is not edited any more.
        let update = "mutation($i: UpdateEventInput!) { updateEvent(input: $i) { userErrors { field code } } }";
        let mut input = webinar(10);
        input["id"] = json!(other);
        let refused = app.data_as(&staff, update, json!({ "i": input })).await;
        assert_eq!(refused["updateEvent"]["userErrors"], invalid);
    })
    .await;
}

#[tokio::test]
async fn the_rules_of_an_event_are_checked_together() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let mut bad = webinar(0);
        bad["kind"] = json!("HYBRID");
        bad["joinUrl"] = json!("ftp://files.example.org");
        bad["endsAt"] = json!("2026-03-01T09:00:00Z");
        bad["timeZone"] = json!("Europe/Atlantis");
        bad["language"] = json!("english");
        let data = app.data_as(&staff, CREATE, json!({ "i": bad })).await;
        let fields: BTreeSet<String> = data["createEvent"]["userErrors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| format!("{}:{}", e["field"][1].as_str().unwrap(), e["code"].as_str().unwrap()))
            .collect();
        let expected = [
            "endsAt:INVALID",
            "timeZone:INVALID",
            "venue:REQUIRED",
            "joinUrl:INVALID",
            "capacity:INVALID",
            "language:INVALID",
        ];
        assert_eq!(fields, expected.iter().map(|s| (*s).to_owned()).collect(), "{data}");
        let mut no_url = webinar(5);
        no_url["joinUrl"] = Value::Null;
        let data = app.data_as(&staff, CREATE, json!({ "i": no_url })).await;
        assert_eq!(data["createEvent"]["userErrors"], json!([{ "field": ["input", "joinUrl"], "code": "REQUIRED" }]));
        let mut in_person = webinar(5);
        in_person["kind"] = json!("IN_PERSON");
        in_person["joinUrl"] = Value::Null;
        in_person["venue"] = json!("Hotel Lev, Vošnjakova 1, Ljubljana");
        in_person["country"] = json!("si");
        create(&app, &staff, in_person).await;
    })
    .await;
}

#[tokio::test]
async fn drafts_are_for_staff_and_the_list_filters() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let draft = create(&app, &staff, webinar(10)).await;
        let mut in_person = webinar(10);
        in_person["kind"] = json!("IN_PERSON");
        in_person["venue"] = json!("Hotel Lev, Ljubljana");
        in_person["joinUrl"] = Value::Null;
        in_person["country"] = json!("SI");
        in_person["topics"] = json!(["NEWS"]);
        in_person["language"] = json!("sl");
        let public = published(&app, &staff, in_person).await;
        let list = "query($f: EventsFilter) { events(filter: $f) { totalCount nodes { id } } }";
        let ids = |data: &Value| -> Vec<String> {
            data["events"]["nodes"].as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap().to_owned()).collect()
        };
        assert_eq!(ids(&app.data(list, json!({})).await), vec![public.clone()]);
        assert_eq!(app.data_as(&staff, list, json!({})).await["events"]["totalCount"], 2);
        let node = "query($id: ID!) { node(id: $id) { id } }";
        assert_eq!(app.data(node, json!({ "id": draft })).await["node"], Value::Null);
        assert_eq!(app.data_as(&staff, node, json!({ "id": draft })).await["node"]["id"], draft);

        for (filter, expected) in [
            (json!({ "kind": "IN_PERSON" }), vec![public.clone()]),
            (json!({ "kind": "WEBINAR" }), vec![]),
            (json!({ "topic": "NEWS" }), vec![public.clone()]),
            (json!({ "topic": "EVENTS" }), vec![]),
            (json!({ "language": "sl", "country": "SI" }), vec![public.clone()]),
            (json!({ "country": "AT" }), vec![]),
            (json!({ "upcoming": true }), vec![public.clone()]),
            (json!({ "past": true }), vec![]),
        ] {
            assert_eq!(ids(&app.data(list, json!({ "f": filter })).await), expected, "{filter}");
        }
        app.clock.set(at("2026-03-02T00:00:00Z"));
        assert_eq!(ids(&app.data(list, json!({ "f": { "past": true } })).await), vec![public.clone()]);
        assert_eq!(ids(&app.data(list, json!({ "f": { "upcoming": true } })).await), Vec::<String>::new());
    })
    .await;
}

/// Fifty people confirm their e-mail registrations at the same moment for ten seats.
#[tokio::test]
async fn fifty_confirmations_at_once_fill_ten_seats_and_a_waitlist_in_order() {
    // Fifty registrations by e-mail from one client: more than the mail limit per client allows by default.
    each_backend_with(|c| c.limits.mail_max_per_client = 1_000, |app| async move {
        let staff = staff_token(&app).await;
        let id = published(&app, &staff, webinar(10)).await;
        let emails: Vec<String> = (0..50).map(|i| format!("person{i}@example.org")).collect();
        // Registering holds nothing, however many arrive at once.
        let registered = join_all(emails.iter().map(|email| {
            app.data(BY_EMAIL, json!({ "e": id, "m": email, "n": format!("Person {email}") }))
        }))
        .await;
        for data in &registered {
            assert_eq!(data["registerForEventByEmail"]["registration"]["status"], "PENDING", "{data}");
        }
        assert_eq!(seats_taken(&app, &id).await, 0);
        let mut tokens = Vec::new();
        for email in &emails {
            tokens.push(mail_token(&app, email, "confirm-event-registration").await);
        }

        let confirmed = join_all(tokens.iter().map(|token| app.data(CONFIRM, json!({ "t": token })))).await;
        let outcomes: Vec<Value> =
            confirmed.iter().map(|data| data["confirmEventRegistration"]["registration"].clone()).collect();
        let seated: Vec<&Value> = outcomes.iter().filter(|r| r["status"] == "REGISTERED").collect();
        let mut waiting: Vec<&Value> = outcomes.iter().filter(|r| r["status"] == "WAITLISTED").collect();
        assert_eq!((seated.len(), waiting.len()), (10, 40), "{outcomes:?}");
        assert_eq!(seats_taken(&app, &id).await, 10);
        waiting.sort_by_key(|r| r["waitlistPosition"].as_i64().unwrap());
        let positions: Vec<i64> = waiting.iter().map(|r| r["waitlistPosition"].as_i64().unwrap()).collect();
        assert_eq!(positions, (1..=40).collect::<Vec<_>>());

        // The staff's list of the waitlist has the same order as the positions.
        let list = "query($e: ID!) { eventRegistrations(eventId: $e, status: WAITLISTED, first: 100) { totalCount nodes { email waitlistPosition } } }";
        let listed = app.data_as(&staff, list, json!({ "e": id })).await;
        assert_eq!(listed["eventRegistrations"]["totalCount"], 40);

        // A seat freed goes to the first in line, who is told by mail; then to the second.
        let first_in_line = waiting[0]["email"].as_str().unwrap().to_owned();
        let second_in_line = waiting[1]["email"].as_str().unwrap().to_owned();
        for (seat, promoted) in [(0, &first_in_line), (1, &second_in_line)] {
            let leaving = seated[seat]["email"].as_str().unwrap();
            let token = mail_token(&app, leaving, "cancel-event-registration").await;
            let cancelled = app.data(CANCEL_BY_TOKEN, json!({ "t": token })).await;
            assert_eq!(cancelled["cancelEventRegistration"]["registration"]["status"], "CANCELLED");
            assert_eq!(seats_taken(&app, &id).await, 10, "the seat went to the waitlist");
            let seated_now = app
                .data_as(&staff, "query($e: ID!) { eventRegistrations(eventId: $e, status: REGISTERED, first: 100) { nodes { email } } }", json!({ "e": id }))
                .await;
            let emails: Vec<&str> = seated_now["eventRegistrations"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["email"].as_str().unwrap())
                .collect();
            assert!(emails.contains(&promoted.as_str()), "{promoted} promoted: {emails:?}");
            assert_eq!(emails.len(), 10);
            wait_for_mail(&app, promoted, "a seat became free").await;
        }
        // The token was single-use.
        let token = mail_token(&app, seated[0]["email"].as_str().unwrap(), "cancel-event-registration").await;
        let again = app.data(CANCEL_BY_TOKEN, json!({ "t": token })).await;
        assert_eq!(again["cancelEventRegistration"]["userErrors"][0]["code"], "NOT_FOUND");
    })
    .await;
}

/// Signed-in users registering at once (fewer than fifty: each account costs an Argon2 hash).
#[tokio::test]
async fn signed_in_users_registering_at_once_never_exceed_the_capacity() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let id = published(&app, &staff, webinar(3)).await;
        let mut tokens = Vec::new();
        for i in 0..8 {
            tokens.push(token(&verified_user(&app, &format!("user{i}@example.org"), "APPLICANT").await));
        }
        let results = join_all(tokens.iter().map(|t| app.data_as(t, REGISTER, json!({ "e": id })))).await;
        let statuses: Vec<&str> =
            results.iter().map(|d| d["registerForEvent"]["registration"]["status"].as_str().unwrap()).collect();
        assert_eq!(statuses.iter().filter(|s| **s == "REGISTERED").count(), 3, "{statuses:?}");
        assert_eq!(statuses.iter().filter(|s| **s == "WAITLISTED").count(), 5, "{statuses:?}");
        assert_eq!(seats_taken(&app, &id).await, 3);

        // One registration per person: again, or by e-mail with the account's address.
        let again = app.data_as(&tokens[0], REGISTER, json!({ "e": id })).await;
        assert_eq!(
            again["registerForEvent"]["userErrors"],
            json!([{ "field": ["input", "eventId"], "code": "ALREADY_REGISTERED" }])
        );
        let by_email = app.data(BY_EMAIL, json!({ "e": id, "m": " USER0@example.org", "n": "Someone" })).await;
        assert_eq!(by_email["registerForEventByEmail"]["userErrors"][0]["code"], "ALREADY_REGISTERED");

        // Cancelling their own (signed in) frees the seat for the first waiting person.
        let waiting_first = results
            .iter()
            .position(|d| d["registerForEvent"]["registration"]["waitlistPosition"] == 1)
            .unwrap();
        let seated = statuses.iter().position(|s| *s == "REGISTERED").unwrap();
        let cancel = "mutation($e: ID!) { cancelEventRegistration(input: { eventId: $e }) { registration { status } userErrors { code } } }";
        let cancelled = app.data_as(&tokens[seated], cancel, json!({ "e": id })).await;
        assert_eq!(cancelled["cancelEventRegistration"]["registration"]["status"], "CANCELLED");
        let mine = "query($id: ID!) { node(id: $id) { ... on Event { myRegistration { status } } } }";
        let promoted = app.data_as(&tokens[waiting_first], mine, json!({ "id": id })).await;
        assert_eq!(promoted["node"]["myRegistration"]["status"], "REGISTERED");
        // Registering again after cancelling is allowed, at the end of the line.
        let back = app.data_as(&tokens[seated], REGISTER, json!({ "e": id })).await;
        assert_eq!(back["registerForEvent"]["registration"]["status"], "WAITLISTED");
        assert_eq!(back["registerForEvent"]["registration"]["waitlistPosition"], 6);
    })
    .await;
}

#[tokio::test]
async fn the_join_url_is_only_for_people_with_a_seat_and_staff() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let id = published(&app, &staff, webinar(1)).await;
        let seated = token(&verified_user(&app, "seated@example.org", "APPLICANT").await);
        let waiting = token(&verified_user(&app, "waiting@example.org", "EXPERT").await);
        let outsider = token(&verified_user(&app, "outsider@example.org", "APPLICANT").await);
        app.data_as(&seated, REGISTER, json!({ "e": id })).await;
        let waitlisted = app.data_as(&waiting, REGISTER, json!({ "e": id })).await;
        assert_eq!(waitlisted["registerForEvent"]["registration"]["status"], "WAITLISTED");

        let query = "query($id: ID!) { node(id: $id) { ... on Event { joinUrl } } }";
        let list = "{ events { nodes { joinUrl } } }";
        assert_eq!(app.data(query, json!({ "id": id })).await["node"]["joinUrl"], Value::Null);
        assert_eq!(app.data(list, json!({})).await["events"]["nodes"][0]["joinUrl"], Value::Null);
        for token in [&waiting, &outsider] {
            assert_eq!(app.data_as(token, query, json!({ "id": id })).await["node"]["joinUrl"], Value::Null);
            assert_eq!(app.data_as(token, list, json!({})).await["events"]["nodes"][0]["joinUrl"], Value::Null);
        }
        assert_eq!(app.data_as(&seated, query, json!({ "id": id })).await["node"]["joinUrl"], JOIN_URL);
        assert_eq!(app.data_as(&seated, list, json!({})).await["events"]["nodes"][0]["joinUrl"], JOIN_URL);
        assert_eq!(app.data_as(&staff, query, json!({ "id": id })).await["node"]["joinUrl"], JOIN_URL);
    })
    .await;
}

#[tokio::test]
async fn registration_is_only_open_between_its_times_and_for_published_events() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let mut later = webinar(5);
        later["registrationOpensAt"] = json!("2026-02-10T00:00:00Z");
        let id = create(&app, &staff, later).await;
        let user = token(&verified_user(&app, "early@example.org", "APPLICANT").await);
        let draft = app.data_as(&user, REGISTER, json!({ "e": id })).await;
        assert_eq!(draft["registerForEvent"]["userErrors"][0]["code"], "NOT_FOUND", "a draft is not there");
        status_move(&app, &staff, "publishEvent", &id).await;

        let code = |data: &Value, field: &str| data[field]["userErrors"][0]["code"].as_str().unwrap_or("").to_owned();
        let early = app.data_as(&user, REGISTER, json!({ "e": id })).await;
        assert_eq!(code(&early, "registerForEvent"), "REGISTRATION_CLOSED");
        let early = app.data(BY_EMAIL, json!({ "e": id, "m": "anon@example.org", "n": "Anon" })).await;
        assert_eq!(code(&early, "registerForEventByEmail"), "REGISTRATION_CLOSED");

        app.clock.set(at("2026-02-10T00:00:00Z"));
        let open = app.data(BY_EMAIL, json!({ "e": id, "m": "anon@example.org", "n": "Anon" })).await;
        assert_eq!(open["registerForEventByEmail"]["registration"]["status"], "PENDING");
        // The same address in another spelling is the same registration: still pending, it is replaced (a new
        // link), not doubled.
        let again = app.data(BY_EMAIL, json!({ "e": id, "m": "Anon@Example.org ", "n": "Anon" })).await;
        assert_eq!(
            again["registerForEventByEmail"]["registration"]["id"],
            open["registerForEventByEmail"]["registration"]["id"],
            "{again}"
        );
        assert_eq!(again["registerForEventByEmail"]["registration"]["status"], "PENDING", "{again}");

        // A confirmation after registration closed takes no seat.
        app.clock.set(at("2026-03-01T08:30:00Z"));
        app.data(BY_EMAIL, json!({ "e": id, "m": "late@example.org", "n": "Late" })).await;
        let link = mail_token(&app, "late@example.org", "confirm-event-registration").await;
        app.clock.set(at("2026-03-01T09:00:00Z"));
        // The access token has expired meanwhile.
        let user = token(&crate::helpers::login(&app, "early@example.org", crate::helpers::PASSWORD).await);
        let late = app.data_as(&user, REGISTER, json!({ "e": id })).await;
        assert_eq!(code(&late, "registerForEvent"), "REGISTRATION_CLOSED");
        let late = app.data(CONFIRM, json!({ "t": link })).await;
        assert_eq!(code(&late, "confirmEventRegistration"), "REGISTRATION_CLOSED");
        assert_eq!(seats_taken(&app, &id).await, 0);
    })
    .await;
}

#[tokio::test]
async fn confirmation_links_work_once_and_expire() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let id = published(&app, &staff, webinar(5)).await;
        app.data(BY_EMAIL, json!({ "e": id, "m": "once@example.org", "n": "Once" })).await;
        let token = mail_token(&app, "once@example.org", "confirm-event-registration").await;
        let first = app.data(CONFIRM, json!({ "t": token })).await;
        assert_eq!(first["confirmEventRegistration"]["registration"]["status"], "REGISTERED");
        let second = app.data(CONFIRM, json!({ "t": token })).await;
        assert_eq!(
            second["confirmEventRegistration"]["userErrors"],
            json!([{ "field": ["input", "token"], "code": "INVALID_TOKEN" }])
        );
        assert_eq!(seats_taken(&app, &id).await, 1);

        app.data(BY_EMAIL, json!({ "e": id, "m": "slow@example.org", "n": "Slow" })).await;
        let token = mail_token(&app, "slow@example.org", "confirm-event-registration").await;
        app.clock.advance(Duration::days(3));
        let expired = app.data(CONFIRM, json!({ "t": token })).await;
        assert_eq!(expired["confirmEventRegistration"]["userErrors"][0]["code"], "INVALID_TOKEN");
        assert_eq!(seats_taken(&app, &id).await, 1);
    })
    .await;
}

#[tokio::test]
async fn cancelling_an_event_mails_every_registrant() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let id = published(&app, &staff, webinar(1)).await;
        for email in ["first@example.org", "second@example.org"] {
            app.data(BY_EMAIL, json!({ "e": id, "m": email, "n": "Someone" })).await;
            let token = mail_token(&app, email, "confirm-event-registration").await;
            app.data(CONFIRM, json!({ "t": token })).await;
        }
        assert_eq!(status_move(&app, &staff, "cancelEvent", &id).await["event"]["status"], "CANCELLED");
        for email in ["first@example.org", "second@example.org"] {
            wait_for_mail(&app, email, "is cancelled").await;
        }
        let late = app.data(BY_EMAIL, json!({ "e": id, "m": "third@example.org", "n": "Third" })).await;
        assert_eq!(late["registerForEventByEmail"]["userErrors"][0]["code"], "INVALID_STATE");
    })
    .await;
}

#[tokio::test]
async fn calendar_files_parse_and_never_show_the_join_url() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let mut hybrid = webinar(5);
        hybrid["kind"] = json!("HYBRID");
        hybrid["venue"] = json!("Mestna hiša, Ljubljana");
        let id = published(&app, &staff, hybrid).await;
        let other = published(&app, &staff, webinar(5)).await;
        let draft = create(&app, &staff, webinar(5)).await;

        let get = |path: String| {
            let client = app.client.clone();
            let url = app.url(&path);
            async move { client.get(url).send().await.unwrap() }
        };
        let response = get(format!("/events/{id}.ics")).await;
        assert_eq!(response.status(), 200);
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/calendar"));
        let text = response.text().await.unwrap();
        assert!(!text.contains("meet.example.org"), "no join URL in the public file");
        let calendar = icalendar::Calendar::from_str(&text).expect("an iCalendar file");
        let events: Vec<&icalendar::Event> = calendar.events().collect();
        assert_eq!(events.len(), 1);
        use icalendar::{Component, EventLike};
        let event = events[0];
        let uid = event.get_uid().unwrap().to_owned();
        assert_eq!(event.get_summary(), Some("Designing CLLD strategies across borders"));
        assert_eq!(event.get_location(), Some("Mestna hiša, Ljubljana"));
        assert_eq!(event.property_value("DTSTART"), Some("20260301T100000Z"));
        assert_eq!(event.property_value("DTEND"), Some("20260301T120000Z"));
        assert!(event.get_url().is_some());
        assert_eq!(event.get_status(), Some(icalendar::EventStatus::Confirmed));

        let feed = get("/events.ics".to_owned()).await.text().await.unwrap();
        let feed = icalendar::Calendar::from_str(&feed).expect("an iCalendar feed");
        assert_eq!(feed.events().count(), 2, "published upcoming events only");
        assert!(feed.events().any(|e| e.get_uid() == Some(uid.as_str())), "the UID is stable");

        status_move(&app, &staff, "cancelEvent", &id).await;
        let text = get(format!("/events/{id}.ics")).await.text().await.unwrap();
        let calendar = icalendar::Calendar::from_str(&text).expect("an iCalendar file");
        let cancelled = calendar.events().next().unwrap();
        assert_eq!(cancelled.get_uid(), Some(uid.as_str()));
        assert_eq!(cancelled.get_status(), Some(icalendar::EventStatus::Cancelled));
        assert_eq!(get(format!("/events/{draft}.ics")).await.status(), 404);
        assert_eq!(get("/events/nonsense.ics".to_owned()).await.status(), 404);
        let _ = other;
    })
    .await;
}

#[tokio::test]
async fn staff_export_registrations_and_mark_attendance() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let id = published(&app, &staff, webinar(1)).await;
        for (email, name) in [("ana@example.org", "Ana, Novak"), ("ben@example.org", "Ben")] {
            app.data(BY_EMAIL, json!({ "e": id, "m": email, "n": name })).await;
            let token = mail_token(&app, email, "confirm-event-registration").await;
            app.data(CONFIRM, json!({ "t": token })).await;
        }
        let list = "query($e: ID!) { eventRegistrations(eventId: $e) { nodes { id email status } } }";
        let rows = app.data_as(&staff, list, json!({ "e": id })).await["eventRegistrations"]["nodes"].clone();
        let (ana, ben) = (rows[0]["id"].clone(), rows[1]["id"].clone());
        assert_eq!(rows[1]["status"], "WAITLISTED");
        let mark = "mutation($r: ID!, $a: Boolean!) { markAttendance(input: { registrationId: $r, attended: $a }) { registration { attended } userErrors { field code } } }";
        let marked = app.data_as(&staff, mark, json!({ "r": ana, "a": true })).await;
        assert_eq!(marked["markAttendance"]["registration"]["attended"], true);
        let refused = app.data_as(&staff, mark, json!({ "r": ben, "a": true })).await;
        assert_eq!(refused["markAttendance"]["userErrors"][0]["code"], "INVALID_STATE");

        let url = app.url(&format!("/events/{id}/registrations.csv"));
        assert_eq!(app.client.get(&url).send().await.unwrap().status(), 401);
        let user = token(&verified_user(&app, "nosy@example.org", "APPLICANT").await);
        assert_eq!(app.client.get(&url).bearer_auth(&user).send().await.unwrap().status(), 403);
        let response = app.client.get(&url).bearer_auth(&staff).send().await.unwrap();
        assert_eq!(response.status(), 200);
        let body = response.text().await.unwrap();
        let mut reader = csv::Reader::from_reader(body.as_bytes());
        assert_eq!(
            reader.headers().unwrap().iter().collect::<Vec<_>>(),
            ["name", "email", "status", "registered_at", "attended"]
        );
        let records: Vec<Vec<String>> =
            reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
        assert_eq!(records.len(), 2);
        assert_eq!(records[0][..3], ["Ana, Novak", "ana@example.org", "REGISTERED"]);
        assert_eq!(records[0][4], "yes");
        assert_eq!(records[1][2], "WAITLISTED");
        assert_eq!(records[1][4], "no");
        let as_user = app.graphql_as(&user, list, json!({ "e": id })).await;
        assert_eq!(first_error_code(&as_user), "FORBIDDEN");
    })
    .await;
}

#[tokio::test]
async fn more_capacity_seats_the_waitlist_and_less_than_taken_is_refused() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let id = published(&app, &staff, webinar(1)).await;
        for email in ["one@example.org", "two@example.org"] {
            app.data(BY_EMAIL, json!({ "e": id, "m": email, "n": "Someone" })).await;
            let token = mail_token(&app, email, "confirm-event-registration").await;
            app.data(CONFIRM, json!({ "t": token })).await;
        }
        let update = "mutation($i: UpdateEventInput!) { updateEvent(input: $i) { event { capacity seatsTaken } userErrors { field code } } }";
        let mut input = webinar(2);
        input["id"] = json!(id);
        let grown = app.data_as(&staff, update, json!({ "i": input })).await;
        assert_eq!(grown["updateEvent"]["event"], json!({ "capacity": 2, "seatsTaken": 2 }));
        wait_for_mail(&app, "two@example.org", "a seat became free").await;
        input["capacity"] = json!(1);
        let refused = app.data_as(&staff, update, json!({ "i": input })).await;
        assert_eq!(
            refused["updateEvent"]["userErrors"],
            json!([{ "field": ["input", "capacity"], "code": "INVALID" }])
        );
        assert_eq!(seats_taken(&app, &id).await, 2);
    })
    .await;
}

#[tokio::test]
async fn publishing_an_event_mails_the_confirmed_subscribers_of_events_only() {
    each_backend(|app| async move {
        use crate::helpers::db;
        use crate::newsletter::{confirmed_subscriber, queued, subscribe};
        confirmed_subscriber(&app, "events-fan@example.org", json!(["EVENTS"]), "en").await;
        confirmed_subscriber(&app, "news-only@example.org", json!(["NEWS"]), "en").await;
        subscribe(&app, "pending@example.org", json!(["EVENTS"]), "en").await;
        let staff = staff_token(&app).await;
        let subject = "New IMPACT event: Designing CLLD strategies across borders";

        let id = create(&app, &staff, webinar(10)).await;
        let db = db(&app).await;
        assert_eq!(queued(&db, "events-fan@example.org", subject).await, 0, "nothing while it is a draft");
        status_move(&app, &staff, "publishEvent", &id).await;
        wait_for_mail(&app, "events-fan@example.org", "Sunday 1 March 2026, 11:00 CET").await;
        assert_eq!(queued(&db, "events-fan@example.org", subject).await, 1);
        assert_eq!(queued(&db, "news-only@example.org", subject).await, 0);
        assert_eq!(queued(&db, "pending@example.org", subject).await, 0);
        let mail = crate::helpers::mails_to(&app.mail_dir, "events-fan@example.org")
            .into_iter()
            .find(|m| m.contains("New IMPACT event"))
            .unwrap();
        assert!(mail.contains("List-Unsubscribe"), "announcements carry the one-click unsubscribe");
        let message = mail_parser::MessageParser::default().parse(mail.as_bytes()).unwrap();
        let body = message.body_text(0).unwrap();
        assert!(body.contains("Designing CLLD strategies across borders"));
        assert!(!body.contains(JOIN_URL), "the join URL is for registered attendees only");
    })
    .await;
}
