//! `impact seed --demo`: a realistic demo data set for frontend teams, made through the domain commands (so it
//! obeys every rule, writes its domain events and queues its mail like real use). Idempotent: each thing is
//! looked up by its natural key (address, title, name, registration id) and made only when missing, so running
//! it again changes nothing. Development only: the passwords are printed and the same on every machine.

use crate::auth::{Principal, Role, SubjectKind};
use crate::config::{Config, Environment};
use crate::domain::accounts::{self, Provisioned};
use crate::domain::applications::{self, ApplicationContent, Attachment, workflow};
use crate::domain::calls::{self, CallInput};
use crate::domain::events::{self, EventInput, registrations};
use crate::domain::newsletter::Topic;
use crate::domain::newsletter::subscriptions::{self, SubscribeInput};
use crate::domain::organisations::{self, OrganisationInput};
use crate::domain::partnerships::{self, PartnerInput, PartnershipInput, VotingShares};
use crate::domain::regions::{self, RegionInput};
use crate::domain::resources::{self, ResourceInput};
use crate::domain::{Services, programmes};
use crate::error::{AppError, AppResult};
use chrono::Duration;
use entity::application::ApplicationStatus;
use entity::call::CallKind;
use entity::cross_border_region::RegionStatus;
use entity::event::EventKind;
use entity::organisation::OrganisationType;
use entity::partner::PartnerRole;
use entity::resource::ResourceKind;
use entity::strategy::StrategyStatus;
use entity::{application, call, cross_border_region, event, event_registration, organisation, partnership, resource};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

mod experts;
mod strategies;

/// The password of every demo account (development only).
pub const DEMO_PASSWORD: &str = "impact demo 2026";

/// A demo account: address, name and role.
pub struct DemoAccount {
    pub email: &'static str,
    pub name: &'static str,
    pub role: Role,
}

pub const ACCOUNTS: &[DemoAccount] = &[
    DemoAccount { email: "staff@demo.impact.example", name: "Sofia Staff", role: Role::Staff },
    DemoAccount { email: "anna@demo.impact.example", name: "Anna Berger", role: Role::Applicant },
    DemoAccount { email: "janez@demo.impact.example", name: "Janez Novak", role: Role::Applicant },
    DemoAccount { email: "claire@demo.impact.example", name: "Claire Muller", role: Role::Applicant },
    DemoAccount { email: "maria@demo.impact.example", name: "Maria Papadopoulou", role: Role::Applicant },
    DemoAccount { email: "expert@demo.impact.example", name: "Erik Expert", role: Role::Expert },
];

/// What the demo set holds after a run, and how much of it this run made.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DemoReport {
    pub created: usize,
    pub existing: usize,
}

impl DemoReport {
    fn count(&mut self, created: bool) {
        if created { self.created += 1 } else { self.existing += 1 }
    }
}

/// The demo set (printed passwords) is for development only.
pub fn refuse_in_production(config: &Config) -> AppResult<()> {
    if config.environment == Environment::Production {
        return Err(AppError::BadUserInput("the demo data is for development only; refused in production".into()));
    }
    Ok(())
}

/// Loads the demo set; refused in production.
pub async fn seed(services: &Services) -> AppResult<DemoReport> {
    refuse_in_production(&services.config)?;
    let mut demo = Demo { services, report: DemoReport::default(), users: Vec::new() };
    for account in ACCOUNTS {
        demo.account(account).await?;
    }
    let calls = demo.calls().await?;
    let applicants = demo.applicant_flow(calls.open).await?;
    // The expert coaches the PT–ES region, whose strategy is in review; its lead partner (Claire) replies.
    demo.expert_flow("Minho / Miño", &applicants[2]).await?;
    demo.events(&applicants).await?;
    demo.subscribers().await?;
    demo.resources().await?;
    Ok(demo.report)
}

struct Demo<'a> {
    services: &'a Services,
    report: DemoReport,
    /// The demo accounts as principals, in the order of `ACCOUNTS`.
    users: Vec<Principal>,
}

struct DemoCalls {
    open: Uuid,
}

impl Demo<'_> {
    fn staff(&self) -> &Principal {
        &self.users[0]
    }

    async fn account(&mut self, account: &DemoAccount) -> AppResult<()> {
        let provisioned = Provisioned {
            email: account.email,
            password: DEMO_PASSWORD,
            display_name: Some(account.name),
            role: account.role,
            via: "seed-demo",
        };
        let (user, created) = accounts::provision(self.services, &provisioned).await?;
        self.report.count(created);
        self.users.push(Principal {
            id: user.id,
            kind: SubjectKind::User,
            roles: vec![account.role],
            programmes: Vec::new(),
            session: None,
        });
        Ok(())
    }

    /// A call in each status: a draft, one opening later, one open now, one closed.
    async fn calls(&mut self) -> AppResult<DemoCalls> {
        let now = self.services.now();
        let calls = [
            ("Pilot regions, round 1 (closed)", 1, now - Duration::days(120), now - Duration::days(60), true),
            ("Pilot regions, round 2 (open)", 2, now - Duration::days(10), now + Duration::days(50), true),
            ("Pilot regions, round 3 (opens later)", 3, now + Duration::days(90), now + Duration::days(150), true),
            ("Pilot regions, round 4 (draft)", 4, now + Duration::days(200), now + Duration::days(260), false),
        ];
        let mut open = None;
        for (title, round, opens_at, closes_at, published) in calls {
            let existing = call::Entity::find().filter(call::Column::Title.eq(title)).one(&self.services.db).await?;
            let id = match existing {
                Some(found) => {
                    self.report.count(false);
                    found.id
                }
                None => {
                    let input = CallInput {
                        kind: CallKind::PilotRegions,
                        title: title.to_owned(),
                        round,
                        description: "Cross-border regions apply to design a joint CLLD strategy with the programme's \
                                      support."
                            .to_owned(),
                        opens_at,
                        closes_at,
                        max_selections: 10,
                    };
                    let created = calls::create_call(self.services, Some(self.staff()), &input).await?;
                    if published {
                        calls::publish_call(self.services, Some(self.staff()), created.id).await?;
                    }
                    self.report.count(true);
                    created.id
                }
            };
            if round == 2 {
                open = Some(id);
            }
        }
        Ok(DemoCalls { open: open.expect("the open call is in the list") })
    }

    /// Organisations on seven borders, their regions and partnerships. Three applied to the open call: AT–SI
    /// selected (the region becomes a pilot), FR–DE submitted (its German partner, Janez's, accepted the
    /// invitation), GR–BG a draft (its Bulgarian partner, Janez's too, has not answered yet: the check lists it). Four more were selected before the
    /// platform opened and entered by staff as pilot regions. The pilot regions have a strategy in each status of
    /// its workflow (`strategies.rs`).
    async fn applicant_flow(&mut self, open_call: Uuid) -> AppResult<Vec<Principal>> {
        let applicants: Vec<Principal> = self.users[1..5].to_vec();
        let borders = [
            Border {
                region: "Karawanken / Karavanke",
                countries: ["AT", "SI"],
                nuts: ["AT21", "SI03"],
                sides: [
                    ("Gemeinde Arnoldstein", OrganisationType::LocalAuthority, "AT211", "FN-100201"),
                    ("Občina Kranjska Gora", OrganisationType::LocalAuthority, "SI033", "5883555000"),
                ],
                owner: 0,
                partner_owner: None,
                entry: Entry::Applied(Outcome::Selected),
                strategy: Some(StrategyStatus::Published),
            },
            Border {
                region: "Oberrhein / Rhin supérieur",
                countries: ["FR", "DE"],
                nuts: ["FRF1", "DE13"],
                sides: [
                    ("Eurodistrict Strasbourg-Ortenau", OrganisationType::Egtc, "FRF11", "EGTC-2010-01"),
                    ("Landkreis Lörrach", OrganisationType::LocalAuthority, "DE139", "DE-LK-LOE"),
                ],
                owner: 2,
                partner_owner: Some((1, true)),
                entry: Entry::Applied(Outcome::Submitted),
                strategy: None,
            },
            Border {
                region: "Strymonas / Struma",
                countries: ["GR", "BG"],
                nuts: ["EL52", "BG41"],
                sides: [
                    ("Development Agency of Imathia", OrganisationType::RegionalAuthority, "EL521", "EL-094011"),
                    ("Blagoevgrad Civic Forum", OrganisationType::Ngo, "BG413", "BG-201334"),
                ],
                owner: 3,
                partner_owner: Some((1, false)),
                entry: Entry::Applied(Outcome::Draft),
                strategy: None,
            },
            Border {
                region: "Pomerania / Pomorze",
                countries: ["DE", "PL"],
                nuts: ["DE80", "PL42"],
                sides: [
                    ("Landkreis Vorpommern-Greifswald", OrganisationType::LocalAuthority, "DE80N", "DE-LK-VG"),
                    ("Stowarzyszenie Gmin Pomerania", OrganisationType::Euroregion, "PL424", "KRS-0000123456"),
                ],
                owner: 1,
                partner_owner: None,
                entry: Entry::Pilot,
                strategy: Some(StrategyStatus::Adopted),
            },
            Border {
                region: "Minho / Miño",
                countries: ["PT", "ES"],
                nuts: ["PT11", "ES11"],
                sides: [
                    (
                        "Comunidade Intermunicipal do Alto Minho",
                        OrganisationType::LocalAuthority,
                        "PT111",
                        "PT-508929113",
                    ),
                    ("Deputación de Pontevedra", OrganisationType::RegionalAuthority, "ES114", "P3600000J"),
                ],
                owner: 2,
                partner_owner: None,
                entry: Entry::Pilot,
                strategy: Some(StrategyStatus::InReview),
            },
            Border {
                region: "Tornedalen / Tornionlaakso",
                countries: ["SE", "FI"],
                nuts: ["SE33", "FI1D"],
                sides: [
                    ("Haparanda kommun", OrganisationType::LocalAuthority, "SE332", "212000-2650"),
                    ("Tornion kaupunki", OrganisationType::LocalAuthority, "FI1D7", "0195683-7"),
                ],
                owner: 3,
                partner_owner: None,
                entry: Entry::Pilot,
                strategy: Some(StrategyStatus::ChangesRequested),
            },
            Border {
                region: "Gorizia / Gorica",
                countries: ["IT", "SI"],
                nuts: ["ITH4", "SI04"],
                sides: [
                    ("Comune di Gorizia", OrganisationType::LocalAuthority, "ITH43", "IT-00122800311"),
                    ("Mestna občina Nova Gorica", OrganisationType::LocalAuthority, "SI043", "5881447000"),
                ],
                owner: 1,
                partner_owner: None,
                entry: Entry::Pilot,
                strategy: Some(StrategyStatus::Draft),
            },
        ];
        for border in borders {
            let who = applicants[border.owner].clone();
            self.border(&who, &border, open_call).await?;
        }
        Ok(applicants)
    }

    async fn border(&mut self, who: &Principal, border: &Border, open_call: Uuid) -> AppResult<()> {
        let mut organisations = Vec::new();
        let partner_owner = border.partner_owner.map(|(index, _)| self.users[1 + index].clone());
        for (index, (name, organisation_type, nuts, registration)) in border.sides.iter().enumerate() {
            let country = border.countries[index];
            let creator = match (&partner_owner, index) {
                (Some(owner), 1) => owner,
                _ => who,
            };
            let existing = organisation::Entity::find()
                .filter(organisation::Column::CountryCode.eq(country))
                .filter(organisation::Column::RegistrationId.eq(*registration))
                .one(&self.services.db)
                .await?;
            let id = match existing {
                Some(found) => found.id,
                None => {
                    let input = OrganisationInput {
                        name: (*name).to_owned(),
                        original_name: None,
                        organisation_type: *organisation_type,
                        country: country.to_owned(),
                        nuts_region: Some((*nuts).to_owned()),
                        address: None,
                        registration_id: (*registration).to_owned(),
                        website: Some("https://example.org".to_owned()),
                    };
                    organisations::create_organisation(self.services, Some(creator), &input).await?.id
                }
            };
            organisations.push(id);
        }
        let region = self.region(who, border).await?;
        let partnership_name = format!("{} partnership", border.region);
        let existing = partnership::Entity::find()
            .filter(partnership::Column::Name.eq(partnership_name.as_str()))
            .one(&self.services.db)
            .await?;
        let partnership = match existing {
            Some(found) => {
                self.report.count(false);
                found.id
            }
            None => {
                let input = PartnershipInput {
                    region_id: region,
                    name: partnership_name,
                    governance: Some("A joint steering board meeting every quarter, chaired in turn.".to_owned()),
                    partners: organisations
                        .iter()
                        .zip(border.countries)
                        .enumerate()
                        .map(|(index, (organisation_id, side))| PartnerInput {
                            organisation_id: *organisation_id,
                            side: side.to_owned(),
                            role: if index == 0 { PartnerRole::Lead } else { PartnerRole::Partner },
                        })
                        .collect(),
                    voting: VotingShares {
                        public_sector: Some(40),
                        private_sector: Some(30),
                        civil_society: Some(30),
                        other: Some(0),
                    },
                };
                self.report.count(true);
                let id = partnerships::create_partnership(self.services, Some(who), &input).await?.id;
                // The other applicant's organisation was invited; its owner answers as a person would.
                if let (Some(owner), Some((_, true))) = (&partner_owner, border.partner_owner) {
                    partnerships::invitations::accept(self.services, Some(owner), id, organisations[1]).await?;
                }
                id
            }
        };
        if let Entry::Applied(outcome) = border.entry {
            self.application(who, border, outcome, open_call, partnership).await?;
        }
        if let Some(status) = border.strategy {
            self.strategy(who, border, region, &organisations, status).await?;
        }
        Ok(())
    }

    async fn region(&mut self, who: &Principal, border: &Border) -> AppResult<Uuid> {
        let existing = cross_border_region::Entity::find()
            .filter(cross_border_region::Column::Name.eq(border.region))
            .one(&self.services.db)
            .await?;
        if let Some(found) = existing {
            self.report.count(false);
            return Ok(found.id);
        }
        let countries: Vec<String> = border.countries.iter().map(|c| (*c).to_owned()).collect();
        let programmes = programmes::covering(&self.services.db, &countries).await?;
        // Applicants propose candidate regions; staff enter the regions selected before the platform opened.
        let (who, status) = match border.entry {
            Entry::Applied(_) => (who.clone(), None),
            Entry::Pilot => (self.staff().clone(), Some(RegionStatus::Pilot)),
        };
        let input = RegionInput {
            name: border.region.to_owned(),
            description: "Valleys and towns on both sides of the border, sharing a labour market, rivers and \
                          a tourism season."
                .to_owned(),
            countries,
            nuts_regions: border.nuts.iter().map(|n| (*n).to_owned()).collect(),
            population: Some(180_000),
            area_km2: Some(2_400.0),
            programmes,
            status,
        };
        self.report.count(true);
        Ok(regions::create_region(self.services, Some(&who), &input).await?.id)
    }

    async fn application(
        &mut self,
        who: &Principal,
        border: &Border,
        outcome: Outcome,
        call: Uuid,
        partnership: Uuid,
    ) -> AppResult<()> {
        let existing = application::Entity::find()
            .filter(application::Column::CallId.eq(call))
            .filter(application::Column::PartnershipId.eq(partnership))
            .one(&self.services.db)
            .await?;
        if existing.is_some() {
            self.report.count(false);
            return Ok(());
        }
        let content = ApplicationContent {
            motivation: Some("A joint strategy lets both sides plan services and tourism together.".to_owned()),
            challenges: Some("An ageing population, seasonal jobs, weak cross-border public transport.".to_owned()),
            priorities: Some("Mobility across the border, year-round tourism, local food chains.".to_owned()),
            cooperation: Some("Partners since an Interreg project in 2016; a joint tourism board since 2019.".into()),
            capacity: Some("Two staff members on each side and a co-financed budget for three years.".to_owned()),
            languages: Some(border.countries.iter().map(|c| language_of(c).to_owned()).collect()),
            attachments: Some(vec![Attachment {
                title: "Letter of intent".to_owned(),
                url: "https://example.org/letter-of-intent.pdf".to_owned(),
            }]),
        };
        let draft = applications::create_application(self.services, Some(who), call, partnership, &content).await?;
        self.report.count(true);
        if outcome == Outcome::Draft {
            return Ok(());
        }
        workflow::submit(self.services, Some(who), draft.id).await?;
        if outcome == Outcome::Submitted {
            return Ok(());
        }
        let staff = self.staff().clone();
        workflow::record_eligibility(self.services, Some(&staff), draft.id, true, &[]).await?;
        let scores: Vec<(String, i32)> = self
            .services
            .config
            .programme
            .assessment_criteria
            .iter()
            .map(|criterion| (criterion.name.clone(), criterion.max_score * 4 / 5))
            .collect();
        let comment = Some("A convincing, well-prepared partnership.".to_owned());
        workflow::record_quality(self.services, Some(&staff), draft.id, &scores, comment).await?;
        let note = Some("Selected in the second round.".to_owned());
        workflow::decide(self.services, Some(&staff), draft.id, ApplicationStatus::Selected, note).await?;
        Ok(())
    }

    /// A webinar with a waitlist (two seats, three registrants) and an in-person workshop.
    async fn events(&mut self, applicants: &[Principal]) -> AppResult<()> {
        let now = self.services.now();
        let events = [
            ("Designing a CLLD strategy across a border", EventKind::Webinar, 2, Some("https://meet.example.org/clld")),
            ("Pilot regions' workshop in Gorizia", EventKind::InPerson, 40, None),
        ];
        for (index, (title, kind, capacity, join_url)) in events.into_iter().enumerate() {
            let existing = event::Entity::find().filter(event::Column::Title.eq(title)).one(&self.services.db).await?;
            let id = match existing {
                Some(found) => {
                    self.report.count(false);
                    found.id
                }
                None => {
                    let starts_at = now + Duration::days(14 + 21 * index as i64);
                    let input = EventInput {
                        kind,
                        title: title.to_owned(),
                        description: "How pilot regions turn their needs into objectives, targets and actions."
                            .to_owned(),
                        starts_at,
                        ends_at: starts_at + Duration::hours(2),
                        time_zone: "Europe/Brussels".to_owned(),
                        venue: (kind == EventKind::InPerson).then(|| "Palazzo Coronini, Gorizia".to_owned()),
                        join_url: join_url.map(str::to_owned),
                        capacity,
                        registration_opens_at: now - Duration::days(1),
                        registration_closes_at: starts_at - Duration::hours(1),
                        topics: vec![Topic::Events],
                        language: "en".to_owned(),
                        country: (kind == EventKind::InPerson).then(|| "IT".to_owned()),
                    };
                    let created = events::create_event(self.services, Some(self.staff()), &input).await?;
                    events::publish_event(self.services, Some(self.staff()), created.id).await?;
                    self.report.count(true);
                    created.id
                }
            };
            if index == 0 {
                for applicant in &applicants[..3] {
                    let registered = event_registration::Entity::find()
                        .filter(event_registration::Column::EventId.eq(id))
                        .filter(event_registration::Column::UserId.eq(applicant.id))
                        .one(&self.services.db)
                        .await?;
                    if registered.is_none() {
                        registrations::register_user(self.services, Some(applicant), id).await?;
                    }
                    self.report.count(registered.is_none());
                }
            }
        }
        Ok(())
    }

    /// Newsletter subscribers waiting for their confirmation (the links are in the mail they were sent).
    async fn subscribers(&mut self) -> AppResult<()> {
        let subscribers = [
            ("reader.one@demo.impact.example", vec![Topic::News, Topic::Events], "en"),
            ("reader.two@demo.impact.example", vec![Topic::CallsPilotRegions], "de"),
            ("reader.three@demo.impact.example", vec![Topic::ToolsAndAnalysis, Topic::CallsExperts], "fr"),
        ];
        for (email, topics, language) in subscribers {
            let known = subscriptions::find_by_email(&self.services.db, email).await?.is_some();
            if !known {
                let input = SubscribeInput {
                    email: email.to_owned(),
                    topics,
                    language: language.to_owned(),
                    source: Some("seed-demo".to_owned()),
                };
                subscriptions::subscribe(self.services, &crate::domain::Origin::default(), None, input).await?;
            }
            self.report.count(!known);
        }
        Ok(())
    }

    /// The resources library: published guides and tools, and a draft.
    async fn resources(&mut self) -> AppResult<()> {
        let resources = [
            ("CLLD strategy template", ResourceKind::Template, true),
            ("Guide to cross-border local action groups", ResourceKind::Guide, true),
            ("Recording: the kick-off webinar", ResourceKind::Recording, true),
            ("Draft: indicators handbook", ResourceKind::Report, false),
        ];
        for (title, kind, published) in resources {
            let existing =
                resource::Entity::find().filter(resource::Column::Title.eq(title)).one(&self.services.db).await?;
            if existing.is_none() {
                let input = ResourceInput {
                    title: title.to_owned(),
                    summary: "Practical material for pilot regions preparing their strategy.".to_owned(),
                    kind,
                    url: "https://example.org/impact/resources".to_owned(),
                    languages: vec!["en".to_owned()],
                    topics: vec![Topic::ToolsAndAnalysis],
                };
                let created = resources::create_resource(self.services, Some(self.staff()), input).await?;
                if published {
                    resources::publish_resource(self.services, Some(self.staff()), created.id).await?;
                }
            }
            self.report.count(existing.is_none());
        }
        Ok(())
    }
}

/// One border of the demo: its region, one organisation on each side, who owns them, how far it got.
struct Border {
    region: &'static str,
    countries: [&'static str; 2],
    nuts: [&'static str; 2],
    sides: [(&'static str, OrganisationType, &'static str, &'static str); 2],
    /// Index into the applicants.
    owner: usize,
    /// When another applicant owns the second side's organisation: that applicant (an index into the
    /// applicants) and whether they accepted the partnership's invitation. Otherwise the owner owns both, and
    /// its partners are confirmed at once.
    partner_owner: Option<(usize, bool)>,
    entry: Entry,
    /// How far the region's strategy got, when it has one (pilot regions only).
    strategy: Option<StrategyStatus>,
}

/// How a demo region came into the programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    /// Proposed by applicants with an application to the open call, which got this far.
    Applied(Outcome),
    /// Selected before the platform opened: entered by staff as a pilot region.
    Pilot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Draft,
    Submitted,
    Selected,
}

/// The language a side of the demo works in.
fn language_of(country: &str) -> &'static str {
    match country {
        "AT" | "DE" => "de",
        "SI" => "sl",
        "FR" => "fr",
        "GR" => "el",
        "BG" => "bg",
        "PL" => "pl",
        "PT" => "pt",
        "ES" => "es",
        "SE" => "sv",
        "FI" => "fi",
        "IT" => "it",
        _ => "en",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_accounts_have_distinct_addresses_and_staff_comes_first() {
        let mut addresses: Vec<&str> = ACCOUNTS.iter().map(|a| a.email).collect();
        addresses.sort_unstable();
        addresses.dedup();
        assert_eq!(addresses.len(), ACCOUNTS.len());
        assert_eq!(ACCOUNTS[0].role, Role::Staff);
        assert!(ACCOUNTS[1..5].iter().all(|a| a.role == Role::Applicant));
    }
}
