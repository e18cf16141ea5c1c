//! GraphQL of cross-border regions: the public list, and the edits of applicants (candidates) and staff.

use crate::auth::guard::SignedInUser;
use crate::domain::reference::CountryCode;
use crate::domain::regions::{self, RegionInput};
use crate::error::{AppResult, UserError};
use crate::graphql::connection::{ConnectionOf, connection, page_request};
use crate::graphql::context::ContextExt;
use crate::graphql::node::{GlobalId, NodeType};
use crate::graphql::partnerships::{Partnership, selects_partners};
use crate::graphql::payload::into_payload;
use crate::graphql::programmes::InterregProgramme;
use crate::graphql::reference::{Country, NutsRegion};
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use entity::cross_border_region;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "entity::cross_border_region::RegionStatus")]
pub enum RegionStatus {
    /// Named in an application, not (yet) selected.
    Candidate,
    /// Selected: a pilot region of IMPACT.
    Pilot,
    /// A former pilot region.
    Alumni,
}

/// A territory spanning two or three countries (its sides).
#[derive(Clone)]
pub struct CrossBorderRegion(pub cross_border_region::Model);

impl CrossBorderRegion {
    async fn parts(&self, ctx: &Context<'_>) -> AppResult<regions::RegionParts> {
        Ok(ctx.loaders().region_parts.load_one(self.0.id).await?.unwrap_or_default())
    }
}

#[Object]
impl CrossBorderRegion {
    pub async fn id(&self) -> ID {
        GlobalId::encode(NodeType::CrossBorderRegion, &self.0.id.to_string())
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    async fn population(&self) -> Option<i64> {
        self.0.population
    }
    /// Area in km².
    async fn area_km2(&self) -> Option<f64> {
        self.0.area_km2
    }
    async fn status(&self) -> RegionStatus {
        self.0.status.into()
    }
    /// The sides of the border, by code.
    async fn countries(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Country>> {
        let codes = self.parts(ctx).await?.countries;
        let found = ctx.loaders().countries.load_many(codes.clone()).await?;
        Ok(codes.iter().filter_map(|c| found.get(c).cloned().map(Country)).collect())
    }
    async fn nuts_regions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<NutsRegion>> {
        let codes = self.parts(ctx).await?.nuts;
        let found = ctx.loaders().nuts_regions.load_many(codes.clone()).await?;
        Ok(codes.iter().filter_map(|c| found.get(c).cloned().map(NutsRegion)).collect())
    }
    async fn interreg_programmes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<InterregProgramme>> {
        let ids = self.parts(ctx).await?.programmes;
        let found = ctx.loaders().programmes.load_many(ids.clone()).await?;
        Ok(ids.iter().filter_map(|id| found.get(id).cloned().map(InterregProgramme)).collect())
    }
    /// The CLLD strategy of this region, in the version the caller may see (everybody: the published one).
    async fn strategy(
        &self,
        ctx: &Context<'_>,
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

#[derive(InputObject)]
pub struct RegionFields {
    pub name: String,
    pub description: String,
    /// The sides: two or three distinct eligible countries.
    pub countries: Vec<String>,
    /// NUTS codes, each in one of the sides.
    #[graphql(default)]
    pub nuts_regions: Vec<String>,
    pub population: Option<i64>,
    pub area_km2: Option<f64>,
    #[graphql(default)]
    pub programme_ids: Vec<ID>,
    /// Staff only; applicants' regions are CANDIDATE.
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

#[derive(InputObject)]
pub struct CreateCrossBorderRegionInput {
    #[graphql(flatten)]
    pub fields: RegionFields,
}

#[derive(InputObject)]
pub struct UpdateCrossBorderRegionInput {
    pub id: ID,
    #[graphql(flatten)]
    pub fields: RegionFields,
}

#[derive(SimpleObject)]
pub struct CrossBorderRegionPayload {
    pub cross_border_region: Option<CrossBorderRegion>,
    pub user_errors: Vec<UserError>,
}

pub fn region_uuid(id: &ID) -> AppResult<Uuid> {
    GlobalId::decode_as(id, NodeType::CrossBorderRegion)
}

#[derive(Default)]
pub struct RegionQuery;

#[Object]
impl RegionQuery {
    /// Cross-border regions by name (public), by status and by a country among their sides.
    #[graphql(complexity = "first.or(last).unwrap_or(20).max(0) as usize * child_complexity + 1")]
    #[allow(clippy::too_many_arguments)]
    async fn cross_border_regions(
        &self,
        ctx: &Context<'_>,
        status: Option<RegionStatus>,
        country: Option<String>,
        #[graphql(desc = "Only regions covered by this Interreg programme.")] programme: Option<ID>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<ConnectionOf<CrossBorderRegion>> {
        let page = page_request(ctx, first, after, last, before)?;
        let country = country.as_deref().map(CountryCode::parse).transpose()?;
        let services = ctx.services();
        let programme = programme.map(|id| GlobalId::decode_as(&id, NodeType::InterregProgramme)).transpose()?;
        let page =
            regions::list_regions(&services.db, status.map(Into::into), country.as_ref(), programme, &page).await?;
        if selects_partners(ctx, &["partnerships"]) {
            let ids: Vec<Uuid> = page.items.iter().map(|(_, r)| r.id).collect();
            let with_partners = selects_partners(ctx, &["partnerships", "partners"]);
            ctx.loaders().prime_regions(&services.db, ctx.actor(), &ids, with_partners).await?;
        }
        Ok(connection(page, CrossBorderRegion))
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
        input: CreateCrossBorderRegionInput,
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
        input: UpdateCrossBorderRegionInput,
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
