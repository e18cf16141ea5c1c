//! Partners' consent: an organisation named as a partner takes part only once one of its owners accepts.
//! Broken on purpose: submitting with a partner that has not confirmed, answering for an organisation one does
//! not own, answering twice, withdrawing a confirmed partner.

use crate::applicant_flow::{
    CHECK, CREATE_APPLICATION, CREATE_PARTNERSHIP, SUBMIT, codes, content, open_call, organisation, region,
};
use crate::helpers::{
    TestApp, count, db, domain_events, each_backend, first_error_code, staff_token, token, verified_user, wait_for_mail,
};
use migration::{Migrator, MigratorTrait};
use serde_json::{Value, json};

const PARTNERS: &str = "query($id: ID!) { node(id: $id) { ... on Partnership { partners { organisation { name } role status answeredAt } } } }";
const UPDATE: &str = "mutation($i: UpdatePartnershipInput!) { updatePartnership(input: $i) { partnership { partners { organisation { name } status } } userErrors { field code } } }";
const INVITATIONS: &str = "{ myPartnershipInvitations(first: 10) { totalCount nodes { status role side invitedAt organisation { name } partnership { name } } } }";
const ACCEPT: &str = "mutation($i: PartnershipInvitationInput!) { acceptPartnershipInvitation(input: $i) { partnership { partners { organisation { name } status } } userErrors { field code } } }";
const DECLINE: &str = "mutation($i: PartnershipInvitationInput!) { declinePartnershipInvitation(input: $i) { partnership { partners { organisation { name } status } } userErrors { field code } } }";
const WITHDRAW: &str = "mutation($i: PartnershipInvitationInput!) { withdrawPartnershipInvitation(input: $i) { partnership { partners { organisation { name } status } } userErrors { field code } } }";

/// Ana (lead, owner of the Austrian municipality) names Bojan's Slovenian municipality; both sides, voting
/// shares and content are complete, so consent is all that is missing.
struct Setup {
    ana: String,
    bojan: String,
    at: Value,
    si: Value,
    region: Value,
    partnership: Value,
    application: Value,
}

async fn setup(app: &TestApp) -> Setup {
    let staff = staff_token(app).await;
    let call = open_call(app, &staff, 5).await;
    let ana = token(&verified_user(app, "ana@example.org", "APPLICANT").await);
    let bojan = token(&verified_user(app, "bojan@example.org", "APPLICANT").await);
    let at = organisation(app, &ana, "Gemeinde Arnoldstein", "AT", "AT211", "AT-1").await;
    let si = organisation(app, &bojan, "Občina Kranjska Gora", "SI", "SI033", "SI-1").await;
    let region = region(app, &ana, "Karawanken", json!(["AT", "SI"]), json!(["AT21", "SI03"])).await;
    let created = app
        .data_as(
            &ana,
            CREATE_PARTNERSHIP,
            json!({ "i": { "regionId": region, "name": "Karawanken partnership",
                "partners": [{ "organisationId": at, "side": "AT", "role": "LEAD" }, { "organisationId": si, "side": "SI", "role": "PARTNER" }],
                "voting": { "publicSector": 40, "privateSector": 30, "civilSociety": 30, "other": 0 } } }),
        )
        .await;
    assert_eq!(created["createPartnership"]["userErrors"], json!([]));
    let partnership = created["createPartnership"]["partnership"]["id"].clone();
    let draft = app
        .data_as(
            &ana,
            CREATE_APPLICATION,
            json!({ "i": { "callId": call, "partnershipId": partnership, "content": content() } }),
        )
        .await;
    assert_eq!(draft["createApplication"]["userErrors"], json!([]));
    let application = draft["createApplication"]["application"]["id"].clone();
    Setup { ana, bojan, at, si, region, partnership, application }
}

fn statuses(partners: &Value) -> Vec<(String, String)> {
    partners
        .as_array()
        .expect("partners")
        .iter()
        .map(|p| (p["organisation"]["name"].as_str().unwrap().to_owned(), p["status"].as_str().unwrap().to_owned()))
        .collect()
}

fn pair(a: &str, b: &str) -> Vec<(String, String)> {
    vec![("Gemeinde Arnoldstein".to_owned(), a.to_owned()), ("Občina Kranjska Gora".to_owned(), b.to_owned())]
}

#[tokio::test]
async fn an_unconfirmed_partner_blocks_submission_until_its_owner_accepts() {
    each_backend(|app| async move {
        let s = setup(&app).await;
        let input = json!({ "i": { "partnershipId": s.partnership, "organisationId": s.si } });

        // The lead owns its own organisation: confirmed at once. Bojan's is only invited.
        let partners = app.data_as(&s.ana, PARTNERS, json!({ "id": s.partnership })).await;
        assert_eq!(statuses(&partners["node"]["partners"]), pair("CONFIRMED", "INVITED"));
        assert!(partners["node"]["partners"][0]["answeredAt"].is_string());
        assert_eq!(partners["node"]["partners"][1]["answeredAt"], Value::Null);

        // Bojan, an owner of the named organisation, is mailed; the names in the mail are quoted. (His address
        // already holds the verification mail: wait for this one, which the outbox sends after the request.)
        wait_for_mail(&app, "bojan@example.org", "/partnership-invitations").await;
        let mails = app.mails_to("bojan@example.org").await;
        let invitation = mails.iter().find(|m| m.contains("invited to a partnership")).expect("an invitation mail");
        assert!(invitation.contains("> Partnership: Karawanken partnership"), "{invitation}");
        assert!(invitation.contains("> Lead partner: Gemeinde Arnoldstein"), "{invitation}");
        assert!(invitation.contains("/partnership-invitations"), "{invitation}");

        // The check lists the partner that has not confirmed, and submission is refused with its own code.
        let check = app.data_as(&s.ana, CHECK, json!({ "id": s.application })).await;
        assert_eq!(check["checkApplication"]["ready"], false);
        assert_eq!(codes(&check), ["PARTNER_NOT_CONFIRMED"]);
        assert_eq!(check["checkApplication"]["problems"][0]["field"], json!(["partnership", "partners", "1"]));
        let refused = app.data_as(&s.ana, SUBMIT, json!({ "id": s.application })).await;
        assert_eq!(
            refused["submitApplication"]["userErrors"],
            json!([{ "field": ["input", "id", "partnership", "partners", "1"], "code": "PARTNER_NOT_CONFIRMED" }])
        );

        // Bojan sees the invitation; Ana (not an owner of that organisation) has none.
        let pending = app.data_as(&s.bojan, INVITATIONS, json!({})).await;
        assert_eq!(pending["myPartnershipInvitations"]["totalCount"], 1);
        let item = &pending["myPartnershipInvitations"]["nodes"][0];
        assert_eq!(item["partnership"]["name"], "Karawanken partnership");
        assert_eq!(item["organisation"]["name"], "Občina Kranjska Gora");
        assert_eq!((item["status"].as_str(), item["role"].as_str(), item["side"].as_str()), (Some("INVITED"), Some("PARTNER"), Some("SI")));
        let none = app.data_as(&s.ana, INVITATIONS, json!({})).await;
        assert_eq!(none["myPartnershipInvitations"]["totalCount"], 0);

        // Ana sees the partnership but does not own Bojan's organisation: FORBIDDEN. Someone who cannot see the
        // partnership gets NOT_FOUND, as for anything invisible.
        let forbidden = app.graphql_as(&s.ana, ACCEPT, input.clone()).await;
        assert_eq!(first_error_code(&forbidden), "FORBIDDEN");
        let carla = token(&verified_user(&app, "carla@example.org", "APPLICANT").await);
        let hidden = app.data_as(&carla, ACCEPT, input.clone()).await;
        assert_eq!(
            hidden["acceptPartnershipInvitation"]["userErrors"],
            json!([{ "field": ["input", "partnershipId"], "code": "NOT_FOUND" }])
        );
        // Staff see every partnership, but consent is the organisation's own.
        let staff = token(&crate::helpers::login(&app, "staff@example.org", crate::helpers::PASSWORD).await);
        assert_eq!(first_error_code(&app.graphql_as(&staff, ACCEPT, input.clone()).await), "FORBIDDEN");
        // An organisation that is not a partner of this partnership.
        let other = json!({ "i": { "partnershipId": s.partnership, "organisationId": organisation(&app, &s.bojan, "Občina Bled", "SI", "SI033", "SI-2").await } });
        let missing = app.data_as(&s.bojan, ACCEPT, other).await;
        assert_eq!(
            missing["acceptPartnershipInvitation"]["userErrors"],
            json!([{ "field": ["input", "organisationId"], "code": "NOT_FOUND" }])
        );

        // Bojan accepts: the lead's members are told, and submission goes through.
        let accepted = app.data_as(&s.bojan, ACCEPT, input.clone()).await;
        assert_eq!(accepted["acceptPartnershipInvitation"]["userErrors"], json!([]));
        assert_eq!(
            statuses(&accepted["acceptPartnershipInvitation"]["partnership"]["partners"]),
            pair("CONFIRMED", "CONFIRMED")
        );
        let again = app.data_as(&s.bojan, ACCEPT, input.clone()).await;
        assert_eq!(
            again["acceptPartnershipInvitation"]["userErrors"],
            json!([{ "field": ["input", "organisationId"], "code": "INVALID_STATE" }])
        );
        let gone = app.data_as(&s.bojan, INVITATIONS, json!({})).await;
        assert_eq!(gone["myPartnershipInvitations"]["totalCount"], 0);
        wait_for_mail(&app, "ana@example.org", "confirmed taking part in").await;

        // An update that keeps the partner keeps its confirmation.
        let kept = app
            .data_as(&s.ana, UPDATE, json!({ "i": { "id": s.partnership, "regionId": s.region, "name": "Karawanken partnership",
                "partners": [{ "organisationId": s.at, "side": "AT", "role": "LEAD" }, { "organisationId": s.si, "side": "SI", "role": "PARTNER" }],
                "voting": { "publicSector": 30, "privateSector": 40, "civilSociety": 30, "other": 0 } } }))
            .await;
        assert_eq!(statuses(&kept["updatePartnership"]["partnership"]["partners"]), pair("CONFIRMED", "CONFIRMED"));

        let check = app.data_as(&s.ana, CHECK, json!({ "id": s.application })).await;
        assert_eq!(check["checkApplication"]["ready"], true);
        let submitted = app.data_as(&s.ana, SUBMIT, json!({ "id": s.application })).await;
        assert_eq!(submitted["submitApplication"]["userErrors"], json!([]));
        assert_eq!(submitted["submitApplication"]["application"]["status"], "SUBMITTED");

        let types: Vec<String> = domain_events(&app)
            .await
            .into_iter()
            .map(|e| e.0)
            .filter(|t| t.starts_with("partnership.partner_"))
            .collect();
        assert_eq!(types, ["partnership.partner_invited", "partnership.partner_confirmed"]);
    })
    .await;
}

#[tokio::test]
async fn a_declined_partner_blocks_submission_until_the_lead_withdraws_it() {
    each_backend(|app| async move {
        let s = setup(&app).await;
        let input = json!({ "i": { "partnershipId": s.partnership, "organisationId": s.si } });

        // Bojan cannot withdraw (he does not edit the partnership); Ana cannot decline for him.
        assert_eq!(first_error_code(&app.graphql_as(&s.bojan, WITHDRAW, input.clone()).await), "FORBIDDEN");
        assert_eq!(first_error_code(&app.graphql_as(&s.ana, DECLINE, input.clone()).await), "FORBIDDEN");

        let declined = app.data_as(&s.bojan, DECLINE, input.clone()).await;
        assert_eq!(declined["declinePartnershipInvitation"]["userErrors"], json!([]));
        assert_eq!(
            statuses(&declined["declinePartnershipInvitation"]["partnership"]["partners"]),
            pair("CONFIRMED", "DECLINED")
        );
        wait_for_mail(&app, "ana@example.org", "declined to take part in").await;
        // An answer is final: no accepting after declining.
        let late = app.data_as(&s.bojan, ACCEPT, input.clone()).await;
        assert_eq!(late["acceptPartnershipInvitation"]["userErrors"][0]["code"], "INVALID_STATE");
        // An update naming it again does not undo the answer.
        let still = app
            .data_as(&s.ana, UPDATE, json!({ "i": { "id": s.partnership, "regionId": s.region, "name": "Karawanken partnership",
                "partners": [{ "organisationId": s.at, "side": "AT", "role": "LEAD" }, { "organisationId": s.si, "side": "SI", "role": "PARTNER" }],
                "voting": { "publicSector": 40, "privateSector": 30, "civilSociety": 30, "other": 0 } } }))
            .await;
        assert_eq!(statuses(&still["updatePartnership"]["partnership"]["partners"]), pair("CONFIRMED", "DECLINED"));

        let check = app.data_as(&s.ana, CHECK, json!({ "id": s.application })).await;
        assert_eq!(codes(&check), ["PARTNER_DECLINED"]);
        let refused = app.data_as(&s.ana, SUBMIT, json!({ "id": s.application })).await;
        assert_eq!(refused["submitApplication"]["userErrors"][0]["code"], "PARTNER_NOT_CONFIRMED");

        // A confirmed partner is not withdrawn (it is removed with updatePartnership).
        let confirmed = json!({ "i": { "partnershipId": s.partnership, "organisationId": s.at } });
        let kept = app.data_as(&s.ana, WITHDRAW, confirmed).await;
        assert_eq!(
            kept["withdrawPartnershipInvitation"]["userErrors"],
            json!([{ "field": ["input", "organisationId"], "code": "INVALID_STATE" }])
        );
        // The lead withdraws the declined partner: it is gone, and the check asks for a Slovenian partner.
        let withdrawn = app.data_as(&s.ana, WITHDRAW, input.clone()).await;
        assert_eq!(withdrawn["withdrawPartnershipInvitation"]["userErrors"], json!([]));
        assert_eq!(
            statuses(&withdrawn["withdrawPartnershipInvitation"]["partnership"]["partners"]),
            vec![("Gemeinde Arnoldstein".to_owned(), "CONFIRMED".to_owned())]
        );
        let check = app.data_as(&s.ana, CHECK, json!({ "id": s.application })).await;
        assert!(codes(&check).contains(&"SIDE_NOT_COVERED".to_owned()), "{check}");

        // Named again, it is invited again (a new invitation mail), and Bojan can withdraw nothing but answer.
        let before = app.mails_to("bojan@example.org").await.iter().filter(|m| m.contains("invited to a partnership")).count();
        let renamed = app
            .data_as(&s.ana, UPDATE, json!({ "i": { "id": s.partnership, "regionId": s.region, "name": "Karawanken partnership",
                "partners": [{ "organisationId": s.at, "side": "AT", "role": "LEAD" }, { "organisationId": s.si, "side": "SI", "role": "PARTNER" }],
                "voting": { "publicSector": 40, "privateSector": 30, "civilSociety": 30, "other": 0 } } }))
            .await;
        assert_eq!(statuses(&renamed["updatePartnership"]["partnership"]["partners"]), pair("CONFIRMED", "INVITED"));
        wait_for_mail(&app, "bojan@example.org", "Partnership: Karawanken partnership").await;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while app.mails_to("bojan@example.org").await.iter().filter(|m| m.contains("invited to a partnership")).count() == before {
            assert!(std::time::Instant::now() < deadline, "no second invitation mail");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let accepted = app.data_as(&s.bojan, ACCEPT, input).await;
        assert_eq!(accepted["acceptPartnershipInvitation"]["userErrors"], json!([]));
        let submitted = app.data_as(&s.ana, SUBMIT, json!({ "id": s.application })).await;
        assert_eq!(submitted["submitApplication"]["application"]["status"], "SUBMITTED");

        let types: Vec<String> = domain_events(&app)
            .await
            .into_iter()
            .map(|e| e.0)
            .filter(|t| t.starts_with("partnership.partner_") || t == "partnership.invitation_withdrawn")
            .collect();
        assert_eq!(
            types,
            [
                "partnership.partner_invited",
                "partnership.partner_declined",
                "partnership.invitation_withdrawn",
                "partnership.partner_invited",
                "partnership.partner_confirmed"
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn a_lead_owning_every_partner_is_confirmed_at_once() {
    each_backend(|app| async move {
        let staff = staff_token(&app).await;
        let call = open_call(&app, &staff, 5).await;
        let ana = token(&verified_user(&app, "ana@example.org", "APPLICANT").await);
        let at = organisation(&app, &ana, "Gemeinde Arnoldstein", "AT", "AT211", "AT-1").await;
        let si = organisation(&app, &ana, "Občina Kranjska Gora", "SI", "SI033", "SI-1").await;
        let region = region(&app, &ana, "Karawanken", json!(["AT", "SI"]), json!(["AT21", "SI03"])).await;
        let created = app
            .data_as(&ana, CREATE_PARTNERSHIP, json!({ "i": { "regionId": region, "name": "Karawanken partnership",
                "partners": [{ "organisationId": at, "side": "AT", "role": "LEAD" }, { "organisationId": si, "side": "SI", "role": "PARTNER" }],
                "voting": { "publicSector": 40, "privateSector": 30, "civilSociety": 30, "other": 0 } } }))
            .await;
        let partnership = created["createPartnership"]["partnership"]["id"].clone();
        let partners = app.data_as(&ana, PARTNERS, json!({ "id": partnership })).await;
        assert_eq!(statuses(&partners["node"]["partners"]), pair("CONFIRMED", "CONFIRMED"));
        let pending = app.data_as(&ana, INVITATIONS, json!({})).await;
        assert_eq!(pending["myPartnershipInvitations"]["totalCount"], 0);
        let draft = app
            .data_as(&ana, CREATE_APPLICATION, json!({ "i": { "callId": call, "partnershipId": partnership, "content": content() } }))
            .await;
        let id = draft["createApplication"]["application"]["id"].clone();
        let submitted = app.data_as(&ana, SUBMIT, json!({ "id": id })).await;
        assert_eq!(submitted["submitApplication"]["userErrors"], json!([]));
        assert!(domain_events(&app).await.iter().all(|e| e.0 != "partnership.partner_invited"));
        assert!(
            app.mails_to("ana@example.org").await.iter().all(|m| !m.contains("invited to a partnership")),
            "no invitation to oneself"
        );
    })
    .await;
}

#[tokio::test]
async fn partners_from_before_confirmations_become_confirmed() {
    each_backend(|app| async move {
        let s = setup(&app).await;
        let db = db(&app).await;
        let invited = "SELECT COUNT(*) AS n FROM partner WHERE status = 'INVITED'";
        assert_eq!(count(&db, invited).await, 1);
        // Back to the schema without confirmations, then forward again, as an existing database is migrated.
        let names: Vec<String> = Migrator::migrations().iter().map(|m| m.name().to_owned()).collect();
        let at = names.iter().position(|n| n == "m20261123_000152_partner_confirmation").expect("the migration");
        Migrator::down(&db, Some((names.len() - at) as u32)).await.expect("the confirmation migration goes down");
        assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM partner").await, 2);
        Migrator::up(&db, None).await.expect("and up again");
        assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM partner WHERE status = 'CONFIRMED'").await, 2);
        assert_eq!(count(&db, invited).await, 0);
        db.close().await.ok();
        let check = app.data_as(&s.ana, CHECK, json!({ "id": s.application })).await;
        assert_eq!(check["checkApplication"]["ready"], true, "{check}");
    })
    .await;
}
