//! The regions of a `crossBorderRegions` page, built straight from the rows the page read when its selection
//! asks only for what those rows hold, instead of async-graphql resolving each field: for the public page query
//! (about 600 fields) that per-field work was a third of the server's instructions (BENCHMARKS.md, "A page built
//! from its rows").
//!
//! A selection is built when every field in it is one of the fields below, without arguments or directives, each
//! response key once; fragments are followed (on an object type every valid fragment applies). Anything else
//! (another field, `@include`, a key selected twice) and the region resolves field by field as everywhere else:
//! the built values are made by the same conversions (`ScalarType::to_value`, `enum_value`, `GlobalId`) as the
//! resolvers', and `regions::a_built_page_answers_as_the_resolvers_do` compares the two field by field.
//!
//! The selection is read from the document itself (`ctx.item`, `ctx.query_env.fragments`: public fields of
//! async-graphql 7's contexts, hidden from its documentation): its `SelectionField` iterator drops the directives of
//! fragments, which must send a selection to the resolvers.

use crate::domain::organisations::PublicOrganisation;
use crate::domain::partnerships::{ListedPartner, PartnershipsOfPage};
use crate::domain::reference::Countries;
use crate::graphql::node::{GlobalId, NodeType};
use crate::graphql::organisations::{Organisation, OrganisationType};
use crate::graphql::partnerships::{Partner, PartnerRole, PartnerStatus, Partnership, VotingShares};
use crate::graphql::reference::{Country, CountryStatus};
use crate::graphql::regions::{CrossBorderRegion, RegionStatus};
use async_graphql::parser::types::{Field, FragmentDefinition, Selection, SelectionSet};
use async_graphql::registry::Registry;
use async_graphql::resolver_utils::enum_value;
use async_graphql::{ContextSelectionSet, Name, OutputType, Positioned, ScalarType, ServerResult, Value};
use entity::{country, cross_border_region, partnership};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

/// What a page read besides its regions: their partnerships the caller may see, with partners and organisations.
pub struct PageRows {
    partnerships: HashMap<Uuid, Vec<partnership::Model>>,
    partners: HashMap<Uuid, Vec<ListedPartner>>,
    organisations: HashMap<Uuid, PublicOrganisation>,
}

impl From<PartnershipsOfPage> for PageRows {
    fn from(page: PartnershipsOfPage) -> Self {
        let organisations = page.partners.organisations.into_iter().map(|o| (o.id, o)).collect();
        Self { partnerships: page.by_region, partners: page.partners.partners, organisations }
    }
}

/// A region of a page: built from the page's rows (`rows`, when the page read them; `countries` always) where its
/// selection allows, otherwise resolved as a [`CrossBorderRegion`].
pub struct ListedRegion {
    region: CrossBorderRegion,
    rows: Option<Arc<PageRows>>,
    countries: Countries,
}

impl ListedRegion {
    pub fn new(region: cross_border_region::Model, rows: Option<Arc<PageRows>>, countries: Countries) -> Self {
        Self { region: CrossBorderRegion(region), rows, countries }
    }
}

/// Whether every region of the connection selected by `connection` (the `crossBorderRegions` field) is built:
/// then the page's rows need not go into the DataLoaders.
pub fn items_built(connection: &Field, fragments: &Fragments, rows_read: bool) -> bool {
    let plans = Plans { fragments, rows_read };
    plans.plan::<ConnectionField>(&connection.selection_set.node).is_some()
}

impl OutputType for ListedRegion {
    fn type_name() -> Cow<'static, str> {
        CrossBorderRegion::type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        CrossBorderRegion::create_type_info(registry)
    }

    async fn resolve(&self, ctx: &ContextSelectionSet<'_>, field: &Positioned<Field>) -> ServerResult<Value> {
        let plans = Plans { fragments: &ctx.query_env.fragments, rows_read: self.rows.is_some() };
        match plans.plan::<RegionField>(&ctx.item.node) {
            Some(plan) => Ok(self.build(&plan)),
            None => OutputType::resolve(&self.region, ctx, field).await,
        }
    }
}

type Fragments = HashMap<Name, Positioned<FragmentDefinition>>;

/// The fields of one selection set, by response key, in the selection's order.
type Plan<F> = Vec<(Name, F)>;

/// What a selection may use: the document's fragments, and whether the page's rows were read.
struct Plans<'a> {
    fragments: &'a Fragments,
    rows_read: bool,
}

/// The fields of one type that a page builds.
trait Built: Sized {
    /// The field `name` with the selection `below` it; `None` when it is not built.
    fn field(name: &str, below: &SelectionSet, plans: &Plans) -> Option<Self>;
}

impl Plans<'_> {
    /// The plan of `set`; `None` when a field in it is not built.
    fn plan<F: Built>(&self, set: &SelectionSet) -> Option<Plan<F>> {
        let mut plan = Vec::new();
        self.add(set, &mut plan)?;
        Some(plan)
    }

    fn add<F: Built>(&self, set: &SelectionSet, plan: &mut Plan<F>) -> Option<()> {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let key = &field.response_key().node;
                    if !field.directives.is_empty() || !field.arguments.is_empty() || plan.iter().any(|(k, _)| k == key)
                    {
                        return None;
                    }
                    plan.push((key.clone(), F::field(&field.name.node, &field.selection_set.node, self)?));
                }
                Selection::FragmentSpread(spread) => {
                    let fragment = self.fragments.get(&spread.node.fragment_name.node)?;
                    if !spread.node.directives.is_empty() || !fragment.node.directives.is_empty() {
                        return None;
                    }
                    self.add(&fragment.node.selection_set.node, plan)?;
                }
                Selection::InlineFragment(fragment) => {
                    if !fragment.node.directives.is_empty() {
                        return None;
                    }
                    self.add(&fragment.node.selection_set.node, plan)?;
                }
            }
        }
        Some(())
    }
}

/// The connection's fields: only its items matter; `pageInfo`, `totalCount` and `cursor` resolve as usual.
enum ConnectionField {
    Items,
    Other,
}

impl Built for ConnectionField {
    fn field(name: &str, below: &SelectionSet, plans: &Plans) -> Option<Self> {
        match name {
            "nodes" | "node" => plans.plan::<RegionField>(below).map(|_| Self::Items),
            "edges" => plans.plan::<ConnectionField>(below).map(|_| Self::Items),
            _ => Some(Self::Other),
        }
    }
}

enum RegionField {
    Typename,
    Id,
    Name,
    Description,
    Population,
    AreaKm2,
    Status,
    Partnerships(Plan<PartnershipField>),
}

impl Built for RegionField {
    fn field(name: &str, below: &SelectionSet, plans: &Plans) -> Option<Self> {
        Some(match name {
            "__typename" => Self::Typename,
            "id" => Self::Id,
            "name" => Self::Name,
            "description" => Self::Description,
            "population" => Self::Population,
            "areaKm2" => Self::AreaKm2,
            "status" => Self::Status,
            "partnerships" if plans.rows_read => Self::Partnerships(plans.plan(below)?),
            _ => return None,
        })
    }
}

enum PartnershipField {
    Typename,
    Id,
    Name,
    Governance,
    Voting(Plan<VotingField>),
    Partners(Plan<PartnerField>),
}

impl Built for PartnershipField {
    fn field(name: &str, below: &SelectionSet, plans: &Plans) -> Option<Self> {
        Some(match name {
            "__typename" => Self::Typename,
            "id" => Self::Id,
            "name" => Self::Name,
            "governance" => Self::Governance,
            "voting" => Self::Voting(plans.plan(below)?),
            "partners" => Self::Partners(plans.plan(below)?),
            _ => return None,
        })
    }
}

enum VotingField {
    Typename,
    PublicSector,
    PrivateSector,
    CivilSociety,
    Other,
}

impl Built for VotingField {
    fn field(name: &str, _: &SelectionSet, _: &Plans) -> Option<Self> {
        Some(match name {
            "__typename" => Self::Typename,
            "publicSector" => Self::PublicSector,
            "privateSector" => Self::PrivateSector,
            "civilSociety" => Self::CivilSociety,
            "other" => Self::Other,
            _ => return None,
        })
    }
}

enum PartnerField {
    Typename,
    Side,
    Role,
    Status,
    InvitedAt,
    AnsweredAt,
    Organisation(Plan<OrganisationField>),
}

impl Built for PartnerField {
    fn field(name: &str, below: &SelectionSet, plans: &Plans) -> Option<Self> {
        Some(match name {
            "__typename" => Self::Typename,
            "side" => Self::Side,
            "role" => Self::Role,
            "status" => Self::Status,
            "invitedAt" => Self::InvitedAt,
            "answeredAt" => Self::AnsweredAt,
            "organisation" => Self::Organisation(plans.plan(below)?),
            _ => return None,
        })
    }
}

/// The public fields of an organisation (the others depend on the caller's membership).
enum OrganisationField {
    Typename,
    Id,
    Name,
    OriginalName,
    OrganisationType,
    Country(Plan<CountryField>),
}

impl Built for OrganisationField {
    fn field(name: &str, below: &SelectionSet, plans: &Plans) -> Option<Self> {
        Some(match name {
            "__typename" => Self::Typename,
            "id" => Self::Id,
            "name" => Self::Name,
            "originalName" => Self::OriginalName,
            "organisationType" => Self::OrganisationType,
            "country" => Self::Country(plans.plan(below)?),
            _ => return None,
        })
    }
}

enum CountryField {
    Typename,
    Id,
    Code,
    NutsCode,
    Name,
    Status,
    Eligible,
}

impl Built for CountryField {
    fn field(name: &str, _: &SelectionSet, _: &Plans) -> Option<Self> {
        Some(match name {
            "__typename" => Self::Typename,
            "id" => Self::Id,
            "code" => Self::Code,
            "nutsCode" => Self::NutsCode,
            "name" => Self::Name,
            "status" => Self::Status,
            "eligible" => Self::Eligible,
            _ => return None,
        })
    }
}

/// An object of the fields of `plan`, each valued by `value`.
fn object<F>(plan: &Plan<F>, value: impl Fn(&F) -> Value) -> Value {
    Value::Object(plan.iter().map(|(key, field)| (key.clone(), value(field))).collect())
}

fn typename<T: OutputType>() -> Value {
    Value::String(T::type_name().into_owned())
}

fn text(text: &str) -> Value {
    Value::String(text.to_owned())
}

fn optional<T: ScalarType>(value: Option<&T>) -> Value {
    value.map_or(Value::Null, ScalarType::to_value)
}

fn id(node_type: NodeType, key: &str) -> Value {
    GlobalId::encode(node_type, key).to_value()
}

impl ListedRegion {
    fn build(&self, plan: &Plan<RegionField>) -> Value {
        let region = &self.region.0;
        object(plan, |field| match field {
            RegionField::Typename => typename::<CrossBorderRegion>(),
            RegionField::Id => id(NodeType::CrossBorderRegion, &region.id.to_string()),
            RegionField::Name => text(&region.name),
            RegionField::Description => text(&region.description),
            RegionField::Population => optional(region.population.as_ref()),
            RegionField::AreaKm2 => optional(region.area_km2.as_ref()),
            RegionField::Status => enum_value(RegionStatus::from(region.status)),
            RegionField::Partnerships(plan) => {
                let partnerships = self.rows.as_deref().and_then(|rows| rows.partnerships.get(&region.id));
                Value::List(partnerships.into_iter().flatten().map(|p| self.partnership(plan, p)).collect())
            }
        })
    }

    fn partnership(&self, plan: &Plan<PartnershipField>, partnership: &partnership::Model) -> Value {
        object(plan, |field| match field {
            PartnershipField::Typename => typename::<Partnership>(),
            PartnershipField::Id => id(NodeType::Partnership, &partnership.id.to_string()),
            PartnershipField::Name => text(&partnership.name),
            PartnershipField::Governance => partnership.governance.as_deref().map_or(Value::Null, text),
            PartnershipField::Voting(plan) => object(plan, |field| match field {
                VotingField::Typename => typename::<VotingShares>(),
                VotingField::PublicSector => optional(partnership.public_sector_share.as_ref()),
                VotingField::PrivateSector => optional(partnership.private_sector_share.as_ref()),
                VotingField::CivilSociety => optional(partnership.civil_society_share.as_ref()),
                VotingField::Other => optional(partnership.other_share.as_ref()),
            }),
            PartnershipField::Partners(plan) => {
                let partners = self.rows.as_deref().and_then(|rows| rows.partners.get(&partnership.id));
                Value::List(partners.into_iter().flatten().map(|p| self.partner(plan, p)).collect())
            }
        })
    }

    fn partner(&self, plan: &Plan<PartnerField>, partner: &ListedPartner) -> Value {
        object(plan, |field| match field {
            PartnerField::Typename => typename::<Partner>(),
            PartnerField::Side => text(&partner.side),
            PartnerField::Role => enum_value(PartnerRole::from(partner.role)),
            PartnerField::Status => enum_value(PartnerStatus::from(partner.status)),
            PartnerField::InvitedAt => partner.created_at.to_value(),
            PartnerField::AnsweredAt => optional(partner.answered_at.as_ref()),
            PartnerField::Organisation(plan) => {
                let organisation =
                    self.rows.as_deref().and_then(|rows| rows.organisations.get(&partner.organisation_id));
                organisation.map_or(Value::Null, |o| self.organisation(plan, o))
            }
        })
    }

    fn organisation(&self, plan: &Plan<OrganisationField>, organisation: &PublicOrganisation) -> Value {
        object(plan, |field| match field {
            OrganisationField::Typename => typename::<Organisation>(),
            OrganisationField::Id => id(NodeType::Organisation, &organisation.id.to_string()),
            OrganisationField::Name => text(&organisation.name),
            OrganisationField::OriginalName => organisation.original_name.as_deref().map_or(Value::Null, text),
            OrganisationField::OrganisationType => enum_value(OrganisationType::from(organisation.organisation_type)),
            OrganisationField::Country(plan) => {
                self.countries.get(&organisation.country_code).map_or(Value::Null, |c| country(plan, c))
            }
        })
    }
}

fn country(plan: &Plan<CountryField>, country: &country::Model) -> Value {
    object(plan, |field| match field {
        CountryField::Typename => typename::<Country>(),
        CountryField::Id => id(NodeType::Country, &country.code),
        CountryField::Code => text(&country.code),
        CountryField::NutsCode => text(&country.nuts_code),
        CountryField::Name => text(&country.name),
        CountryField::Status => enum_value(CountryStatus::from(country.status)),
        CountryField::Eligible => Value::Boolean(country.eligible),
    })
}

#[cfg(test)]
mod tests {
    use super::items_built;
    use async_graphql::parser::parse_query;
    use async_graphql::parser::types::{DocumentOperations, Selection};

    /// Whether the regions of the document's first field are built, with or without the page's rows read.
    fn built(query: &str, rows_read: bool) -> bool {
        let document = parse_query(query).unwrap();
        let DocumentOperations::Single(operation) = &document.operations else { panic!("one operation") };
        let Selection::Field(field) = &operation.node.selection_set.node.items[0].node else { panic!("a field") };
        items_built(&field.node, &document.fragments, rows_read)
    }

    #[test]
    fn the_public_page_query_is_built_from_its_rows() {
        let page = "{ crossBorderRegions(status: PILOT, first: 30) { nodes { name partnerships { name partners { side role organisation { name country { name } } } } } } }";
        assert!(built(page, true));
        // Without the rows, only regions without their partnerships are built.
        assert!(!built(page, false));
        assert!(built(
            "{ crossBorderRegions { totalCount pageInfo { hasNextPage } nodes { id name status } } }",
            false
        ));
        let fragments = "{ crossBorderRegions { edges { cursor node { ...R } } } } fragment R on CrossBorderRegion { label: name ... on CrossBorderRegion { partnerships { voting { other } } } }";
        assert!(built(fragments, true));
    }

    #[test]
    fn other_fields_directives_and_repeated_keys_are_left_to_the_resolvers() {
        for query in [
            "{ crossBorderRegions { nodes { name countries { code } } } }",
            "{ crossBorderRegions { nodes { partnerships { region { name } } } } }",
            "{ crossBorderRegions { nodes { partnerships { partners { organisation { address } } } } } }",
            "{ crossBorderRegions { nodes { name @include(if: true) } } }",
            "{ crossBorderRegions { nodes { ... @skip(if: false) { name } } } }",
            "{ crossBorderRegions { nodes { name name } } }",
            "{ crossBorderRegions { nodes { strategy(language: \"de\") { id } } } }",
        ] {
            assert!(!built(query, true), "{query}");
        }
    }
}
