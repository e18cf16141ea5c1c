//! Organisations: the legal entities that apply, their members (owner, editor, viewer) and invitations.
//! Who may see and change what is decided here.

pub mod personal_data;
pub mod policy;

use crate::auth::Principal;
use crate::auth::secrets::{new_token, token_hash};
use crate::domain::domain_events::{DomainEvent, EventType};
use crate::domain::ids::NodeType;
use crate::domain::pagination::{Page, PageRequest, SortOrder, paginate};
use crate::domain::places::{eligible_country, nuts_in_country};
use crate::domain::values::{Checks, Email, PersonName, optional_text, required_text};

/// The longest postal address accepted.
const MAX_ADDRESS_CHARS: usize = 1000;
use crate::domain::{Origin, Services, accounts};
use crate::error::{AppError, AppResult, UserError, UserErrorCode};
use crate::mail::{OutgoingEmail, quote};
use chrono::Duration;
use entity::organisation::{self, OrganisationType};
use entity::organisation_member::{self, MemberRole};
use entity::{app_user, organisation_invitation};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, DerivePartialModel, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, SqlErr,
};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// How long an invitation link works.
const INVITATION_TTL_DAYS: i64 = 14;

#[derive(Debug, Clone)]
pub struct OrganisationInput {
    pub name: String,
    pub original_name: Option<String>,
    pub organisation_type: OrganisationType,
    pub country: String,
    pub nuts_region: Option<String>,
    pub address: Option<String>,
    pub registration_id: String,
    pub website: Option<String>,
}

struct Checked {
    name: String,
    original_name: Option<String>,
    country: String,
    nuts_code: Option<String>,
    address: Option<String>,
    registration_id: String,
    website: Option<String>,
}

fn optional(text: &Option<String>) -> Option<String> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned)
}

async fn check(db: &impl ConnectionTrait, input: &OrganisationInput) -> AppResult<Checked> {
    let mut checks = Checks::default();
    let name = checks.take(PersonName::parse_max("name", &input.name, 255).map(PersonName::into_string));
    // Upper-cased before its length is checked: upper-casing may lengthen it (`ß` becomes `SS`).
    let registration_id = checks.take(required_text("registrationId", &input.registration_id.to_uppercase(), 100));
    let original_name =
        checks.take(optional_text("originalName", input.original_name.as_deref(), 255).and_then(|name| {
            name.map(|n| PersonName::parse_max("originalName", &n, 255).map(PersonName::into_string)).transpose()
        }));
    let address = checks.take(optional_text("address", input.address.as_deref(), MAX_ADDRESS_CHARS));
    let country = checks.take(eligible_country(db, &["country"], &input.country).await?);
    let mut nuts_code = None;
    if let (Some(country), Some(raw)) = (&country, optional(&input.nuts_region)) {
        nuts_code = checks.take(nuts_in_country(db, &["nutsRegion"], &raw, country).await?);
    }
    let website = checks.take(optional_text("website", input.website.as_deref(), 500)).flatten();
    if let Some(site) = &website
        && !(site.starts_with("https://") || site.starts_with("http://"))
    {
        checks.push(UserError::new(&["website"], UserErrorCode::Invalid, "the website must start with https://"));
    }
    checks.finish()?;
    let (Some(name), Some(registration_id), Some(country), Some(original_name), Some(address)) =
        (name, registration_id, country, original_name, address)
    else {
        return Err(AppError::Internal(anyhow::anyhow!("checked organisation lost a value")));
    };
    Ok(Checked { name, original_name, country: country.code, nuts_code, address, registration_id, website })
}

fn registration_taken(error: DbErr) -> AppError {
    match error.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => taken(),
        _ => AppError::Database(error),
    }
}

fn taken() -> AppError {
    AppError::rejected(
        &["registrationId"],
        UserErrorCode::Taken,
        "an organisation with this registration id exists in this country; ask its owner to invite you",
    )
}

/// Creates an organisation owned by the caller. One organisation per registration id and country.
pub async fn create_organisation(
    services: &Services,
    actor: Option<&Principal>,
    input: &OrganisationInput,
) -> AppResult<organisation::Model> {
    let principal = policy::can_create(actor)?;
    let user_id = principal.user_id().ok_or(AppError::Forbidden)?;
    let mut tx = services.write(Some(principal)).await?;
    let checked = check(&*tx, input).await?;
    let now = tx.now();
    let exists = organisation::Entity::find()
        .filter(organisation::Column::CountryCode.eq(&checked.country))
        .filter(organisation::Column::RegistrationId.eq(&checked.registration_id))
        .count(&*tx)
        .await?;
    if exists > 0 {
        return Err(taken());
    }
    let created = organisation::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(checked.name),
        original_name: Set(checked.original_name),
        organisation_type: Set(input.organisation_type),
        country_code: Set(checked.country),
        nuts_code: Set(checked.nuts_code),
        address: Set(checked.address),
        registration_id: Set(checked.registration_id),
        website: Set(checked.website),
        created_by: Set(user_id),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&*tx)
    .await
    .map_err(registration_taken)?;
    organisation_member::ActiveModel {
        organisation_id: Set(created.id),
        user_id: Set(user_id),
        role: Set(MemberRole::Owner),
        created_at: Set(now),
    }
    .insert(&*tx)
    .await?;
    tx.emit(event(EventType::OrganisationCreated, &created).payload(json!({
        "organisationType": created.organisation_type.to_value(),
        "country": created.country_code,
        "ownerId": user_id.to_string(),
    })));
    tx.commit().await?;
    Ok(created)
}

/// Replaces an organisation's details (its owners and editors, or staff).
pub async fn update_organisation(
    services: &Services,
    actor: Option<&Principal>,
    id: Uuid,
    input: &OrganisationInput,
) -> AppResult<organisation::Model> {
    policy::can_create(actor)?;
    let mut tx = services.write(actor).await?;
    let existing = find(&*tx, id).await?;
    policy::can_update(&*tx, actor, id).await?;
    let checked = check(&*tx, input).await?;
    let clash = organisation::Entity::find()
        .filter(organisation::Column::CountryCode.eq(&checked.country))
        .filter(organisation::Column::RegistrationId.eq(&checked.registration_id))
        .filter(organisation::Column::Id.ne(id))
        .count(&*tx)
        .await?;
    if clash > 0 {
        return Err(taken());
    }
    let mut active: organisation::ActiveModel = existing.into();
    active.name = Set(checked.name);
    active.original_name = Set(checked.original_name);
    active.organisation_type = Set(input.organisation_type);
    active.country_code = Set(checked.country);
    active.nuts_code = Set(checked.nuts_code);
    active.address = Set(checked.address);
    active.registration_id = Set(checked.registration_id);
    active.website = Set(checked.website);
    active.updated_at = Set(tx.now());
    let updated = active.update(&*tx).await.map_err(registration_taken)?;
    tx.emit(event(EventType::OrganisationUpdated, &updated).payload(json!({
        "organisationType": updated.organisation_type.to_value(),
        "country": updated.country_code,
    })));
    tx.commit().await?;
    Ok(updated)
}

/// An event about `organisation`, for its parties (members) and staff.
fn event(event_type: EventType, organisation: &organisation::Model) -> DomainEvent {
    DomainEvent::new(event_type, NodeType::Organisation, organisation.id)
}

/// The organisation `id`; `NOT_FOUND` on the input's `id` when there is none.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> AppResult<organisation::Model> {
    organisation::Entity::find_by_id(id).one(db).await?.ok_or_else(|| AppError::not_found(&["id"], "organisation"))
}

pub use policy::role_of;

/// Which of these organisations the caller may see in full (members and staff); others show only the public
/// name, type and country.
pub async fn member_of(db: &impl ConnectionTrait, principal: Option<&Principal>, ids: &[Uuid]) -> AppResult<Vec<Uuid>> {
    let Some(principal) = principal else { return Ok(Vec::new()) };
    if principal.is_staff() {
        return Ok(ids.to_vec());
    }
    let Some(user_id) = principal.user_id() else { return Ok(Vec::new()) };
    Ok(organisation_member::Entity::find()
        .filter(organisation_member::Column::UserId.eq(user_id))
        .filter(organisation_member::Column::OrganisationId.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.organisation_id)
        .collect())
}

/// The organisations the user belongs to, by name.
pub async fn organisations_of(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    page: &PageRequest,
) -> AppResult<Page<organisation::Model>> {
    let select = organisation::Entity::find().filter(
        organisation::Column::Id.in_subquery(
            Query::select()
                .column(organisation_member::Column::OrganisationId)
                .from(organisation_member::Entity)
                .and_where(organisation_member::Column::UserId.eq(user_id))
                .to_owned(),
        ),
    );
    paginate(
        db,
        select,
        (organisation::Column::Name, organisation::Column::Id),
        |o| (o.name.clone(), o.id),
        SortOrder::Ascending,
        page,
    )
    .await
}

pub async fn organisations_by_id(db: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<Vec<organisation::Model>> {
    Ok(organisation::Entity::find().filter(organisation::Column::Id.is_in(ids.iter().copied())).all(db).await?)
}

/// What everybody may see of an organisation: its name, original name, type and country (DOMAIN.md). Lists that
/// show organisations inside other things (the partners of partnerships) read only these five columns of twelve;
/// the rest is read when a member or staff asks for it.
#[derive(Debug, Clone, DerivePartialModel)]
#[sea_orm(entity = "organisation::Entity")]
pub struct PublicOrganisation {
    pub id: Uuid,
    pub name: String,
    pub original_name: Option<String>,
    pub organisation_type: OrganisationType,
    pub country_code: String,
}

/// The public columns of several organisations in one statement.
pub async fn public_organisations_by_id(db: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<Vec<PublicOrganisation>> {
    Ok(organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(ids.iter().copied()))
        .into_partial_model()
        .all(db)
        .await?)
}

/// The members of an organisation with their users, owners first.
pub async fn members(
    db: &impl ConnectionTrait,
    organisation_id: Uuid,
) -> AppResult<Vec<(organisation_member::Model, app_user::Model)>> {
    Ok(members_of(db, &[organisation_id]).await?.remove(&organisation_id).unwrap_or_default())
}

/// The members of several organisations with their accounts, oldest first, in two statements however many
/// organisations. Every id asked for is in the map.
pub async fn members_of(
    db: &impl ConnectionTrait,
    organisation_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<(organisation_member::Model, app_user::Model)>>> {
    let rows = organisation_member::Entity::find()
        .filter(organisation_member::Column::OrganisationId.is_in(organisation_ids.iter().copied()))
        .order_by_asc(organisation_member::Column::CreatedAt)
        .order_by_asc(organisation_member::Column::UserId)
        .all(db)
        .await?;
    let mut user_ids: Vec<Uuid> = rows.iter().map(|m| m.user_id).collect();
    user_ids.sort_unstable();
    user_ids.dedup();
    let users: HashMap<Uuid, app_user::Model> = app_user::Entity::find()
        .filter(app_user::Column::Id.is_in(user_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let mut members: HashMap<Uuid, Vec<_>> = organisation_ids.iter().map(|id| (*id, Vec::new())).collect();
    for member in rows {
        if let Some(user) = users.get(&member.user_id) {
            members.entry(member.organisation_id).or_default().push((member, user.clone()));
        }
    }
    Ok(members)
}

/// The user's role in each of these organisations that the user belongs to (none for a service account).
pub async fn roles_of_user(
    db: &impl ConnectionTrait,
    user_id: Option<Uuid>,
    organisation_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, MemberRole>> {
    let Some(user_id) = user_id else { return Ok(HashMap::new()) };
    if organisation_ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(organisation_member::Entity::find()
        .filter(organisation_member::Column::UserId.eq(user_id))
        .filter(organisation_member::Column::OrganisationId.is_in(organisation_ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.organisation_id, m.role))
        .collect())
}

/// The e-mail addresses of an organisation's owners (for what only owners decide).
pub async fn owner_addresses(db: &impl ConnectionTrait, organisation_id: Uuid) -> AppResult<Vec<String>> {
    let mut addresses: Vec<String> = members(db, organisation_id)
        .await?
        .into_iter()
        .filter(|(member, _)| member.role == MemberRole::Owner)
        .map(|(_, user)| user.email)
        .collect();
    addresses.sort();
    addresses.dedup();
    Ok(addresses)
}

/// The members' e-mail addresses of several organisations (for notifications).
pub async fn member_addresses(db: &impl ConnectionTrait, organisation_ids: &[Uuid]) -> AppResult<Vec<String>> {
    let user_ids: Vec<Uuid> = organisation_member::Entity::find()
        .filter(organisation_member::Column::OrganisationId.is_in(organisation_ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    let mut addresses: Vec<String> = app_user::Entity::find()
        .filter(app_user::Column::Id.is_in(user_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| u.email)
        .collect();
    addresses.sort();
    addresses.dedup();
    Ok(addresses)
}

/// Invites someone by e-mail (owners). The mail carries a single-use link that expires; it counts against the
/// mail limits of the address and the client (`RATE_LIMITED` beyond them).
pub async fn invite_member(
    services: &Services,
    origin: &Origin,
    actor: Option<&Principal>,
    organisation_id: Uuid,
    email: &str,
    role: MemberRole,
) -> AppResult<organisation_invitation::Model> {
    policy::can_create(actor)?;
    let mut tx = services.write(actor).await?.from_origin(origin);
    let organisation =
        organisation::Entity::find_by_id(organisation_id).one(&*tx).await?.ok_or_else(not_found_organisation)?;
    let principal = policy::can_manage_members(&*tx, actor, organisation_id).await?;
    let email = Email::parse("email", email).map_err(|e| AppError::Rejected(vec![e]))?;
    tx.count_mail_to(email.as_str()).await?;
    let now = tx.now();
    let token = new_token();
    let invitation = organisation_invitation::ActiveModel {
        id: Set(Uuid::now_v7()),
        organisation_id: Set(organisation_id),
        email: Set(email.as_str().to_owned()),
        role: Set(role),
        token_hash: Set(token_hash(&token)),
        expires_at: Set(now + Duration::days(INVITATION_TTL_DAYS)),
        used_at: Set(None),
        invited_by: Set(principal.id),
        created_at: Set(now),
    }
    .insert(&*tx)
    .await?;
    let frontend = services.config.frontend_url.trim_end_matches('/');
    let text_body = format!(
        "Hello,\n\nyou are invited to join this organisation on IMPACT (its name as its members entered it):\n\n\
         {name}\n\nSign in with this address ({address}) and open:\n\n\
         {frontend}/accept-invitation?token={token}\n\nThe link works once and expires in {INVITATION_TTL_DAYS} days.\n",
        name = quote(&organisation.name),
        address = email.as_str(),
    );
    let mail = OutgoingEmail {
        to: email.into_string(),
        subject: "You are invited to join an organisation on IMPACT".to_owned(),
        text_body,
        headers: Vec::new(),
    };
    tx.mail(mail).await?;
    tx.emit(event(EventType::OrganisationMemberInvited, &organisation).payload(json!({
        "invitationId": invitation.id.to_string(),
        "role": invitation.role.to_value(),
        "expiresAt": invitation.expires_at,
    })));
    tx.commit().await?;
    Ok(invitation)
}

/// `NOT_FOUND` on the input's `organisationId`.
fn not_found_organisation() -> AppError {
    AppError::not_found(&["organisationId"], "organisation")
}

/// Accepts an invitation: the signed-in user must have the invited address. Works once, before it expires.
pub async fn accept_invitation(
    services: &Services,
    actor: Option<&Principal>,
    token: &str,
) -> AppResult<organisation::Model> {
    let principal = policy::can_create(actor)?;
    let user_id = principal.user_id().ok_or(AppError::Forbidden)?;
    let invalid = || {
        AppError::rejected(
            &["token"],
            UserErrorCode::InvalidToken,
            "this invitation is invalid, already used or expired",
        )
    };
    let mut tx = services.write(Some(principal)).await?;
    let now = tx.now();
    let invitation = organisation_invitation::Entity::find()
        .filter(organisation_invitation::Column::TokenHash.eq(token_hash(token)))
        .one(&*tx)
        .await?
        .ok_or_else(invalid)?;
    if invitation.used_at.is_some() || invitation.expires_at <= now {
        return Err(invalid());
    }
    let user = accounts::load(&*tx, user_id).await?;
    if user.email != invitation.email {
        return Err(AppError::rejected(
            &["token"],
            UserErrorCode::InvalidToken,
            "this invitation is for another e-mail address; sign in with that address",
        ));
    }
    let spent = organisation_invitation::Entity::update_many()
        .col_expr(organisation_invitation::Column::UsedAt, Expr::value(now))
        .filter(organisation_invitation::Column::Id.eq(invitation.id))
        .filter(organisation_invitation::Column::UsedAt.is_null())
        .exec(&*tx)
        .await?;
    if spent.rows_affected != 1 {
        return Err(invalid());
    }
    let role = match organisation_member::Entity::find_by_id((invitation.organisation_id, user_id)).one(&*tx).await? {
        // Already a member: the invitation never lowers a role.
        Some(member) => member.role,
        None => {
            organisation_member::ActiveModel {
                organisation_id: Set(invitation.organisation_id),
                user_id: Set(user_id),
                role: Set(invitation.role),
                created_at: Set(now),
            }
            .insert(&*tx)
            .await?
            .role
        }
    };
    let organisation = find(&*tx, invitation.organisation_id).await?;
    tx.emit(event(EventType::OrganisationMemberJoined, &organisation).payload(json!({
        "invitationId": invitation.id.to_string(),
        "userId": user_id.to_string(),
        "role": role.to_value(),
    })));
    tx.commit().await?;
    Ok(organisation)
}

/// Changes a member's role, or removes the member (`role` None); owners only. At least one owner stays.
pub async fn change_member(
    services: &Services,
    actor: Option<&Principal>,
    organisation_id: Uuid,
    user_id: Uuid,
    role: Option<MemberRole>,
) -> AppResult<organisation::Model> {
    policy::can_create(actor)?;
    let mut tx = services.write(actor).await?;
    // The organisation's row lock serialises membership decisions (PostgreSQL; SQLite's write lock already
    // does): two owners demoting each other at once leave one owner, as the second sees the first's change.
    let organisation = lock(&*tx, organisation_id).await?;
    policy::can_manage_members(&*tx, actor, organisation_id).await?;
    let member = organisation_member::Entity::find_by_id((organisation_id, user_id))
        .one(&*tx)
        .await?
        .ok_or_else(|| AppError::rejected(&["userId"], UserErrorCode::NotFound, "this user is not a member"))?;
    if member.role == MemberRole::Owner
        && role != Some(MemberRole::Owner)
        && owner_count(&*tx, organisation_id).await? <= 1
    {
        return Err(AppError::rejected(
            &["userId"],
            UserErrorCode::InvalidState,
            "an organisation keeps at least one owner; make another member owner first",
        ));
    }
    let from = member.role;
    match role {
        Some(role) => {
            let mut active: organisation_member::ActiveModel = member.into();
            active.role = Set(role);
            active.update(&*tx).await?;
            tx.emit(event(EventType::OrganisationMemberChanged, &organisation).payload(json!({
                "userId": user_id.to_string(),
                "from": from.to_value(),
                "to": role.to_value(),
            })));
        }
        None => {
            organisation_member::Entity::delete_by_id((organisation_id, user_id)).exec(&*tx).await?;
            tx.emit(event(EventType::OrganisationMemberRemoved, &organisation).payload(json!({
                "userId": user_id.to_string(),
                "role": from.to_value(),
            })));
        }
    }
    tx.commit().await?;
    Ok(organisation)
}

/// Reads the organisation `id` and locks its row until the end of the transaction (`FOR UPDATE` on
/// PostgreSQL; on SQLite the unit of work holds the database's write lock already): decisions about its
/// members (the last owner stays) are taken one after the other.
pub(crate) async fn lock(db: &impl ConnectionTrait, id: Uuid) -> AppResult<organisation::Model> {
    organisation::Entity::find_by_id(id).lock_exclusive().one(db).await?.ok_or_else(not_found_organisation)
}

/// How many owners an organisation has.
pub(crate) async fn owner_count(db: &impl ConnectionTrait, organisation_id: Uuid) -> AppResult<u64> {
    Ok(organisation_member::Entity::find()
        .filter(organisation_member::Column::OrganisationId.eq(organisation_id))
        .filter(organisation_member::Column::Role.eq(MemberRole::Owner))
        .count(db)
        .await?)
}
