//! The events area on the one write path: each command writes its domain event (type, subject, actor), a
//! command run with the wrong principal refuses with FORBIDDEN and leaves no event.

use crate::helpers::*;
use api::auth::Role;
use api::domain::events::{self, EventInput};
use api::error::AppError;
use chrono::{Duration, TimeZone, Utc};
use entity::event::EventKind;

fn webinar() -> EventInput {
    let starts = Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap();
    EventInput {
        kind: EventKind::Webinar,
        title: "Write path webinar".to_owned(),
        description: "About the write path.".to_owned(),
        starts_at: starts,
        ends_at: starts + Duration::hours(2),
        time_zone: "Europe/Vienna".to_owned(),
        venue: None,
        join_url: Some("https://meet.example.org/x".to_owned()),
        capacity: 1,
        registration_opens_at: server_start() - Duration::days(1),
        registration_closes_at: starts - Duration::hours(1),
        topics: Vec::new(),
        language: "en".to_owned(),
        country: None,
    }
}

#[tokio::test]
async fn event_commands_refuse_the_wrong_principal_and_write_their_events() {
    each_backend(|app| async move {
        let services = services_on(&app).await;
        let applicant = principal(vec![Role::Applicant]);
        let refused = events::create_event(&services, Some(&applicant), &webinar()).await;
        assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");
        let anonymous = events::create_event(&services, None, &webinar()).await;
        assert!(matches!(anonymous, Err(AppError::Unauthenticated)), "{anonymous:?}");
        assert!(domain_events(&app).await.iter().all(|e| !e.0.starts_with("event.")), "refusals left no event");

        let staff = principal(vec![Role::Staff]);
        let event = events::create_event(&services, Some(&staff), &webinar()).await.expect("created");
        let publish = events::publish_event(&services, Some(&applicant), event.id).await;
        assert!(matches!(publish, Err(AppError::Forbidden)), "{publish:?}");
        events::publish_event(&services, Some(&staff), event.id).await.expect("published");
        events::complete_event(&services, Some(&staff), event.id).await.expect("completed");
        // A refused move (completed events cannot be cancelled) writes nothing.
        assert!(events::cancel_event(&services, Some(&staff), event.id).await.is_err());

        let subject = api::domain::ids::encode(api::domain::ids::NodeType::Event, &event.id.to_string());
        let written: Vec<_> = domain_events(&app).await.into_iter().filter(|e| e.0.starts_with("event.")).collect();
        let types: Vec<&str> = written.iter().map(|e| e.0.as_str()).collect();
        assert_eq!(types, ["event.created", "event.published", "event.completed"]);
        assert!(written.iter().all(|e| e.1 == subject && e.2 == Some(staff.id.to_string())), "{written:?}");
        assert_eq!(written[1].3["status"], "PUBLISHED");
        assert_eq!(written[2].3["capacity"], 1);
        assert_eq!(written[0].3.get("title"), None, "payloads hold no free text");
    })
    .await;
}
