//! Role administration by admins (grant, revoke) and the back office's list of users.

use crate::auth::{Principal, Role};
use crate::domain::accounts::{grant, load, policy};
use crate::domain::domain_events::{DomainEvent, EventType, Visibility};
use crate::domain::ids::NodeType;
use crate::domain::pagination::{Page, PageRequest, SortOrder, paginate};
use crate::domain::values::{SearchTerm, like_contains};
use crate::domain::{Origin, Services};
use crate::error::{AppError, AppResult, UserError, UserErrorCode};
use entity::{app_user, user_programme, user_role};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// Grants `role`; managing authorities need the programmes they work for (replacing earlier ones). Admins only;
/// the `role.granted` event is also the audit entry (ROLE_GRANTED).
pub async fn grant_role(
    services: &Services,
    origin: &Origin,
    actor: Option<&Principal>,
    user_id: Uuid,
    role: Role,
    programmes: Vec<Uuid>,
) -> AppResult<app_user::Model> {
    let admin = policy::can_manage_roles(actor)?;
    let mut tx = services.write(actor).await?.from_origin(origin);
    let now = tx.now();
    let user = target_user(&*tx, user_id).await?;
    if role == Role::ManagingAuthority {
        if programmes.is_empty() {
            return Err(AppError::rejected(
                &["programmeIds"],
                UserErrorCode::Required,
                "a managing authority works for at least one Interreg programme",
            ));
        }
        let known = entity::interreg_programme::Entity::find()
            .filter(entity::interreg_programme::Column::Id.is_in(programmes.clone()))
            .count(&*tx)
            .await?;
        if known as usize != programmes.len() {
            return Err(AppError::rejected(
                &["programmeIds"],
                UserErrorCode::NotFound,
                "one of the programmes does not exist",
            ));
        }
        user_programme::Entity::delete_many().filter(user_programme::Column::UserId.eq(user_id)).exec(&*tx).await?;
        for programme in &programmes {
            user_programme::ActiveModel { user_id: Set(user_id), programme_id: Set(*programme) }.insert(&*tx).await?;
        }
    } else if !programmes.is_empty() {
        return Err(AppError::rejected(
            &["programmeIds"],
            UserErrorCode::Invalid,
            "only the MANAGING_AUTHORITY role is tied to programmes",
        ));
    }
    grant(&*tx, user_id, role, Some(admin.id), now).await?;
    let programme_ids: Vec<String> = programmes.iter().map(Uuid::to_string).collect();
    tx.emit(
        DomainEvent::new(EventType::RoleGranted, NodeType::User, user_id)
            .visibility(Visibility::Staff)
            .payload(json!({ "role": role.to_value(), "programmeIds": programme_ids })),
    );
    tx.commit().await?;
    Ok(user)
}

/// Revokes `role`. The last admin cannot lose the admin role (nobody could grant it back). Admins only; the
/// `role.revoked` event is also the audit entry (ROLE_REVOKED).
pub async fn revoke_role(
    services: &Services,
    origin: &Origin,
    actor: Option<&Principal>,
    user_id: Uuid,
    role: Role,
) -> AppResult<app_user::Model> {
    policy::can_manage_roles(actor)?;
    let mut tx = services.write(actor).await?.from_origin(origin);
    let user = target_user(&*tx, user_id).await?;
    if role == Role::Admin {
        // Lock the admins' rows (in one order, so two revocations cannot deadlock) and decide on what is left
        // after any concurrent revocation commits: two admins revoking each other at once keep one admin.
        // PostgreSQL needs the row locks; on SQLite the unit of work holds the write lock already.
        let admins = user_role::Entity::find()
            .filter(user_role::Column::Role.eq(Role::Admin))
            .order_by_asc(user_role::Column::UserId)
            .lock_exclusive()
            .all(&*tx)
            .await?;
        let is_admin = admins.iter().any(|a| a.user_id == user_id);
        if is_admin && admins.len() <= 1 {
            return Err(AppError::Rejected(vec![UserError::new(
                &["role"],
                UserErrorCode::InvalidState,
                "this is the last admin; grant the role to someone else first",
            )]));
        }
    }
    user_role::Entity::delete_many()
        .filter(user_role::Column::UserId.eq(user_id))
        .filter(user_role::Column::Role.eq(role))
        .exec(&*tx)
        .await?;
    if role == Role::ManagingAuthority {
        user_programme::Entity::delete_many().filter(user_programme::Column::UserId.eq(user_id)).exec(&*tx).await?;
    }
    tx.emit(
        DomainEvent::new(EventType::RoleRevoked, NodeType::User, user_id)
            .visibility(Visibility::Staff)
            .payload(json!({ "role": role.to_value() })),
    );
    tx.commit().await?;
    Ok(user)
}

/// The user a role change is about; a missing one is the input's fault, any other failure is not.
async fn target_user(conn: &impl ConnectionTrait, user_id: Uuid) -> AppResult<app_user::Model> {
    load(conn, user_id).await.map_err(|error| match error {
        AppError::NotFound(_) => AppError::rejected(&["userId"], UserErrorCode::NotFound, "no such user"),
        other => other,
    })
}

#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub role: Option<Role>,
    /// Part of the e-mail address or display name.
    pub search: Option<String>,
}

/// The users, by e-mail address, for the back office.
pub async fn list_users(
    conn: &impl ConnectionTrait,
    actor: Option<&Principal>,
    filter: &UserFilter,
    page: &PageRequest,
) -> AppResult<Page<app_user::Model>> {
    policy::can_list_users(actor)?;
    let mut select = app_user::Entity::find().filter(policy::read_filter(actor));
    if let Some(role) = filter.role {
        select = select.filter(
            app_user::Column::Id.in_subquery(
                Query::select()
                    .column(user_role::Column::UserId)
                    .from(user_role::Entity)
                    .and_where(user_role::Column::Role.eq(role))
                    .to_owned(),
            ),
        );
    }
    if let Some(search) = SearchTerm::parse("search", filter.search.as_deref())? {
        select = select.filter(
            Condition::any()
                .add(app_user::Column::Email.like(like_contains(&search.as_str().to_lowercase())))
                .add(app_user::Column::DisplayName.like(like_contains(search.as_str()))),
        );
    }
    paginate(conn, select, app_user::Column::Email, |u| u.email.clone(), SortOrder::Ascending, page).await
}

/// The roles of many users in one query (for a DataLoader).
pub async fn roles_of_users(conn: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<HashMap<Uuid, Vec<Role>>> {
    let rows = user_role::Entity::find().filter(user_role::Column::UserId.is_in(ids.iter().copied())).all(conn).await?;
    let mut roles: HashMap<Uuid, Vec<Role>> = HashMap::new();
    for row in rows {
        roles.entry(row.user_id).or_default().push(row.role);
    }
    for list in roles.values_mut() {
        list.sort();
    }
    Ok(roles)
}

pub async fn users_by_id(conn: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<Vec<app_user::Model>> {
    Ok(app_user::Entity::find().filter(app_user::Column::Id.is_in(ids.iter().copied())).all(conn).await?)
}

/// The Interreg programmes a managing authority works for.
pub async fn programmes_of(conn: &impl ConnectionTrait, user_id: Uuid) -> AppResult<Vec<Uuid>> {
    Ok(user_programme::Entity::find()
        .filter(user_programme::Column::UserId.eq(user_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|row| row.programme_id)
        .collect())
}
