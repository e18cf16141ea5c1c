//! GraphQL of partnerships and their partners. Public for pilot regions; otherwise for the partners' members.

use crate::auth::guard::SignedInUser;
use crate::domain::partnerships::{
    self, PartnerInput as DomainPartner, PartnershipInput, VotingShares as DomainShares,
};
use crate::error::{AppResult, UserError};
use crate::graphql::connection::{ConnectionOf, connection, page_request};
use crate::graphql::context::ContextExt;
use crate::graphql::node::{GlobalId, NodeType};
use crate::graphql::organisations::{Organisation, organisation_uuid};
use crate::graphql::payload::into_payload;
use crate::graphql::regions::{CrossBorderRegion, region_uuid};
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use entity::{partner, partnership};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "entity::partner::PartnerRole")]
pub enum PartnerRole {
    Lead,
    Partner,
}

/// Voting shares of the interest groups, in whole percent (null: not set).
#[derive(SimpleObject, InputObject, Clone, Copy, Default)]
#[graphql(input_name = "VotingSharesInput")]
pub struct VotingShares {
    pub public_sector: Option<i32>,
    pub private_sector: Option<i32>,
    pub civil_society: Option<i32>,
    pub other: Option<i32>,
}

/// The organisations of one region working together.
#[derive(Clone)]
pub struct Partnership(pub partnership::Model);

#[Object]
impl Partnership {
    pub async fn id(&self) -> ID {
        GlobalId::encode(NodeType::Partnership, &self.0.id.to_string())
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<CrossBorderRegion>> {
        Ok(ctx.loaders().regions.load_one(self.0.region_id).await?.map(CrossBorderRegion))
    }
    /// How decisions are made.
    async fn governance(&self) -> Option<&str> {
        self.0.governance.as_deref()
    }
    async fn voting(&self) -> VotingShares {
        VotingShares {
            public_sector: self.0.public_sector_share,
            private_sector: self.0.private_sector_share,
            civil_society: self.0.civil_society_share,
            other: self.0.other_share,
        }
    }
    /// The partners, lead first.
    async fn partners(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Partner>> {
        let partners = ctx.loaders().partners.load_one(self.0.id).await?.unwrap_or_default();
        Ok(partners.into_iter().map(Partner).collect())
    }
}

/// An organisation in a partnership, standing for one side of the border.
pub struct Partner(pub partner::Model);

#[Object]
impl Partner {
    async fn organisation(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organisation>> {
        Ok(ctx.loaders().organisations.load_one(self.0.organisation_id).await?.map(Organisation))
    }
    /// ISO code of the country (a side of the region) the partner stands for.
    async fn side(&self) -> &str {
        &self.0.side
    }
    async fn role(&self) -> PartnerRole {
        self.0.role.into()
    }
}

#[derive(InputObject)]
pub struct PartnerInput {
    pub organisation_id: ID,
    /// A country of the region: the organisation's own.
    pub side: String,
    pub role: PartnerRole,
}

#[derive(InputObject)]
pub struct PartnershipFields {
    pub region_id: ID,
    pub name: String,
    pub governance: Option<String>,
    #[graphql(default)]
    pub partners: Vec<PartnerInput>,
    pub voting: Option<VotingShares>,
}

impl PartnershipFields {
    fn into_domain(self) -> AppResult<PartnershipInput> {
        let partners = self
            .partners
            .iter()
            .map(|p| {
                Ok(DomainPartner {
                    organisation_id: organisation_uuid(&p.organisation_id)?,
                    side: p.side.clone(),
                    role: p.role.into(),
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        let voting = self.voting.unwrap_or_default();
        Ok(PartnershipInput {
            region_id: region_uuid(&self.region_id)?,
            name: self.name,
            governance: self.governance,
            partners,
            voting: DomainShares {
                public_sector: voting.public_sector,
                private_sector: voting.private_sector,
                civil_society: voting.civil_society,
                other: voting.other,
            },
        })
    }
}

#[derive(InputObject)]
pub struct CreatePartnershipInput {
    #[graphql(flatten)]
    pub fields: PartnershipFields,
}

#[derive(InputObject)]
pub struct UpdatePartnershipInput {
    pub id: ID,
    #[graphql(flatten)]
    pub fields: PartnershipFields,
}

#[derive(SimpleObject)]
pub struct PartnershipPayload {
    pub partnership: Option<Partnership>,
    pub user_errors: Vec<UserError>,
}

pub fn partnership_uuid(id: &ID) -> AppResult<Uuid> {
    GlobalId::decode_as(id, NodeType::Partnership)
}

/// Whether a connection's items ask for their partners.
pub fn selects_partners(ctx: &Context<'_>, path: &[&str]) -> bool {
    let look_ahead = ctx.look_ahead();
    [look_ahead.field("nodes"), look_ahead.field("edges").field("node")].iter().any(|item| {
        let mut field = item.field(path.first().copied().unwrap_or("partners"));
        for name in path.iter().skip(1) {
            field = field.field(name);
        }
        field.exists()
    })
}

#[derive(Default)]
pub struct PartnershipQuery;

#[Object]
impl PartnershipQuery {
    /// Partnerships the caller may see, by name: everybody those of pilot regions, applicants their own,
    /// staff all. `regionId` keeps one region's.
    #[graphql(complexity = "first.or(last).unwrap_or(20).max(0) as usize * child_complexity + 1")]
    async fn partnerships(
        &self,
        ctx: &Context<'_>,
        region_id: Option<ID>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<ConnectionOf<Partnership>> {
        let page = page_request(ctx, first, after, last, before)?;
        let region = region_id.as_ref().map(region_uuid).transpose()?;
        let services = ctx.services();
        let page = partnerships::list_partnerships(&services.db, ctx.actor(), region, &page).await?;
        if selects_partners(ctx, &["partners"]) {
            let ids: Vec<Uuid> = page.items.iter().map(|(_, p)| p.id).collect();
            ctx.loaders().prime_partnerships(&services.db, &ids).await?;
        }
        Ok(connection(page, Partnership))
    }
}

#[derive(Default)]
pub struct PartnershipMutation;

#[Object]
impl PartnershipMutation {
    /// Creates a partnership (the caller must own or edit the lead organisation).
    #[graphql(guard = "SignedInUser")]
    async fn create_partnership(
        &self,
        ctx: &Context<'_>,
        input: CreatePartnershipInput,
    ) -> async_graphql::Result<PartnershipPayload> {
        let services = ctx.services();
        let principal = ctx.actor();
        let result =
            async { partnerships::create_partnership(services, principal, &input.fields.into_domain()?).await }.await;
        let (partnership, user_errors) = into_payload(result)?;
        Ok(PartnershipPayload { partnership: partnership.map(Partnership), user_errors })
    }

    /// Replaces a partnership's details and partners (owners and editors of the lead organisation).
    #[graphql(guard = "SignedInUser")]
    async fn update_partnership(
        &self,
        ctx: &Context<'_>,
        input: UpdatePartnershipInput,
    ) -> async_graphql::Result<PartnershipPayload> {
        let services = ctx.services();
        let principal = ctx.actor();
        let result = async {
            let id = partnership_uuid(&input.id)?;
            partnerships::update_partnership(services, principal, id, &input.fields.into_domain()?).await
        }
        .await;
        let (partnership, user_errors) = into_payload(result)?;
        Ok(PartnershipPayload { partnership: partnership.map(Partnership), user_errors })
    }
}
