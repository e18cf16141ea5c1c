//! Interreg programmes 2021–2027: the reference list (loaded by a migration, completed by staff), its filters,
//! and the rules a staff edit must keep.

pub mod policy;

use crate::auth::Principal;
use crate::domain::Services;
use crate::domain::domain_events::{DomainEvent, EventType, Visibility};
use crate::domain::ids::NodeType;
use crate::domain::pagination::{Page, PageRequest, SortOrder, paginate};
use crate::domain::reference::CountryCode;
use crate::error::{AppError, AppResult, UserError, UserErrorCode};

use entity::interreg_programme::{self, InterregStrand};
use entity::interreg_programme_country;
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set, SqlErr,
};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// The EU's own country codes that differ from ISO 3166-1; programmes store the ISO code.
const EU_CODES: [(&str, &str); 2] = [("EL", "GR"), ("UK", "GB")];

/// Longest programme name accepted (the column's length).
const MAX_NAME_CHARS: usize = 255;

/// What every CCI code of an Interreg programme 2021–2027 starts with.
const CCI_PREFIX: &str = "2021TC16";

/// How many letters and digits follow the prefix (`2021TC16` `RFIR001`: fund, type, number).
const CCI_SUFFIX_LEN: usize = 7;

/// The ISO code under which a programme's country is stored and searched: `EL` finds Greece (GR), `UK` GB.
fn iso_code(code: &CountryCode) -> String {
    let code = code.as_str();
    EU_CODES.iter().find(|(eu, _)| *eu == code).map_or(code, |(_, iso)| iso).to_owned()
}

#[derive(Debug, Clone, Default)]
pub struct ProgrammeFilter {
    pub strand: Option<InterregStrand>,
    /// Only programmes covering this country.
    pub country: Option<CountryCode>,
}

/// Programmes ordered by name (then id), one keyset page at a time.
pub async fn list_programmes(
    db: &impl ConnectionTrait,
    filter: &ProgrammeFilter,
    page: &PageRequest,
) -> AppResult<Page<interreg_programme::Model>> {
    let mut select = interreg_programme::Entity::find();
    if let Some(strand) = filter.strand {
        select = select.filter(interreg_programme::Column::Strand.eq(strand));
    }
    if let Some(code) = &filter.country {
        // A subquery, not a join: each programme comes once, and the keyset stays on the programme's columns.
        select = select.filter(
            interreg_programme::Column::Id.in_subquery(
                Query::select()
                    .column(interreg_programme_country::Column::ProgrammeId)
                    .from(interreg_programme_country::Entity)
                    .and_where(interreg_programme_country::Column::CountryCode.eq(iso_code(code)))
                    .to_owned(),
            ),
        );
    }
    paginate(
        db,
        select,
        (interreg_programme::Column::Name, interreg_programme::Column::Id),
        |p| (p.name.clone(), p.id),
        SortOrder::Ascending,
        page,
    )
    .await
}

pub async fn programmes_by_id(db: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<Vec<interreg_programme::Model>> {
    Ok(interreg_programme::Entity::find()
        .filter(interreg_programme::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}

/// The ISO codes of the countries each programme covers, in code order, in one query however many programmes.
/// Every id asked for is in the map (with no codes when no such programme exists).
pub async fn countries_of_programmes(db: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<HashMap<Uuid, Vec<String>>> {
    let rows = interreg_programme_country::Entity::find()
        .filter(interreg_programme_country::Column::ProgrammeId.is_in(ids.iter().copied()))
        .order_by_asc(interreg_programme_country::Column::CountryCode)
        .all(db)
        .await?;
    let mut countries: HashMap<Uuid, Vec<String>> = ids.iter().map(|id| (*id, Vec::new())).collect();
    for row in rows {
        countries.entry(row.programme_id).or_default().push(row.country_code);
    }
    Ok(countries)
}

/// The cross-border (strand A) programmes that cover every one of `countries`: the programmes a region on
/// these borders belongs to.
pub async fn covering(db: &impl ConnectionTrait, countries: &[String]) -> AppResult<Vec<Uuid>> {
    let strand_a: Vec<Uuid> = interreg_programme::Entity::find()
        .filter(interreg_programme::Column::Strand.eq(InterregStrand::A))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    let covered = countries_of_programmes(db, &strand_a).await?;
    let mut ids: Vec<Uuid> = strand_a
        .into_iter()
        .filter(|id| covered.get(id).is_some_and(|codes| countries.iter().all(|c| codes.contains(c))))
        .collect();
    ids.sort_unstable();
    Ok(ids)
}

/// What staff enter to add or correct a programme; `update_programme` replaces every field with these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammeInput {
    /// `2021TC16` followed by seven letters and digits (e.g. `2021TC16RFIR001`); blank or absent until confirmed.
    pub cci: Option<String>,
    pub name: String,
    pub strand: InterregStrand,
    /// ISO 3166-1 alpha-2 codes; the EU's `EL` and `UK` are taken for GR and GB.
    pub countries: Vec<String>,
}

/// An input that keeps every rule except, perhaps, uniqueness.
struct CheckedInput {
    cci: Option<String>,
    name: String,
    strand: InterregStrand,
    countries: Vec<String>,
}

/// Adds a programme (staff). Broken rules come back together as `AppError::Rejected`.
pub async fn create_programme(
    services: &Services,
    actor: Option<&Principal>,
    input: &ProgrammeInput,
) -> AppResult<interreg_programme::Model> {
    policy::can_manage(actor)?;
    let mut tx = services.write(actor).await?;
    let input = check(&*tx, input, None).await?;
    let now = tx.now();
    let programme = interreg_programme::ActiveModel {
        id: Set(Uuid::new_v4()),
        cci: Set(input.cci),
        name: Set(input.name),
        strand: Set(input.strand),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&*tx)
    .await
    .map_err(taken)?;
    replace_countries(&*tx, programme.id, &input.countries).await?;
    tx.emit(programme_event(EventType::ProgrammeCreated, &programme, &input.countries));
    tx.commit().await?;
    Ok(programme)
}

/// Corrects a programme (staff): every field is replaced by the input's. A missing programme is a
/// `NOT_FOUND` user error on `id`.
pub async fn update_programme(
    services: &Services,
    actor: Option<&Principal>,
    id: Uuid,
    input: &ProgrammeInput,
) -> AppResult<interreg_programme::Model> {
    policy::can_manage(actor)?;
    let mut tx = services.write(actor).await?;
    let existing = interreg_programme::Entity::find_by_id(id)
        .one(&*tx)
        .await?
        .ok_or_else(|| AppError::not_found(&["id"], "Interreg programme"))?;
    let input = check(&*tx, input, Some(id)).await?;
    let mut programme: interreg_programme::ActiveModel = existing.into();
    programme.cci = Set(input.cci);
    programme.name = Set(input.name);
    programme.strand = Set(input.strand);
    programme.updated_at = Set(tx.now());
    let programme = programme.update(&*tx).await.map_err(taken)?;
    replace_countries(&*tx, id, &input.countries).await?;
    tx.emit(programme_event(EventType::ProgrammeUpdated, &programme, &input.countries));
    tx.commit().await?;
    Ok(programme)
}

/// A public event about a programme: its CCI, strand and countries (reference data, nothing personal).
fn programme_event(event_type: EventType, programme: &interreg_programme::Model, countries: &[String]) -> DomainEvent {
    DomainEvent::new(event_type, NodeType::InterregProgramme, programme.id)
        .visibility(Visibility::Public)
        .payload(json!({ "cci": programme.cci, "strand": programme.strand.to_value(), "countries": countries }))
}

async fn replace_countries(db: &impl ConnectionTrait, id: Uuid, countries: &[String]) -> AppResult<()> {
    interreg_programme_country::Entity::delete_many()
        .filter(interreg_programme_country::Column::ProgrammeId.eq(id))
        .exec(db)
        .await?;
    interreg_programme_country::Entity::insert_many(countries.iter().map(|code| {
        interreg_programme_country::ActiveModel { programme_id: Set(id), country_code: Set(code.clone()) }
    }))
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Checks every rule and reports all the broken ones at once; `except` is the programme being corrected, which
/// may keep its own name and CCI.
async fn check(db: &impl ConnectionTrait, input: &ProgrammeInput, except: Option<Uuid>) -> AppResult<CheckedInput> {
    let mut errors = Vec::new();

    let name = input.name.trim().to_owned();
    if name.is_empty() {
        errors.push(UserError::new(&["name"], UserErrorCode::Required, "Enter the programme's name."));
    } else if name.chars().count() > MAX_NAME_CHARS {
        errors.push(UserError::new(
            &["name"],
            UserErrorCode::Invalid,
            format!("The name may have at most {MAX_NAME_CHARS} characters."),
        ));
    } else if taken_by_another(db, interreg_programme::Column::Name, &name, except).await? {
        errors.push(UserError::new(
            &["name"],
            UserErrorCode::Taken,
            format!("A programme named “{name}” already exists."),
        ));
    }

    let cci = input.cci.as_deref().map(|c| c.trim().to_ascii_uppercase()).filter(|c| !c.is_empty());
    if let Some(cci) = &cci {
        if !is_cci(cci) {
            errors.push(UserError::new(
                &["cci"],
                UserErrorCode::Invalid,
                format!("`{cci}` is not a CCI code of 2021–2027: {CCI_PREFIX} and {CCI_SUFFIX_LEN} letters or digits."),
            ));
        } else if taken_by_another(db, interreg_programme::Column::Cci, cci, except).await? {
            errors.push(UserError::new(
                &["cci"],
                UserErrorCode::Taken,
                format!("Another programme has the CCI code {cci}."),
            ));
        }
    }

    let mut countries: Vec<String> = Vec::new();
    for (index, raw) in input.countries.iter().enumerate() {
        match CountryCode::parse(raw) {
            Ok(code) => {
                let code = iso_code(&code);
                if !countries.contains(&code) {
                    countries.push(code);
                }
            }
            Err(_) => errors.push(UserError {
                field: vec!["countries".to_owned(), index.to_string()],
                message: format!("`{raw}` is not a country code (two letters, ISO 3166-1 alpha-2)."),
                code: UserErrorCode::Invalid,
            }),
        }
    }
    if input.countries.is_empty() {
        errors.push(UserError::new(
            &["countries"],
            UserErrorCode::Required,
            "Name at least one country the programme covers.",
        ));
    }

    if !errors.is_empty() {
        return Err(AppError::Rejected(errors));
    }
    Ok(CheckedInput { cci, name, strand: input.strand, countries })
}

fn is_cci(cci: &str) -> bool {
    cci.strip_prefix(CCI_PREFIX)
        .is_some_and(|rest| rest.len() == CCI_SUFFIX_LEN && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
}

async fn taken_by_another(
    db: &impl ConnectionTrait,
    column: interreg_programme::Column,
    value: &str,
    except: Option<Uuid>,
) -> AppResult<bool> {
    let mut select = interreg_programme::Entity::find().filter(column.eq(value));
    if let Some(id) = except {
        select = select.filter(interreg_programme::Column::Id.ne(id));
    }
    Ok(select.count(db).await? > 0)
}

/// A concurrent edit can still take the name or CCI between the check and the write: the unique index then
/// refuses it, and the user sees the same error as from the check.
fn taken(error: DbErr) -> AppError {
    match error.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(message)) => {
            let field = if message.contains("cci") { "cci" } else { "name" };
            AppError::rejected(&[field], UserErrorCode::Taken, format!("Another programme has this {field}."))
        }
        _ => AppError::Database(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{Role, SubjectKind};
    use crate::config::Config;
    use chrono::{DateTime, TimeZone, Utc};
    use sea_orm::DatabaseConnection;
    use std::sync::Arc;

    /// The services of a server on a fresh database, with the clock set to 09:00 (see `at`).
    async fn services() -> (Services, crate::clock::ManualClock) {
        let dir = std::env::temp_dir().join(format!("impact-programmes-{}", Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut config = Config::for_database(format!("sqlite://{}?mode=rwc", dir.join("db.sqlite").display()));
        config.mail.mail_dir = dir.join("mail");
        let db = crate::db::connect(&config).await.unwrap();
        crate::db::migrate(&db).await.unwrap();
        let clock = crate::clock::ManualClock::new(at(9));
        let services = crate::app::start_services(db, Arc::new(config), Arc::new(clock.clone())).await.unwrap();
        (services, clock)
    }

    fn staff() -> Principal {
        Principal {
            id: Uuid::new_v4(),
            kind: SubjectKind::User,
            roles: vec![Role::Staff],
            programmes: vec![],
            session: None,
        }
    }

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, hour, 0, 0).unwrap()
    }

    fn input(name: &str, countries: &[&str]) -> ProgrammeInput {
        ProgrammeInput {
            cci: None,
            name: name.to_owned(),
            strand: InterregStrand::Ipa,
            countries: countries.iter().map(|c| (*c).to_owned()).collect(),
        }
    }

    /// The (field, code) of each user error, or a panic when the call did not reject the input.
    fn rejections<T: std::fmt::Debug>(result: AppResult<T>) -> Vec<(String, UserErrorCode)> {
        match result {
            Err(AppError::Rejected(errors)) => errors.into_iter().map(|e| (e.field.join("."), e.code)).collect(),
            other => panic!("expected user errors, got {other:?}"),
        }
    }

    async fn countries_of(db: &DatabaseConnection, id: Uuid) -> Vec<String> {
        countries_of_programmes(db, &[id]).await.unwrap().remove(&id).unwrap()
    }

    #[test]
    fn cci_codes_of_2021_2027() {
        assert!(is_cci("2021TC16RFIR001"));
        assert!(is_cci("2021TC16IPCB007"));
        assert!(!is_cci("2021TC16RFIR01"));
        assert!(!is_cci("2014TC16RFCB001"));
        assert!(!is_cci("2021TC16RF-R001"));
    }

    #[tokio::test]
    async fn a_new_programme_is_stored_normalised() {
        let (services, _clock) = services().await;
        let (db, staff) = (services.db.clone(), staff());
        let mut new = input("  Interreg VI-A IPA Greece-Albania ", &["el", "AL", "GR"]);
        new.cci = Some(" 2021tc16ipcb099 ".to_owned());
        let created = create_programme(&services, Some(&staff), &new).await.unwrap();
        assert_eq!(created.name, "Interreg VI-A IPA Greece-Albania");
        assert_eq!(created.cci.as_deref(), Some("2021TC16IPCB099"));
        assert_eq!(created.strand, InterregStrand::Ipa);
        assert_eq!((created.created_at, created.updated_at), (at(9), at(9)));
        assert_eq!(countries_of(&db, created.id).await, ["AL", "GR"]);

        let albanian = ProgrammeFilter { strand: Some(InterregStrand::Ipa), country: CountryCode::parse("AL").ok() };
        let page = list_programmes(&db, &albanian, &PageRequest::new(Some(100), None, None, None).unwrap()).await;
        assert!(page.unwrap().items.iter().any(|(_, p)| p.id == created.id));
    }

    #[tokio::test]
    async fn broken_rules_are_reported_together() {
        let (services, _clock) = services().await;
        let staff = staff();
        let mut new = input("  ", &["FR", "France", "D1"]);
        new.cci = Some("2021TC16RFIR01".to_owned());
        assert_eq!(
            rejections(create_programme(&services, Some(&staff), &new).await),
            [
                ("name".to_owned(), UserErrorCode::Required),
                ("cci".to_owned(), UserErrorCode::Invalid),
                ("countries.1".to_owned(), UserErrorCode::Invalid),
                ("countries.2".to_owned(), UserErrorCode::Invalid),
            ]
        );
        let no_country = input("Interreg VI-A IPA Hungary-Serbia", &[]);
        assert_eq!(
            rejections(create_programme(&services, Some(&staff), &no_country).await),
            [("countries".to_owned(), UserErrorCode::Required)]
        );
        let long = input(&"x".repeat(MAX_NAME_CHARS + 1), &["FR"]);
        assert_eq!(
            rejections(create_programme(&services, Some(&staff), &long).await),
            [("name".to_owned(), UserErrorCode::Invalid)]
        );
    }

    #[tokio::test]
    async fn names_and_cci_codes_are_unique() {
        let (services, _clock) = services().await;
        let staff = staff();
        // Both belong to Interreg Europe, loaded from the reference file.
        let mut copy = input("Interreg Europe", &["FR"]);
        copy.cci = Some("2021TC16RFIR001".to_owned());
        assert_eq!(
            rejections(create_programme(&services, Some(&staff), &copy).await),
            [("name".to_owned(), UserErrorCode::Taken), ("cci".to_owned(), UserErrorCode::Taken)]
        );
        // Absent CCIs never clash with each other.
        create_programme(&services, Some(&staff), &input("Interreg VI-A IPA Romania-Serbia", &["RO", "RS"]))
            .await
            .unwrap();
        create_programme(&services, Some(&staff), &input("Interreg VI-A IPA Hungary-Serbia", &["HU", "RS"]))
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn a_clash_the_check_missed_is_still_a_user_error() {
        let (services, _clock) = services().await;
        let db = services.db.clone();
        // As if another request had taken the name (then the CCI) after this one's check.
        let write = |name: &str, cci: Option<&str>| interreg_programme::ActiveModel {
            id: Set(Uuid::new_v4()),
            cci: Set(cci.map(str::to_owned)),
            name: Set(name.to_owned()),
            strand: Set(InterregStrand::C),
            created_at: Set(at(9)),
            updated_at: Set(at(9)),
        };
        let by_name = write("Interreg Europe", None).insert(&db).await.map_err(taken);
        assert_eq!(rejections(by_name), [("name".to_owned(), UserErrorCode::Taken)]);
        let by_cci = write("Interreg Europe 2", Some("2021TC16RFIR001")).insert(&db).await.map_err(taken);
        assert_eq!(rejections(by_cci), [("cci".to_owned(), UserErrorCode::Taken)]);
    }

    #[tokio::test]
    async fn a_correction_replaces_every_field() {
        let (services, clock) = services().await;
        let (db, staff) = (services.db.clone(), staff());
        let created =
            create_programme(&services, Some(&staff), &input("Interreg VI-A IPA Greece-N. Macedonia", &["GR"])).await;
        let created = created.unwrap();

        let mut fixed = input("Interreg VI-A IPA Greece-North Macedonia", &["MK", "EL"]);
        fixed.cci = Some("2021TC16IPCB001".to_owned());
        let updated = {
            clock.set(at(11));
            update_programme(&services, Some(&staff), created.id, &fixed)
        }
        .await
        .unwrap();
        assert_eq!(updated.id, created.id);
        assert_eq!(updated.name, "Interreg VI-A IPA Greece-North Macedonia");
        assert_eq!(updated.cci.as_deref(), Some("2021TC16IPCB001"));
        assert_eq!((updated.created_at, updated.updated_at), (at(9), at(11)));
        assert_eq!(countries_of(&db, created.id).await, ["GR", "MK"]);

        // Keeping its own name and CCI is no clash; taking another programme's name is.
        {
            clock.set(at(12));
            update_programme(&services, Some(&staff), created.id, &fixed)
        }
        .await
        .unwrap();
        let clash = input("Interreg Europe", &["GR"]);
        assert_eq!(
            rejections(
                {
                    clock.set(at(12));
                    update_programme(&services, Some(&staff), created.id, &clash)
                }
                .await
            ),
            [("name".to_owned(), UserErrorCode::Taken)]
        );
        assert!(matches!(
            {
                clock.set(at(12));
                update_programme(&services, Some(&staff), Uuid::new_v4(), &fixed)
            }
            .await,
            Err(AppError::Rejected(_))
        ));
    }
}
