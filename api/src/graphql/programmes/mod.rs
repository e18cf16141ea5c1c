//! GraphQL types and queries of the Interreg programmes 2021–2027 (public reads; staff edits come with
//! authentication).

use crate::domain::programmes::{self, ProgrammeFilter};
use crate::domain::reference::CountryCode;
use crate::error::AppResult;
use crate::graphql::connection::{ConnectionOf, connection, page_request};
use crate::graphql::context::ContextExt;
use crate::graphql::node::{GlobalId, NodeType};
use crate::graphql::reference::Country;
use async_graphql::{Context, Enum, ID, Object};
use entity::interreg_programme;
use uuid::Uuid;

/// The strand of Interreg a programme belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "entity::interreg_programme::InterregStrand")]
pub enum InterregStrand {
    /// Interreg A: internal cross-border cooperation between EU member states (and EFTA neighbours).
    A,
    /// Interreg B: transnational cooperation over larger areas, including the NEXT sea-basin programmes.
    B,
    /// Interreg C: interregional cooperation across the whole EU (Interreg Europe, URBACT, Interact, ESPON).
    C,
    /// Interreg D: cooperation of the outermost regions with their neighbours.
    D,
    /// IPA cross-border: cooperation with pre-accession countries.
    Ipa,
    /// NEXT cross-border: cooperation with neighbourhood countries.
    Next,
}

#[derive(Clone)]
pub struct InterregProgramme(pub interreg_programme::Model);

/// An Interreg programme of 2021–2027, run by its managing authority. Public reference data.
#[Object]
impl InterregProgramme {
    /// Globally unique, opaque identifier.
    pub async fn id(&self) -> ID {
        GlobalId::encode(NodeType::InterregProgramme, &self.0.id.to_string())
    }
    /// The Commission's CCI code (e.g. `2021TC16RFIR001`); null until it is confirmed.
    async fn cci(&self) -> Option<&str> {
        self.0.cci.as_deref()
    }
    /// English name, e.g. `Interreg VI-A Romania-Bulgaria`.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The strand of Interreg the programme belongs to.
    async fn strand(&self) -> InterregStrand {
        self.0.strand.into()
    }
    /// ISO 3166-1 codes of every country the programme covers, by code: those taking part in IMPACT and the
    /// others (e.g. GB, IS, TN). Greece is GR.
    async fn country_codes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<String>> {
        Ok(self.countries_covered(ctx).await?)
    }
    /// The countries of IMPACT the programme covers, by code; `countryCodes` also lists the others.
    async fn countries(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Country>> {
        let countries = &ctx.services().countries;
        let covered = self.countries_covered(ctx).await?;
        Ok(covered.iter().filter_map(|code| countries.get(code).cloned().map(Country)).collect())
    }
}

impl InterregProgramme {
    async fn countries_covered(&self, ctx: &Context<'_>) -> AppResult<Vec<String>> {
        Ok(ctx.loaders().programme_countries.load_one(self.0.id).await?.unwrap_or_default())
    }
}

#[derive(Default)]
pub struct ProgrammeQuery;

#[Object]
impl ProgrammeQuery {
    /// The Interreg programmes 2021–2027, by name. `country` takes the ISO code (`EL` is accepted for Greece)
    /// and finds the programmes covering it. The list is still partial: staff add the missing programmes.
    #[allow(clippy::too_many_arguments)]
    async fn interreg_programmes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only programmes of this strand.")] strand: Option<InterregStrand>,
        #[graphql(desc = "Only programmes covering this country: an ISO 3166-1 alpha-2 code (`EL` and `UK` are \
                          taken for GR and GB).")]
        country: Option<String>,
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
    ) -> async_graphql::Result<ConnectionOf<InterregProgramme>> {
        let page = page_request(ctx, first, after, last, before)?;
        let filter = ProgrammeFilter {
            strand: strand.map(Into::into),
            country: country.as_deref().map(CountryCode::parse).transpose()?,
        };
        let db = &ctx.services().db;
        let page = programmes::list_programmes(db, &filter, &page).await?;
        if selects_countries(ctx) {
            let ids: Vec<Uuid> = page.items.iter().map(|(_, p)| p.id).collect();
            ctx.loaders().prime_programme_countries(db, &ids).await?;
        }
        Ok(connection(page, InterregProgramme))
    }
}

/// Whether the connection's items ask for their countries.
fn selects_countries(ctx: &Context<'_>) -> bool {
    let look_ahead = ctx.look_ahead();
    [look_ahead.field("nodes"), look_ahead.field("edges").field("node")]
        .iter()
        .any(|item| item.field("countryCodes").exists() || item.field("countries").exists())
}

/// What staff enter for a programme; an update replaces every field.
#[derive(async_graphql::InputObject)]
pub struct CreateInterregProgrammeInput {
    /// `2021TC16` and seven letters or digits; absent until confirmed.
    pub cci: Option<String>,
    /// English name, e.g. `Interreg VI-A Romania-Bulgaria`; at most 255 characters, unique.
    pub name: String,
    /// The strand of Interreg the programme belongs to.
    pub strand: InterregStrand,
    /// ISO 3166-1 codes (`EL` and `UK` are taken for GR and GB).
    pub countries: Vec<String>,
}

/// The corrected programme: every field replaces the stored one.
#[derive(async_graphql::InputObject)]
pub struct UpdateInterregProgrammeInput {
    /// The programme's global ID.
    pub id: ID,
    /// `2021TC16` and seven letters or digits, unique; absent or blank until confirmed (clears a stored one).
    pub cci: Option<String>,
    /// English name, e.g. `Interreg VI-A Romania-Bulgaria`; at most 255 characters, unique.
    pub name: String,
    /// The strand of Interreg the programme belongs to.
    pub strand: InterregStrand,
    /// ISO 3166-1 codes of every country the programme covers, at least one (`EL` and `UK` are taken for GR and
    /// GB).
    pub countries: Vec<String>,
}

/// The result of `createInterregProgramme` or `updateInterregProgramme`.
#[derive(async_graphql::SimpleObject)]
pub struct InterregProgrammePayload {
    /// The programme as stored; null when the input was refused.
    pub interreg_programme: Option<InterregProgramme>,
    /// Problems with the input; empty when the change was made.
    pub user_errors: Vec<crate::error::UserError>,
}

#[derive(Default)]
pub struct ProgrammeMutation;

#[Object]
impl ProgrammeMutation {
    /// Adds an Interreg programme missing from the reference list (staff).
    #[graphql(guard = "crate::auth::guard::RoleGuard(crate::auth::STAFF)")]
    async fn create_interreg_programme(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new programme.")] input: CreateInterregProgrammeInput,
    ) -> async_graphql::Result<InterregProgrammePayload> {
        let input = programmes::ProgrammeInput {
            cci: input.cci,
            name: input.name,
            strand: input.strand.into(),
            countries: input.countries,
        };
        let result = programmes::create_programme(ctx.services(), ctx.actor(), &input).await;
        let (programme, user_errors) = crate::graphql::payload::into_payload(result)?;
        Ok(InterregProgrammePayload { interreg_programme: programme.map(InterregProgramme), user_errors })
    }

    /// Corrects an Interreg programme: every field is replaced (staff).
    #[graphql(guard = "crate::auth::guard::RoleGuard(crate::auth::STAFF)")]
    async fn update_interreg_programme(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The programme and its corrected fields.")] input: UpdateInterregProgrammeInput,
    ) -> async_graphql::Result<InterregProgrammePayload> {
        let result = async {
            let id = GlobalId::decode_as(&input.id, NodeType::InterregProgramme)?;
            let input = programmes::ProgrammeInput {
                cci: input.cci,
                name: input.name,
                strand: input.strand.into(),
                countries: input.countries,
            };
            programmes::update_programme(ctx.services(), ctx.actor(), id, &input).await
        }
        .await;
        let (programme, user_errors) = crate::graphql::payload::into_payload(result)?;
        Ok(InterregProgrammePayload { interreg_programme: programme.map(InterregProgramme), user_errors })
    }
}
