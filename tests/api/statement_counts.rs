//! Nested reads cost a fixed number of SQL statements, whatever the page size (issue 14): each relation is
//! loaded for a whole page at once, so a page of 100 costs what a page of 20 costs.

use crate::helpers::*;
use serde_json::{Value, json};

const CREATE_ORGANISATION: &str = "mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { organisation { id } userErrors { field code } } }";
const CREATE_REGION: &str = "mutation($i: CreateCrossBorderRegionInput!) { createCrossBorderRegion(input: $i) { crossBorderRegion { id } userErrors { field code } } }";
const CREATE_PARTNERSHIP: &str = "mutation($i: CreatePartnershipInput!) { createPartnership(input: $i) { partnership { id } userErrors { field code } } }";

/// The public page of the issue: regions → partnerships → partners → organisation → country (depth 5).
fn page_query(first: usize) -> String {
    format!(
        "{{ crossBorderRegions(status: PILOT, first: {first}) {{ nodes {{ name partnerships {{ name partners {{ side role organisation {{ name country {{ name }} }} }} }} }} }} }}"
    )
}

async fn created_id(data: &Value, mutation: &str, field: &str) -> Value {
    assert_eq!(data[mutation]["userErrors"], json!([]), "{data}");
    data[mutation][field]["id"].clone()
}

#[tokio::test]
async fn a_page_of_regions_with_partnerships_costs_the_same_statements_at_any_size() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let ana = token(&verified_user(&app, "ana@example.org", "APPLICANT").await);
        let mut organisations = Vec::new();
        for (n, (country, nuts)) in [("AT", "AT211"), ("SI", "SI033"), ("AT", "AT212"), ("SI", "SI034")].iter().enumerate() {
            let input = json!({ "name": format!("Organisation {n}"), "organisationType": "LOCAL_AUTHORITY", "country": country, "nutsRegion": nuts, "registrationId": format!("R{n}") });
            let data = app.data_as(&ana, CREATE_ORGANISATION, json!({ "i": input })).await;
            organisations.push(created_id(&data, "createOrganisation", "organisation").await);
        }
        for n in 0..100 {
            let input = json!({ "name": format!("Region {n:03}"), "description": "A border area", "countries": ["AT", "SI"], "nutsRegions": ["AT21", "SI03"], "status": "PILOT" });
            let data = app.data_as(&staff, CREATE_REGION, json!({ "i": input })).await;
            let region = created_id(&data, "createCrossBorderRegion", "crossBorderRegion").await;
            let partners = json!([
                { "organisationId": organisations[0], "side": "AT", "role": "LEAD" },
                { "organisationId": organisations[1], "side": "SI", "role": "PARTNER" },
                { "organisationId": organisations[2 + n % 2], "side": if n % 2 == 0 { "AT" } else { "SI" }, "role": "PARTNER" },
            ]);
            let input = json!({ "regionId": region, "name": format!("Partnership {n:03}"), "partners": partners });
            let data = app.data_as(&ana, CREATE_PARTNERSHIP, json!({ "i": input })).await;
            created_id(&data, "createPartnership", "partnership").await;
        }
        let staff_principal = api::auth::Principal {
            id: uuid::Uuid::now_v7(),
            kind: api::auth::SubjectKind::User,
            roles: vec![api::auth::Role::Staff],
            programmes: Vec::new(),
            session: None,
        };
        let mut lines = Vec::new();
        for (who, actor) in [("anonymous", None), ("staff", Some(staff_principal))] {
            let (small, small_statements) = statements_as(&app.database_url, actor.clone(), &page_query(20)).await;
            let (large, large_statements) = statements_as(&app.database_url, actor, &page_query(100)).await;
            let nodes = large["crossBorderRegions"]["nodes"].as_array().unwrap();
            assert_eq!(small["crossBorderRegions"]["nodes"].as_array().unwrap().len(), 20);
            assert_eq!(nodes.len(), 100);
            assert_eq!(nodes[99]["partnerships"][0]["partners"].as_array().unwrap().len(), 3, "{who}");
            assert_eq!(nodes[0]["partnerships"][0]["partners"][0]["organisation"]["country"]["name"], "Austria");
            assert_eq!(small_statements.len(), large_statements.len(), "{who}: {large_statements:#?}");
            // The page with its partnerships, their partners and the partners' organisations: one statement on
            // SQLite (JSON arrays in a column of the page), four on PostgreSQL (`partnerships::listing`). Countries
            // are read once, when the server starts (`reference::Countries`).
            let bound = if app.database_url.starts_with("sqlite") { 1 } else { 4 };
            assert!(large_statements.len() <= bound, "{who}: {large_statements:#?}");
            let country_reads: Vec<_> = large_statements.iter().filter(|s| s.contains(r#"FROM "country""#)).collect();
            assert!(country_reads.is_empty(), "{who}: {country_reads:#?}");
            lines.push(format!("{who}: {} statements for 20 and for 100", large_statements.len()));
        }
        eprintln!("region page statements: {lines:?}");
    })
    .await;
}

/// The partners of a page are read by the columns the API shows (not who invited or answered), and their
/// organisations by the public columns only (name, original name, type, country: what everybody sees), so a page
/// copies and decodes 7 of 9 columns per partner and 5 of 12 per organisation; members and staff still get the
/// organisations' details, which come with the whole row when asked for.
#[tokio::test]
async fn listed_partners_and_their_organisations_are_read_by_the_columns_shown() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let ana = token(&verified_user(&app, "ana@example.org", "APPLICANT").await);
        let ben = token(&verified_user(&app, "ben@example.org", "APPLICANT").await);
        let mut organisations = Vec::new();
        for (n, (country, nuts)) in [("AT", "AT211"), ("SI", "SI033")].iter().enumerate() {
            let input = json!({ "name": format!("Organisation {n}"), "originalName": format!("Organisation {n} (own)"), "organisationType": "NGO", "country": country, "nutsRegion": nuts, "address": format!("Street {n}"), "registrationId": format!("R{n}"), "website": format!("https://o{n}.example.org") });
            let data = app.data_as(&ana, CREATE_ORGANISATION, json!({ "i": input })).await;
            organisations.push(created_id(&data, "createOrganisation", "organisation").await);
        }
        let input = json!({ "name": "Region", "description": "A border area", "countries": ["AT", "SI"], "status": "PILOT" });
        let data = app.data_as(&staff, CREATE_REGION, json!({ "i": input })).await;
        let region = created_id(&data, "createCrossBorderRegion", "crossBorderRegion").await;
        let partners = json!([
            { "organisationId": organisations[0], "side": "AT", "role": "LEAD" },
            { "organisationId": organisations[1], "side": "SI", "role": "PARTNER" },
        ]);
        let voting = json!({ "publicSector": 40, "privateSector": 30, "civilSociety": 20, "other": 10 });
        // Characters that JSON escapes, which the page's JSON must carry through (SQLite writes it in SQL).
        let governance = "A board \"of five\",\none per\\side\t✓";
        let input = json!({ "regionId": region, "name": "Partnership \"Karawanken\"", "governance": governance, "partners": partners, "voting": voting });
        // Timestamps with microseconds, which the JSON of a page must keep.
        app.clock.advance(chrono::Duration::microseconds(123_457));
        let data = app.data_as(&ana, CREATE_PARTNERSHIP, json!({ "i": input })).await;
        let partnership = created_id(&data, "createPartnership", "partnership").await;

        // Of the partner, not who invited or answered; of the organisation, its public columns only. On SQLite
        // one statement reads both (JSON arrays), on PostgreSQL one each.
        let (data, statements) = statements_as(&app.database_url, None, &page_query(20)).await;
        assert_eq!(data["crossBorderRegions"]["nodes"][0]["partnerships"][0]["partners"][1]["organisation"]["name"], "Organisation 1");
        let reads = statements.iter().filter(|sql| sql.contains(r#"FROM "partner""#) || sql.contains(r#"FROM "organisation""#));
        let reads: Vec<&String> = reads.collect();
        let statements_reading_them = if app.database_url.starts_with("sqlite") { 1 } else { 2 };
        assert_eq!(reads.len(), statements_reading_them, "{statements:#?}");
        let read = |column: &str| reads.iter().any(|sql| sql.contains(column));
        for private in ["invited_by", "answered_by"] {
            assert!(!read(&format!(r#""partner"."{private}""#)), "{private} read: {reads:#?}");
        }
        for public in ["side", "role", "status", "created_at", "answered_at"] {
            assert!(read(&format!(r#""partner"."{public}""#)), "{public} not read: {reads:#?}");
        }
        for public in ["name", "original_name", "organisation_type", "country_code"] {
            assert!(read(&format!(r#""organisation"."{public}""#)), "{public} not read: {reads:#?}");
        }
        for private in ["address", "registration_id", "website", "nuts_code", "created_by", "created_at"] {
            assert!(!read(&format!(r#""organisation"."{private}""#)), "{private} read: {reads:#?}");
        }

        // A page's partnerships and partners (JSON arrays on SQLite) are what one partnership reads (rows), to
        // the microsecond of their timestamps.
        let partners = "id name governance region { id } voting { publicSector privateSector civilSociety other } partners { side role status invitedAt answeredAt organisation { id name originalName organisationType country { code } } }";
        let page = app.data(&format!("{{ crossBorderRegions(status: PILOT) {{ nodes {{ partnerships {{ {partners} }} }} }} }}"), json!({})).await;
        let one = app.data(&format!("query($id: ID!) {{ node(id: $id) {{ ... on Partnership {{ {partners} }} }} }}"), json!({ "id": partnership })).await;
        let listed = &page["crossBorderRegions"]["nodes"][0]["partnerships"][0];
        assert_eq!(listed, &one["node"], "{page} {one}");
        assert_eq!(listed["voting"]["other"], 10, "{page}");
        assert_eq!(listed["governance"], governance, "{page}");
        assert_eq!(listed["name"], "Partnership \"Karawanken\"", "{page}");
        let listed = &listed["partners"];
        assert_eq!(listed.as_array().unwrap().len(), 2, "{page}");
        assert_eq!(listed[0]["invitedAt"], "2026-02-01T09:00:00.123457+00:00", "{page}");

        // Every field of the partners' organisations, as their owner, as staff, as another applicant and anonymously.
        let every_field = "{ crossBorderRegions(status: PILOT) { nodes { partnerships { partners { side role status invitedAt organisation { name originalName organisationType country { code } nutsRegion { code } address registrationId website myRole members { role } } } } } } }";
        let with = |base: &Value, more: Value| {
            let mut all = base.clone();
            all.as_object_mut().unwrap().extend(more.as_object().unwrap().clone());
            all
        };
        let public = json!({ "name": "Organisation 0", "originalName": "Organisation 0 (own)", "organisationType": "NGO", "country": { "code": "AT" } });
        let details = with(&public, json!({ "nutsRegion": { "code": "AT211" }, "address": "Street 0", "registrationId": "R0", "website": "https://o0.example.org" }));
        let hidden = with(&public, json!({ "nutsRegion": null, "address": null, "registrationId": null, "website": null, "myRole": null, "members": [] }));
        let first_partner = |data: &Value| data["crossBorderRegions"]["nodes"][0]["partnerships"][0]["partners"][0].clone();
        let first_organisation = |data: Value| first_partner(&data)["organisation"].clone();
        let data = app.data(every_field, json!({})).await;
        assert_eq!([&first_partner(&data)["side"], &first_partner(&data)["role"], &first_partner(&data)["status"]], ["AT", "LEAD", "CONFIRMED"]);
        assert!(first_partner(&data)["invitedAt"].as_str().is_some_and(|at| at.starts_with("20")), "{data}");
        let as_owner = first_organisation(app.data_as(&ana, every_field, json!({})).await);
        assert_eq!(as_owner, with(&details, json!({ "myRole": "OWNER", "members": [{ "role": "OWNER" }] })), "owner");
        let as_staff = first_organisation(app.data_as(&staff, every_field, json!({})).await);
        assert_eq!(as_staff, with(&details, json!({ "myRole": null, "members": [{ "role": "OWNER" }] })), "staff");
        assert_eq!(first_organisation(app.data_as(&ben, every_field, json!({})).await), hidden, "another applicant");
        assert_eq!(first_organisation(app.data(every_field, json!({})).await), hidden, "anonymous");
    })
    .await;
}

/// Runs the same query for a page of 20 and of 100 as `actor`; asserts both pages are full, that they cost the
/// same statements and at most `bound`; returns the count.
async fn same_cost_at_20_and_100(
    app: &TestApp,
    actor: Option<api::auth::Principal>,
    list: &str,
    query: impl Fn(usize) -> String,
    bound: usize,
) -> usize {
    let (small, small_statements) = statements_as(&app.database_url, actor.clone(), &query(20)).await;
    let (large, large_statements) = statements_as(&app.database_url, actor, &query(100)).await;
    assert_eq!(small[list]["nodes"].as_array().unwrap().len(), 20, "{list}: {small}");
    assert_eq!(large[list]["nodes"].as_array().unwrap().len(), 100, "{list}");
    assert_eq!(small_statements.len(), large_statements.len(), "{list}: {large_statements:#?}");
    assert!(large_statements.len() <= bound, "{list}: {large_statements:#?}");
    large_statements.len()
}

fn user_principal(id: &str, role: api::auth::Role) -> api::auth::Principal {
    api::auth::Principal {
        id: uuid::Uuid::parse_str(&key_of(id)).unwrap(),
        kind: api::auth::SubjectKind::User,
        roles: vec![role],
        programmes: Vec::new(),
        session: None,
    }
}

/// The applicant's organisations with their members, the events with the caller's registration, and the staff
/// list of users with their roles: each relation is loaded for the whole page.
#[tokio::test]
async fn organisations_events_and_users_cost_the_same_statements_at_any_size() {
    // A hundred accounts or registrations by e-mail from one client: more mail than one client may ask for.
    each_backend_with(|c| c.limits.mail_max_per_client = 1_000, |app| async move {
        let staff = staff_token(&app).await;
        let ana = verified_user(&app, "ana@example.org", "APPLICANT").await;
        let ana_token = token(&ana);
        for n in 0..100 {
            let input = json!({ "name": format!("Organisation {n:03}"), "organisationType": "NGO", "country": "AT", "nutsRegion": "AT211", "registrationId": format!("ORG-{n}") });
            let data = app.data_as(&ana_token, CREATE_ORGANISATION, json!({ "i": input })).await;
            created_id(&data, "createOrganisation", "organisation").await;
        }
        const CREATE_EVENT: &str = "mutation($i: CreateEventInput!) { createEvent(input: $i) { event { id } userErrors { field code } } }";
        const PUBLISH_EVENT: &str = "mutation($id: ID!) { publishEvent(input: { id: $id }) { userErrors { code } } }";
        const REGISTER: &str = "mutation($e: ID!) { registerForEvent(input: { eventId: $e }) { userErrors { code } } }";
        for n in 0..100 {
            let input = json!({ "kind": "WEBINAR", "title": format!("Webinar {n:03}"), "description": "Online.", "joinUrl": "https://meet.example.org/w", "startsAt": "2026-03-01T10:00:00Z",
                "endsAt": "2026-03-01T12:00:00Z", "timeZone": "Europe/Vienna", "capacity": 10, "registrationOpensAt": "2026-01-01T00:00:00Z",
                "registrationClosesAt": "2026-03-01T09:00:00Z", "topics": ["EVENTS"], "language": "en" });
            let data = app.data_as(&staff, CREATE_EVENT, json!({ "i": input })).await;
            let event = created_id(&data, "createEvent", "event").await;
            app.data_as(&staff, PUBLISH_EVENT, json!({ "id": event })).await;
            if n % 2 == 0 {
                app.data_as(&ana_token, REGISTER, json!({ "e": event })).await;
            }
        }
        for n in 0..99 {
            register(&app, &format!("user{n:03}@example.org"), "APPLICANT").await;
        }

        let ana_principal = user_principal(ana["user"]["id"].as_str().unwrap(), api::auth::Role::Applicant);
        let organisations = |first: usize| {
            format!("{{ myOrganisations(first: {first}) {{ nodes {{ name myRole country {{ name }} nutsRegion {{ name }} members {{ role user {{ displayName roles }} }} }} }} }}")
        };
        let events = |first: usize| {
            format!("{{ events(first: {first}) {{ nodes {{ title seatsLeft myRegistration {{ status event {{ title }} }} }} }} }}")
        };
        let staff_principal = api::auth::Principal {
            id: uuid::Uuid::now_v7(),
            kind: api::auth::SubjectKind::User,
            roles: vec![api::auth::Role::Staff],
            programmes: Vec::new(),
            session: None,
        };
        let users = |first: usize| format!("{{ users(first: {first}) {{ nodes {{ email roles subscription {{ status }} }} }} }}");
        let lines = [
            ("myOrganisations", same_cost_at_20_and_100(&app, Some(ana_principal.clone()), "myOrganisations", organisations, 8).await),
            ("events", same_cost_at_20_and_100(&app, Some(ana_principal), "events", events, 6).await),
            ("users", same_cost_at_20_and_100(&app, Some(staff_principal), "users", users, 5).await),
        ];
        eprintln!("statements per page: {lines:?}");
    })
    .await;
}

fn principal_with(role: api::auth::Role) -> api::auth::Principal {
    api::auth::Principal {
        id: uuid::Uuid::now_v7(),
        kind: api::auth::SubjectKind::User,
        roles: vec![role],
        programmes: Vec::new(),
        session: None,
    }
}

/// The staff and admin lists of the programme's own content: calls, resources, newsletter issues with their
/// delivery counts, an event's registrations with their event, and the audit log.
#[tokio::test]
async fn calls_resources_newsletters_registrations_and_the_audit_log_cost_the_same_statements_at_any_size() {
    // A hundred accounts or registrations by e-mail from one client: more mail than one client may ask for.
    each_backend_with(|c| c.limits.mail_max_per_client = 1_000, |app| async move {
        let staff = staff_token(&app).await;
        const CREATE_CALL: &str = "mutation($i: CreateCallInput!) { createCall(input: $i) { call { id } userErrors { field code } } }";
        const CREATE_RESOURCE: &str = "mutation($i: CreateResourceInput!) { createResource(input: $i) { resource { id } userErrors { field code } } }";
        const PUBLISH_RESOURCE: &str = "mutation($id: ID!) { publishResource(input: { resourceId: $id }) { userErrors { code } } }";
        const CREATE_ISSUE: &str = "mutation($i: CreateNewsletterIssueInput!) { createNewsletterIssue(input: $i) { newsletterIssue { id } userErrors { field code } } }";
        const CREATE_EVENT: &str = "mutation($i: CreateEventInput!) { createEvent(input: $i) { event { id } userErrors { field code } } }";
        const PUBLISH_EVENT: &str = "mutation($id: ID!) { publishEvent(input: { id: $id }) { userErrors { code } } }";
        const BY_EMAIL: &str = "mutation($e: ID!, $m: String!, $n: String!) { registerForEventByEmail(input: { eventId: $e, email: $m, name: $n }) { registration { id } userErrors { field code } } }";
        for n in 0..100 {
            let call = json!({ "kind": "PILOT_REGIONS", "title": format!("Call {n:03}"), "round": n + 1, "description": "",
                "opensAt": "2026-01-01T00:00:00Z", "closesAt": "2026-12-01T00:00:00Z", "maxSelections": 10 });
            created_id(&app.data_as(&staff, CREATE_CALL, json!({ "i": call })).await, "createCall", "call").await;
            let resource = json!({ "title": format!("Guide {n:03}"), "summary": "A guide.", "kind": "GUIDE",
                "url": "https://example.org/guide", "languages": ["en"], "topics": ["TOOLS_AND_ANALYSIS"] });
            let resource = created_id(&app.data_as(&staff, CREATE_RESOURCE, json!({ "i": resource })).await, "createResource", "resource").await;
            app.data_as(&staff, PUBLISH_RESOURCE, json!({ "id": resource })).await;
            let issue = json!({ "subject": format!("News {n:03}"), "body": "News.", "topics": ["NEWS"], "language": "en" });
            created_id(&app.data_as(&staff, CREATE_ISSUE, json!({ "i": issue })).await, "createNewsletterIssue", "newsletterIssue").await;
        }
        let input = json!({ "kind": "WEBINAR", "title": "A large webinar", "description": "Online.", "joinUrl": "https://meet.example.org/w",
            "startsAt": "2026-03-01T10:00:00Z", "endsAt": "2026-03-01T12:00:00Z", "timeZone": "Europe/Vienna", "capacity": 500,
            "registrationOpensAt": "2026-01-01T00:00:00Z", "registrationClosesAt": "2026-03-01T09:00:00Z", "topics": ["EVENTS"], "language": "en" });
        let event = created_id(&app.data_as(&staff, CREATE_EVENT, json!({ "i": input })).await, "createEvent", "event").await;
        app.data_as(&staff, PUBLISH_EVENT, json!({ "id": event })).await;
        for n in 0..100 {
            let vars = json!({ "e": event, "m": format!("guest{n:03}@example.org"), "n": format!("Guest {n:03}") });
            app.data(BY_EMAIL, vars).await;
        }

        let staff_principal = principal_with(api::auth::Role::Staff);
        let admin = principal_with(api::auth::Role::Admin);
        let calls = |first: usize| format!("{{ calls(first: {first}) {{ nodes {{ title status opensAt }} }} }}");
        let resources = |first: usize| format!("{{ resources(first: {first}) {{ nodes {{ title kind languages }} }} }}");
        let issues = |first: usize| {
            format!("{{ newsletterIssues(first: {first}) {{ nodes {{ subject deliveryCount sentCount failedCount }} }} }}")
        };
        let event_id = event.as_str().unwrap().to_owned();
        let registrations = |first: usize| {
            format!("{{ eventRegistrations(eventId: \"{event_id}\", first: {first}) {{ nodes {{ name status event {{ title seatsLeft }} }} }} }}")
        };
        let audit = |first: usize| format!("{{ auditEvents(first: {first}) {{ nodes {{ action actorId subjectId }} }} }}");
        let lines = [
            ("calls", same_cost_at_20_and_100(&app, Some(staff_principal.clone()), "calls", calls, 2).await),
            ("resources", same_cost_at_20_and_100(&app, Some(staff_principal.clone()), "resources", resources, 2).await),
            ("newsletterIssues", same_cost_at_20_and_100(&app, Some(staff_principal.clone()), "newsletterIssues", issues, 3).await),
            ("eventRegistrations", same_cost_at_20_and_100(&app, Some(staff_principal), "eventRegistrations", registrations, 3).await),
            ("auditEvents", same_cost_at_20_and_100(&app, Some(admin), "auditEvents", audit, 2).await),
        ];
        eprintln!("statements per page: {lines:?}");
    })
    .await;
}

/// The integrators' lists: service accounts with their scopes (admins) and webhook endpoints with their event
/// types (staff): the scopes and event types of a whole page come in one statement.
#[tokio::test]
async fn service_accounts_and_webhook_endpoints_cost_the_same_statements_at_any_size() {
    let allow_private = |config: &mut api::config::Config| config.webhooks.allow_private = true;
    each_backend_with(allow_private, |app| async move {
        let staff = staff_token(&app).await;
        let admin = token(&login(&app, "admin@example.org", PASSWORD).await);
        const CREATE_ACCOUNT: &str = "mutation($i: CreateServiceAccountInput!) { createServiceAccount(input: $i) { serviceAccount { id } userErrors { field code } } }";
        const CREATE_ENDPOINT: &str = "mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { webhookEndpoint { id } userErrors { field code } } }";
        for n in 0..100 {
            let account = json!({ "name": format!("Integrator {n:03}"), "scopes": ["READ_EVENTS", "WEBHOOKS_MANAGE"] });
            created_id(&app.data_as(&admin, CREATE_ACCOUNT, json!({ "i": account })).await, "createServiceAccount", "serviceAccount").await;
            let endpoint = json!({ "url": format!("http://127.0.0.1:9/hook/{n}"), "eventTypes": ["event.published", "call.published"], "description": "" });
            created_id(&app.data_as(&staff, CREATE_ENDPOINT, json!({ "i": endpoint })).await, "createWebhookEndpoint", "webhookEndpoint").await;
        }

        let accounts = |first: usize| format!("{{ serviceAccounts(first: {first}) {{ nodes {{ name clientId scopes }} }} }}");
        let endpoints = |first: usize| format!("{{ webhookEndpoints(first: {first}) {{ nodes {{ url status eventTypes }} }} }}");
        let admin_principal = principal_with(api::auth::Role::Admin);
        let (page, _) = statements_as(&app.database_url, Some(admin_principal.clone()), &accounts(20)).await;
        assert_eq!(page["serviceAccounts"]["nodes"][19]["scopes"], json!(["READ_EVENTS", "WEBHOOKS_MANAGE"]), "{page}");
        let staff_principal = principal_with(api::auth::Role::Staff);
        let (page, _) = statements_as(&app.database_url, Some(staff_principal.clone()), &endpoints(20)).await;
        assert_eq!(page["webhookEndpoints"]["nodes"][19]["eventTypes"], json!(["call.published", "event.published"]), "{page}");
        let lines = [
            ("serviceAccounts", same_cost_at_20_and_100(&app, Some(admin_principal), "serviceAccounts", accounts, 3).await),
            ("webhookEndpoints", same_cost_at_20_and_100(&app, Some(staff_principal), "webhookEndpoints", endpoints, 3).await),
        ];
        eprintln!("statements per page: {lines:?}");
    })
    .await;
}
