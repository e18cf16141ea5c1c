//! Checks of places shared by organisations, regions and partnerships: eligible countries and NUTS regions.

use crate::domain::reference::{CountryCode, find_country};
use crate::error::{AppResult, UserError, UserErrorCode};
use entity::{country, nuts_region};
use sea_orm::{ConnectionTrait, EntityTrait};

fn error(field: &[&str], code: UserErrorCode, message: String) -> UserError {
    UserError::new(field, code, message)
}

/// The eligible country named by `raw` (ISO, or NUTS's EL); a user error otherwise.
pub async fn eligible_country(
    db: &impl ConnectionTrait,
    field: &[&str],
    raw: &str,
) -> AppResult<Result<country::Model, UserError>> {
    let Ok(code) = CountryCode::parse(raw) else {
        return Ok(Err(error(field, UserErrorCode::Invalid, format!("`{raw}` is not a country code"))));
    };
    Ok(match find_country(db, &code).await? {
        Some(country) if country.eligible => Ok(country),
        _ => Err(error(
            field,
            UserErrorCode::NotEligible,
            format!("{} is not a country eligible for IMPACT", code.as_str()),
        )),
    })
}

/// The NUTS code `raw`, if such a region exists in `country`.
pub async fn nuts_in_country(
    db: &impl ConnectionTrait,
    field: &[&str],
    raw: &str,
    country: &country::Model,
) -> AppResult<Result<String, UserError>> {
    let code = raw.trim().to_ascii_uppercase();
    Ok(match nuts_region::Entity::find_by_id(code.clone()).one(db).await? {
        Some(region) if region.nuts_country == country.nuts_code => Ok(code),
        Some(_) => Err(error(field, UserErrorCode::Invalid, format!("{code} does not lie in {}", country.name))),
        None => Err(error(field, UserErrorCode::NotFound, format!("there is no NUTS region {code}"))),
    })
}
