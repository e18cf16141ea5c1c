//! Exports of the strategies a caller may see, for managing authorities and integrators: one CSV row per
//! strategy (its version in view, with counts and totals), or JSON documents with the whole content. Both are
//! streamed: the pages of the sync order are read and sent one after another.

use super::content::{StrategyContent, content_of};
use super::{StrategyFilter, StrategyView, list_strategies};
use crate::auth::Principal;
use crate::config::MAX_PAGE_SIZE;
use crate::domain::ids::{self, NodeType};
use crate::domain::pagination::{Direction, PageRequest};
use crate::domain::regions;
use crate::domain::spreadsheet::safe_cell;
use crate::error::{AppError, AppResult};
use futures::Stream;
use sea_orm::{ActiveEnum, DatabaseConnection};
use serde_json::{Value, json};
use std::collections::HashMap;
use uuid::Uuid;

/// One page of an export: the strategies in view with their content, region parts and regions.
struct ExportPage {
    views: Vec<StrategyView>,
    content: HashMap<Uuid, StrategyContent>,
    parts: HashMap<Uuid, regions::RegionParts>,
    regions: Vec<entity::cross_border_region::Model>,
}

async fn export_page(
    db: &DatabaseConnection,
    actor: Option<&Principal>,
    filter: &StrategyFilter,
    after: Option<String>,
) -> AppResult<(ExportPage, Option<String>)> {
    let request = PageRequest {
        size: MAX_PAGE_SIZE as u64,
        direction: Direction::Forward,
        after,
        before: None,
        want_total: false,
    };
    let page = list_strategies(db, actor, filter, &request).await?;
    let next = if page.has_next { page.items.last().map(|(cursor, _)| cursor.clone()) } else { None };
    let views: Vec<StrategyView> = page.items.into_iter().map(|(_, v)| v).collect();
    let version_ids: Vec<Uuid> = views.iter().map(|v| v.version.id).collect();
    let region_ids: Vec<Uuid> = views.iter().map(|v| v.strategy.region_id).collect();
    let content = content_of(db, &version_ids).await?;
    let parts = regions::parts_of(db, &region_ids).await?;
    let regions = regions::regions_by_id(db, &region_ids).await?;
    Ok((ExportPage { views, content, parts, regions }, next))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

/// The export as a stream of chunks, one page of the sync order at a time: memory stays bounded by a page
/// whatever the number of strategies. A CSV starts with its header row; JSON is one array.
pub fn export(
    db: DatabaseConnection,
    actor: Option<Principal>,
    filter: StrategyFilter,
    format: Format,
) -> impl Stream<Item = AppResult<Vec<u8>>> + Send {
    // (cursor to continue after, first chunk?, finished?)
    futures::stream::try_unfold((None::<String>, true, false), move |(after, first, finished)| {
        let (db, actor, filter) = (db.clone(), actor.clone(), filter.clone());
        async move {
            if finished {
                return Ok(None);
            }
            let (page, next) = export_page(&db, actor.as_ref(), &filter, after).await?;
            let last = next.is_none();
            let chunk = match format {
                Format::Csv => csv_chunk(&page, first)?,
                Format::Json => json_chunk(&page, first, last)?,
            };
            Ok(Some((chunk, (next, false, last))))
        }
    })
}

const CSV_HEADER: [&str; 15] = [
    "id",
    "region",
    "countries",
    "programme_ids",
    "version",
    "status",
    "main_language",
    "title",
    "population",
    "objectives",
    "targets",
    "actions",
    "lag_members",
    "financial_plan_total_eur",
    "updated_at",
];

fn total_eur(content: &StrategyContent) -> String {
    let total: i128 =
        content.finance_lines.iter().filter_map(|l| super::decimal(&[], &l.amount, 2).ok().map(|(_, n)| n)).sum();
    format!("{}.{:02}", total / 100, total % 100)
}

fn csv_chunk(page: &ExportPage, header: bool) -> AppResult<Vec<u8>> {
    let failed = |e: csv::Error| AppError::Internal(anyhow::anyhow!("CSV export failed: {e}"));
    let mut writer = csv::Writer::from_writer(Vec::new());
    if header {
        writer.write_record(CSV_HEADER).map_err(failed)?;
    }
    let empty = StrategyContent::default();
    for view in &page.views {
        let c = page.content.get(&view.version.id).unwrap_or(&empty);
        let p = page.parts.get(&view.strategy.region_id).cloned().unwrap_or_default();
        let region =
            page.regions.iter().find(|r| r.id == view.strategy.region_id).map(|r| r.name.clone()).unwrap_or_default();
        let row = [
            ids::encode(NodeType::Strategy, &view.strategy.id.to_string()),
            region,
            p.countries.join(" "),
            p.programmes
                .iter()
                .map(|id| ids::encode(NodeType::InterregProgramme, &id.to_string()))
                .collect::<Vec<_>>()
                .join(" "),
            view.version.number.to_string(),
            view.version.status.to_value(),
            view.version.main_language.clone(),
            view.version.title.clone().unwrap_or_default(),
            view.version.population.map(|p| p.to_string()).unwrap_or_default(),
            c.objectives.len().to_string(),
            c.targets.len().to_string(),
            c.actions.len().to_string(),
            c.lag_members.len().to_string(),
            total_eur(c),
            view.strategy.updated_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        ];
        writer.write_record(row.iter().map(|cell| safe_cell(cell))).map_err(failed)?;
    }
    writer.into_inner().map_err(|e| AppError::Internal(anyhow::anyhow!("CSV export failed: {e}")))
}

fn json_chunk(page: &ExportPage, first: bool, last: bool) -> AppResult<Vec<u8>> {
    let mut out: Vec<u8> = Vec::new();
    if first {
        out.push(b'[');
    }
    for (index, item) in document(page).into_iter().enumerate() {
        if !(first && index == 0) {
            out.push(b',');
        }
        serde_json::to_writer(&mut out, &item).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    }
    if last {
        out.push(b']');
    }
    Ok(out)
}

/// The JSON documents of a page: each strategy with its whole content in its version in view.
fn document(page: &ExportPage) -> Vec<Value> {
    let mut all = Vec::new();
    let empty = StrategyContent::default();
    for view in &page.views {
        let c = page.content.get(&view.version.id).unwrap_or(&empty);
        let p = page.parts.get(&view.strategy.region_id).cloned().unwrap_or_default();
        let region = page.regions.iter().find(|r| r.id == view.strategy.region_id);
        let v = &view.version;
        all.push(json!({
                "id": ids::encode(NodeType::Strategy, &view.strategy.id.to_string()),
                "region": {
                    "id": ids::encode(NodeType::CrossBorderRegion, &view.strategy.region_id.to_string()),
                    "name": region.map(|r| r.name.clone()),
                    "countries": p.countries,
                    "programmeIds": p.programmes.iter().map(|id| ids::encode(NodeType::InterregProgramme, &id.to_string())).collect::<Vec<_>>(),
                },
                "version": v.number,
                "status": v.status.to_value(),
                "mainLanguage": v.main_language,
                "title": v.title,
                "areaDescription": v.area_description,
                "population": v.population,
                "areaKm2": v.area_km2,
                "communityInvolvement": v.community_involvement,
                "engagementActivities": c.engagements.iter().map(|e| json!({
                    "heldOn": e.held_on, "kind": e.kind.to_value(), "participants": e.participants, "description": e.description,
                })).collect::<Vec<_>>(),
                "needsAnalysis": v.needs_analysis,
                "swot": c.swot.iter().map(|s| json!({ "category": s.category.to_value(), "text": s.text })).collect::<Vec<_>>(),
                "objectives": c.objectives.iter().map(|o| json!({
                    "title": o.title,
                    "description": o.description,
                    "targets": c.targets.iter().filter(|t| t.objective_id == o.id).map(|t| json!({
                        "indicator": t.indicator, "baseline": t.baseline, "targetValue": t.target_value,
                        "unit": t.unit, "targetDate": t.target_date,
                    })).collect::<Vec<_>>(),
                    "actions": c.actions.iter().filter(|a| a.objective_id == o.id).map(|a| json!({
                        "title": a.title, "description": a.description, "startsOn": a.starts_on, "endsOn": a.ends_on,
                        "budget": a.budget.as_ref().map(|b| json!({ "amount": b, "currency": "EUR" })),
                    })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
                "management": v.management,
                "monitoring": v.monitoring,
                "lagMembers": c.lag_members.iter().map(|m| json!({
                    "organisationId": m.organisation_id.map(|id| ids::encode(NodeType::Organisation, &id.to_string())),
                    "name": m.name, "interestGroup": m.interest_group.to_value(), "votingShare": m.voting_share,
                })).collect::<Vec<_>>(),
                "financialPlan": c.finance_lines.iter().map(|l| json!({
                    "source": l.source.to_value(),
                    "programmeId": l.programme_id.map(|id| ids::encode(NodeType::InterregProgramme, &id.to_string())),
                    "year": l.year, "amount": l.amount, "currency": l.currency,
                })).collect::<Vec<_>>(),
                "updatedAt": view.strategy.updated_at,
            }));
    }
    all
}
