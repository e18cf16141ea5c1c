//! An expert's personal data: the profile with its lists and the assignments are exported, and deleted on
//! erasure (the assignments' regions keep no trace of the person); staff who vetted or assigned keep no link
//! to their own erased account (those ids are cleared).

use super::{assignments, details_of};
use crate::domain::personal_data::{Claim, Person};
use crate::domain::unit_of_work::Write;
use crate::error::AppResult;
use entity::{expert_assignment, expert_profile};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveEnum, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde_json::{Value, json};

pub const CLAIM: Claim = Claim {
    area: "experts",
    tables: &[
        "expert_profile",
        "expert_expertise",
        "expert_country",
        "expert_language",
        "expert_unavailability",
        "expert_conflict",
        "expert_assignment",
    ],
    on_erasure: "the expert's profile, its lists and assignments deleted; the ids of staff who vetted or assigned \
                 cleared",
};

/// The expert profile (null when none) and the assignments of the person.
pub async fn export(db: &DatabaseConnection, person: &Person) -> AppResult<Value> {
    let Some(profile) = expert_profile::Entity::find_by_id(person.user_id).one(db).await? else {
        return Ok(json!({ "expertProfile": null, "expertAssignments": [] }));
    };
    let details = details_of(db, &[person.user_id]).await?.remove(&person.user_id).unwrap_or_default();
    let assignments = assignments::of_experts(db, &[person.user_id]).await?;
    Ok(json!({
        "expertProfile": {
            "headline": profile.headline,
            "biography": profile.biography,
            "yearsOfExperience": profile.years_experience,
            "daysPerMonth": profile.days_per_month,
            "cvUrl": profile.cv_url,
            "status": profile.status.to_value(),
            "statement": profile.statement,
            "appliedAt": profile.applied_at,
            "vettedAt": profile.vetted_at,
            "vettingReason": profile.vetting_reason,
            "expertise": details.expertise.iter().map(|e| e.as_str()).collect::<Vec<_>>(),
            "countries": details.countries,
            "languages": details.languages.iter().map(|l| json!({ "language": l.language, "level": l.level.as_str() })).collect::<Vec<_>>(),
            "unavailable": details.unavailable.iter().map(|p| json!({ "from": p.starts_on, "until": p.ends_on })).collect::<Vec<_>>(),
            "declaredConflicts": details.conflicts,
        },
        "expertAssignments": assignments.iter().map(|a| json!({
            "regionId": a.region_id,
            "role": a.role.to_value(),
            "plannedDays": a.planned_days,
            "status": a.status.to_value(),
            "noConflictDeclaredAt": a.no_conflict_declared_at,
            "note": a.response_note,
            "createdAt": a.created_at,
        })).collect::<Vec<_>>(),
    }))
}

/// Deletes the person's profile (its lists and assignments follow by cascade, deleted here explicitly) and
/// clears the person's id where they vetted or assigned as staff.
pub async fn erase(tx: &mut Write, person: &Person) -> AppResult<()> {
    expert_assignment::Entity::delete_many()
        .filter(expert_assignment::Column::ExpertId.eq(person.user_id))
        .exec(&**tx)
        .await?;
    expert_assignment::Entity::update_many()
        .col_expr(expert_assignment::Column::AssignedBy, Expr::value(Option::<uuid::Uuid>::None))
        .filter(expert_assignment::Column::AssignedBy.eq(person.user_id))
        .exec(&**tx)
        .await?;
    expert_profile::Entity::update_many()
        .col_expr(expert_profile::Column::VettedBy, Expr::value(Option::<uuid::Uuid>::None))
        .filter(expert_profile::Column::VettedBy.eq(person.user_id))
        .exec(&**tx)
        .await?;
    for table in [
        entity::expert_expertise::Entity::delete_many()
            .filter(entity::expert_expertise::Column::UserId.eq(person.user_id))
            .exec(&**tx)
            .await,
        entity::expert_country::Entity::delete_many()
            .filter(entity::expert_country::Column::UserId.eq(person.user_id))
            .exec(&**tx)
            .await,
        entity::expert_language::Entity::delete_many()
            .filter(entity::expert_language::Column::UserId.eq(person.user_id))
            .exec(&**tx)
            .await,
        entity::expert_unavailability::Entity::delete_many()
            .filter(entity::expert_unavailability::Column::UserId.eq(person.user_id))
            .exec(&**tx)
            .await,
        entity::expert_conflict::Entity::delete_many()
            .filter(entity::expert_conflict::Column::UserId.eq(person.user_id))
            .exec(&**tx)
            .await,
    ] {
        table?;
    }
    expert_profile::Entity::delete_by_id(person.user_id).exec(&**tx).await?;
    Ok(())
}
