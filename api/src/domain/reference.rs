//! Reference data: the eligible countries and the NUTS 2024 regions (read-only, loaded by migrations).

use crate::domain::pagination::{Page, PageRequest, SortOrder, paginate};
use crate::domain::values::{SearchTerm, like_contains, like_prefix};
use crate::error::{AppError, AppResult};
use entity::country::{self, CountryStatus};
use entity::nuts_region;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;
use std::sync::Arc;

/// An ISO 3166-1 alpha-2 country code (XK for Kosovo), upper-case. NUTS's `EL` is accepted for Greece.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CountryCode(String);

impl CountryCode {
    pub fn parse(input: &str) -> AppResult<Self> {
        let code = input.trim().to_ascii_uppercase();
        if code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(Self(code))
        } else {
            Err(AppError::BadUserInput(format!("`{input}` is not a country code (two letters, ISO 3166-1 alpha-2)")))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, Default)]
pub struct CountryFilter {
    pub statuses: Option<Vec<CountryStatus>>,
    pub eligible: Option<bool>,
}

/// The programme's countries, read once when the server starts. Only migrations write them, so every read of
/// a running server (the country lists, the relations to countries, node lookups) is answered from memory
/// without a statement; a release that changes them comes with a migration, and so with a restart. The write
/// path validates codes against the database, inside its transaction (`find_country`).
#[derive(Debug, Clone)]
pub struct Countries(Arc<HashMap<String, country::Model>>);

impl Countries {
    pub async fn load(db: &impl ConnectionTrait) -> AppResult<Self> {
        let rows = country::Entity::find().all(db).await?;
        Ok(Self(Arc::new(rows.into_iter().map(|c| (c.code.clone(), c)).collect())))
    }

    /// The country with this ISO code (`GR`, not `EL`).
    pub fn get(&self, code: &str) -> Option<&country::Model> {
        self.0.get(code)
    }

    /// The country with this ISO code, or with this NUTS code (so `EL` finds Greece).
    pub fn find(&self, code: &CountryCode) -> Option<&country::Model> {
        self.get(code.as_str()).or_else(|| self.0.values().find(|c| c.nuts_code == code.as_str()))
    }

    /// The countries `filter` lets through, by name.
    pub fn list(&self, filter: &CountryFilter) -> Vec<country::Model> {
        let mut found: Vec<country::Model> = self
            .0
            .values()
            .filter(|c| filter.statuses.as_ref().is_none_or(|statuses| statuses.contains(&c.status)))
            .filter(|c| filter.eligible.is_none_or(|eligible| c.eligible == eligible))
            .cloned()
            .collect();
        found.sort_by(|a, b| a.name.cmp(&b.name));
        found
    }
}

/// The country with this ISO code, or with this NUTS code (so `EL` finds Greece).
pub async fn find_country(db: &impl ConnectionTrait, code: &CountryCode) -> AppResult<Option<country::Model>> {
    Ok(country::Entity::find()
        .filter(
            Condition::any()
                .add(country::Column::Code.eq(code.as_str()))
                .add(country::Column::NutsCode.eq(code.as_str())),
        )
        .one(db)
        .await?)
}

#[derive(Debug, Clone, Default)]
pub struct NutsFilter {
    pub country: Option<CountryCode>,
    pub level: Option<i16>,
    pub parent: Option<String>,
    pub search: Option<String>,
}

/// NUTS regions ordered by code. `country` takes the ISO code and is translated to the NUTS code (GR → EL);
/// `search` matches a code prefix or any part of the name, ignoring case in every script.
pub async fn nuts_regions(
    db: &impl ConnectionTrait,
    filter: &NutsFilter,
    page: &PageRequest,
) -> AppResult<Page<nuts_region::Model>> {
    let mut select = nuts_region::Entity::find();
    if let Some(code) = &filter.country {
        let nuts_country = match find_country(db, code).await? {
            Some(country) => country.nuts_code,
            // Not an eligible country, but NUTS may still know it (e.g. IS).
            None => code.as_str().to_owned(),
        };
        select = select.filter(nuts_region::Column::NutsCountry.eq(nuts_country));
    }
    if let Some(level) = filter.level {
        if !(1..=3).contains(&level) {
            return Err(AppError::BadUserInput(format!("`level` is {level}; NUTS levels are 1, 2 and 3")));
        }
        select = select.filter(nuts_region::Column::Level.eq(level));
    }
    if let Some(parent) = &filter.parent {
        select = select.filter(nuts_region::Column::ParentCode.eq(parent.trim().to_ascii_uppercase()));
    }
    if let Some(search) = SearchTerm::parse("search", filter.search.as_deref())? {
        select = select.filter(
            Condition::any()
                .add(nuts_region::Column::Code.like(like_prefix(&search.as_str().to_ascii_uppercase())))
                .add(nuts_region::Column::NameSearch.like(like_contains(&search.as_str().to_lowercase()))),
        );
    }
    paginate(db, select, nuts_region::Column::Code, |r| r.code.clone(), SortOrder::Ascending, page).await
}

pub async fn nuts_regions_by_code(db: &impl ConnectionTrait, codes: &[String]) -> AppResult<Vec<nuts_region::Model>> {
    Ok(nuts_region::Entity::find().filter(nuts_region::Column::Code.is_in(codes.iter().cloned())).all(db).await?)
}

/// The official languages (ISO 639-1) of countries, by ISO country code.
pub async fn official_languages(
    db: &impl ConnectionTrait,
    codes: &[String],
) -> AppResult<std::collections::HashMap<String, Vec<String>>> {
    let mut map: std::collections::HashMap<String, Vec<String>> =
        codes.iter().map(|c| (c.clone(), Vec::new())).collect();
    for row in entity::country_language::Entity::find()
        .filter(entity::country_language::Column::CountryCode.is_in(codes.iter().cloned()))
        .order_by_asc(entity::country_language::Column::LanguageCode)
        .all(db)
        .await?
    {
        map.entry(row.country_code).or_default().push(row.language_code);
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::CountryCode;

    #[test]
    fn country_codes_are_two_letters() {
        assert_eq!(CountryCode::parse(" at ").map(|c| c.as_str().to_owned()).ok(), Some("AT".to_owned()));
        assert!(CountryCode::parse("AUT").is_err());
        assert!(CountryCode::parse("A1").is_err());
        assert!(CountryCode::parse("").is_err());
    }
}
