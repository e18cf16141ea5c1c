//! DataLoaders, created fresh for each execution (see `execution`): relations and `nodes` resolve in one query per type.

use crate::auth::{Principal, Role};
use crate::domain::accounts::roles;
use crate::domain::accounts::scopes::{self, Scope};
use crate::domain::newsletter::issues::{self, DeliveryCounts};
use crate::domain::{
    applications, calls, events, experts, organisations, partnerships, programmes, reference, regions, resources,
    strategies, webhooks,
};
use crate::error::{AppError, AppResult};
use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use entity::organisation_member::MemberRole;
use entity::{
    app_user, application_event, call, cross_border_region, event, event_registration, expert_assignment,
    expert_profile, interreg_programme, newsletter_issue, nuts_region, organisation, organisation_member, partnership,
    resource, strategy_comment,
};
use sea_orm::DatabaseConnection;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

pub struct Loaders {
    pub nuts_regions: DataLoader<NutsRegionLoader, HashMapCache>,
    pub programmes: DataLoader<ProgrammeLoader>,
    /// The countries each programme covers; cached, so that a list can fill it for its whole page at once.
    pub programme_countries: DataLoader<ProgrammeCountriesLoader, HashMapCache>,
    pub users: DataLoader<UserLoader>,
    pub user_roles: DataLoader<UserRolesLoader, HashMapCache>,
    pub newsletter_issues: DataLoader<NewsletterIssueLoader>,
    pub delivery_counts: DataLoader<DeliveryCountsLoader, HashMapCache>,
    pub resources: DataLoader<ResourceLoader>,
    pub events: DataLoader<EventLoader, HashMapCache>,
    pub event_registrations: DataLoader<EventRegistrationLoader>,
    /// A user's registration for an event, keyed by (event, user).
    pub user_registrations: DataLoader<UserRegistrationLoader, HashMapCache>,
    pub organisations: DataLoader<OrganisationLoader, HashMapCache>,
    /// Organisations' public columns only: what the partners of partnerships show to everybody.
    pub public_organisations: DataLoader<PublicOrganisationLoader, HashMapCache>,
    /// A user's role in an organisation, keyed by (organisation, user).
    pub memberships: DataLoader<MembershipLoader, HashMapCache>,
    pub regions: DataLoader<RegionLoader, HashMapCache>,
    pub region_parts: DataLoader<RegionPartsLoader, HashMapCache>,
    pub partnerships: DataLoader<PartnershipLoader, HashMapCache>,
    pub partners: DataLoader<PartnersLoader, HashMapCache>,
    /// The partnerships of a region that the caller may see, by name.
    pub region_partnerships: DataLoader<RegionPartnershipsLoader, HashMapCache>,
    pub calls: DataLoader<CallLoader, HashMapCache>,
    /// The official languages of countries.
    pub country_languages: DataLoader<CountryLanguagesLoader, HashMapCache>,
    pub expert_profiles: DataLoader<ExpertProfileLoader, HashMapCache>,
    /// The lists of expert profiles and the days their assignments hold.
    pub expert_details: DataLoader<ExpertDetailsLoader, HashMapCache>,
    pub expert_assignments: DataLoader<ExpertAssignmentLoader, HashMapCache>,
    /// The assignments of each expert, newest first.
    pub assignments_of_experts: DataLoader<ExpertAssignmentsLoader, HashMapCache>,
    /// The accepted assignments of each region.
    pub region_experts: DataLoader<RegionExpertsLoader, HashMapCache>,
    /// The content of strategy versions (objectives, targets, actions, LAG, financial plan, translations).
    pub strategy_content: DataLoader<StrategyContentLoader, HashMapCache>,
    /// The strategy of a region as the caller sees it.
    pub region_strategies: DataLoader<RegionStrategyLoader, HashMapCache>,
    /// Members (with their accounts) of organisations, by organisation id.
    pub organisation_members: DataLoader<OrganisationMembersLoader, HashMapCache>,
    /// The history of applications, by application id.
    pub application_history: DataLoader<ApplicationHistoryLoader, HashMapCache>,
    /// The replies of strategy comment threads, oldest first, by thread id.
    pub strategy_comment_replies: DataLoader<StrategyCommentRepliesLoader, HashMapCache>,
    /// Users' display names, by user id (for people shown by name only, such as comment authors).
    pub display_names: DataLoader<DisplayNameLoader, HashMapCache>,
    /// The scopes of service accounts, by account id.
    pub service_account_scopes: DataLoader<ServiceAccountScopesLoader, HashMapCache>,
    /// The event types of webhook endpoints, by endpoint id.
    pub webhook_event_types: DataLoader<WebhookEventTypesLoader, HashMapCache>,
}

impl Loaders {
    /// The loaders of one request by `actor` (visibility rules that depend on the caller apply inside them).
    pub fn new(db: &DatabaseConnection, actor: Option<&Principal>) -> Self {
        Self {
            nuts_regions: DataLoader::with_cache(NutsRegionLoader(db.clone()), tokio::spawn, HashMapCache::default()),
            programmes: DataLoader::new(ProgrammeLoader(db.clone()), tokio::spawn),
            programme_countries: DataLoader::with_cache(
                ProgrammeCountriesLoader(db.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            users: DataLoader::new(UserLoader(db.clone()), tokio::spawn),
            user_roles: DataLoader::with_cache(UserRolesLoader(db.clone()), tokio::spawn, HashMapCache::default()),
            newsletter_issues: DataLoader::new(NewsletterIssueLoader(db.clone()), tokio::spawn),
            delivery_counts: DataLoader::with_cache(
                DeliveryCountsLoader(db.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            resources: DataLoader::new(ResourceLoader(db.clone()), tokio::spawn),
            events: DataLoader::with_cache(EventLoader(db.clone()), tokio::spawn, HashMapCache::default()),
            event_registrations: DataLoader::new(EventRegistrationLoader(db.clone()), tokio::spawn),
            user_registrations: DataLoader::with_cache(
                UserRegistrationLoader(db.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            organisations: DataLoader::with_cache(
                OrganisationLoader(db.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            public_organisations: DataLoader::with_cache(
                PublicOrganisationLoader(db.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            memberships: DataLoader::with_cache(MembershipLoader(db.clone()), tokio::spawn, HashMapCache::default()),
            regions: DataLoader::with_cache(RegionLoader(db.clone()), tokio::spawn, HashMapCache::default()),
            region_parts: DataLoader::with_cache(RegionPartsLoader(db.clone()), tokio::spawn, HashMapCache::default()),
            partnerships: DataLoader::with_cache(PartnershipLoader(db.clone()), tokio::spawn, HashMapCache::default()),
            partners: DataLoader::with_cache(PartnersLoader(db.clone()), tokio::spawn, HashMapCache::default()),
            region_partnerships: DataLoader::with_cache(
                RegionPartnershipsLoader(db.clone(), actor.cloned()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            calls: DataLoader::with_cache(CallLoader(db.clone()), tokio::spawn, HashMapCache::default()),
            country_languages: DataLoader::with_cache(
                CountryLanguagesLoader(db.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            expert_profiles: DataLoader::with_cache(
                ExpertProfileLoader(db.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            expert_details: DataLoader::with_cache(
                ExpertDetailsLoader(db.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            expert_assignments: DataLoader::with_cache(
                ExpertAssignmentLoader(db.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            assignments_of_experts: DataLoader::with_cache(
                ExpertAssignmentsLoader(db.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            region_experts: DataLoader::with_cache(
                RegionExpertsLoader(db.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            strategy_content: DataLoader::with_cache(
                StrategyContentLoader(db.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            region_strategies: DataLoader::with_cache(
                RegionStrategyLoader(db.clone(), actor.cloned()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            organisation_members: DataLoader::with_cache(
                OrganisationMembersLoader(db.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            application_history: DataLoader::with_cache(
                ApplicationHistoryLoader(db.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            strategy_comment_replies: DataLoader::with_cache(
                StrategyCommentRepliesLoader(db.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            display_names: DataLoader::with_cache(DisplayNameLoader(db.clone()), tokio::spawn, HashMapCache::default()),
            service_account_scopes: DataLoader::with_cache(
                ServiceAccountScopesLoader(db.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            webhook_event_types: DataLoader::with_cache(
                WebhookEventTypesLoader(db.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
        }
    }

    /// Loads, for a page of partnerships, their partners and the partners' organisations (their public columns):
    /// one statement on SQLite, two on PostgreSQL (`partnerships::listing`), however long the page, with no batch
    /// cut by timing.
    pub async fn prime_partnerships(&self, db: &DatabaseConnection, ids: &[Uuid]) -> AppResult<()> {
        if ids.is_empty() {
            return Ok(());
        }
        self.feed_partners(partnerships::listed_partners_with_organisations_of(db, ids).await?).await;
        Ok(())
    }

    async fn feed_partners(&self, page: partnerships::PartnersOfPage) {
        self.partners.feed_many(page.partners).await;
        self.public_organisations.feed_many(page.organisations.into_iter().map(|o| (o.id, o))).await;
    }

    /// Loads the delivery counts of a page of newsletter issues in one statement (an issue never sent counts
    /// zero), so that no batch is cut by the DataLoader's time window.
    pub async fn prime_delivery_counts(&self, db: &DatabaseConnection, ids: &[Uuid]) -> AppResult<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let mut counts = issues::delivery_counts(db, ids).await?;
        let all = ids.iter().map(|id| (*id, counts.remove(id).unwrap_or_default()));
        self.delivery_counts.feed_many(all).await;
        Ok(())
    }

    /// Loads, for a page of regions, the partnerships the caller may see, in one statement however long the page
    /// (`regions::list_regions_with_partnerships` reads their partners too).
    pub async fn prime_regions(
        &self,
        db: &DatabaseConnection,
        actor: Option<&Principal>,
        region_ids: &[Uuid],
    ) -> AppResult<()> {
        if region_ids.is_empty() {
            return Ok(());
        }
        let by_region = partnerships::partnerships_of_regions(db, actor, region_ids).await?;
        self.feed_partnerships_of_regions(partnerships::PartnershipsOfPage { by_region, ..Default::default() }).await;
        Ok(())
    }

    /// Feeds the partnerships of a page of regions, and their partners with their organisations when read.
    pub async fn feed_partnerships_of_regions(&self, page: partnerships::PartnershipsOfPage) {
        let rows: Vec<partnership::Model> = page.by_region.values().flatten().cloned().collect();
        self.partnerships.feed_many(rows.into_iter().map(|p| (p.id, p))).await;
        self.region_partnerships.feed_many(page.by_region).await;
        self.feed_partners(page.partners).await;
    }

    /// Loads the partnerships of a page of applications, their regions with the regions' sides and areas, then
    /// as `prime_partnerships`.
    pub async fn prime_applications(&self, db: &DatabaseConnection, partnership_ids: &[Uuid]) -> AppResult<()> {
        if partnership_ids.is_empty() {
            return Ok(());
        }
        let rows = partnerships::partnerships_by_id(db, partnership_ids).await?;
        let mut region_ids: Vec<Uuid> = rows.iter().map(|p| p.region_id).collect();
        region_ids.sort_unstable();
        region_ids.dedup();
        self.partnerships.feed_many(rows.into_iter().map(|p| (p.id, p))).await;
        let regions = regions::regions_by_id(db, &region_ids).await?;
        self.regions.feed_many(regions.into_iter().map(|r| (r.id, r))).await;
        self.region_parts.feed_many(regions::parts_of(db, &region_ids).await?).await;
        self.prime_partnerships(db, partnership_ids).await
    }

    /// Loads, for a page of organisations, their members with their accounts and roles, and the memberships
    /// the organisations' fields check (see `prime_partnerships` for why pages prime).
    pub async fn prime_organisations(&self, db: &DatabaseConnection, page: &[organisation::Model]) -> AppResult<()> {
        if page.is_empty() {
            return Ok(());
        }
        let mut nuts: Vec<String> = page.iter().filter_map(|o| o.nuts_code.clone()).collect();
        nuts.sort();
        nuts.dedup();
        if !nuts.is_empty() {
            let areas = reference::nuts_regions_by_code(db, &nuts).await?;
            self.nuts_regions.feed_many(areas.into_iter().map(|r| (r.code.clone(), r))).await;
        }
        let ids: Vec<Uuid> = page.iter().map(|o| o.id).collect();
        let members = organisations::members_of(db, &ids).await?;
        let mut user_ids: Vec<Uuid> = members.values().flatten().map(|(_, user)| user.id).collect();
        user_ids.sort_unstable();
        user_ids.dedup();
        let memberships: Vec<((Uuid, Uuid), MemberRole)> = members
            .values()
            .flatten()
            .map(|(member, _)| ((member.organisation_id, member.user_id), member.role))
            .collect();
        self.memberships.feed_many(memberships).await;
        self.organisation_members.feed_many(members).await;
        let mut roles = roles::roles_of_users(db, &user_ids).await?;
        self.user_roles.feed_many(user_ids.iter().map(|id| (*id, roles.remove(id).unwrap_or_default()))).await;
        Ok(())
    }

    /// Loads the history of a page of applications in one go.
    pub async fn prime_application_history(&self, db: &DatabaseConnection, ids: &[Uuid]) -> AppResult<()> {
        if !ids.is_empty() {
            self.application_history.feed_many(applications::history_of(db, ids).await?).await;
        }
        Ok(())
    }

    /// Loads the caller's registrations for a page of events in one go.
    pub async fn prime_user_registrations(
        &self,
        db: &DatabaseConnection,
        user_id: Uuid,
        events: &[Uuid],
    ) -> AppResult<()> {
        if events.is_empty() {
            return Ok(());
        }
        let mut found = events::registrations::registrations_of_user(db, user_id, events).await?;
        // Events without a registration are fed too (as none), so their fields ask nothing more.
        self.user_registrations.feed_many(events.iter().map(|e| ((*e, user_id), found.remove(e)))).await;
        Ok(())
    }

    /// Loads the scopes of a page of service accounts in one statement (accounts without scopes as none).
    pub async fn prime_service_account_scopes(&self, db: &DatabaseConnection, ids: &[Uuid]) -> AppResult<()> {
        let mut found = scopes::scopes_of_accounts(db, ids).await?;
        self.service_account_scopes.feed_many(ids.iter().map(|id| (*id, found.remove(id).unwrap_or_default()))).await;
        Ok(())
    }

    /// Loads the event types of a page of webhook endpoints in one statement.
    pub async fn prime_webhook_event_types(&self, db: &DatabaseConnection, ids: &[Uuid]) -> AppResult<()> {
        let mut found = webhooks::event_types_of_endpoints(db, ids).await?;
        self.webhook_event_types.feed_many(ids.iter().map(|id| (*id, found.remove(id).unwrap_or_default()))).await;
        Ok(())
    }

    pub async fn prime_programme_countries(&self, db: &DatabaseConnection, ids: &[Uuid]) -> AppResult<()> {
        if !ids.is_empty() {
            self.programme_countries.feed_many(programmes::countries_of_programmes(db, ids).await?).await;
        }
        Ok(())
    }
}

/// Loader errors are shared between all the fields waiting on one batch.
pub type LoadError = Arc<AppError>;

impl From<LoadError> for AppError {
    fn from(error: LoadError) -> Self {
        Arc::try_unwrap(error).unwrap_or_else(|shared| AppError::Internal(anyhow::anyhow!("{shared}")))
    }
}

pub struct NutsRegionLoader(DatabaseConnection);

impl Loader<String> for NutsRegionLoader {
    type Value = nuts_region::Model;
    type Error = LoadError;

    async fn load(&self, codes: &[String]) -> Result<HashMap<String, Self::Value>, Self::Error> {
        let rows = reference::nuts_regions_by_code(&self.0, codes).await.map_err(Arc::new)?;
        Ok(rows.into_iter().map(|r| (r.code.clone(), r)).collect())
    }
}

pub struct ProgrammeLoader(DatabaseConnection);

impl Loader<Uuid> for ProgrammeLoader {
    type Value = interreg_programme::Model;
    type Error = LoadError;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = programmes::programmes_by_id(&self.0, ids).await.map_err(Arc::new)?;
        Ok(rows.into_iter().map(|p| (p.id, p)).collect())
    }
}

/// The ISO codes of the countries each programme covers, in code order.
pub struct ProgrammeCountriesLoader(DatabaseConnection);

impl Loader<Uuid> for ProgrammeCountriesLoader {
    type Value = Vec<String>;
    type Error = LoadError;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        programmes::countries_of_programmes(&self.0, ids).await.map_err(Arc::new)
    }
}

pub struct UserLoader(DatabaseConnection);

impl Loader<Uuid> for UserLoader {
    type Value = app_user::Model;
    type Error = LoadError;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = roles::users_by_id(&self.0, ids).await.map_err(Arc::new)?;
        Ok(rows.into_iter().map(|u| (u.id, u)).collect())
    }
}

pub struct UserRolesLoader(DatabaseConnection);

impl Loader<Uuid> for UserRolesLoader {
    type Value = Vec<Role>;
    type Error = LoadError;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        roles::roles_of_users(&self.0, ids).await.map_err(Arc::new)
    }
}

pub struct NewsletterIssueLoader(DatabaseConnection);

impl Loader<Uuid> for NewsletterIssueLoader {
    type Value = newsletter_issue::Model;
    type Error = LoadError;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = issues::issues_by_id(&self.0, ids).await.map_err(Arc::new)?;
        Ok(rows.into_iter().map(|i| (i.id, i)).collect())
    }
}

/// Delivery counts of newsletter issues, one grouped statement per batch.
pub struct DeliveryCountsLoader(DatabaseConnection);

impl Loader<Uuid> for DeliveryCountsLoader {
    type Value = DeliveryCounts;
    type Error = LoadError;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        issues::delivery_counts(&self.0, ids).await.map_err(Arc::new)
    }
}

pub struct ResourceLoader(DatabaseConnection);

impl Loader<Uuid> for ResourceLoader {
    type Value = resource::Model;
    type Error = LoadError;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = resources::resources_by_id(&self.0, ids).await.map_err(Arc::new)?;
        Ok(rows.into_iter().map(|r| (r.id, r)).collect())
    }
}
pub struct EventLoader(DatabaseConnection);

impl Loader<Uuid> for EventLoader {
    type Value = event::Model;
    type Error = LoadError;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = events::events_by_id(&self.0, ids).await.map_err(Arc::new)?;
        Ok(rows.into_iter().map(|e| (e.id, e)).collect())
    }
}

pub struct EventRegistrationLoader(DatabaseConnection);

impl Loader<Uuid> for EventRegistrationLoader {
    type Value = event_registration::Model;
    type Error = LoadError;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = events::registrations::registrations_by_id(&self.0, ids).await.map_err(Arc::new)?;
        Ok(rows.into_iter().map(|r| (r.id, r)).collect())
    }
}

pub struct UserRegistrationLoader(DatabaseConnection);

impl Loader<(Uuid, Uuid)> for UserRegistrationLoader {
    /// The caller's registration for the event, or none: every key asked for gets an answer, so a page of
    /// events asks once.
    type Value = Option<event_registration::Model>;
    type Error = LoadError;

    /// One query per user in the batch (a request has one caller, so one query).
    async fn load(&self, keys: &[(Uuid, Uuid)]) -> Result<HashMap<(Uuid, Uuid), Self::Value>, Self::Error> {
        let mut by_user: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        for (event_id, user_id) in keys {
            by_user.entry(*user_id).or_default().push(*event_id);
        }
        let mut found = HashMap::new();
        for (user_id, event_ids) in by_user {
            let mut rows =
                events::registrations::registrations_of_user(&self.0, user_id, &event_ids).await.map_err(Arc::new)?;
            found.extend(event_ids.into_iter().map(|event_id| ((event_id, user_id), rows.remove(&event_id))));
        }
        Ok(found)
    }
}

pub struct OrganisationLoader(DatabaseConnection);

impl Loader<Uuid> for OrganisationLoader {
    type Value = organisation::Model;
    type Error = LoadError;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = organisations::organisations_by_id(&self.0, ids).await.map_err(Arc::new)?;
        Ok(rows.into_iter().map(|o| (o.id, o)).collect())
    }
}

pub struct PublicOrganisationLoader(DatabaseConnection);

impl Loader<Uuid> for PublicOrganisationLoader {
    type Value = organisations::PublicOrganisation;
    type Error = LoadError;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = organisations::public_organisations_by_id(&self.0, ids).await.map_err(Arc::new)?;
        Ok(rows.into_iter().map(|o| (o.id, o)).collect())
    }
}

pub struct MembershipLoader(DatabaseConnection);

impl Loader<(Uuid, Uuid)> for MembershipLoader {
    type Value = MemberRole;
    type Error = LoadError;

    async fn load(&self, keys: &[(Uuid, Uuid)]) -> Result<HashMap<(Uuid, Uuid), Self::Value>, Self::Error> {
        let rows = entity::organisation_member::Entity::find()
            .filter(entity::organisation_member::Column::OrganisationId.is_in(keys.iter().map(|k| k.0)))
            .filter(entity::organisation_member::Column::UserId.is_in(keys.iter().map(|k| k.1)))
            .all(&self.0)
            .await
            .map_err(|e| Arc::new(AppError::from(e)))?;
        Ok(rows.into_iter().map(|m| ((m.organisation_id, m.user_id), m.role)).collect())
    }
}

pub struct RegionLoader(DatabaseConnection);

impl Loader<Uuid> for RegionLoader {
    type Value = cross_border_region::Model;
    type Error = LoadError;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = regions::regions_by_id(&self.0, ids).await.map_err(Arc::new)?;
        Ok(rows.into_iter().map(|r| (r.id, r)).collect())
    }
}

pub struct RegionPartsLoader(DatabaseConnection);

impl Loader<Uuid> for RegionPartsLoader {
    type Value = regions::RegionParts;
    type Error = LoadError;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        regions::parts_of(&self.0, ids).await.map_err(Arc::new)
    }
}

pub struct PartnershipLoader(DatabaseConnection);

impl Loader<Uuid> for PartnershipLoader {
    type Value = partnership::Model;
    type Error = LoadError;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = partnerships::partnerships_by_id(&self.0, ids).await.map_err(Arc::new)?;
        Ok(rows.into_iter().map(|p| (p.id, p)).collect())
    }
}

pub struct RegionPartnershipsLoader(DatabaseConnection, Option<Principal>);

impl Loader<Uuid> for RegionPartnershipsLoader {
    type Value = Vec<partnership::Model>;
    type Error = LoadError;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        partnerships::partnerships_of_regions(&self.0, self.1.as_ref(), ids).await.map_err(Arc::new)
    }
}

pub struct PartnersLoader(DatabaseConnection);

impl Loader<Uuid> for PartnersLoader {
    type Value = Vec<partnerships::ListedPartner>;
    type Error = LoadError;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        partnerships::listed_partners_of(&self.0, ids).await.map_err(Arc::new)
    }
}

pub struct CallLoader(DatabaseConnection);

impl Loader<Uuid> for CallLoader {
    type Value = call::Model;
    type Error = LoadError;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = calls::calls_by_id(&self.0, ids).await.map_err(Arc::new)?;
        Ok(rows.into_iter().map(|c| (c.id, c)).collect())
    }
}

pub struct CountryLanguagesLoader(DatabaseConnection);

impl Loader<String> for CountryLanguagesLoader {
    type Value = Vec<String>;
    type Error = LoadError;

    async fn load(&self, codes: &[String]) -> Result<HashMap<String, Self::Value>, Self::Error> {
        reference::official_languages(&self.0, codes).await.map_err(Arc::new)
    }
}

pub struct ExpertProfileLoader(DatabaseConnection);

impl Loader<Uuid> for ExpertProfileLoader {
    type Value = expert_profile::Model;
    type Error = LoadError;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = experts::profiles_by_id(&self.0, ids).await.map_err(Arc::new)?;
        Ok(rows.into_iter().map(|p| (p.user_id, p)).collect())
    }
}

pub struct ExpertDetailsLoader(DatabaseConnection);

impl Loader<Uuid> for ExpertDetailsLoader {
    type Value = experts::ExpertDetails;
    type Error = LoadError;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        experts::details_of(&self.0, ids).await.map_err(Arc::new)
    }
}

pub struct ExpertAssignmentLoader(DatabaseConnection);

impl Loader<Uuid> for ExpertAssignmentLoader {
    type Value = expert_assignment::Model;
    type Error = LoadError;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = experts::assignments::assignments_by_id(&self.0, ids).await.map_err(Arc::new)?;
        Ok(rows.into_iter().map(|a| (a.id, a)).collect())
    }
}

pub struct RegionExpertsLoader(DatabaseConnection);

impl Loader<Uuid> for RegionExpertsLoader {
    type Value = Vec<expert_assignment::Model>;
    type Error = LoadError;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let mut map: HashMap<Uuid, Self::Value> = ids.iter().map(|id| (*id, Vec::new())).collect();
        for row in experts::assignments::accepted_in_regions(&self.0, ids).await.map_err(Arc::new)? {
            map.entry(row.region_id).or_default().push(row);
        }
        Ok(map)
    }
}

pub struct ExpertAssignmentsLoader(DatabaseConnection);

impl Loader<Uuid> for ExpertAssignmentsLoader {
    type Value = Vec<expert_assignment::Model>;
    type Error = LoadError;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let mut map: HashMap<Uuid, Self::Value> = ids.iter().map(|id| (*id, Vec::new())).collect();
        for row in experts::assignments::of_experts(&self.0, ids).await.map_err(Arc::new)? {
            map.entry(row.expert_id).or_default().push(row);
        }
        Ok(map)
    }
}

pub struct StrategyContentLoader(DatabaseConnection);

impl Loader<Uuid> for StrategyContentLoader {
    type Value = Arc<strategies::content::StrategyContent>;
    type Error = LoadError;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let content = strategies::content::content_of(&self.0, ids).await.map_err(Arc::new)?;
        Ok(content.into_iter().map(|(id, c)| (id, Arc::new(c))).collect())
    }
}

pub struct RegionStrategyLoader(DatabaseConnection, Option<Principal>);

impl Loader<Uuid> for RegionStrategyLoader {
    type Value = strategies::StrategyView;
    type Error = LoadError;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        strategies::views_by_region(&self.0, self.1.as_ref(), ids).await.map_err(Arc::new)
    }
}

impl Loaders {
    /// Loads the content of a page of strategy versions in one go (one statement per content table).
    pub async fn prime_strategy_content(&self, db: &DatabaseConnection, version_ids: &[Uuid]) -> AppResult<()> {
        if version_ids.is_empty() {
            return Ok(());
        }
        let content = strategies::content::content_of(db, version_ids).await?;
        self.strategy_content.feed_many(content.into_iter().map(|(id, c)| (id, Arc::new(c)))).await;
        Ok(())
    }

    /// Loads, for a page of comment threads, their replies (when `with_replies`) and the display names of the
    /// people named on them and on the replies: at most two statements however long the page.
    pub async fn prime_strategy_comments(
        &self,
        db: &DatabaseConnection,
        threads: &[strategy_comment::Model],
        with_replies: bool,
    ) -> AppResult<()> {
        if threads.is_empty() {
            return Ok(());
        }
        let mut people: Vec<Uuid> = threads.iter().flat_map(people_of).collect();
        if with_replies {
            let ids: Vec<Uuid> = threads.iter().map(|t| t.id).collect();
            let replies = strategies::comments::replies_of(db, &ids).await?;
            people.extend(replies.values().flatten().flat_map(people_of));
            self.strategy_comment_replies.feed_many(replies).await;
        }
        people.sort_unstable();
        people.dedup();
        let names = display_names(db, &people).await?;
        self.display_names.feed_many(names).await;
        Ok(())
    }
}

/// The people a comment names: its author and whoever resolved or reopened it.
fn people_of(comment: &strategy_comment::Model) -> impl Iterator<Item = Uuid> {
    [comment.created_by, comment.resolved_by, comment.reopened_by].into_iter().flatten()
}

async fn display_names(db: &DatabaseConnection, ids: &[Uuid]) -> AppResult<HashMap<Uuid, String>> {
    Ok(roles::users_by_id(db, ids).await?.into_iter().map(|u| (u.id, u.display_name)).collect())
}

pub struct StrategyCommentRepliesLoader(DatabaseConnection);

impl Loader<Uuid> for StrategyCommentRepliesLoader {
    type Value = Vec<strategy_comment::Model>;
    type Error = LoadError;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        strategies::comments::replies_of(&self.0, ids).await.map_err(Arc::new)
    }
}

pub struct DisplayNameLoader(DatabaseConnection);

impl Loader<Uuid> for DisplayNameLoader {
    type Value = String;
    type Error = LoadError;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        display_names(&self.0, ids).await.map_err(Arc::new)
    }
}

pub struct OrganisationMembersLoader(DatabaseConnection);

impl Loader<Uuid> for OrganisationMembersLoader {
    type Value = Vec<(organisation_member::Model, app_user::Model)>;
    type Error = LoadError;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        organisations::members_of(&self.0, ids).await.map_err(Arc::new)
    }
}

pub struct ApplicationHistoryLoader(DatabaseConnection);

impl Loader<Uuid> for ApplicationHistoryLoader {
    type Value = Vec<application_event::Model>;
    type Error = LoadError;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        applications::history_of(&self.0, ids).await.map_err(Arc::new)
    }
}

pub struct ServiceAccountScopesLoader(DatabaseConnection);

impl Loader<Uuid> for ServiceAccountScopesLoader {
    type Value = Vec<Scope>;
    type Error = LoadError;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let mut found = scopes::scopes_of_accounts(&self.0, ids).await.map_err(Arc::new)?;
        Ok(ids.iter().map(|id| (*id, found.remove(id).unwrap_or_default())).collect())
    }
}

pub struct WebhookEventTypesLoader(DatabaseConnection);

impl Loader<Uuid> for WebhookEventTypesLoader {
    type Value = Vec<String>;
    type Error = LoadError;

    async fn load(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let mut found = webhooks::event_types_of_endpoints(&self.0, ids).await.map_err(Arc::new)?;
        Ok(ids.iter().map(|id| (*id, found.remove(id).unwrap_or_default())).collect())
    }
}
