//! GraphQL subscriptions over WebSocket (`graphql-transport-ws`): authentication in `connection_init`, the
//! delivery rule (an applicant never receives another applicant's change), public seat counts, and the
//! fan-out from one server instance to a subscriber of another on the same database.

use crate::applicant_flow::{open_call, submitted_application};
use crate::helpers::*;
use api::app::App;
use api::auth::Role;
use api::config::Config;
use api::domain::events::{self, EventInput};
use chrono::{Duration, TimeZone, Utc};
use entity::event::EventKind;
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::sync::Arc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A `graphql-transport-ws` client: connects to `address` and sends `connection_init` with `payload`.
async fn connect(address: &str, payload: Value) -> Socket {
    let mut request = format!("{}/graphql", address.replace("http://", "ws://")).into_client_request().unwrap();
    request.headers_mut().insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse().unwrap());
    let (mut socket, response) = tokio_tungstenite::connect_async(request).await.expect("the upgrade is accepted");
    assert_eq!(response.headers()["sec-websocket-protocol"], "graphql-transport-ws");
    send(&mut socket, json!({ "type": "connection_init", "payload": payload })).await;
    socket
}

/// Connects with `token` and waits for `connection_ack`.
async fn connect_as(address: &str, token: &str) -> Socket {
    let mut socket = connect(address, json!({ "authorization": format!("Bearer {token}") })).await;
    assert_eq!(next(&mut socket).await["type"], "connection_ack");
    socket
}

async fn send(socket: &mut Socket, message: Value) {
    socket.send(Message::Text(message.to_string().into())).await.unwrap();
}

/// Subscribes (as operation `id`) and gives the server a moment to start listening before the test acts.
async fn subscribe(socket: &mut Socket, id: &str, query: &str, variables: Value) {
    send(socket, json!({ "id": id, "type": "subscribe", "payload": { "query": query, "variables": variables } })).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
}

/// The next protocol message (pings answered), or the close frame as `{ "close": code }`; fails after 15 s.
async fn next(socket: &mut Socket) -> Value {
    loop {
        let message = tokio::time::timeout(std::time::Duration::from_secs(15), socket.next())
            .await
            .expect("a message within 15 s")
            .expect("the socket is open")
            .expect("a readable message");
        match message {
            Message::Text(text) => {
                let value: Value = serde_json::from_str(&text).unwrap();
                if value["type"] == "ping" {
                    send(socket, json!({ "type": "pong" })).await;
                    continue;
                }
                return value;
            }
            Message::Close(frame) => {
                return json!({ "close": frame.map(|f| u16::from(f.code)), "reason": "closed" });
            }
            _ => continue,
        }
    }
}

/// The data of the next `next` message.
async fn next_data(socket: &mut Socket) -> Value {
    let message = next(socket).await;
    assert_eq!(message["type"], "next", "{message}");
    assert!(message["payload"]["errors"].is_null(), "{message}");
    message["payload"]["data"].clone()
}

const APPLICATION_CHANGED: &str = "subscription { applicationChanged { type subjectId payload } }";

#[tokio::test]
async fn a_subscriber_sees_another_users_change_and_nobody_connects_without_a_valid_token() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let call = open_call(&app, &staff, 5).await;
        let ana = token(&verified_user(&app, "ana@example.org", "APPLICANT").await);

        let mut staff_socket = connect_as(&app.address, &staff).await;
        subscribe(&mut staff_socket, "1", APPLICATION_CHANGED, json!({})).await;
        let (application, _) = submitted_application(&app, &ana, &call, 1).await;
        let created = next_data(&mut staff_socket).await;
        assert_eq!(created["applicationChanged"]["type"], "application.created");
        assert_eq!(created["applicationChanged"]["subjectId"], application);
        let submitted = next_data(&mut staff_socket).await;
        assert_eq!(submitted["applicationChanged"]["type"], "application.submitted");

        // No token: 4401; a token that is not valid: 4403; neither gets an acknowledgement.
        let mut anonymous = connect(&app.address, json!({})).await;
        assert_eq!(next(&mut anonymous).await["close"], 4401);
        let mut forged = connect(&app.address, json!({ "authorization": "Bearer not.a.token" })).await;
        assert_eq!(next(&mut forged).await["close"], 4403);

        // An unknown event type is refused with an error, not a silent subscription to nothing.
        let mut bad = connect_as(&app.address, &ana).await;
        let query = "subscription { changes(types: [\"no.such\"]) { type } }";
        send(&mut bad, json!({ "id": "x", "type": "subscribe", "payload": { "query": query } })).await;
        let refused = next(&mut bad).await;
        let errors = if refused["type"] == "error" { &refused["payload"] } else { &refused["payload"]["errors"] };
        assert!(errors[0]["message"].as_str().unwrap().contains("no.such"), "{refused}");
    })
    .await;
}

#[tokio::test]
async fn a_token_that_expires_during_a_subscription_closes_it_with_4401() {
    each_backend_with(
        |config| config.auth.access_token_ttl_secs = 3,
        |app| async move {
            let ana = token(&verified_user(&app, "ana@example.org", "APPLICANT").await);
            let mut socket = connect_as(&app.address, &ana).await;
            subscribe(&mut socket, "1", APPLICATION_CHANGED, json!({})).await;
            let started = std::time::Instant::now();
            let closed = next(&mut socket).await;
            assert_eq!(closed["close"], 4401, "{closed}");
            assert!(started.elapsed() >= std::time::Duration::from_secs(1), "closed before the token expired");
            // Reconnecting with it once it has expired by the server's clock, within the verifier's 30 s leeway
            // for clock skew: refused with 4401 (expired), never acknowledged.
            app.clock.advance(Duration::seconds(4));
            let mut again = connect(&app.address, json!({ "authorization": format!("Bearer {ana}") })).await;
            let closed = next(&mut again).await;
            assert_eq!(closed["close"], 4401, "{closed}");
            // Past the leeway the token is no longer valid: refused with 4403, never acknowledged.
            app.clock.advance(Duration::seconds(60));
            let mut refused = connect(&app.address, json!({ "authorization": format!("Bearer {ana}") })).await;
            assert_eq!(next(&mut refused).await["close"], 4403);
        },
    )
    .await;
}

#[tokio::test]
async fn an_applicant_never_receives_another_applicants_change() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let call = open_call(&app, &staff, 5).await;
        let ana = token(&verified_user(&app, "ana@example.org", "APPLICANT").await);
        let ben = token(&verified_user(&app, "ben@example.org", "APPLICANT").await);

        let mut ana_socket = connect_as(&app.address, &ana).await;
        subscribe(&mut ana_socket, "apps", APPLICATION_CHANGED, json!({})).await;
        subscribe(&mut ana_socket, "all", "subscription { changes { type subjectType subjectId } }", json!({})).await;
        // Ben's whole application first, then Ana's: the first application change Ana hears of is her own.
        let (bens, _) = submitted_application(&app, &ben, &call, 1).await;
        let (anas, _) = submitted_application(&app, &ana, &call, 2).await;
        let mut seen = Vec::new();
        while seen.len() < 2 {
            let message = next(&mut ana_socket).await;
            assert_eq!(message["type"], "next", "{message}");
            if message["id"] == "apps" {
                seen.push(message["payload"]["data"]["applicationChanged"].clone());
            } else {
                let change = &message["payload"]["data"]["changes"];
                assert_ne!(change["subjectId"], bens, "{change}");
                if change["subjectType"] == "Application" {
                    assert_eq!(change["subjectId"], anas, "{change}");
                }
            }
        }
        assert!(seen.iter().all(|change| change["subjectId"] == anas), "{seen:?}");
        assert_eq!(seen[0]["type"], "application.created");
        assert_eq!(seen[1]["type"], "application.submitted");
    })
    .await;
}

fn webinar() -> EventInput {
    let starts = Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap();
    EventInput {
        kind: EventKind::Webinar,
        title: "Live seats webinar".to_owned(),
        description: "Seats, live.".to_owned(),
        starts_at: starts,
        ends_at: starts + Duration::hours(2),
        time_zone: "Europe/Vienna".to_owned(),
        venue: None,
        join_url: Some("https://meet.example.org/x".to_owned()),
        capacity: 10,
        registration_opens_at: server_start() - Duration::days(1),
        registration_closes_at: starts - Duration::hours(1),
        topics: Vec::new(),
        language: "en".to_owned(),
        country: None,
    }
}

#[tokio::test]
async fn seat_counts_of_an_event_are_pushed_as_people_register() {
    each_backend(|app| async move {
        let services = services_on(&app).await;
        let staff = principal(vec![Role::Staff]);
        let event = events::create_event(&services, Some(&staff), &webinar()).await.unwrap();
        events::publish_event(&services, Some(&staff), event.id).await.unwrap();
        let event_id = api::domain::ids::encode(api::domain::ids::NodeType::Event, &event.id.to_string());
        let watcher = token(&verified_user(&app, "watcher@example.org", "APPLICANT").await);
        let guest = token(&verified_user(&app, "guest@example.org", "APPLICANT").await);

        let mut socket = connect_as(&app.address, &watcher).await;
        let query = "subscription($e: ID!) { eventSeatsChanged(eventId: $e) { id capacity seatsTaken seatsLeft } }";
        subscribe(&mut socket, "seats", query, json!({ "e": event_id })).await;
        let register = "mutation($e: ID!) { registerForEvent(input: { eventId: $e }) { userErrors { code } } }";
        let registered = app.data_as(&guest, register, json!({ "e": event_id })).await;
        assert_eq!(registered["registerForEvent"]["userErrors"], json!([]));
        let seats = next_data(&mut socket).await;
        assert_eq!(
            seats["eventSeatsChanged"],
            json!({ "id": event_id, "capacity": 10, "seatsTaken": 1, "seatsLeft": 9 }),
            "the watcher sees the counts, not who registered"
        );
    })
    .await;
}

/// A second server on the database of `app`, with the same signing secret (its tokens work on both) and the same
/// mail directory: the instances share the outbox, and either one's sender may deliver a mail the other enqueued
/// (as two instances behind one SMTP relay do), so a test waiting for a mail must find it whichever sent it.
async fn second_instance(app: &TestApp) -> (String, tokio::task::JoinHandle<()>) {
    let mut config = Config::for_database(app.database_url.clone());
    config.mail.mail_dir = app.mail_dir.clone();
    shared_secret(&mut config);
    let second = App::build(config, Arc::new(app.clock.clone())).await.expect("the second instance starts");
    let address = format!("http://{}", second.local_addr().unwrap());
    let server = tokio::spawn(async move {
        second.run_until(std::future::pending()).await.unwrap();
    });
    (address, server)
}

fn shared_secret(config: &mut Config) {
    config.auth.jwt_secret = Some("two instances share this secret of 32+ bytes".to_owned());
}

#[tokio::test]
async fn a_change_through_one_instance_reaches_a_subscriber_of_another() {
    each_backend_with(shared_secret, |app| async move {
        let (second, server) = second_instance(&app).await;
        let staff = staff_token(&app).await;
        let call = open_call(&app, &staff, 5).await;
        let ana = token(&verified_user(&app, "ana@example.org", "APPLICANT").await);

        let mut on_second = connect_as(&second, &staff).await;
        subscribe(&mut on_second, "1", APPLICATION_CHANGED, json!({})).await;
        let started = std::time::Instant::now();
        let (application, _) = submitted_application(&app, &ana, &call, 1).await;
        let created = next_data(&mut on_second).await;
        assert_eq!(created["applicationChanged"]["subjectId"], application);
        assert_eq!(next_data(&mut on_second).await["applicationChanged"]["type"], "application.submitted");
        eprintln!("fan-out to the second instance within {:?} of the first change", started.elapsed());
        server.abort();
    })
    .await;
}

/// Every event a subscription delivers is resolved afresh: the second change of an event shows its new title,
/// not the first delivery's (each delivery has its own DataLoaders), and each delivery is measured against the
/// response-size limit on its own (two deliveries of 1.3 kB each pass a 2 kB limit).
#[tokio::test]
async fn each_delivery_shows_its_subject_as_it_is_now_and_counts_alone_against_the_size_limit() {
    let small_responses = |config: &mut Config| config.limits.max_response_bytes = 2_000;
    each_backend_with(small_responses, |app| async move {
        let services = services_on(&app).await;
        let staff = principal(vec![Role::Staff]);
        let event = events::create_event(&services, Some(&staff), &webinar()).await.unwrap();
        events::publish_event(&services, Some(&staff), event.id).await.unwrap();
        let watcher = token(&verified_user(&app, "watcher@example.org", "APPLICANT").await);

        let mut socket = connect_as(&app.address, &watcher).await;
        let query = "subscription { changes(types: [\"event.updated\"]) { type subject { ... on Event { title description } } } }";
        subscribe(&mut socket, "titles", query, json!({})).await;
        let description = "A long programme. ".repeat(70).trim_end().to_owned();
        for title in ["First title", "Second title", "Third title"] {
            let input = EventInput { title: title.to_owned(), description: description.clone(), ..webinar() };
            events::update_event(&services, Some(&staff), event.id, &input).await.unwrap();
            let change = next_data(&mut socket).await;
            let expected = json!({ "type": "event.updated", "subject": { "title": title, "description": description } });
            assert_eq!(change["changes"], expected);
        }
    })
    .await;
}

const STRATEGY_CHANGED: &str = "subscription($r: ID!) { strategyChanged(regionId: $r) { id status version title } }";

/// The `strategyChanged` messages of `socket` until one shows `version` in `status`.
async fn strategy_messages_until(socket: &mut Socket, version: i64, status: &str) -> Vec<Value> {
    let mut seen = Vec::new();
    loop {
        let strategy = next_data(socket).await["strategyChanged"].clone();
        seen.push(strategy.clone());
        if strategy["version"] == version && strategy["status"] == status {
            return seen;
        }
    }
}

#[tokio::test]
async fn strategy_changes_reach_each_subscriber_as_the_strategy_query_shows_them() {
    each_backend(|app| async move {
        let pilot = crate::strategies::pilot(&app).await;
        let programme = pilot.programmes[0].clone();
        let region = pilot.region(&app, "Karawanken", &programme).await;
        let authority = crate::strategies_access::managing_authority(&app, &programme).await;
        // An applicant with no part in the region: it reads only what the public reads (published versions).
        let unrelated = token(&verified_user(&app, "reader@example.org", "APPLICANT").await);
        let mut sockets = Vec::new();
        for who in [&pilot.editor, &pilot.staff, &authority, &unrelated] {
            let mut socket = connect_as(&app.address, who).await;
            subscribe(&mut socket, "s", STRATEGY_CHANGED, json!({ "r": region })).await;
            sockets.push(socket);
        }
        let [editor, staff, authority_socket, unrelated_socket] = &mut sockets[..] else { unreachable!() };

        let created = app.data_as(&pilot.editor, crate::strategies::CREATE, json!({ "r": region })).await;
        let id = created["createStrategy"]["strategy"]["id"].clone();
        // The partners' editor and staff see the draft at once.
        assert_eq!(next_data(editor).await["strategyChanged"]["status"], "DRAFT");
        assert_eq!(next_data(staff).await["strategyChanged"]["id"], id);

        crate::strategies_access::publish(&app, &pilot, &id).await;
        // The managing authority hears of nothing before review; the unrelated applicant of nothing before
        // publication (deliveries come in commit order: a draft delivered to it would come first).
        let reviewed = strategy_messages_until(authority_socket, 1, "PUBLISHED").await;
        assert!(reviewed.iter().all(|s| s["status"] != "DRAFT"), "{reviewed:?}");
        // It may hear a change again as the version it reads (a later event of the same strategy delivered
        // after the publication), but never a version it may not read.
        let only_published = |seen: &[Value]| seen.iter().all(|s| s["status"] == "PUBLISHED");
        let published = strategy_messages_until(unrelated_socket, 1, "PUBLISHED").await;
        assert!(only_published(&published), "the unrelated applicant heard of the draft: {published:?}");
        strategy_messages_until(editor, 1, "PUBLISHED").await;

        // An amendment is a draft again: its editor hears of it, the unrelated applicant does not (it still sees
        // version 1).
        pilot.edit(&app, "amendStrategy", json!({ "id": id, "note": "Mid-term update" })).await;
        let amended = strategy_messages_until(editor, 2, "DRAFT").await;
        assert_eq!(amended.last().unwrap()["version"], 2);
        // The amendment starts as a copy of the complete version 1: it goes through review as it is.
        crate::strategies_access::review_adopt_publish(&app, &pilot, &id).await;
        let republished = strategy_messages_until(unrelated_socket, 2, "PUBLISHED").await;
        assert!(only_published(&republished), "the unrelated applicant heard of the draft amendment: {republished:?}");

        // Another region's strategy is not this subscription's.
        pilot.strategy(&app, "Elsewhere", &programme).await;
        pilot.edit(&app, "amendStrategy", json!({ "id": id, "note": "Final update" })).await;
        let all = strategy_messages_until(staff, 3, "DRAFT").await;
        assert!(all.iter().all(|s| s["id"] == id), "a change of another region's strategy arrived: {all:?}");
    })
    .await;
}
