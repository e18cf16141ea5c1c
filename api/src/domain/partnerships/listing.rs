//! The partners of a page of partnerships with their organisations' public columns, in one statement. The
//! database builds each partnership's partners as one JSON array (`json_group_array` on SQLite, `json_agg` on
//! PostgreSQL), so a page hands over one row per partnership instead of one per partner and one per organisation:
//! on SQLite each row crosses from sqlx's connection thread with every value copied, which cost more than the
//! database's work (BENCHMARKS.md, "One statement for the partners of a page").

use super::ListedPartner;
use crate::domain::organisations::PublicOrganisation;
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
/// organisation, as `super::listed_partners_of`) and their organisations' public columns (one per partner, so
/// an organisation that is a partner twice on the page comes twice).
pub async fn listed_partners_with_organisations_of(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<(HashMap<Uuid, Vec<ListedPartner>>, Vec<PublicOrganisation>)> {
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
        .expr_as(Expr::cust(partners_as_json(db.get_database_backend())), "partners")
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

/// The aggregate of one partnership's partners: a JSON array of `PartnerJson` arrays, in the API's order.
fn partners_as_json(backend: DbBackend) -> String {
    let columns = r#""partner"."side", "partner"."role", "partner"."status", "partner"."created_at",
        "partner"."answered_at", "organisation"."name", "organisation"."original_name",
        "organisation"."organisation_type", "organisation"."country_code""#;
    let order = r#"ORDER BY "partner"."role", "partner"."side", "partner"."organisation_id""#;
    match backend {
        // SQLite holds UUIDs as 16-byte blobs, which JSON cannot hold: as hexadecimal text.
        DbBackend::Sqlite => {
            format!(r#"json_group_array(json_array(hex("partner"."organisation_id"), {columns}) {order})"#)
        }
        _ => format!(r#"json_agg(json_build_array("partner"."organisation_id", {columns}) {order})::text"#),
    }
}

/// One element of `partners_as_json`: serde reads a JSON array into the fields in this order.
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

/// A timestamp as JSON carries it: RFC 3339 from PostgreSQL and from what sqlx writes to SQLite; SQLite's own
/// `CURRENT_TIMESTAMP` form (`2026-12-07 10:00:00`, UTC) too, as sqlx reads it.
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
