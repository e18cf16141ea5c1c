//! GraphQL types and queries of the reference data: countries and NUTS regions (public).

use crate::domain::reference::{self, CountryCode, CountryFilter as DomainCountryFilter, NutsFilter};
use crate::graphql::connection::{ConnectionOf, connection, page_request};
use crate::graphql::context::ContextExt;
use crate::graphql::node::{GlobalId, NodeType};
use async_graphql::{Context, Enum, ID, InputObject, Object};
use entity::{country, nuts_region};

/// Why a country takes part in the programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "entity::country::CountryStatus")]
pub enum CountryStatus {
    /// One of the 27 EU member states.
    Eu,
    /// An EFTA member (Liechtenstein, Norway, Switzerland).
    Efta,
    /// Associated without EFTA membership (Andorra).
    Associated,
    /// An IPA (pre-accession) country.
    Ipa,
    /// A NEXT (neighbourhood) country.
    Next,
}

#[derive(Clone)]
pub struct Country(pub country::Model);

/// A country eligible for IMPACT (the 27 EU member states, EFTA, Andorra, IPA and NEXT countries). Public
/// reference data.
#[Object]
impl Country {
    /// Globally unique, opaque identifier.
    pub async fn id(&self) -> ID {
        GlobalId::encode(NodeType::Country, &self.0.code)
    }
    /// ISO 3166-1 alpha-2 code (XK for Kosovo).
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Eurostat/NUTS country code; differs from `code` only for Greece (EL).
    async fn nuts_code(&self) -> &str {
        &self.0.nuts_code
    }
    /// English short name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Why the country takes part.
    async fn status(&self) -> CountryStatus {
        self.0.status.into()
    }
    /// Whether organisations from this country may take part.
    async fn eligible(&self) -> bool {
        self.0.eligible
    }
    /// The official languages at state level, as ISO 639-1 codes (sources: the EU's list of official languages
    /// by member state and each other state's constitution or language law; regional languages not included).
    async fn official_languages(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<String>> {
        Ok(ctx.loaders().country_languages.load_one(self.0.code.clone()).await?.unwrap_or_default())
    }
}

#[derive(Clone)]
pub struct NutsRegion(pub nuts_region::Model);

/// A NUTS 2024 region (or, outside the EU, a statistical region of the same data set). Public reference data.
#[Object]
impl NutsRegion {
    /// Globally unique, opaque identifier.
    pub async fn id(&self) -> ID {
        GlobalId::encode(NodeType::NutsRegion, &self.0.code)
    }
    /// NUTS code, e.g. `AT11`.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// 1, 2 or 3.
    async fn level(&self) -> i16 {
        self.0.level
    }
    /// Name in the national language, as Eurostat publishes it.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The NUTS country code (EL for Greece).
    async fn nuts_country_code(&self) -> &str {
        &self.0.nuts_country
    }
    /// The eligible country the region lies in; null for regions of non-eligible countries (e.g. Iceland).
    async fn country(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Country>> {
        let code = if self.0.nuts_country == "EL" { "GR" } else { self.0.nuts_country.as_str() };
        Ok(ctx.services().countries.get(code).cloned().map(Country))
    }
    /// The region one level up; null at level 1.
    async fn parent(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<NutsRegion>> {
        let Some(parent) = &self.0.parent_code else { return Ok(None) };
        Ok(ctx.loaders().nuts_regions.load_one(parent.clone()).await?.map(NutsRegion))
    }
}

/// Which countries to list; absent fields do not filter.
#[derive(InputObject, Default)]
pub struct CountryFilter {
    /// Only countries with one of these statuses.
    pub status: Option<Vec<CountryStatus>>,
    /// Only countries whose organisations may (true) or may not (false) take part; today every listed country
    /// is eligible.
    pub eligible: Option<bool>,
}

#[derive(Default)]
pub struct ReferenceQuery;

#[Object]
impl ReferenceQuery {
    /// The countries of the programme, by name. A short, fixed list: not paginated.
    async fn countries(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which countries; all when absent.")] filter: Option<CountryFilter>,
    ) -> async_graphql::Result<Vec<Country>> {
        let filter = filter.unwrap_or_default();
        let filter = DomainCountryFilter {
            statuses: filter.status.map(|s| s.into_iter().map(Into::into).collect()),
            eligible: filter.eligible,
        };
        Ok(ctx.services().countries.list(&filter).into_iter().map(Country).collect())
    }

    /// A country by ISO code (`GR`); the NUTS code (`EL`) is accepted too.
    async fn country(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "ISO 3166-1 alpha-2 code, any case (`GR`, or `EL`; `XK` for Kosovo).")] code: String,
    ) -> async_graphql::Result<Option<Country>> {
        let code = CountryCode::parse(&code)?;
        Ok(ctx.services().countries.find(&code).cloned().map(Country))
    }

    /// NUTS regions by code. `country` takes the ISO code (GR finds the EL regions); `search` matches a code
    /// prefix or part of the name.
    #[allow(clippy::too_many_arguments)]
    async fn nuts_regions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only regions of this country: an ISO 3166-1 alpha-2 code (`GR` or `EL` for Greece).")]
        country: Option<String>,
        #[graphql(desc = "Only regions of this NUTS level: 1, 2 or 3.")] level: Option<i16>,
        #[graphql(desc = "Only the regions one level below this NUTS code, e.g. `AT1`.")] parent: Option<String>,
        #[graphql(desc = "A code prefix (`AT1`) or part of the name, in any case.")] search: Option<String>,
        #[graphql(desc = "Page forward: at most this many items (default 20, at most 100); not together with `last`.")]
        first: Option<i32>,
        #[graphql(
            desc = "Cursor of the item after which the page starts (`pageInfo.endCursor` of the previous page)."
        )]
        after: Option<String>,
        #[graphql(
            desc = "Page backward: at most this many items, the last ones before `before` (at most 100); not together with `first`."
        )]
        last: Option<i32>,
        #[graphql(desc = "Cursor of the item before which the page ends (`pageInfo.startCursor` of the next page).")]
        before: Option<String>,
    ) -> async_graphql::Result<ConnectionOf<NutsRegion>> {
        let page = page_request(ctx, first, after, last, before)?;
        let filter =
            NutsFilter { country: country.as_deref().map(CountryCode::parse).transpose()?, level, parent, search };
        let db = &ctx.services().db;
        Ok(connection(reference::nuts_regions(db, &filter, &page).await?, NutsRegion))
    }
}
