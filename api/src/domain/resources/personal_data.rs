//! A person's data in the resources library: staff who add a resource are recorded by id
//! (`resource.created_by`). Export lists the resources the person added; erasure keeps them with the id only
//! (the library is the programme's, and the id no longer leads to anybody once the account is gone).

use crate::domain::personal_data::{Claim, Person};
use crate::error::AppResult;
use entity::resource;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

pub const CLAIM: Claim =
    Claim { area: "resources", tables: &["resource"], on_erasure: "kept: resources keep their creator's id only" };

/// The resources the person added: id, title and when.
pub async fn export(db: &DatabaseConnection, person: &Person) -> AppResult<Value> {
    let added = resource::Entity::find()
        .filter(resource::Column::CreatedBy.eq(person.user_id))
        .order_by_asc(resource::Column::CreatedAt)
        .all(db)
        .await?;
    Ok(Value::Array(added.iter().map(|r| json!({ "id": r.id, "title": r.title, "createdAt": r.created_at })).collect()))
}
