//! `impact seed --demo`: a demo set a frontend team can build on, made through the domain commands; running it
//! again changes nothing; production refuses it.

use crate::helpers::*;
use api::demo::{self, DEMO_PASSWORD};
use serde_json::{Value, json};
use std::collections::BTreeSet;

fn strings(list: &Value, field: &str) -> BTreeSet<String> {
    list.as_array().expect("a list").iter().map(|item| item[field].as_str().expect(field).to_owned()).collect()
}

#[tokio::test]
async fn the_demo_set_is_realistic_and_idempotent() {
    each_backend(|app| async move {
        let services = services_on(&app).await;
        let first = demo::seed(&services).await.expect("seeded");
        assert!(first.created > 20 && first.existing == 0, "{first:?}");
        let events_after_first = domain_events(&app).await.len();
        let second = demo::seed(&services).await.expect("seeded again");
        assert_eq!((second.created, second.existing), (0, first.created), "a second run makes nothing");
        assert_eq!(domain_events(&app).await.len(), events_after_first, "and changes nothing");

        // The public sees calls in each published status, the pilot region and published events and resources.
        let public = app
            .data(
                "{ calls(first: 20) { nodes { title status } } crossBorderRegions(status: PILOT, first: 10) { nodes { name } } \
                  events(first: 10) { nodes { title seatsTaken capacity } } resources(first: 10) { nodes { title } } }",
                json!({}),
            )
            .await;
        let statuses = strings(&public["calls"]["nodes"], "status");
        assert_eq!(statuses, BTreeSet::from(["CLOSED".into(), "OPEN".into(), "UPCOMING".into()]), "{public}");
        let pilots = strings(&public["crossBorderRegions"]["nodes"], "name");
        assert_eq!(pilots.len(), 5, "the selected region and four entered by staff: {pilots:?}");
        assert!(pilots.contains("Karawanken / Karavanke"), "{pilots:?}");
        let webinar = public["events"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["capacity"] == 2)
            .expect("the webinar with two seats")
            .clone();
        assert_eq!(webinar["seatsTaken"], 2, "full, with a waitlist behind it");
        assert_eq!(public["resources"]["nodes"].as_array().unwrap().len(), 3, "the draft is not public");

        // The printed passwords sign in; staff see applications in several states and the draft call.
        let staff = token(&login(&app, "staff@demo.impact.example", DEMO_PASSWORD).await);
        let seen = app
            .data_as(&staff, "{ applications(first: 20) { nodes { status } } calls(first: 20) { nodes { status } } }", json!({}))
            .await;
        let states = strings(&seen["applications"]["nodes"], "status");
        assert!(states.contains("SELECTED") && states.contains("SUBMITTED"), "{states:?}");
        assert_eq!(seen["calls"]["nodes"].as_array().unwrap().len(), 5, "staff see the draft call too: {seen}");
        // A pilot region's strategy in each status of the workflow; only the draft fails its check.
        let seen = app
            .data_as(
                &staff,
                "{ strategies(first: 20) { nodes { id status history { toStatus } region { status } } } }",
                json!({}),
            )
            .await;
        let nodes = seen["strategies"]["nodes"].as_array().unwrap().clone();
        let statuses = strings(&seen["strategies"]["nodes"], "status");
        let expected = ["DRAFT", "IN_REVIEW", "CHANGES_REQUESTED", "ADOPTED", "PUBLISHED"];
        assert_eq!(statuses, expected.iter().map(|s| (*s).to_owned()).collect(), "{seen}");
        assert_eq!(nodes.len(), 5, "one strategy per pilot region: {seen}");
        assert!(nodes.iter().all(|n| n["region"]["status"] == "PILOT"), "{seen}");
        for strategy in &nodes {
            let check = app
                .data_as(&staff, "query($id: ID!) { checkStrategy(id: $id) { ready } }", json!({ "id": strategy["id"] }))
                .await;
            let draft = strategy["status"] == "DRAFT";
            assert_eq!(check["checkStrategy"]["ready"], !draft, "{strategy} {check}");
            let moves = strategy["history"].as_array().unwrap().len();
            assert!(draft || moves >= 2, "every move is in the history: {strategy}");
        }
        // The public reads the published one, in the language of a side.
        let published = app
            .data(
                "{ strategies(first: 10, language: \"sl\") { nodes { status title languages objectives { targets { indicator } } } } }",
                json!({}),
            )
            .await;
        let nodes = published["strategies"]["nodes"].as_array().unwrap();
        assert_eq!(nodes.len(), 1, "{published}");
        assert_eq!(nodes[0]["status"], "PUBLISHED");
        assert!(nodes[0]["title"].as_str().unwrap().contains("Življenje in delo čez mejo"), "{published}");
        assert_eq!(nodes[0]["languages"], json!(["en", "de", "sl"]), "{published}");
        assert_eq!(nodes[0]["objectives"].as_array().unwrap().len(), 2, "{published}");

        // The expert: approved through the expert call, lead expert of the PT–ES region, where a comment of
        // theirs on the strategy in review has the lead partner's reply.
        let erik = token(&login(&app, "expert@demo.impact.example", DEMO_PASSWORD).await);
        let me = app
            .data_as(&erik, "{ me { expertProfile { status } assignments { status role region { name } } } }", json!({}))
            .await;
        assert_eq!(me["me"]["expertProfile"]["status"], "APPROVED", "{me}");
        assert_eq!(
            me["me"]["assignments"],
            json!([{ "status": "ACCEPTED", "role": "LEAD_EXPERT", "region": { "name": "Minho / Miño" } }])
        );
        let claire = token(&login(&app, "claire@demo.impact.example", DEMO_PASSWORD).await);
        let threads = app
            .data_as(
                &claire,
                "{ strategies(first: 10) { nodes { status comments { nodes { objectiveId author { role } replies { author { displayName role } } } } } } }",
                json!({}),
            )
            .await;
        let in_review = threads["strategies"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["status"] == "IN_REVIEW")
            .expect("Claire edits the strategy in review")
            .clone();
        let thread = &in_review["comments"]["nodes"][0];
        assert_eq!(thread["author"]["role"], "EXPERT", "{in_review}");
        assert!(thread["objectiveId"].is_string(), "on an objective: {in_review}");
        assert_eq!(thread["replies"][0]["author"], json!({ "displayName": "Claire Muller", "role": "EDITOR" }));

        let anna = token(&login(&app, "anna@demo.impact.example", DEMO_PASSWORD).await);
        let own = app.data_as(&anna, "{ myOrganisations(first: 10) { nodes { name } } }", json!({})).await;
        assert_eq!(own["myOrganisations"]["nodes"].as_array().unwrap().len(), 2, "{own}");

        // Partners confirm taking part: Janez accepted the FR–DE invitation (that application is submitted) and
        // has not answered the GR–BG one yet, so Maria's draft lists his organisation as not confirmed.
        let janez = token(&login(&app, "janez@demo.impact.example", DEMO_PASSWORD).await);
        let pending = app
            .data_as(&janez, "{ myPartnershipInvitations(first: 10) { nodes { status organisation { name } partnership { name } } } }", json!({}))
            .await;
        assert_eq!(
            pending["myPartnershipInvitations"]["nodes"],
            json!([{ "status": "INVITED", "organisation": { "name": "Blagoevgrad Civic Forum" }, "partnership": { "name": "Strymonas / Struma partnership" } }])
        );
        let maria = token(&login(&app, "maria@demo.impact.example", DEMO_PASSWORD).await);
        let drafts = app.data_as(&maria, "{ myApplications(first: 10) { nodes { id status } } }", json!({})).await;
        let draft = drafts["myApplications"]["nodes"].as_array().unwrap().iter().find(|a| a["status"] == "DRAFT").expect("Maria's draft").clone();
        let check = app
            .data_as(&maria, "query($id: ID!) { checkApplication(id: $id) { problems { code } } }", json!({ "id": draft["id"] }))
            .await;
        assert_eq!(check["checkApplication"]["problems"], json!([{ "code": "PARTNER_NOT_CONFIRMED" }]), "{check}");
    })
    .await;
}

#[tokio::test]
async fn production_refuses_the_demo_set() {
    each_backend(|app| async move {
        let production = [
            ("DATABASE_URL", app.database_url.as_str()),
            ("IMPACT_ENV", "production"),
            ("IMPACT_JWT_SECRET", "a production-like secret of at least 32 bytes"),
        ];
        let run = run_impact(&["seed", "--demo"], &production).await;
        assert!(!run.status.success());
        assert!(String::from_utf8_lossy(&run.stderr).contains("refused in production"), "{run:?}");
        let db = db(&app).await;
        assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM app_user").await, 0, "nothing was made");
        db.close().await.ok();
    })
    .await;
}
