//! GraphQL of organisations: the public face (name, type, country), the members' view, and the mutations of
//! owners (members, invitations).

use crate::auth::guard::SignedInUser;
use crate::domain::organisations::{self, OrganisationInput as DomainInput, PublicOrganisation};
use crate::error::{AppResult, UserError};
use crate::graphql::accounts::User;
use crate::graphql::connection::{ConnectionOf, connection, page_request};
use crate::graphql::context::ContextExt;
use crate::graphql::node::{GlobalId, NodeType};
use crate::graphql::payload::into_payload;
use crate::graphql::reference::{Country, NutsRegion};
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{organisation, organisation_member};
use uuid::Uuid;

/// The kind of legal entity an organisation is (the applicants the calls for pilot regions name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "entity::organisation::OrganisationType")]
pub enum OrganisationType {
    /// A regional authority.
    RegionalAuthority,
    /// A local authority, e.g. a municipality.
    LocalAuthority,
    /// A non-governmental organisation.
    Ngo,
    /// Another civil-society organisation.
    CivilSociety,
    /// A Local Action Group (LAG) of community-led local development.
    LocalActionGroup,
    /// A Fisheries Local Action Group (FLAG).
    FisheriesLocalActionGroup,
    /// A tourism organisation.
    TourismOrganisation,
    /// A European Grouping of Territorial Cooperation (EGTC).
    Egtc,
    /// A Euroregion.
    Euroregion,
    /// Another cross-border structure similar to an EGTC or a Euroregion.
    OtherCrossBorderStructure,
    /// Any other legal entity.
    Other,
}

/// A member's role in an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "entity::organisation_member::MemberRole")]
pub enum OrganisationRole {
    /// Manages the organisation and its members.
    Owner,
    /// Edits the organisation's details, and the partnerships and applications it leads.
    Editor,
    /// Reads only.
    Viewer,
}

/// An organisation as a request holds it: the whole row, or only the public columns (how the partners of listed
/// partnerships are read); the rest of the row is loaded when a member or staff asks for a detail.
#[derive(Clone)]
pub struct Organisation(Row);

#[derive(Clone)]
enum Row {
    Whole(organisation::Model),
    Public(PublicOrganisation),
}

impl From<organisation::Model> for Organisation {
    fn from(row: organisation::Model) -> Self {
        Self(Row::Whole(row))
    }
}

impl From<PublicOrganisation> for Organisation {
    fn from(row: PublicOrganisation) -> Self {
        Self(Row::Public(row))
    }
}

impl Organisation {
    fn uuid(&self) -> Uuid {
        match &self.0 {
            Row::Whole(o) => o.id,
            Row::Public(o) => o.id,
        }
    }

    /// The caller's role, if a member; staff count as owners for reading.
    async fn access(&self, ctx: &Context<'_>) -> AppResult<Option<organisation_member::MemberRole>> {
        let Some(principal) = ctx.actor() else { return Ok(None) };
        let own = match principal.user_id() {
            Some(user) => ctx.loaders().memberships.load_one((self.uuid(), user)).await?,
            None => None,
        };
        Ok(own.or(principal.is_staff().then_some(organisation_member::MemberRole::Viewer)))
    }

    /// A field that only members and staff see: none for others; from the whole row, loaded if only the public
    /// columns were read.
    async fn detail<T>(
        &self,
        ctx: &Context<'_>,
        value: impl FnOnce(&organisation::Model) -> T,
    ) -> AppResult<Option<T>> {
        if self.access(ctx).await?.is_none() {
            return Ok(None);
        }
        Ok(match &self.0 {
            Row::Whole(o) => Some(value(o)),
            Row::Public(o) => ctx.loaders().organisations.load_one(o.id).await?.map(|o| value(&o)),
        })
    }
}

/// A legal entity taking part in IMPACT. Everybody sees its name, original name, type and country; its members
/// and staff see the rest (other fields are null, `members` empty, for others).
#[Object]
impl Organisation {
    /// Globally unique, opaque identifier.
    pub async fn id(&self) -> ID {
        GlobalId::encode(NodeType::Organisation, &self.uuid().to_string())
    }
    /// The organisation's name (public).
    async fn name(&self) -> &str {
        match &self.0 {
            Row::Whole(o) => &o.name,
            Row::Public(o) => &o.name,
        }
    }
    /// The name in the organisation's own language.
    async fn original_name(&self) -> Option<&str> {
        match &self.0 {
            Row::Whole(o) => o.original_name.as_deref(),
            Row::Public(o) => o.original_name.as_deref(),
        }
    }
    /// The kind of legal entity (public).
    async fn organisation_type(&self) -> OrganisationType {
        match &self.0 {
            Row::Whole(o) => o.organisation_type.into(),
            Row::Public(o) => o.organisation_type.into(),
        }
    }
    /// The eligible country the organisation is located in (public).
    async fn country(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Country>> {
        let code = match &self.0 {
            Row::Whole(o) => &o.country_code,
            Row::Public(o) => &o.country_code,
        };
        Ok(ctx.services().countries.get(code).cloned().map(Country))
    }
    /// Members and staff only.
    async fn nuts_region(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<NutsRegion>> {
        let Some(Some(code)) = self.detail(ctx, |o| o.nuts_code.clone()).await? else { return Ok(None) };
        Ok(ctx.loaders().nuts_regions.load_one(code).await?.map(NutsRegion))
    }
    /// Members and staff only.
    async fn address(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        Ok(self.detail(ctx, |o| o.address.clone()).await?.flatten())
    }
    /// Members and staff only.
    async fn registration_id(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        Ok(self.detail(ctx, |o| o.registration_id.clone()).await?)
    }
    /// Members and staff only.
    async fn website(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        Ok(self.detail(ctx, |o| o.website.clone()).await?.flatten())
    }
    /// The caller's role in the organisation, if a member.
    async fn my_role(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<OrganisationRole>> {
        let Some(user) = ctx.actor().and_then(|p| p.user_id()) else { return Ok(None) };
        Ok(ctx.loaders().memberships.load_one((self.uuid(), user)).await?.map(Into::into))
    }
    /// Members and staff only (empty for others).
    async fn members(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<OrganisationMember>> {
        if self.access(ctx).await?.is_none() {
            return Ok(Vec::new());
        }
        Ok(ctx
            .loaders()
            .organisation_members
            .load_one(self.uuid())
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(|(member, user)| OrganisationMember {
                role: member.role.into(),
                joined_at: member.created_at,
                user: User(user),
            })
            .collect())
    }
}

/// A person's membership of an organisation (seen by the organisation's members and staff).
#[derive(SimpleObject)]
pub struct OrganisationMember {
    /// The member.
    pub user: User,
    /// What the member may do.
    pub role: OrganisationRole,
    /// When the person became a member (UTC).
    pub joined_at: DateTime<Utc>,
}

/// The details of an organisation, as its owners and editors enter them.
#[derive(InputObject)]
pub struct OrganisationFields {
    /// The name: required, at most 255 characters.
    pub name: String,
    /// The name in the organisation's own language; null or blank: none.
    pub original_name: Option<String>,
    /// The kind of legal entity.
    pub organisation_type: OrganisationType,
    /// ISO code of an eligible country (`EL` is taken for Greece).
    pub country: String,
    /// A NUTS code in that country.
    pub nuts_region: Option<String>,
    /// The postal address; null or blank: none.
    pub address: Option<String>,
    /// The legal registration id; one organisation per id and country.
    pub registration_id: String,
    /// The website, starting with `https://` (or `http://`); null or blank: none.
    pub website: Option<String>,
}

impl From<OrganisationFields> for DomainInput {
    fn from(f: OrganisationFields) -> Self {
        DomainInput {
            name: f.name,
            original_name: f.original_name,
            organisation_type: f.organisation_type.into(),
            country: f.country,
            nuts_region: f.nuts_region,
            address: f.address,
            registration_id: f.registration_id,
            website: f.website,
        }
    }
}

/// A new organisation; the caller becomes its owner.
#[derive(InputObject)]
pub struct CreateOrganisationInput {
    #[graphql(flatten)]
    pub fields: OrganisationFields,
}

/// New values for every detail of an organisation.
#[derive(InputObject)]
pub struct UpdateOrganisationInput {
    /// The organisation to correct.
    pub id: ID,
    #[graphql(flatten)]
    pub fields: OrganisationFields,
}

/// An invitation to join an organisation, sent by e-mail.
#[derive(InputObject)]
pub struct InviteOrganisationMemberInput {
    /// The organisation.
    pub organisation_id: ID,
    /// The address to invite; the invitee must sign in with this address to accept.
    pub email: String,
    /// The role the invitee gets on joining.
    pub role: OrganisationRole,
}

/// The token of an invitation to accept.
#[derive(InputObject)]
pub struct AcceptOrganisationInvitationInput {
    /// The token from the invitation mail; it works once, for 14 days.
    pub token: String,
}

/// A change to a member's role, or the member's removal.
#[derive(InputObject)]
pub struct ChangeOrganisationMemberInput {
    /// The organisation.
    pub organisation_id: ID,
    /// The member (a `User` ID).
    pub user_id: ID,
    /// The new role; null removes the member.
    pub role: Option<OrganisationRole>,
}

/// The result of a change to an organisation or its members.
#[derive(SimpleObject)]
pub struct OrganisationPayload {
    /// The organisation after the change; null when `userErrors` is not empty.
    pub organisation: Option<Organisation>,
    /// Problems with the input; empty when the change was made.
    pub user_errors: Vec<UserError>,
}

/// The result of an invitation.
#[derive(SimpleObject)]
pub struct InviteOrganisationMemberPayload {
    /// The address the invitation went to.
    pub invited_email: Option<String>,
    /// When the invitation link stops working (UTC): 14 days after sending. Null when `userErrors` is not empty.
    pub expires_at: Option<DateTime<Utc>>,
    /// Problems with the input; empty when the invitation was sent.
    pub user_errors: Vec<UserError>,
}

pub fn organisation_uuid(id: &ID) -> AppResult<Uuid> {
    GlobalId::decode_as(id, NodeType::Organisation)
}

fn payload(result: AppResult<organisation::Model>) -> async_graphql::Result<OrganisationPayload> {
    let (organisation, user_errors) = into_payload(result)?;
    Ok(OrganisationPayload { organisation: organisation.map(Organisation::from), user_errors })
}

#[derive(Default)]
pub struct OrganisationQuery;

#[Object]
impl OrganisationQuery {
    /// The organisations the caller belongs to, by name.
    #[graphql(guard = "SignedInUser")]
    async fn my_organisations(
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
    ) -> async_graphql::Result<ConnectionOf<Organisation>> {
        let page = page_request(ctx, first, after, last, before)?;
        let user = ctx.principal()?.user_id().ok_or(crate::error::AppError::Forbidden)?;
        let services = ctx.services();
        let page = organisations::organisations_of(&services.db, user, &page).await?;
        let organisations: Vec<organisation::Model> = page.items.iter().map(|(_, o)| o.clone()).collect();
        ctx.loaders().prime_organisations(&services.db, &organisations).await?;
        Ok(connection(page, Organisation::from))
    }
}

#[derive(Default)]
pub struct OrganisationMutation;

#[Object]
impl OrganisationMutation {
    /// Creates an organisation; the caller becomes its owner.
    #[graphql(guard = "SignedInUser")]
    async fn create_organisation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organisation's details.")] input: CreateOrganisationInput,
    ) -> async_graphql::Result<OrganisationPayload> {
        let services = ctx.services();
        let principal = ctx.actor();
        payload(organisations::create_organisation(services, principal, &input.fields.into()).await)
    }

    /// Replaces an organisation's details (owners, editors and staff).
    #[graphql(guard = "SignedInUser")]
    async fn update_organisation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organisation and all its new details.")] input: UpdateOrganisationInput,
    ) -> async_graphql::Result<OrganisationPayload> {
        let services = ctx.services();
        let principal = ctx.actor();
        let id = organisation_uuid(&input.id)?;
        payload(organisations::update_organisation(services, principal, id, &input.fields.into()).await)
    }

    /// Invites someone by e-mail to join an organisation (owners and staff); the mailed link works once, for 14 days.
    #[graphql(guard = "SignedInUser")]
    async fn invite_organisation_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organisation, the address and the role.")] input: InviteOrganisationMemberInput,
    ) -> async_graphql::Result<InviteOrganisationMemberPayload> {
        let services = ctx.services();
        let principal = ctx.actor();
        let id = organisation_uuid(&input.organisation_id)?;
        let result =
            organisations::invite_member(services, ctx.origin(), principal, id, &input.email, input.role.into()).await;
        let (invitation, user_errors) = into_payload(result)?;
        Ok(InviteOrganisationMemberPayload {
            invited_email: invitation.as_ref().map(|i| i.email.clone()),
            expires_at: invitation.map(|i| i.expires_at),
            user_errors,
        })
    }

    /// Joins an organisation with the token of an invitation sent to the caller's address.
    #[graphql(guard = "SignedInUser")]
    async fn accept_organisation_invitation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The invitation's token.")] input: AcceptOrganisationInvitationInput,
    ) -> async_graphql::Result<OrganisationPayload> {
        let services = ctx.services();
        let principal = ctx.actor();
        payload(organisations::accept_invitation(services, principal, &input.token).await)
    }

    /// Changes a member's role or removes the member (owners and staff); an organisation keeps one owner at least.
    #[graphql(guard = "SignedInUser")]
    async fn change_organisation_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organisation, the member and the new role (null removes).")]
        input: ChangeOrganisationMemberInput,
    ) -> async_graphql::Result<OrganisationPayload> {
        let services = ctx.services();
        let principal = ctx.actor();
        let id = organisation_uuid(&input.organisation_id)?;
        let user = GlobalId::decode_as(&input.user_id, NodeType::User)?;
        payload(organisations::change_member(services, principal, id, user, input.role.map(Into::into)).await)
    }
}
