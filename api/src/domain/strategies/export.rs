//! Exports of the strategies a caller may see, for managing authorities and integrators: one CSV row per
//! strategy (its version in view, with counts and totals), or JSON documents with the whole content. Pages of
//! the sync order are read one after another, so an export holds at most one page in memory besides its output.

use super::content::{StrategyContent, content_of};
use super::{StrategyFilter, StrategyView, list_strategies};
use crate::auth::Principal;
use crate::config::MAX_PAGE_SIZE;
use crate::domain::ids::{self, NodeType};
use crate::domain::pagination::{Direction, PageRequest};
use crate::domain::regions;
use crate::error::{AppError, AppResult};
use sea_orm::{ActiveEnum, DatabaseConnection};
use serde_json::{Value, json};

/// A CSV cell that a spreadsheet would not run as a formula: a leading `=`, `+`, `-`, `@` (or tab, CR) gets a `'`.
pub fn spreadsheet_safe(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{cell}") } else { cell.to_owned() }
}

/// Calls `each` with every page of strategies the caller may see under `filter`, in the sync order.
async fn each_page(
    db: &DatabaseConnection,
    actor: Option<&Principal>,
    filter: &StrategyFilter,
    mut each: impl FnMut(
        Vec<StrategyView>,
        &std::collections::HashMap<uuid::Uuid, StrategyContent>,
        &std::collections::HashMap<uuid::Uuid, regions::RegionParts>,
        &[entity::cross_border_region::Model],
    ) -> AppResult<()>,
) -> AppResult<()> {
    let mut after = None;
    loop {
        let request = PageRequest {
            size: MAX_PAGE_SIZE as u64,
            direction: Direction::Forward,
            after: after.clone(),
            before: None,
            want_total: false,
        };
        let page = list_strategies(db, actor, filter, &request).await?;
        after = page.items.last().map(|(cursor, _)| cursor.clone());
        let views: Vec<StrategyView> = page.items.into_iter().map(|(_, v)| v).collect();
        let version_ids: Vec<uuid::Uuid> = views.iter().map(|v| v.version.id).collect();
        let region_ids: Vec<uuid::Uuid> = views.iter().map(|v| v.strategy.region_id).collect();
        let content = content_of(db, &version_ids).await?;
        let parts = regions::parts_of(db, &region_ids).await?;
        let region_rows = regions::regions_by_id(db, &region_ids).await?;
        each(views, &content, &parts, &region_rows)?;
        if !page.has_next {
            return Ok(());
        }
    }
}

/// The strategies as CSV: one row per strategy.
pub async fn strategies_csv(
    db: &DatabaseConnection,
    actor: Option<&Principal>,
    filter: &StrategyFilter,
) -> AppResult<Vec<u8>> {
    let failed = |e: csv::Error| AppError::Internal(anyhow::anyhow!("CSV export failed: {e}"));
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record([
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
        ])
        .map_err(failed)?;
    let mut rows: Vec<Vec<String>> = Vec::new();
    each_page(db, actor, filter, |views, content, parts, region_rows| {
        for view in views {
            let empty = StrategyContent::default();
            let c = content.get(&view.version.id).unwrap_or(&empty);
            let p = parts.get(&view.strategy.region_id).cloned().unwrap_or_default();
            let region = region_rows
                .iter()
                .find(|r| r.id == view.strategy.region_id)
                .map(|r| r.name.clone())
                .unwrap_or_default();
            let total: i128 =
                c.finance_lines.iter().filter_map(|l| super::decimal(&[], &l.amount, 2).ok().map(|(_, n)| n)).sum();
            rows.push(vec![
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
                format!("{}.{:02}", total / 100, total % 100),
                view.strategy.updated_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            ]);
        }
        Ok(())
    })
    .await?;
    for row in rows {
        writer.write_record(row.iter().map(|cell| spreadsheet_safe(cell))).map_err(failed)?;
    }
    writer.into_inner().map_err(|e| AppError::Internal(anyhow::anyhow!("CSV export failed: {e}")))
}

/// The strategies as a JSON array, each with its whole content in its version in view.
pub async fn strategies_json(
    db: &DatabaseConnection,
    actor: Option<&Principal>,
    filter: &StrategyFilter,
) -> AppResult<Value> {
    let mut all = Vec::new();
    each_page(db, actor, filter, |views, content, parts, region_rows| {
        for view in views {
            let empty = StrategyContent::default();
            let c = content.get(&view.version.id).unwrap_or(&empty);
            let p = parts.get(&view.strategy.region_id).cloned().unwrap_or_default();
            let region = region_rows.iter().find(|r| r.id == view.strategy.region_id);
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
        Ok(())
    })
    .await?;
    Ok(Value::Array(all))
}
