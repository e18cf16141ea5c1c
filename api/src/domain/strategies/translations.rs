//! Translations of a strategy version's texts (and of its objectives' and actions' titles and descriptions) into
//! other languages; readers ask for a language and fall back to the main language text by text.

use super::content::StrategyContent;
use super::{StrategyView, open_draft, optional_text, policy, touch};
use crate::auth::Principal;
use crate::domain::Services;
use crate::domain::domain_events::EventType;
use crate::domain::values::LanguageCode;
use crate::error::{AppError, AppResult, UserError, UserErrorCode};
use entity::{strategy_action, strategy_objective, strategy_translation};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

/// The texts that have translations: of the version, and of its objectives and actions.
pub const VERSION_FIELDS: &[&str] =
    &["title", "areaDescription", "communityInvolvement", "needsAnalysis", "management", "monitoring"];
pub const ITEM_FIELDS: &[&str] = &["title", "description"];

/// The text of `field` of `subject` in `language`, if translated.
pub fn translated<'a>(
    content: &'a StrategyContent,
    subject: Uuid,
    language: Option<&str>,
    field: &str,
) -> Option<&'a str> {
    let language = language?;
    content
        .translations
        .iter()
        .find(|t| t.subject_id == subject && t.language == language && t.field == field)
        .map(|t| t.text.as_str())
}

/// The languages of a version: its main language, then those it has translations in.
pub fn languages(main: &str, content: &StrategyContent) -> Vec<String> {
    let mut all = vec![main.to_owned()];
    for t in &content.translations {
        if !all.contains(&t.language) {
            all.push(t.language.clone());
        }
    }
    all[1..].sort();
    all
}

/// Sets (or, with a blank text, removes) translations of texts of the draft into `language`. `subject` is the
/// version itself (`None`) or one of its objectives or actions. Translations are additions beside the main
/// texts, so they carry no revision: the last one written wins.
pub async fn set_translations(
    services: &Services,
    actor: Option<&Principal>,
    strategy_id: Uuid,
    subject: Option<Uuid>,
    language: &str,
    texts: &[(String, Option<String>)],
) -> AppResult<StrategyView> {
    let principal = policy::can_write(actor)?;
    let language = LanguageCode::parse("language", language).map_err(|e| AppError::Rejected(vec![e]))?.into_string();
    let mut errors = Vec::new();
    let mut checked = Vec::new();
    let allowed = if subject.is_some() { ITEM_FIELDS } else { VERSION_FIELDS };
    for (index, (field, text)) in texts.iter().enumerate() {
        let at = index.to_string();
        if !allowed.contains(&field.as_str()) {
            errors.push(UserError::new(
                &["texts", &at, "field"],
                UserErrorCode::Invalid,
                format!("`{field}` has no translation"),
            ));
            continue;
        }
        match optional_text(&["texts", &at, "text"], text, super::MAX_TEXT) {
            Ok(text) => checked.push((field.clone(), text)),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Rejected(errors));
    }
    let mut tx = services.write(Some(principal)).await?;
    let (strategy, version) = open_draft(&tx, principal, strategy_id, "strategyId").await?;
    if language == version.main_language {
        return Err(AppError::rejected(
            &["language"],
            UserErrorCode::Invalid,
            "this is the main language: edit the texts themselves",
        ));
    }
    let subject_id = match subject {
        None => version.id,
        Some(id) => {
            let objective = strategy_objective::Entity::find_by_id(id)
                .filter(strategy_objective::Column::VersionId.eq(version.id))
                .one(&*tx)
                .await?;
            let action = strategy_action::Entity::find_by_id(id)
                .filter(strategy_action::Column::VersionId.eq(version.id))
                .one(&*tx)
                .await?;
            if objective.is_none() && action.is_none() {
                return Err(AppError::not_found(&["subjectId"], "objective or action"));
            }
            id
        }
    };
    for (field, text) in &checked {
        strategy_translation::Entity::delete_many()
            .filter(strategy_translation::Column::VersionId.eq(version.id))
            .filter(strategy_translation::Column::SubjectId.eq(subject_id))
            .filter(strategy_translation::Column::Language.eq(language.clone()))
            .filter(strategy_translation::Column::Field.eq(field.clone()))
            .exec(&*tx)
            .await?;
        if let Some(text) = text {
            strategy_translation::ActiveModel {
                version_id: Set(version.id),
                subject_id: Set(subject_id),
                language: Set(language.clone()),
                field: Set(field.clone()),
                text: Set(text.clone()),
            }
            .insert(&*tx)
            .await?;
        }
    }
    let details =
        json!({ "part": "translation", "change": "set", "language": language, "itemId": subject_id.to_string() });
    let view = touch(&mut tx, strategy, version, EventType::StrategyContentChanged, details).await?;
    tx.commit().await?;
    Ok(view)
}
