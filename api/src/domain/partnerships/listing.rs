//! The partners of a page of partnerships with their organisations' public columns, and the partnerships of a page
//! of regions with them. On SQLite each partnership's partners come as one JSON array built by SQLite (a correlated
//! `json_group_array`), and a page of regions reads its partnerships, each with that array, as one more JSON array
//! in a column of its own statement: a page hands over one row per region or partnership instead of one per
//! partner and one per organisation, for each row crosses from sqlx's connection thread with every value copied,
//! which cost more than SQLite's work. On PostgreSQL rows stream over the connection cheaply and building the JSON
//! in the backend cost more CPU than the server saved, so there they are statements of rows (BENCHMARKS.md, "The
//! partners of a page as JSON on SQLite").

use super::{ListedPartner, partnerships_of_regions, policy};
use crate::auth::Principal;
use crate::domain::organisations::{self, PublicOrganisation};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use entity::{cross_border_region, partnership};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ActiveEnum, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::LazyLock;
use uuid::Uuid;

/// What a page of partnerships shows of their partners.
#[derive(Default)]
pub struct PartnersOfPage {
    /// The partners of each partnership asked for (every one has an entry), lead first, then by side and
    /// organisation, as `super::listed_partners_of`.
    pub partners: HashMap<Uuid, Vec<ListedPartner>>,
    /// The partners' organisations, their public columns (on SQLite one per partner: an organisation that is a
    /// partner twice on the page comes twice).
    pub organisations: Vec<PublicOrganisation>,
}

/// The partners of the partnerships `ids` and their organisations: one statement on SQLite, two on PostgreSQL.
pub async fn listed_partners_with_organisations_of(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<PartnersOfPage> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return partners_as_rows(db, ids).await;
    }
    let mut page = PartnersOfPage { partners: ids.iter().map(|id| (*id, Vec::new())).collect(), ..Default::default() };
    let rows: Vec<(Uuid, String)> = partnership::Entity::find()
        .select_only()
        .column(partnership::Column::Id)
        .expr_as(Expr::cust(PARTNERS_AS_JSON), "partners")
        .filter(partnership::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    for (partnership_id, json) in rows {
        page.add(partnership_id, &json)?;
    }
    Ok(page)
}

/// The partnerships of a page of regions that the caller may see, each region's in the API's order (every region
/// of the page has an entry), with their partners and the partners' organisations.
#[derive(Default)]
pub struct PartnershipsOfPage {
    pub by_region: HashMap<Uuid, Vec<partnership::Model>>,
    pub partners: PartnersOfPage,
}

/// As `super::partnerships_of_regions`, with the partners of those partnerships and their organisations: three
/// statements (none for no region). On SQLite a page of regions reads them in its own statement instead
/// (`partnerships_as_json`).
pub async fn partnerships_of_regions_with_partners(
    db: &impl ConnectionTrait,
    actor: Option<&Principal>,
    region_ids: &[Uuid],
) -> AppResult<PartnershipsOfPage> {
    if region_ids.is_empty() {
        return Ok(PartnershipsOfPage::default());
    }
    let by_region = partnerships_of_regions(db, actor, region_ids).await?;
    let ids: Vec<Uuid> = by_region.values().flatten().map(|p| p.id).collect();
    Ok(PartnershipsOfPage { by_region, partners: partners_as_rows(db, &ids).await? })
}

/// On SQLite, a column for a select of regions: the partnerships of the `cross_border_region` row in hand that
/// `actor` may see (`policy::read_filter`), in the API's order, each with its partners and their organisations,
/// as one JSON array of `PartnershipJson` arrays (`[]` when none), read by `PartnershipsOfPage::add_region`.
pub fn partnerships_as_json(actor: Option<&Principal>) -> Expr {
    // Each partnership's JSON array is written out (`json_quote` for its values) around the text of its
    // partners' array: as an argument of `json_array` that text would be parsed and written again (`json(...)`,
    // a subquery's result has lost its JSON subtype), which cost more than the statement saved.
    static PARTNERSHIPS: LazyLock<String> = LazyLock::new(|| {
        format!(
            r#"'[' || coalesce(group_concat('["' || hex("partnership"."id") || '","' || hex("partnership"."region_id")
    || '",' || json_quote("partnership"."name") || ',' || json_quote("partnership"."governance")
    || ',' || json_quote("partnership"."public_sector_share") || ',' || json_quote("partnership"."private_sector_share")
    || ',' || json_quote("partnership"."civil_society_share") || ',' || json_quote("partnership"."other_share")
    || ',"' || hex("partnership"."created_by") || '",' || json_quote("partnership"."created_at")
    || ',' || json_quote("partnership"."updated_at") || ',' || {PARTNERS_AS_JSON} || ']',
    ',' ORDER BY "partnership"."name", "partnership"."id"), '') || ']'"#
        )
    });
    let select = Query::select()
        .expr(Expr::cust(PARTNERSHIPS.as_str()))
        .from(partnership::Entity)
        .and_where(
            Expr::col((partnership::Entity, partnership::Column::RegionId))
                .equals((cross_border_region::Entity, cross_border_region::Column::Id)),
        )
        .cond_where(policy::read_filter(actor))
        .to_owned();
    Expr::SubQuery(None, Box::new(select.into()))
}

/// The partners of the partnerships `ids` and their organisations as rows, in two statements.
async fn partners_as_rows(db: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<PartnersOfPage> {
    let partners = super::listed_partners_of(db, ids).await?;
    let organisation_ids: Vec<Uuid> = partners.values().flatten().map(|p| p.organisation_id).collect();
    let organisations = organisations::public_organisations_by_id(db, &organisation_ids).await?;
    Ok(PartnersOfPage { partners, organisations })
}

/// On SQLite, the partners of the `partnership` row in hand as a JSON array of `PartnerJson` arrays, in the API's
/// order (`[]` when none). UUIDs are 16-byte blobs in SQLite, which JSON cannot hold: as hexadecimal text.
const PARTNERS_AS_JSON: &str = r#"(SELECT json_group_array(json_array(hex("partner"."organisation_id"),
    "partner"."side", "partner"."role", "partner"."status", "partner"."created_at", "partner"."answered_at",
    "organisation"."name", "organisation"."original_name", "organisation"."organisation_type",
    "organisation"."country_code") ORDER BY "partner"."role", "partner"."side", "partner"."organisation_id")
  FROM "partner" INNER JOIN "organisation" ON "organisation"."id" = "partner"."organisation_id"
  WHERE "partner"."partnership_id" = "partnership"."id")"#;

impl PartnersOfPage {
    /// Adds the partners of one partnership from `PARTNERS_AS_JSON`.
    fn add(&mut self, partnership_id: Uuid, json: &str) -> AppResult<()> {
        self.add_parsed(partnership_id, parse(json)?)
    }

    /// Adds the partners of one partnership, parsed.
    fn add_parsed(&mut self, partnership_id: Uuid, rows: Vec<PartnerJson>) -> AppResult<()> {
        let listed = self.partners.entry(partnership_id).or_default();
        for row in rows {
            let (partner, organisation) = row.into_models(partnership_id)?;
            listed.push(partner);
            self.organisations.push(organisation);
        }
        Ok(())
    }
}

impl PartnershipsOfPage {
    /// Adds the partnerships of region `region_id` from its `partnerships_as_json` column.
    pub fn add_region(&mut self, region_id: Uuid, json: &str) -> AppResult<()> {
        let rows: Vec<PartnershipJson> = parse(json)?;
        let partnerships = self.by_region.entry(region_id).or_default();
        for row in rows {
            let (partnership, partners) = row.into_model()?;
            self.partners.add_parsed(partnership.id, partners)?;
            partnerships.push(partnership);
        }
        Ok(())
    }
}

/// One element of `partnerships_as_json`: a partnership's columns, then its `PARTNERS_AS_JSON`.
#[derive(Deserialize)]
struct PartnershipJson {
    id: Uuid,
    region_id: Uuid,
    name: String,
    governance: Option<String>,
    public_sector_share: Option<i32>,
    private_sector_share: Option<i32>,
    civil_society_share: Option<i32>,
    other_share: Option<i32>,
    created_by: Uuid,
    created_at: String,
    updated_at: String,
    partners: Vec<PartnerJson>,
}

impl PartnershipJson {
    fn into_model(self) -> AppResult<(partnership::Model, Vec<PartnerJson>)> {
        let partnership = partnership::Model {
            id: self.id,
            region_id: self.region_id,
            name: self.name,
            governance: self.governance,
            public_sector_share: self.public_sector_share,
            private_sector_share: self.private_sector_share,
            civil_society_share: self.civil_society_share,
            other_share: self.other_share,
            created_by: self.created_by,
            created_at: timestamp(&self.created_at)?,
            updated_at: timestamp(&self.updated_at)?,
        };
        Ok((partnership, self.partners))
    }
}

/// One element of `PARTNERS_AS_JSON`: serde reads a JSON array into the fields in this order.
#[derive(Deserialize)]
struct PartnerJson {
    organisation_id: Uuid,
    side: String,
    role: String,
    status: String,
    created_at: String,
    answered_at: Option<String>,
    name: String,
    original_name: Option<String>,
    organisation_type: String,
    country_code: String,
}

impl PartnerJson {
    fn into_models(self, partnership_id: Uuid) -> AppResult<(ListedPartner, PublicOrganisation)> {
        let partner = ListedPartner {
            partnership_id,
            organisation_id: self.organisation_id,
            side: self.side,
            role: ActiveEnum::try_from_value(&self.role)?,
            status: ActiveEnum::try_from_value(&self.status)?,
            created_at: timestamp(&self.created_at)?,
            answered_at: self.answered_at.as_deref().map(timestamp).transpose()?,
        };
        let organisation = PublicOrganisation {
            id: self.organisation_id,
            name: self.name,
            original_name: self.original_name,
            organisation_type: ActiveEnum::try_from_value(&self.organisation_type)?,
            country_code: self.country_code,
        };
        Ok((partner, organisation))
    }
}

/// The JSON a statement built (malformed only through a bug: an internal error).
fn parse<'a, T: Deserialize<'a>>(json: &'a str) -> AppResult<T> {
    serde_json::from_str(json).map_err(|e| AppError::Internal(e.into()))
}

/// A timestamp as SQLite holds it: RFC 3339 as sqlx writes it, or SQLite's own `CURRENT_TIMESTAMP` form
/// (`2026-12-07 10:00:00`, UTC), as sqlx reads them.
fn timestamp(text: &str) -> AppResult<DateTime<Utc>> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(at.to_utc());
    }
    NaiveDateTime::parse_from_str(text, "%F %T%.f")
        .map(|at| at.and_utc())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("timestamp {text:?}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::timestamp;

    #[test]
    fn timestamps_keep_their_microseconds_in_either_database_form() {
        let written = "2026-12-07T10:15:00.123456+00:00";
        assert_eq!(timestamp(written).unwrap().to_rfc3339(), "2026-12-07T10:15:00.123456+00:00");
        assert_eq!(timestamp("2026-12-07T11:15:00.5+01:00").unwrap().to_rfc3339(), "2026-12-07T10:15:00.500+00:00");
        assert_eq!(timestamp("2026-12-07 10:15:00").unwrap().to_rfc3339(), "2026-12-07T10:15:00+00:00");
        assert!(timestamp("yesterday").is_err());
    }
}
