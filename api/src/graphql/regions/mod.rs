//! GraphQL of cross-border regions: the public list, and the edits of applicants (candidates) and staff.

mod listed;

use crate::auth::guard::SignedInUser;
use crate::domain::reference::CountryCode;
use crate::domain::regions::{self, RegionInput};
use crate::error::{AppResult, UserError};
use crate::graphql::connection::{ConnectionOf, connection, nodes_select, page_request};
use crate::graphql::context::ContextExt;
use crate::graphql::node::{GlobalId, NodeType};
use crate::graphql::partnerships::Partnership;
use crate::graphql::payload::into_payload;
use crate::graphql::programmes::InterregProgramme;
use crate::graphql::reference::{Country, NutsRegion};
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use entity::cross_border_region;
use listed::{ListedRegion, PageRows};
use std::sync::Arc;
use uuid::Uuid;

/// A cross-border region's standing in IMPACT. Selecting an application makes its region a PILOT; other changes
/// are made by staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "entity::cross_border_region::RegionStatus")]
pub enum RegionStatus {
    /// Proposed by a signed-in person (or entered by staff); not selected (yet).
    Candidate,
    /// Selected: a pilot region of IMPACT.
    Pilot,
    /// A former pilot region.
    Alumni,
}

#[derive(Clone)]
pub struct CrossBorderRegion(pub cross_border_region::Model);

impl CrossBorderRegion {
    async fn parts(&self, ctx: &Context<'_>) -> AppResult<regions::RegionParts> {
        Ok(ctx.loaders().region_parts.load_one(self.0.id).await?.unwrap_or_default())
    }
}

/// A territory spanning two or three countries (its sides). Pilot and alumni regions are public; a candidate is
/// visible to its creator, to the members of its partnerships' partners and to staff.
#[Object]
impl CrossBorderRegion {
    /// Globally unique, opaque identifier.
    pub async fn id(&self) -> ID {
        GlobalId::encode(NodeType::CrossBorderRegion, &self.0.id.to_string())
    }
    /// The region's name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// What the region is (free text; empty when not given).
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// Number of inhabitants; null when not given.
    async fn population(&self) -> Option<i64> {
        self.0.population
    }
    /// Area in km².
    async fn area_km2(&self) -> Option<f64> {
        self.0.area_km2
    }
    /// Candidate, pilot or alumni region.
    async fn status(&self) -> RegionStatus {
        self.0.status.into()
    }
    /// The sides of the border, by code.
    async fn countries(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Country>> {
        let codes = self.parts(ctx).await?.countries;
        let countries = &ctx.services().countries;
        Ok(codes.iter().filter_map(|c| countries.get(c).cloned().map(Country)).collect())
    }
    /// The NUTS 2024 regions the region covers, each in one of its sides (may be empty).
    async fn nuts_regions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<NutsRegion>> {
        let codes = self.parts(ctx).await?.nuts;
        let found = ctx.loaders().nuts_regions.load_many(codes.clone()).await?;
        Ok(codes.iter().filter_map(|c| found.get(c).cloned().map(NutsRegion)).collect())
    }
    /// The Interreg programmes covering the region (may be empty).
    async fn interreg_programmes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<InterregProgramme>> {
        let ids = self.parts(ctx).await?.programmes;
        let found = ctx.loaders().programmes.load_many(ids.clone()).await?;
        Ok(ids.iter().filter_map(|id| found.get(id).cloned().map(InterregProgramme)).collect())
    }
    /// The experts who accepted an assignment to this region (public: names, roles and expertise only).
    async fn experts(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<crate::graphql::experts::AssignedExpert>> {
        crate::graphql::experts::assigned_experts(ctx, self.0.id).await
    }
    /// The CLLD strategy of this region, in the version the caller may see (everybody: the published one).
    async fn strategy(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The language of the texts (ISO 639-1 code); texts not translated into it come in the main language. Null: the main language."
        )]
        language: Option<String>,
    ) -> async_graphql::Result<Option<crate::graphql::strategies::Strategy>> {
        let language = crate::graphql::strategies::language_arg(language)?;
        let view = ctx.loaders().region_strategies.load_one(self.0.id).await?;
        Ok(view.map(|view| crate::graphql::strategies::Strategy { view, language }))
    }
    /// The partnerships of this region the caller may see (everybody: those of pilot regions).
    async fn partnerships(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Partnership>> {
        let rows = ctx.loaders().region_partnerships.load_one(self.0.id).await?.unwrap_or_default();
        Ok(rows.into_iter().map(Partnership).collect())
    }
}

/// The fields of a cross-border region.
#[derive(InputObject)]
pub struct RegionFields {
    /// The name: required, at most 255 characters.
    pub name: String,
    /// What the region is (free text; may be empty).
    pub description: String,
    /// The sides: two or three distinct eligible countries, as ISO 3166-1 codes (`EL` is taken for Greece).
    pub countries: Vec<String>,
    /// NUTS codes, each in one of the sides.
    #[graphql(default)]
    pub nuts_regions: Vec<String>,
    /// Number of inhabitants, not negative; null: unknown.
    pub population: Option<i64>,
    /// Area in km², not negative; null: unknown.
    pub area_km2: Option<f64>,
    /// The Interreg programmes covering the region (`InterregProgramme` IDs); empty by default.
    #[graphql(default)]
    pub programme_ids: Vec<ID>,
    /// Staff only; applicants' regions are CANDIDATE. Null on an update keeps the current status.
    pub status: Option<RegionStatus>,
}

impl RegionFields {
    fn into_domain(self) -> AppResult<RegionInput> {
        let programmes = self
            .programme_ids
            .iter()
            .map(|id| GlobalId::decode_as(id, NodeType::InterregProgramme))
            .collect::<AppResult<Vec<_>>>()?;
        Ok(RegionInput {
            name: self.name,
            description: self.description,
            countries: self.countries,
            nuts_regions: self.nuts_regions,
            population: self.population,
            area_km2: self.area_km2,
            programmes,
            status: self.status.map(Into::into),
        })
    }
}

/// A new cross-border region.
#[derive(InputObject)]
pub struct CreateCrossBorderRegionInput {
    #[graphql(flatten)]
    pub fields: RegionFields,
}

/// New values for every field of a cross-border region (its sides, NUTS regions and programmes are replaced).
#[derive(InputObject)]
pub struct UpdateCrossBorderRegionInput {
    /// The region to correct.
    pub id: ID,
    #[graphql(flatten)]
    pub fields: RegionFields,
}

/// The result of a change to a cross-border region.
#[derive(SimpleObject)]
pub struct CrossBorderRegionPayload {
    /// The region after the change; null when `userErrors` is not empty.
    pub cross_border_region: Option<CrossBorderRegion>,
    /// Problems with the input; empty when the change was made.
    pub user_errors: Vec<UserError>,
}

pub fn region_uuid(id: &ID) -> AppResult<Uuid> {
    GlobalId::decode_as(id, NodeType::CrossBorderRegion)
}

#[derive(Default)]
pub struct RegionQuery;

#[Object]
impl RegionQuery {
    /// Cross-border regions by name, by status and by a country among their sides: pilot and alumni regions for
    /// everybody; candidates only for their creator, their partnerships' partners and staff.
    #[allow(clippy::too_many_arguments)]
    async fn cross_border_regions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only regions with this status.")] status: Option<RegionStatus>,
        #[graphql(
            desc = "Only regions with this country among their sides (ISO 3166-1 code; `EL` is taken for Greece)."
        )]
        country: Option<String>,
        #[graphql(desc = "Only regions covered by this Interreg programme.")] programme: Option<ID>,
        #[graphql(desc = "The first n items (after `after`): 0 to 100; 20 when neither `first` nor `last` is given.")]
        first: Option<i32>,
        #[graphql(desc = "Start after this cursor (an edge's `cursor` or `pageInfo.endCursor`).")] after: Option<
            String,
        >,
        #[graphql(desc = "The last n items (before `before`): 0 to 100; not together with `first`.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor (an edge's `cursor` or `pageInfo.startCursor`).")] before: Option<
            String,
        >,
    ) -> async_graphql::Result<ConnectionOf<ListedRegion>> {
        let page = page_request(ctx, first, after, last, before)?;
        let filter = regions::RegionFilter {
            status: status.map(Into::into),
            country: country.as_deref().map(CountryCode::parse).transpose()?,
            programme: programme.map(|id| GlobalId::decode_as(&id, NodeType::InterregProgramme)).transpose()?,
        };
        let db = &ctx.services().db;
        let countries = &ctx.services().countries;
        let (page, rows) = if nodes_select(ctx, &["partnerships", "partners"]) {
            let (page, partnerships) = regions::list_regions_with_partnerships(db, ctx.actor(), &filter, &page).await?;
            // Regions built from the rows need no DataLoaders; a selection that is not built reads them there.
            if listed::items_built(&ctx.item.node, &ctx.query_env.fragments, true) {
                (page, Some(Arc::new(PageRows::from(partnerships))))
            } else {
                ctx.loaders().feed_partnerships_of_regions(partnerships).await;
                (page, None)
            }
        } else {
            let page = regions::list_regions(db, ctx.actor(), &filter, &page).await?;
            if nodes_select(ctx, &["partnerships"]) {
                let ids: Vec<Uuid> = page.items.iter().map(|(_, r)| r.id).collect();
                ctx.loaders().prime_regions(db, ctx.actor(), &ids).await?;
            }
            (page, None)
        };
        Ok(connection(page, |region| ListedRegion::new(region, rows.clone(), countries.clone())))
    }
}

#[derive(Default)]
pub struct RegionMutation;

#[Object]
impl RegionMutation {
    /// Creates a region: a CANDIDATE for applicants, any status for staff.
    #[graphql(guard = "SignedInUser")]
    async fn create_cross_border_region(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The region's fields.")] input: CreateCrossBorderRegionInput,
    ) -> async_graphql::Result<CrossBorderRegionPayload> {
        let services = ctx.services();
        let principal = ctx.actor();
        let result = async { regions::create_region(services, principal, &input.fields.into_domain()?).await }.await;
        let (region, user_errors) = into_payload(result)?;
        Ok(CrossBorderRegionPayload { cross_border_region: region.map(CrossBorderRegion), user_errors })
    }

    /// Corrects a region: its creator while a candidate, staff always (only staff change the status).
    #[graphql(guard = "SignedInUser")]
    async fn update_cross_border_region(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The region and all its new values.")] input: UpdateCrossBorderRegionInput,
    ) -> async_graphql::Result<CrossBorderRegionPayload> {
        let services = ctx.services();
        let principal = ctx.actor();
        let id = region_uuid(&input.id)?;
        let result =
            async { regions::update_region(services, principal, id, &input.fields.into_domain()?).await }.await;
        let (region, user_errors) = into_payload(result)?;
        Ok(CrossBorderRegionPayload { cross_border_region: region.map(CrossBorderRegion), user_errors })
    }
}
