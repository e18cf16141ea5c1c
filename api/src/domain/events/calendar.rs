//! Events for other programs: iCalendar files (one event, and the feed of upcoming ones; never the join URL)
//! and the staff's CSV export of an event's registrations.

use crate::auth::Principal;
use crate::domain::Services;
use crate::domain::events::registrations::all_registrations;
use crate::domain::events::{load, upcoming_published};
use crate::domain::spreadsheet::safe_cell;
use crate::error::{AppError, AppResult};
use entity::event::{self, EventStatus};
use entity::event_registration::RegistrationStatus;
use icalendar::{Calendar, Component, EventLike};
use uuid::Uuid;

/// The `.ics` of one published (or cancelled, or completed) event; drafts are not found.
pub async fn event_ics(services: &Services, id: Uuid) -> AppResult<String> {
    let event = load(&services.db, id).await?;
    if event.status == EventStatus::Draft {
        return Err(AppError::NotFound("event".to_owned()));
    }
    Ok(calendar(services, std::slice::from_ref(&event)))
}

/// The `.ics` feed of the published events that have not ended.
pub async fn feed_ics(services: &Services) -> AppResult<String> {
    let events = upcoming_published(&services.db, services.now()).await?;
    Ok(calendar(services, &events))
}

fn calendar(services: &Services, events: &[event::Model]) -> String {
    let frontend = services.config.frontend_url.trim_end_matches('/');
    let mut calendar = Calendar::new();
    calendar.name("IMPACT events");
    for event in events {
        let mut item = icalendar::Event::new();
        item.uid(&format!("event-{}@impact", event.id))
            .timestamp(event.updated_at)
            .summary(&event.title)
            .description(&event.description)
            .starts(event.starts_at)
            .ends(event.ends_at)
            .url(&format!("{frontend}/events/{}", event.id));
        // Only the venue: the join URL is for registered people, and an .ics is public.
        if let Some(venue) = &event.venue {
            item.location(venue);
        }
        item.status(match event.status {
            EventStatus::Cancelled => icalendar::EventStatus::Cancelled,
            _ => icalendar::EventStatus::Confirmed,
        });
        calendar.push(item.done());
    }
    calendar.done().to_string()
}

/// The registrations of an event as CSV (staff): name, e-mail, status, registered at, attended; cells that a
/// spreadsheet would run as formulas are escaped.
pub async fn registrations_csv(services: &Services, actor: Option<&Principal>, event_id: Uuid) -> AppResult<Vec<u8>> {
    super::policy::can_manage_registrations(actor)?;
    load(&services.db, event_id).await?;
    let rows = all_registrations(&services.db, event_id).await?;
    let failed = |e: csv::Error| AppError::Internal(anyhow::anyhow!("CSV export failed: {e}"));
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(["name", "email", "status", "registered_at", "attended"]).map_err(failed)?;
    for row in rows {
        let status = match row.status {
            RegistrationStatus::Pending => "PENDING",
            RegistrationStatus::Registered => "REGISTERED",
            RegistrationStatus::Waitlisted => "WAITLISTED",
            RegistrationStatus::Cancelled => "CANCELLED",
        };
        let registered_at = row.created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let attended = if row.attended { "yes" } else { "no" };
        let cells = [row.name.as_str(), &row.email, status, &registered_at, attended];
        writer.write_record(cells.map(safe_cell)).map_err(failed)?;
    }
    writer.into_inner().map_err(|e| AppError::Internal(anyhow::anyhow!("CSV export failed: {e}")))
}
