//! The strategy workflow: DRAFT → IN_REVIEW → (CHANGES_REQUESTED → IN_REVIEW ...) → ADOPTED → PUBLISHED, and
//! `amend`, which opens a new DRAFT version of an adopted or published strategy (earlier versions stay). Adoption
//! needs a check without errors (DOMAIN rule 5). Every move is recorded with who, when and a note, and emitted.

use super::check;
use super::content::{content_of, copy_content};
use super::{StrategyView, event, find_visible, load_version, open_draft, optional_text, policy, stamp};
use crate::auth::Principal;
use crate::domain::Services;
use crate::domain::applications::check::Severity;
use crate::domain::domain_events::EventType;
use crate::domain::unit_of_work::Write;
use crate::error::{AppError, AppResult, UserError, UserErrorCode};
use entity::strategy::{self, StrategyStatus};
use entity::{strategy_move, strategy_version};
use sea_orm::{ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::Value;
use uuid::Uuid;

use StrategyStatus::*;

/// Whether the workflow has a move from `from` to `to` within one version.
pub fn allowed(from: StrategyStatus, to: StrategyStatus) -> bool {
    matches!(
        (from, to),
        (Draft | ChangesRequested, InReview) | (InReview, ChangesRequested | Adopted) | (Adopted, Published)
    )
}

/// The side of the programme that makes a move: the region's partnership (drafting, submitting, amending) or
/// the programme's secretariat (reviewing, adopting, publishing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mover {
    Editors,
    Secretariat,
}

/// Who makes the move to `to`, by the workflow's rules.
pub fn mover_of(to: StrategyStatus) -> Mover {
    match to {
        Draft | InReview => Mover::Editors,
        ChangesRequested | Adopted | Published => Mover::Secretariat,
    }
}

fn event_type(to: StrategyStatus) -> EventType {
    match to {
        Draft => EventType::StrategyAmended,
        InReview => EventType::StrategySubmitted,
        ChangesRequested => EventType::StrategyChangesRequested,
        Adopted => EventType::StrategyAdopted,
        Published => EventType::StrategyPublished,
    }
}

fn invalid_state(from: StrategyStatus, to: StrategyStatus) -> AppError {
    AppError::invalid_state(&["id"], format!("a strategy that is {} cannot become {}", from.to_value(), to.to_value()))
}

/// Writes a history row for `version` of `strategy` (`from` is none when the version starts).
pub(crate) async fn record_move(
    tx: &Write,
    strategy: &strategy::Model,
    version: &strategy_version::Model,
    from: Option<StrategyStatus>,
    note: Option<String>,
) -> AppResult<()> {
    let actor = tx.actor().map(|p| p.id).ok_or(AppError::Unauthenticated)?;
    strategy_move::ActiveModel {
        id: Set(Uuid::now_v7()),
        strategy_id: Set(strategy.id),
        version_id: Set(version.id),
        from_status: Set(from),
        to_status: Set(version.status),
        actor_id: Set(actor),
        note: Set(note),
        occurred_at: Set(tx.now()),
    }
    .insert(&**tx)
    .await?;
    Ok(())
}

/// Moves the current version of `strategy` to `to` inside `tx`: the version (only if still in `from`), the
/// strategy's pointers and stamp, a history row and the event.
async fn move_to(
    tx: &mut Write,
    strategy: strategy::Model,
    version: strategy_version::Model,
    to: StrategyStatus,
    note: Option<String>,
) -> AppResult<StrategyView> {
    let from = version.status;
    if !allowed(from, to) {
        return Err(invalid_state(from, to));
    }
    let stamp = stamp(tx).await?;
    let mut active = strategy_version::ActiveModel { status: Set(to), updated_at: Set(stamp), ..Default::default() };
    match to {
        InReview => active.submitted_at = Set(Some(stamp)),
        Adopted => active.adopted_at = Set(Some(stamp)),
        Published => active.published_at = Set(Some(stamp)),
        _ => {}
    }
    let moved = strategy_version::Entity::update_many()
        .set(active)
        .filter(strategy_version::Column::Id.eq(version.id))
        .filter(strategy_version::Column::Status.eq(from))
        .exec(&**tx)
        .await?;
    if moved.rows_affected != 1 {
        return Err(invalid_state(from, to));
    }
    let version = load_version(&**tx, version.id).await?;
    let mut active: strategy::ActiveModel = strategy.clone().into();
    active.status = Set(to);
    active.updated_at = Set(stamp);
    if to == InReview {
        active.reviewed_version_id = Set(Some(version.id));
    }
    if to == InReview || strategy.reviewed_version_id == Some(version.id) {
        active.reviewed_status = Set(Some(to));
    }
    if to == Published {
        active.published_version_id = Set(Some(version.id));
    }
    let strategy = active.update(&**tx).await?;
    let note = note.filter(|n| !n.trim().is_empty());
    record_move(tx, &strategy, &version, Some(from), note.clone()).await?;
    let mut emitted = event(event_type(to), &strategy, &version);
    if let Some(payload) = emitted.payload.as_object_mut() {
        payload.insert("from".to_owned(), Value::from(from.to_value()));
    }
    tx.emit(emitted);
    Ok(StrategyView { strategy, version, access: policy::Access::Full })
}

fn note_of(note: Option<&str>) -> AppResult<Option<String>> {
    optional_text(&["note"], &note.map(str::to_owned), 4000).map_err(|e| AppError::Rejected(vec![e]))
}

/// Submits the current draft for review (its editors).
pub async fn submit(
    services: &Services,
    actor: Option<&Principal>,
    id: Uuid,
    note: Option<&str>,
) -> AppResult<StrategyView> {
    let principal = policy::can_write(actor)?;
    let note = note_of(note)?;
    let mut tx = services.write(Some(principal)).await?;
    let (strategy, version) = open_draft(&tx, principal, id, "id").await?;
    let view = move_to(&mut tx, strategy, version, InReview, note).await?;
    tx.commit().await?;
    Ok(view)
}

/// The current version of a strategy for a reviewer (staff see every strategy).
async fn for_review(
    tx: &Write,
    principal: &Principal,
    id: Uuid,
) -> AppResult<(strategy::Model, strategy_version::Model)> {
    let strategy = find_visible(&**tx, Some(principal), id).await?.strategy;
    let version = load_version(&**tx, strategy.current_version_id).await?;
    Ok((strategy, version))
}

/// Sends the version under review back for changes, saying what needs to change (staff).
pub async fn request_changes(
    services: &Services,
    actor: Option<&Principal>,
    id: Uuid,
    note: &str,
) -> AppResult<StrategyView> {
    let principal = policy::can_review(actor)?;
    let note = note_of(Some(note))?
        .ok_or_else(|| AppError::rejected(&["note"], UserErrorCode::Required, "say what needs to change"))?;
    let mut tx = services.write(Some(principal)).await?;
    let (strategy, version) = for_review(&tx, principal, id).await?;
    let view = move_to(&mut tx, strategy, version, ChangesRequested, Some(note)).await?;
    tx.commit().await?;
    Ok(view)
}

/// Adopts the version under review (staff), only when its check finds no error (rule 5): otherwise every
/// error of the check is answered as a user error (`CHECK_FAILED`).
pub async fn adopt(
    services: &Services,
    actor: Option<&Principal>,
    id: Uuid,
    note: Option<&str>,
) -> AppResult<StrategyView> {
    let principal = policy::can_review(actor)?;
    let note = note_of(note)?;
    let mut tx = services.write(Some(principal)).await?;
    let (strategy, version) = for_review(&tx, principal, id).await?;
    if !allowed(version.status, Adopted) {
        return Err(invalid_state(version.status, Adopted));
    }
    let content = content_of(&*tx, &[version.id]).await?.remove(&version.id).unwrap_or_default();
    let errors: Vec<UserError> = check::check(&version, &content)
        .into_iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| UserError {
            field: std::iter::once("id".to_owned()).chain(p.field).collect(),
            message: p.message,
            code: UserErrorCode::CheckFailed,
        })
        .collect();
    if !errors.is_empty() {
        return Err(AppError::Rejected(errors));
    }
    let view = move_to(&mut tx, strategy, version, Adopted, note).await?;
    tx.commit().await?;
    Ok(view)
}

/// Publishes an adopted version (staff): from then on everybody reads it.
pub async fn publish(services: &Services, actor: Option<&Principal>, id: Uuid) -> AppResult<StrategyView> {
    let principal = policy::can_review(actor)?;
    let mut tx = services.write(Some(principal)).await?;
    let (strategy, version) = for_review(&tx, principal, id).await?;
    let view = move_to(&mut tx, strategy, version, Published, None).await?;
    tx.commit().await?;
    Ok(view)
}

/// Opens a new DRAFT version of an adopted or published strategy (its editors), with a copy of its content.
pub async fn amend(
    services: &Services,
    actor: Option<&Principal>,
    id: Uuid,
    note: Option<&str>,
) -> AppResult<StrategyView> {
    let principal = policy::can_write(actor)?;
    let note = note_of(note)?;
    let mut tx = services.write(Some(principal)).await?;
    let strategy = find_visible(&*tx, Some(principal), id).await?.strategy;
    policy::require_editor(&*tx, principal, strategy.region_id).await?;
    let current = load_version(&*tx, strategy.current_version_id).await?;
    if !matches!(current.status, Adopted | Published) {
        return Err(AppError::invalid_state(&["id"], "only an adopted or published strategy is amended"));
    }
    let stamp = stamp(&tx).await?;
    let version = strategy_version::ActiveModel {
        id: Set(Uuid::now_v7()),
        number: Set(current.number + 1),
        status: Set(Draft),
        revision: Set(1),
        created_by: Set(principal.id),
        created_at: Set(stamp),
        updated_at: Set(stamp),
        submitted_at: Set(None),
        adopted_at: Set(None),
        published_at: Set(None),
        ..current.clone().into()
    }
    .insert(&*tx)
    .await?;
    copy_content(&tx, current.id, version.id).await?;
    let mut active: strategy::ActiveModel = strategy.into();
    active.current_version_id = Set(version.id);
    active.status = Set(Draft);
    active.updated_at = Set(stamp);
    let strategy = active.update(&*tx).await?;
    record_move(&tx, &strategy, &version, Some(current.status), note).await?;
    let mut emitted = event(EventType::StrategyAmended, &strategy, &version);
    if let Some(payload) = emitted.payload.as_object_mut() {
        payload.insert("amendedVersion".to_owned(), Value::from(current.number));
    }
    tx.emit(emitted);
    tx.commit().await?;
    Ok(StrategyView { strategy, version, access: policy::Access::Full })
}

/// The workflow history of a strategy, oldest first: every version's moves, or only those of `versions`.
pub async fn history_of(
    db: &impl ConnectionTrait,
    strategy_id: Uuid,
    versions: &[Uuid],
) -> AppResult<Vec<strategy_move::Model>> {
    Ok(strategy_move::Entity::find()
        .filter(strategy_move::Column::StrategyId.eq(strategy_id))
        .filter(strategy_move::Column::VersionId.is_in(versions.iter().copied()))
        .order_by_asc(strategy_move::Column::OccurredAt)
        .order_by_asc(strategy_move::Column::Id)
        .all(db)
        .await?)
}

/// Problems the check answers for the view's version (for `checkStrategy`).
pub async fn problems(db: &impl ConnectionTrait, view: &StrategyView) -> AppResult<Vec<check::Problem>> {
    let content = content_of(db, &[view.version.id]).await?.remove(&view.version.id).unwrap_or_default();
    Ok(check::check(&view.version, &content))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workflow_allows_only_its_moves() {
        assert!(allowed(Draft, InReview));
        assert!(allowed(ChangesRequested, InReview));
        assert!(allowed(InReview, ChangesRequested));
        assert!(allowed(InReview, Adopted));
        assert!(allowed(Adopted, Published));
        assert!(!allowed(Draft, Adopted));
        assert!(!allowed(InReview, Published));
        assert!(!allowed(Published, Draft));
        assert!(!allowed(ChangesRequested, Adopted));
    }
}
