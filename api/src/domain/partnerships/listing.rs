//! The partners of a page of partnerships with their organisations' public columns. On SQLite in one statement
//! that builds each partnership's partners as one JSON array (`json_group_array`), so a page hands over one row
//! per partnership instead of one per partner and one per organisation: each row crosses from sqlx's connection
//! thread with every value copied, which cost more than SQLite's work. On PostgreSQL rows stream over the
//! connection cheaply and building the JSON in the backend cost more CPU than the server saved, so there it is
//! two statements of rows (BENCHMARKS.md, "The partners of a page as JSON on SQLite").

use super::ListedPartner;
use crate::domain::organisations::{self, PublicOrganisation};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use entity::{organisation, partner};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, JoinType, QueryFilter, QuerySelect, RelationDef,
};
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

/// The partners of each partnership asked for (every id is in the map; lead first, then by side and
/// organisation, as `super::listed_partners_of`) and their organisations' public columns (on SQLite one per
/// partner: an organisation that is a partner twice on the page comes twice).
pub async fn listed_partners_with_organisations_of(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<(HashMap<Uuid, Vec<ListedPartner>>, Vec<PublicOrganisation>)> {
    if db.get_database_backend() != DbBackend::Sqlite {
        let partners = super::listed_partners_of(db, ids).await?;
        let organisation_ids: Vec<Uuid> = partners.values().flatten().map(|p| p.organisation_id).collect();
        return Ok((partners, organisations::public_organisations_by_id(db, &organisation_ids).await?));
    }
    let mut partners: HashMap<Uuid, Vec<ListedPartner>> = ids.iter().map(|id| (*id, Vec::new())).collect();
    let mut organisations = Vec::new();
    if ids.is_empty() {
        return Ok((partners, organisations));
    }
    let of_organisation: RelationDef = partner::Entity::belongs_to(organisation::Entity)
        .from(partner::Column::OrganisationId)
        .to(organisation::Column::Id)
        .into();
    let rows: Vec<(Uuid, String)> = partner::Entity::find()
        .select_only()
        .column(partner::Column::PartnershipId)
        .expr_as(Expr::cust(PARTNERS_AS_JSON), "partners")
        .join(JoinType::InnerJoin, of_organisation)
        .filter(partner::Column::PartnershipId.is_in(ids.iter().copied()))
        .group_by(partner::Column::PartnershipId)
        .into_tuple()
        .all(db)
        .await?;
    for (partnership_id, json) in rows {
        let listed = partners.entry(partnership_id).or_default();
        for row in serde_json::from_str::<Vec<PartnerJson>>(&json).map_err(|e| AppError::Internal(e.into()))? {
            let (partner, organisation) = row.into_models(partnership_id)?;
            listed.push(partner);
            organisations.push(organisation);
        }
    }
    Ok((partners, organisations))
}

/// The aggregate of one partnership's partners on SQLite: a JSON array of `PartnerJson` arrays, in the API's order.
/// UUIDs are 16-byte blobs in SQLite, which JSON cannot hold: as hexadecimal text.
const PARTNERS_AS_JSON: &str = r#"json_group_array(json_array(hex("partner"."organisation_id"), "partner"."side",
    "partner"."role", "partner"."status", "partner"."created_at", "partner"."answered_at", "organisation"."name",
    "organisation"."original_name", "organisation"."organisation_type", "organisation"."country_code")
    ORDER BY "partner"."role", "partner"."side", "partner"."organisation_id")"#;

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
