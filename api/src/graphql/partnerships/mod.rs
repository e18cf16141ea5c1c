//! GraphQL of partnerships and their partners. Public for pilot regions; otherwise for the partners' members.
//! Partners confirm taking part: their owners' invitations and answers are here too.

use crate::auth::guard::SignedInUser;
use crate::domain::partnerships::{
    self, ListedPartner, PartnerInput as DomainPartner, PartnershipInput, VotingShares as DomainShares, invitations,
};
use crate::error::{AppResult, UserError};
use crate::graphql::connection::{ConnectionOf, connection, nodes_select, page_request};
use crate::graphql::context::ContextExt;
use crate::graphql::node::{GlobalId, NodeType};
use crate::graphql::organisations::{Organisation, organisation_uuid};
use crate::graphql::payload::into_payload;
use crate::graphql::regions::{CrossBorderRegion, region_uuid};
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::partnership;
use uuid::Uuid;

/// A partner's role in its partnership.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "entity::partner::PartnerRole")]
pub enum PartnerRole {
    /// The lead partner: the owners and editors of its organisation edit the partnership and its applications.
    /// A partnership has exactly one (`checkApplication` reports otherwise).
    Lead,
    /// Any other partner.
    Partner,
}

/// Whether a partner organisation confirmed taking part in the partnership.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "entity::partner::PartnerStatus")]
pub enum PartnerStatus {
    /// Named as a partner; the organisation's owners were mailed and have not answered yet
    /// (`myPartnershipInvitations`). No application of the partnership is submitted until they accept.
    Invited,
    /// The organisation takes part: one of its owners accepted, or the person who named it owns it (or, for the
    /// lead partner, owns or edits it), or it was a partner before confirmations were asked.
    Confirmed,
    /// The organisation's owners declined; it stays listed so the lead sees the answer, until the lead removes
    /// it (`updatePartnership` or `withdrawPartnershipInvitation`).
    Declined,
}

/// Voting shares of the interest groups, in whole percent (null: not set).
#[derive(SimpleObject, InputObject, Clone, Copy, Default)]
#[graphql(input_name = "VotingSharesInput")]
pub struct VotingShares {
    /// The public sector's share, 0 to 100.
    pub public_sector: Option<i32>,
    /// The private sector's share, 0 to 100.
    pub private_sector: Option<i32>,
    /// Civil society's share, 0 to 100.
    pub civil_society: Option<i32>,
    /// The share of other interests, 0 to 100.
    pub other: Option<i32>,
}

#[derive(Clone)]
pub struct Partnership(pub partnership::Model);

/// The organisations of one region working together. Visible to everybody when its region is a PILOT or
/// ALUMNI region; otherwise to staff, its creator and the members of its partner organisations.
#[Object]
impl Partnership {
    /// Globally unique, opaque identifier.
    pub async fn id(&self) -> ID {
        GlobalId::encode(NodeType::Partnership, &self.0.id.to_string())
    }
    /// The partnership's name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The cross-border region it works in (set at creation, never changed).
    async fn region(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<CrossBorderRegion>> {
        Ok(ctx.loaders().regions.load_one(self.0.region_id).await?.map(CrossBorderRegion))
    }
    /// How decisions are made.
    async fn governance(&self) -> Option<&str> {
        self.0.governance.as_deref()
    }
    /// The interest groups' shares of the voting rights; no group may hold more than 49 % and the shares add up
    /// to 100 (`checkApplication` reports otherwise).
    async fn voting(&self) -> VotingShares {
        VotingShares {
            public_sector: self.0.public_sector_share,
            private_sector: self.0.private_sector_share,
            civil_society: self.0.civil_society_share,
            other: self.0.other_share,
        }
    }
    /// The partners: lead first, then by side.
    async fn partners(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Partner>> {
        let partners = ctx.loaders().partners.load_one(self.0.id).await?.unwrap_or_default();
        Ok(partners.into_iter().map(Partner).collect())
    }
}

pub struct Partner(pub ListedPartner);

/// An organisation in a partnership, standing for one side of the border.
#[Object]
impl Partner {
    /// The partner organisation.
    async fn organisation(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organisation>> {
        Ok(ctx.loaders().public_organisations.load_one(self.0.organisation_id).await?.map(Organisation::from))
    }
    /// ISO code of the country (a side of the region) the partner stands for.
    async fn side(&self) -> &str {
        &self.0.side
    }
    /// Lead partner or partner.
    async fn role(&self) -> PartnerRole {
        self.0.role.into()
    }
    /// Whether the organisation confirmed taking part; an application is submitted only when every partner is
    /// CONFIRMED.
    async fn status(&self) -> PartnerStatus {
        self.0.status.into()
    }
    /// When the organisation was named as a partner (UTC).
    async fn invited_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the organisation's owners answered (UTC): null while INVITED, and for partners from before
    /// confirmations were asked.
    async fn answered_at(&self) -> Option<DateTime<Utc>> {
        self.0.answered_at
    }
    /// The partnership the organisation is (or is invited to be) a partner of.
    async fn partnership(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Partnership>> {
        Ok(ctx.loaders().partnerships.load_one(self.0.partnership_id).await?.map(Partnership))
    }
}

/// One partner of a partnership: the partnership and the organisation.
#[derive(InputObject)]
pub struct PartnershipInvitationInput {
    /// The partnership.
    pub partnership_id: ID,
    /// The partner organisation.
    pub organisation_id: ID,
}

impl PartnershipInvitationInput {
    fn ids(&self) -> AppResult<(Uuid, Uuid)> {
        Ok((partnership_uuid(&self.partnership_id)?, organisation_uuid(&self.organisation_id)?))
    }
}

/// A partner of a partnership.
#[derive(InputObject)]
pub struct PartnerInput {
    /// The organisation; each organisation is a partner once.
    pub organisation_id: ID,
    /// The side it stands for: a country of the region and the organisation's own (ISO 3166-1 code; `EL` is
    /// taken for Greece).
    pub side: String,
    /// Lead partner or partner.
    pub role: PartnerRole,
}

/// The details and partners of a partnership.
#[derive(InputObject)]
pub struct PartnershipFields {
    /// The cross-border region; on an update, the partnership's own (a partnership keeps its region).
    pub region_id: ID,
    /// The name: required, at most 255 characters.
    pub name: String,
    /// How decisions are made (free text); null or blank: none.
    pub governance: Option<String>,
    /// Every partner, replacing the current ones; empty by default. Each side of the region needs one, and
    /// exactly one is the lead (`checkApplication` reports what is missing). An organisation named for the
    /// first time is INVITED (its owners confirm) unless the caller owns it (or, for the lead, owns or edits it).
    #[graphql(default)]
    pub partners: Vec<PartnerInput>,
    /// The voting shares; null leaves every share unset.
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

/// A new partnership. With a lead partner, the caller must be an owner or editor of the lead organisation;
/// without one, the caller (its creator) edits it until a lead is named.
#[derive(InputObject)]
pub struct CreatePartnershipInput {
    #[graphql(flatten)]
    pub fields: PartnershipFields,
}

/// New values for the details and partners of a partnership.
#[derive(InputObject)]
pub struct UpdatePartnershipInput {
    /// The partnership to change.
    pub id: ID,
    #[graphql(flatten)]
    pub fields: PartnershipFields,
}

/// The result of a change to a partnership.
#[derive(SimpleObject)]
pub struct PartnershipPayload {
    /// The partnership after the change; null when `userErrors` is not empty.
    pub partnership: Option<Partnership>,
    /// Problems with the input; empty when the change was made.
    pub user_errors: Vec<UserError>,
}

fn payload(result: AppResult<partnership::Model>) -> async_graphql::Result<PartnershipPayload> {
    let (partnership, user_errors) = into_payload(result)?;
    Ok(PartnershipPayload { partnership: partnership.map(Partnership), user_errors })
}

pub fn partnership_uuid(id: &ID) -> AppResult<Uuid> {
    GlobalId::decode_as(id, NodeType::Partnership)
}

#[derive(Default)]
pub struct PartnershipQuery;

#[Object]
impl PartnershipQuery {
    /// Partnerships the caller may see, by name: everybody those of pilot regions, applicants their own,
    /// staff all. `regionId` keeps one region's.
    async fn partnerships(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the partnerships of this cross-border region.")] region_id: Option<ID>,
        #[graphql(desc = "The first n items (after `after`): 0 to 100; 20 when neither `first` nor `last` is given.")]
        first: Option<i32>,
        #[graphql(desc = "Start after this cursor (an edge's `cursor` or `pageInfo.endCursor`).")] after: Option<
            String,
        >,
        #[graphql(desc = "The last n items (before `before`): 0 to 100; not together with `first`.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor (an edge's `cursor` or `pageInfo.startCursor`).")] before: Option<
            String,
        >,
    ) -> async_graphql::Result<ConnectionOf<Partnership>> {
        let page = page_request(ctx, first, after, last, before)?;
        let region = region_id.as_ref().map(region_uuid).transpose()?;
        let services = ctx.services();
        let page = partnerships::list_partnerships(&services.db, ctx.actor(), region, &page).await?;
        if nodes_select(ctx, &["partners"]) {
            let ids: Vec<Uuid> = page.items.iter().map(|(_, p)| p.id).collect();
            ctx.loaders().prime_partnerships(&services.db, &ids).await?;
        }
        Ok(connection(page, Partnership))
    }

    /// The open invitations of the organisations the caller owns, oldest first: partners still INVITED,
    /// each to accept (`acceptPartnershipInvitation`) or decline (`declinePartnershipInvitation`).
    #[graphql(guard = "SignedInUser")]
    async fn my_partnership_invitations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first n items (after `after`): 0 to 100; 20 when neither `first` nor `last` is given.")]
        first: Option<i32>,
        #[graphql(desc = "Start after this cursor (an edge's `cursor` or `pageInfo.endCursor`).")] after: Option<
            String,
        >,
        #[graphql(desc = "The last n items (before `before`): 0 to 100; not together with `first`.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor (an edge's `cursor` or `pageInfo.startCursor`).")] before: Option<
            String,
        >,
    ) -> async_graphql::Result<ConnectionOf<Partner>> {
        let page = page_request(ctx, first, after, last, before)?;
        let user = ctx.principal()?.user_id().ok_or(crate::error::AppError::Forbidden)?;
        let services = ctx.services();
        let page = invitations::pending_for(&services.db, user, &page).await?;
        Ok(connection(page, |p| Partner(p.into())))
    }
}

#[derive(Default)]
pub struct PartnershipMutation;

#[Object]
impl PartnershipMutation {
    /// Creates a partnership (the caller must own or edit the lead organisation). Each partner organisation the
    /// caller does not own starts INVITED and its owners are mailed; one the caller owns (or, as the lead, edits)
    /// is CONFIRMED at once.
    #[graphql(guard = "SignedInUser")]
    async fn create_partnership(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The region, the details and the partners.")] input: CreatePartnershipInput,
    ) -> async_graphql::Result<PartnershipPayload> {
        let services = ctx.services();
        let principal = ctx.actor();
        let result =
            async { partnerships::create_partnership(services, principal, &input.fields.into_domain()?).await }.await;
        let (partnership, user_errors) = into_payload(result)?;
        Ok(PartnershipPayload { partnership: partnership.map(Partnership), user_errors })
    }

    /// Replaces a partnership's details and partners (owners and editors of the lead organisation, its creator
    /// while it has no lead, and staff). Partners still named keep their status; organisations named for the first
    /// time are invited as with `createPartnership`; partners left out are removed.
    #[graphql(guard = "SignedInUser")]
    async fn update_partnership(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The partnership and all its new details and partners.")] input: UpdatePartnershipInput,
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

    /// Accepts an invitation of an organisation the caller owns: the partner becomes CONFIRMED and the lead
    /// organisation's members are mailed. Only the organisation's owners answer (others: FORBIDDEN; an
    /// invisible partnership or a missing partner: NOT_FOUND); only an INVITED partner (else INVALID_STATE).
    #[graphql(guard = "SignedInUser")]
    async fn accept_partnership_invitation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The partnership and the invited organisation.")] input: PartnershipInvitationInput,
    ) -> async_graphql::Result<PartnershipPayload> {
        let services = ctx.services();
        let principal = ctx.actor();
        let result = async {
            let (partnership, organisation) = input.ids()?;
            invitations::accept(services, principal, partnership, organisation).await
        }
        .await;
        payload(result)
    }

    /// Declines an invitation of an organisation the caller owns: the partner becomes DECLINED (the lead sees
    /// it and removes it) and the lead organisation's members are mailed. The same rules as accepting.
    #[graphql(guard = "SignedInUser")]
    async fn decline_partnership_invitation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The partnership and the invited organisation.")] input: PartnershipInvitationInput,
    ) -> async_graphql::Result<PartnershipPayload> {
        let services = ctx.services();
        let principal = ctx.actor();
        let result = async {
            let (partnership, organisation) = input.ids()?;
            invitations::decline(services, principal, partnership, organisation).await
        }
        .await;
        payload(result)
    }

    /// Withdraws the invitation of a partner that has not confirmed (INVITED or DECLINED): it is no longer a
    /// partner. Those who edit the partnership (owners and editors of the lead organisation, and staff); a
    /// CONFIRMED partner is removed with `updatePartnership` instead (INVALID_STATE here).
    #[graphql(guard = "SignedInUser")]
    async fn withdraw_partnership_invitation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The partnership and the invited organisation.")] input: PartnershipInvitationInput,
    ) -> async_graphql::Result<PartnershipPayload> {
        let services = ctx.services();
        let principal = ctx.actor();
        let result = async {
            let (partnership, organisation) = input.ids()?;
            invitations::withdraw(services, principal, partnership, organisation).await
        }
        .await;
        payload(result)
    }
}
