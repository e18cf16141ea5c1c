//! Who may do what: the authorization matrix over every operation of the schema, role administration,
//! the audit log, and object-level visibility through `node(id:)`.

use crate::helpers::{PASSWORD, TestApp, admin_session, each_backend, first_error_code, verified_user};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    Anonymous,
    Applicant,
    Expert,
    ManagingAuthority,
    Staff,
    Admin,
    Integrator,
}

const EVERYONE: &[Who] =
    &[Who::Anonymous, Who::Applicant, Who::Expert, Who::ManagingAuthority, Who::Staff, Who::Admin, Who::Integrator];
const USERS: &[Who] = &[Who::Applicant, Who::Expert, Who::ManagingAuthority, Who::Staff, Who::Admin];
const STAFF: &[Who] = &[Who::Staff, Who::Admin];
const ADMIN: &[Who] = &[Who::Admin];
const EXPERT: &[Who] = &[Who::Expert];

/// Every root operation: a request exercising it (harmless: invalid input at most) and who may run it.
/// A new operation without a row here fails `every_operation_has_a_row`.
fn matrix() -> Vec<(&'static str, &'static str, &'static str, &'static [Who])> {
    vec![
        ("Query", "node", r#"{ node(id: "Q291bnRyeTpBVA") { id } }"#, EVERYONE),
        ("Query", "nodes", r#"{ nodes(ids: ["Q291bnRyeTpBVA"]) { id } }"#, EVERYONE),
        ("Query", "countries", "{ countries { code } }", EVERYONE),
        ("Query", "country", r#"{ country(code: "AT") { code } }"#, EVERYONE),
        ("Query", "nutsRegions", "{ nutsRegions(first: 1) { totalCount } }", EVERYONE),
        ("Query", "interregProgrammes", "{ interregProgrammes(first: 1) { totalCount } }", EVERYONE),
        ("Query", "apiInfo", "{ apiInfo { version } }", EVERYONE),
        ("Query", "me", "{ me { id } }", EVERYONE),
        ("Query", "users", "{ users(first: 1) { totalCount } }", STAFF),
        ("Query", "auditEvents", "{ auditEvents(first: 1) { totalCount } }", ADMIN),
        ("Query", "subscriptionByToken", r#"{ subscriptionByToken(token: "x") { status } }"#, EVERYONE),
        ("Query", "newsletterIssues", "{ newsletterIssues(first: 1) { totalCount } }", STAFF),
        (
            "Query",
            "previewNewsletterIssue",
            r#"{ previewNewsletterIssue(id: "TmV3c2xldHRlcklzc3VlOjAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMA") { text } }"#,
            STAFF,
        ),
        ("Query", "resources", "{ resources(first: 1) { totalCount } }", EVERYONE),
        ("Query", "exportMyData", "{ exportMyData }", USERS),
        ("Query", "changes", "{ changes(first: 1) { pageInfo { hasNextPage } } }", EVERYONE),
        // Integrators too, with the webhooks:manage scope (the matrix's integrator has none): webhooks.rs.
        ("Query", "webhookEndpoints", "{ webhookEndpoints(first: 1) { totalCount } }", STAFF),
        ("Query", "serviceAccounts", "{ serviceAccounts(first: 1) { totalCount } }", ADMIN),
        (
            "Mutation",
            "register",
            r#"mutation { register(input: { email: "x", password: "x", displayName: "x", preferredLanguage: "x", intendedRole: APPLICANT }) { userErrors { code } } }"#,
            EVERYONE,
        ),
        (
            "Mutation",
            "verifyEmail",
            r#"mutation { verifyEmail(input: { token: "x" }) { userErrors { code } } }"#,
            EVERYONE,
        ),
        (
            "Mutation",
            "requestEmailVerification",
            r#"mutation { requestEmailVerification(input: { email: "x" }) { userErrors { code } } }"#,
            EVERYONE,
        ),
        (
            "Mutation",
            "requestPasswordReset",
            r#"mutation { requestPasswordReset(input: { email: "x" }) { userErrors { code } } }"#,
            EVERYONE,
        ),
        (
            "Mutation",
            "resetPassword",
            r#"mutation { resetPassword(input: { token: "x", newPassword: "x" }) { userErrors { code } } }"#,
            EVERYONE,
        ),
        (
            "Mutation",
            "login",
            r#"mutation { login(input: { email: "nobody@example.org", password: "x" }) { userErrors { code } } }"#,
            EVERYONE,
        ),
        (
            "Mutation",
            "refreshSession",
            r#"mutation { refreshSession(input: { refreshToken: "x" }) { userErrors { code } } }"#,
            EVERYONE,
        ),
        (
            "Mutation",
            "issueServiceToken",
            r#"mutation { issueServiceToken(input: { clientId: "x", clientSecret: "x" }) { userErrors { code } } }"#,
            EVERYONE,
        ),
        (
            "Mutation",
            "updateProfile",
            r#"mutation { updateProfile(input: { displayName: " " }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "changePassword",
            r#"mutation { changePassword(input: { currentPassword: "wrong", newPassword: "x" }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "grantRole",
            r#"mutation { grantRole(input: { userId: "VXNlcjowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA", role: STAFF }) { userErrors { code } } }"#,
            ADMIN,
        ),
        (
            "Mutation",
            "revokeRole",
            r#"mutation { revokeRole(input: { userId: "VXNlcjowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA", role: STAFF }) { userErrors { code } } }"#,
            ADMIN,
        ),
        (
            "Mutation",
            "createServiceAccount",
            r#"mutation { createServiceAccount(input: { name: " " }) { userErrors { code } } }"#,
            ADMIN,
        ),
        (
            "Mutation",
            "subscribe",
            r#"mutation { subscribe(input: { email: "x", topics: [NEWS], language: "en" }) { userErrors { code } } }"#,
            EVERYONE,
        ),
        (
            "Mutation",
            "confirmSubscription",
            r#"mutation { confirmSubscription(input: { token: "x" }) { userErrors { code } } }"#,
            EVERYONE,
        ),
        (
            "Mutation",
            "updateSubscription",
            r#"mutation { updateSubscription(input: { token: "x", topics: [NEWS], language: "en" }) { userErrors { code } } }"#,
            EVERYONE,
        ),
        (
            "Mutation",
            "unsubscribe",
            r#"mutation { unsubscribe(input: { token: "x" }) { userErrors { code } } }"#,
            EVERYONE,
        ),
        (
            "Mutation",
            "eraseSubscription",
            r#"mutation { eraseSubscription(input: { token: "x" }) { userErrors { code } } }"#,
            EVERYONE,
        ),
        (
            "Mutation",
            "eraseMyAccount",
            r#"mutation { eraseMyAccount(input: { password: "wrong" }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "createNewsletterIssue",
            r#"mutation { createNewsletterIssue(input: { subject: " ", body: " ", topics: [], language: "x" }) { userErrors { code } } }"#,
            STAFF,
        ),
        (
            "Mutation",
            "sendNewsletterIssue",
            r#"mutation { sendNewsletterIssue(input: { issueId: "TmV3c2xldHRlcklzc3VlOjAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMA" }) { userErrors { code } } }"#,
            STAFF,
        ),
        (
            "Mutation",
            "createResource",
            r#"mutation { createResource(input: { title: " ", summary: " ", kind: GUIDE, url: "x", languages: [], topics: [] }) { userErrors { code } } }"#,
            STAFF,
        ),
        (
            "Mutation",
            "updateResource",
            r#"mutation { updateResource(input: { resourceId: "UmVzb3VyY2U6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw", title: " ", summary: " ", kind: GUIDE, url: "x", languages: [], topics: [] }) { userErrors { code } } }"#,
            STAFF,
        ),
        (
            "Mutation",
            "publishResource",
            r#"mutation { publishResource(input: { resourceId: "UmVzb3VyY2U6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw" }) { userErrors { code } } }"#,
            STAFF,
        ),
        ("Query", "events", "{ events(first: 1) { totalCount } }", EVERYONE),
        (
            "Query",
            "eventRegistrations",
            r#"{ eventRegistrations(eventId: "RXZlbnQ6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw", first: 1) { totalCount } }"#,
            STAFF,
        ),
        (
            "Mutation",
            "createEvent",
            r#"mutation { createEvent(input: { kind: WEBINAR, title: " ", description: "x", startsAt: "2026-03-01T10:00:00Z", endsAt: "2026-03-01T09:00:00Z", timeZone: "x", capacity: 0, registrationOpensAt: "2026-01-01T00:00:00Z", registrationClosesAt: "2026-01-02T00:00:00Z", language: "x" }) { userErrors { code } } }"#,
            STAFF,
        ),
        (
            "Mutation",
            "updateEvent",
            r#"mutation { updateEvent(input: { id: "RXZlbnQ6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw", kind: WEBINAR, title: " ", description: "x", startsAt: "2026-03-01T10:00:00Z", endsAt: "2026-03-01T09:00:00Z", timeZone: "x", capacity: 0, registrationOpensAt: "2026-01-01T00:00:00Z", registrationClosesAt: "2026-01-02T00:00:00Z", language: "x" }) { userErrors { code } } }"#,
            STAFF,
        ),
        (
            "Mutation",
            "publishEvent",
            r#"mutation { publishEvent(input: { id: "RXZlbnQ6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw" }) { userErrors { code } } }"#,
            STAFF,
        ),
        (
            "Mutation",
            "cancelEvent",
            r#"mutation { cancelEvent(input: { id: "RXZlbnQ6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw" }) { userErrors { code } } }"#,
            STAFF,
        ),
        (
            "Mutation",
            "completeEvent",
            r#"mutation { completeEvent(input: { id: "RXZlbnQ6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw" }) { userErrors { code } } }"#,
            STAFF,
        ),
        (
            "Mutation",
            "registerForEvent",
            r#"mutation { registerForEvent(input: { eventId: "RXZlbnQ6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw" }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "registerForEventByEmail",
            r#"mutation { registerForEventByEmail(input: { eventId: "RXZlbnQ6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw", email: "x", name: "x" }) { userErrors { code } } }"#,
            EVERYONE,
        ),
        (
            "Mutation",
            "confirmEventRegistration",
            r#"mutation { confirmEventRegistration(input: { token: "x" }) { userErrors { code } } }"#,
            EVERYONE,
        ),
        (
            "Mutation",
            "cancelEventRegistration",
            r#"mutation { cancelEventRegistration(input: { token: "x" }) { userErrors { code } } }"#,
            EVERYONE,
        ),
        (
            "Mutation",
            "markAttendance",
            r#"mutation { markAttendance(input: { registrationId: "RXZlbnRSZWdpc3RyYXRpb246MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw", attended: true }) { userErrors { code } } }"#,
            STAFF,
        ),
        ("Query", "myOrganisations", r#"{ myOrganisations(first: 1) { totalCount } }"#, USERS),
        ("Query", "crossBorderRegions", r#"{ crossBorderRegions(first: 1) { totalCount } }"#, EVERYONE),
        ("Query", "partnerships", r#"{ partnerships(first: 1) { totalCount } }"#, EVERYONE),
        ("Query", "myPartnershipInvitations", r#"{ myPartnershipInvitations(first: 1) { totalCount } }"#, USERS),
        ("Query", "calls", r#"{ calls(first: 1) { totalCount } }"#, EVERYONE),
        ("Query", "myApplications", r#"{ myApplications(first: 1) { totalCount } }"#, USERS),
        ("Query", "applications", r#"{ applications(first: 1) { totalCount } }"#, STAFF),
        (
            "Query",
            "checkApplication",
            r#"{ checkApplication(id: "QXBwbGljYXRpb246MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw") { ready } }"#,
            USERS,
        ),
        ("Query", "assessmentCriteria", r#"{ assessmentCriteria { name maxScore } }"#, EVERYONE),
        (
            "Mutation",
            "createInterregProgramme",
            r#"mutation { createInterregProgramme(input: { name: " ", strand: C, countries: [] }) { userErrors { code } } }"#,
            STAFF,
        ),
        (
            "Mutation",
            "updateInterregProgramme",
            r#"mutation { updateInterregProgramme(input: { id: "SW50ZXJyZWdQcm9ncmFtbWU6MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw", name: " ", strand: C, countries: [] }) { userErrors { code } } }"#,
            STAFF,
        ),
        (
            "Mutation",
            "createOrganisation",
            r#"mutation { createOrganisation(input: { name: " ", organisationType: NGO, country: "AT", registrationId: " " }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "updateOrganisation",
            r#"mutation { updateOrganisation(input: { id: "T3JnYW5pc2F0aW9uOjAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMA", name: " ", organisationType: NGO, country: "AT", registrationId: " " }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "inviteOrganisationMember",
            r#"mutation { inviteOrganisationMember(input: { organisationId: "T3JnYW5pc2F0aW9uOjAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMA", email: "x@example.org", role: VIEWER }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "acceptOrganisationInvitation",
            r#"mutation { acceptOrganisationInvitation(input: { token: "x" }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "changeOrganisationMember",
            r#"mutation { changeOrganisationMember(input: { organisationId: "T3JnYW5pc2F0aW9uOjAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMA", userId: "VXNlcjowMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDA" }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "createCrossBorderRegion",
            r#"mutation { createCrossBorderRegion(input: { name: " ", description: "", countries: [] }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "updateCrossBorderRegion",
            r#"mutation { updateCrossBorderRegion(input: { id: "Q3Jvc3NCb3JkZXJSZWdpb246MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw", name: " ", description: "", countries: [] }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "createPartnership",
            r#"mutation { createPartnership(input: { regionId: "Q3Jvc3NCb3JkZXJSZWdpb246MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw", name: " " }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "updatePartnership",
            r#"mutation { updatePartnership(input: { id: "UGFydG5lcnNoaXA6MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw", regionId: "Q3Jvc3NCb3JkZXJSZWdpb246MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw", name: " " }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "acceptPartnershipInvitation",
            r#"mutation { acceptPartnershipInvitation(input: { partnershipId: "UGFydG5lcnNoaXA6MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw", organisationId: "T3JnYW5pc2F0aW9uOjAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMA" }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "declinePartnershipInvitation",
            r#"mutation { declinePartnershipInvitation(input: { partnershipId: "UGFydG5lcnNoaXA6MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw", organisationId: "T3JnYW5pc2F0aW9uOjAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMA" }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "withdrawPartnershipInvitation",
            r#"mutation { withdrawPartnershipInvitation(input: { partnershipId: "UGFydG5lcnNoaXA6MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw", organisationId: "T3JnYW5pc2F0aW9uOjAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMA" }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "createCall",
            r#"mutation { createCall(input: { kind: EXPERTS, title: " ", round: 0, opensAt: "2026-03-01T00:00:00Z", closesAt: "2026-02-01T00:00:00Z", maxSelections: 0 }) { userErrors { code } } }"#,
            STAFF,
        ),
        (
            "Mutation",
            "updateCall",
            r#"mutation { updateCall(input: { id: "Q2FsbDowMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDA", kind: EXPERTS, title: " ", round: 0, opensAt: "2026-03-01T00:00:00Z", closesAt: "2026-02-01T00:00:00Z", maxSelections: 0 }) { userErrors { code } } }"#,
            STAFF,
        ),
        (
            "Mutation",
            "publishCall",
            r#"mutation { publishCall(input: { id: "Q2FsbDowMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDA" }) { userErrors { code } } }"#,
            STAFF,
        ),
        (
            "Mutation",
            "createApplication",
            r#"mutation { createApplication(input: { callId: "Q2FsbDowMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDA", partnershipId: "UGFydG5lcnNoaXA6MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw" }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "updateApplication",
            r#"mutation { updateApplication(input: { id: "QXBwbGljYXRpb246MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw", content: {} }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "submitApplication",
            r#"mutation { submitApplication(input: { id: "QXBwbGljYXRpb246MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw" }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "withdrawApplication",
            r#"mutation { withdrawApplication(input: { id: "QXBwbGljYXRpb246MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw" }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "returnApplication",
            r#"mutation { returnApplication(input: { id: "QXBwbGljYXRpb246MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw", note: " " }) { userErrors { code } } }"#,
            STAFF,
        ),
        (
            "Mutation",
            "recordEligibility",
            r#"mutation { recordEligibility(input: { id: "QXBwbGljYXRpb246MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw", passed: false }) { userErrors { code } } }"#,
            STAFF,
        ),
        (
            "Mutation",
            "recordQualityAssessment",
            r#"mutation { recordQualityAssessment(input: { id: "QXBwbGljYXRpb246MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw", scores: [] }) { userErrors { code } } }"#,
            STAFF,
        ),
        (
            "Mutation",
            "decideApplication",
            r#"mutation { decideApplication(input: { id: "QXBwbGljYXRpb246MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw", decision: NOT_SELECTED }) { userErrors { code } } }"#,
            STAFF,
        ),
        // Experts
        ("Query", "expertiseAreas", "{ expertiseAreas { area } }", EVERYONE),
        ("Query", "experts", "{ experts(first: 1) { totalCount } }", STAFF),
        (
            "Query",
            "expertMatches",
            r#"{ expertMatches(regionId: "Q3Jvc3NCb3JkZXJSZWdpb246MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw") { sides } }"#,
            STAFF,
        ),
        (
            "Query",
            "suggestExpertTeam",
            r#"{ suggestExpertTeam(regionId: "Q3Jvc3NCb3JkZXJSZWdpb246MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw", size: 2) { coversEverySide } }"#,
            STAFF,
        ),
        (
            "Mutation",
            "saveExpertProfile",
            r#"mutation { saveExpertProfile(input: { headline: " ", daysPerMonth: -1 }) { userErrors { code } } }"#,
            EXPERT,
        ),
        (
            "Mutation",
            "applyToExpertCall",
            r#"mutation { applyToExpertCall(input: { callId: "Q2FsbDowMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDA", statement: " " }) { userErrors { code } } }"#,
            EXPERT,
        ),
        (
            "Mutation",
            "vetExpert",
            r#"mutation { vetExpert(input: { expertId: "RXhwZXJ0UHJvZmlsZTowMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDA", decision: APPROVED }) { userErrors { code } } }"#,
            STAFF,
        ),
        (
            "Mutation",
            "assignExpert",
            r#"mutation { assignExpert(input: { regionId: "Q3Jvc3NCb3JkZXJSZWdpb246MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw", expertId: "RXhwZXJ0UHJvZmlsZTowMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDA", role: EXPERT, plannedDays: 2 }) { userErrors { code } } }"#,
            STAFF,
        ),
        (
            "Mutation",
            "acceptAssignment",
            r#"mutation { acceptAssignment(input: { id: "RXhwZXJ0QXNzaWdubWVudDowMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDA", noConflictOfInterest: true }) { userErrors { code } } }"#,
            EXPERT,
        ),
        (
            "Mutation",
            "declineAssignment",
            r#"mutation { declineAssignment(input: { id: "RXhwZXJ0QXNzaWdubWVudDowMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDA" }) { userErrors { code } } }"#,
            EXPERT,
        ),
        (
            "Mutation",
            "endAssignment",
            r#"mutation { endAssignment(input: { id: "RXhwZXJ0QXNzaWdubWVudDowMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDA" }) { userErrors { code } } }"#,
            STAFF,
        ),
        (
            "Query",
            "strategy",
            r#"{ strategy(id: "U3RyYXRlZ3k6MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw") { id } }"#,
            EVERYONE,
        ),
        ("Query", "strategies", r#"{ strategies(first: 1) { totalCount } }"#, EVERYONE),
        (
            "Query",
            "checkStrategy",
            r#"{ checkStrategy(id: "U3RyYXRlZ3k6MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw") { ready } }"#,
            EVERYONE,
        ),
        (
            "Mutation",
            "createStrategy",
            r#"mutation { createStrategy(input: { regionId: "Q3Jvc3NCb3JkZXJSZWdpb246MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw", mainLanguage: "x" }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "updateStrategy",
            r#"mutation { updateStrategy(input: { id: "U3RyYXRlZ3k6MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw", revision: 1 }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "addStrategyObjective",
            r#"mutation { addStrategyObjective(input: { strategyId: "U3RyYXRlZ3k6MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw", title: "x" }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "updateStrategyObjective",
            r#"mutation { updateStrategyObjective(input: { strategyId: "U3RyYXRlZ3k6MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw", id: "00000000-0000-4000-8000-000000000000", revision: 1, title: "x" }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "removeStrategyObjective",
            r#"mutation { removeStrategyObjective(input: { strategyId: "U3RyYXRlZ3k6MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw", id: "00000000-0000-4000-8000-000000000000", revision: 1 }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "addStrategyTarget",
            r#"mutation { addStrategyTarget(input: { strategyId: "U3RyYXRlZ3k6MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw", objectiveId: "00000000-0000-4000-8000-000000000000", indicator: "x" }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "updateStrategyTarget",
            r#"mutation { updateStrategyTarget(input: { strategyId: "U3RyYXRlZ3k6MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw", id: "00000000-0000-4000-8000-000000000000", revision: 1, indicator: "x" }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "removeStrategyTarget",
            r#"mutation { removeStrategyTarget(input: { strategyId: "U3RyYXRlZ3k6MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw", id: "00000000-0000-4000-8000-000000000000", revision: 1 }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "addStrategyAction",
            r#"mutation { addStrategyAction(input: { strategyId: "U3RyYXRlZ3k6MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw", objectiveId: "00000000-0000-4000-8000-000000000000", title: "x" }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "updateStrategyAction",
            r#"mutation { updateStrategyAction(input: { strategyId: "U3RyYXRlZ3k6MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw", id: "00000000-0000-4000-8000-000000000000", revision: 1, title: "x" }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "removeStrategyAction",
            r#"mutation { removeStrategyAction(input: { strategyId: "U3RyYXRlZ3k6MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw", id: "00000000-0000-4000-8000-000000000000", revision: 1 }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "addStrategyLagMember",
            r#"mutation { addStrategyLagMember(input: { strategyId: "U3RyYXRlZ3k6MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw", interestGroup: OTHER, votingShare: "1", name: "x" }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "updateStrategyLagMember",
            r#"mutation { updateStrategyLagMember(input: { strategyId: "U3RyYXRlZ3k6MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw", id: "00000000-0000-4000-8000-000000000000", revision: 1, interestGroup: OTHER, votingShare: "1", name: "x" }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "removeStrategyLagMember",
            r#"mutation { removeStrategyLagMember(input: { strategyId: "U3RyYXRlZ3k6MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw", id: "00000000-0000-4000-8000-000000000000", revision: 1 }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "addStrategyFinanceLine",
            r#"mutation { addStrategyFinanceLine(input: { strategyId: "U3RyYXRlZ3k6MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw", source: PRIVATE, year: 2027, amount: "1" }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "updateStrategyFinanceLine",
            r#"mutation { updateStrategyFinanceLine(input: { strategyId: "U3RyYXRlZ3k6MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw", id: "00000000-0000-4000-8000-000000000000", revision: 1, source: PRIVATE, year: 2027, amount: "1" }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "removeStrategyFinanceLine",
            r#"mutation { removeStrategyFinanceLine(input: { strategyId: "U3RyYXRlZ3k6MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw", id: "00000000-0000-4000-8000-000000000000", revision: 1 }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "setStrategyTranslation",
            r#"mutation { setStrategyTranslation(input: { strategyId: "U3RyYXRlZ3k6MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw", language: "sl", texts: [] }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "submitStrategyForReview",
            r#"mutation { submitStrategyForReview(input: { id: "U3RyYXRlZ3k6MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw" }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "amendStrategy",
            r#"mutation { amendStrategy(input: { id: "U3RyYXRlZ3k6MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw" }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "requestStrategyChanges",
            r#"mutation { requestStrategyChanges(input: { id: "U3RyYXRlZ3k6MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw", note: "x" }) { userErrors { code } } }"#,
            STAFF,
        ),
        (
            "Mutation",
            "adoptStrategy",
            r#"mutation { adoptStrategy(input: { id: "U3RyYXRlZ3k6MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw" }) { userErrors { code } } }"#,
            STAFF,
        ),
        (
            "Mutation",
            "publishStrategy",
            r#"mutation { publishStrategy(input: { id: "U3RyYXRlZ3k6MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw" }) { userErrors { code } } }"#,
            STAFF,
        ),
        (
            "Mutation",
            "addStrategyComment",
            r#"mutation { addStrategyComment(input: { strategyId: "U3RyYXRlZ3k6MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw", body: "x" }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "replyToStrategyComment",
            r#"mutation { replyToStrategyComment(input: { commentId: "U3RyYXRlZ3lDb21tZW50OjAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMA", body: "x" }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "resolveStrategyComment",
            r#"mutation { resolveStrategyComment(input: { commentId: "U3RyYXRlZ3lDb21tZW50OjAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMA" }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "reopenStrategyComment",
            r#"mutation { reopenStrategyComment(input: { commentId: "U3RyYXRlZ3lDb21tZW50OjAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMA" }) { userErrors { code } } }"#,
            USERS,
        ),
        (
            "Mutation",
            "createWebhookEndpoint",
            r#"mutation { createWebhookEndpoint(input: { url: "x", eventTypes: [] }) { userErrors { code } } }"#,
            STAFF,
        ),
        (
            "Mutation",
            "rotateWebhookSecret",
            r#"mutation { rotateWebhookSecret(input: { id: "V2ViaG9va0VuZHBvaW50OjAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMA" }) { userErrors { code } } }"#,
            STAFF,
        ),
        (
            "Mutation",
            "replayWebhookDelivery",
            r#"mutation { replayWebhookDelivery(input: { id: "V2ViaG9va0RlbGl2ZXJ5OjAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMA" }) { userErrors { code } } }"#,
            STAFF,
        ),
        (
            "Mutation",
            "setServiceAccountScopes",
            r#"mutation { setServiceAccountScopes(input: { id: "U2VydmljZUFjY291bnQ6MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw", scopes: [] }) { userErrors { code } } }"#,
            ADMIN,
        ),
        (
            "Mutation",
            "revokeServiceAccount",
            r#"mutation { revokeServiceAccount(input: { id: "U2VydmljZUFjY291bnQ6MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAw" }) { userErrors { code } } }"#,
            ADMIN,
        ),
        // Last: it ends the session it runs in.
        ("Mutation", "logout", "mutation { logout(input: {}) { userErrors { code } } }", USERS),
    ]
}

async fn root_fields(app: &TestApp, type_name: &str) -> BTreeSet<String> {
    let data = app.data("query($t: String!) { __type(name: $t) { fields { name } } }", json!({ "t": type_name })).await;
    data["__type"]["fields"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn every_operation_has_a_row() {
    each_backend(|app| async move {
        let rows = matrix();
        for root in ["Query", "Mutation"] {
            let listed: BTreeSet<String> = rows.iter().filter(|r| r.0 == root).map(|r| r.1.to_owned()).collect();
            assert_eq!(root_fields(&app, root).await, listed, "{root}: add a row to the authorization matrix");
        }
    })
    .await;
}

/// A token for each kind of caller.
async fn callers(app: &TestApp) -> BTreeMap<Who, Option<String>> {
    let admin = admin_session(app).await["accessToken"].as_str().unwrap().to_owned();
    let mut tokens = BTreeMap::from([(Who::Anonymous, None), (Who::Admin, Some(admin.clone()))]);
    for (who, email, role) in [
        (Who::Applicant, "applicant@example.org", "APPLICANT"),
        (Who::Expert, "expert@example.org", "EXPERT"),
        (Who::Staff, "staff@example.org", "APPLICANT"),
        (Who::ManagingAuthority, "authority@example.org", "APPLICANT"),
    ] {
        let session = verified_user(app, email, role).await;
        let user_id = session["user"]["id"].clone();
        match who {
            Who::Staff => crate::helpers::grant(app, &admin, &user_id, "STAFF", json!([])).await,
            Who::ManagingAuthority => {
                let programme = app.data("{ interregProgrammes(first: 1) { nodes { id } } }", json!({})).await;
                let programme = programme["interregProgrammes"]["nodes"][0]["id"].clone();
                crate::helpers::grant(app, &admin, &user_id, "MANAGING_AUTHORITY", json!([programme])).await;
                crate::helpers::grant(app, &admin, &user_id, "APPLICANT", json!([])).await;
            }
            _ => {}
        }
        tokens.insert(who, session["accessToken"].as_str().map(str::to_owned));
    }
    tokens.insert(Who::Integrator, Some(crate::helpers::service_token(app, &admin).await));
    tokens
}

#[tokio::test]
async fn authorization_matrix() {
    each_backend(|app| async move {
        let callers = callers(&app).await;
        for (_, operation, request, allowed) in matrix() {
            for (who, token) in &callers {
                let body = match token {
                    Some(token) => app.graphql_as(token, request, json!({})).await,
                    None => app.graphql(request, json!({})).await,
                };
                let code = body["errors"][0]["extensions"]["code"].as_str().unwrap_or("");
                let denied = matches!(code, "UNAUTHENTICATED" | "FORBIDDEN");
                assert_eq!(!denied, allowed.contains(who), "{operation} as {who:?}: {body}");
                if denied {
                    let expected = if *who == Who::Anonymous { "UNAUTHENTICATED" } else { "FORBIDDEN" };
                    assert_eq!(code, expected, "{operation} as {who:?}");
                }
            }
        }
    })
    .await;
}

#[tokio::test]
async fn admins_grant_and_revoke_roles_but_keep_one_admin() {
    each_backend(|app| async move {
        const REVOKE: &str = "mutation($u: ID!, $r: Role!) { revokeRole(input: { userId: $u, role: $r }) { user { roles } userErrors { field code } } }";
        const GRANT: &str = "mutation($u: ID!, $r: Role!, $p: [ID!]) { grantRole(input: { userId: $u, role: $r, programmeIds: $p }) { user { roles } userErrors { field code } } }";
        let admin = admin_session(&app).await;
        let admin_id = admin["user"]["id"].clone();
        let admin = admin["accessToken"].as_str().unwrap().to_owned();
        let user = verified_user(&app, "grantee@example.org", "APPLICANT").await;
        let user_id = user["user"]["id"].clone();

        let no_programmes = app.data_as(&admin, GRANT, json!({ "u": user_id, "r": "MANAGING_AUTHORITY" })).await;
        assert_eq!(no_programmes["grantRole"]["userErrors"], json!([{ "field": ["input", "programmeIds"], "code": "REQUIRED" }]));
        let staff_with_programmes = app.data_as(&admin, GRANT, json!({ "u": user_id, "r": "STAFF", "p": [base64_url("InterregProgramme:00000000-0000-0000-0000-000000000000")] })).await;
        assert_eq!(staff_with_programmes["grantRole"]["userErrors"][0]["code"], "INVALID");
        let missing_user = app.data_as(&admin, GRANT, json!({ "u": base64_url("User:00000000-0000-0000-0000-000000000000"), "r": "STAFF" })).await;
        assert_eq!(missing_user["grantRole"]["userErrors"], json!([{ "field": ["input", "userId"], "code": "NOT_FOUND" }]));

        let granted = app.data_as(&admin, GRANT, json!({ "u": user_id, "r": "STAFF" })).await;
        assert_eq!(granted["grantRole"], json!({ "user": { "roles": ["APPLICANT", "STAFF"] }, "userErrors": [] }));
        // The role takes effect on the user's next request, without a new login.
        let staff_token = user["accessToken"].as_str().unwrap();
        let users = app.data_as(staff_token, "{ users(filter: { role: STAFF }) { nodes { email } } }", json!({})).await;
        assert_eq!(users["users"]["nodes"], json!([{ "email": "grantee@example.org" }]));

        let revoked = app.data_as(&admin, REVOKE, json!({ "u": user_id, "r": "STAFF" })).await;
        assert_eq!(revoked["revokeRole"]["user"]["roles"], json!(["APPLICANT"]));
        let denied = app.graphql_as(staff_token, "{ users { totalCount } }", json!({})).await;
        assert_eq!(first_error_code(&denied), "FORBIDDEN");

        let last_admin = app.data_as(&admin, REVOKE, json!({ "u": admin_id, "r": "ADMIN" })).await;
        assert_eq!(last_admin["revokeRole"]["userErrors"], json!([{ "field": ["input", "role"], "code": "INVALID_STATE" }]));
    })
    .await;
}

#[tokio::test]
async fn the_audit_log_records_security_events_for_admins() {
    each_backend(|app| async move {
        let admin = admin_session(&app).await["accessToken"].as_str().unwrap().to_owned();
        verified_user(&app, "audited@example.org", "APPLICANT").await;
        let failed =
            app.data(crate::helpers::LOGIN, json!({ "e": "audited@example.org", "p": "wrong password!" })).await;
        assert_eq!(failed["login"]["userErrors"][0]["code"], "INVALID_CREDENTIALS");

        let events = app
            .data_as(&admin, "{ auditEvents(first: 100) { nodes { action detail clientAddress } } }", json!({}))
            .await;
        let actions: Vec<&str> =
            events["auditEvents"]["nodes"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions[0], "LOGIN_FAILED", "newest first: {actions:?}");
        for expected in ["ACCOUNT_REGISTERED", "EMAIL_VERIFIED", "LOGIN_SUCCEEDED", "ROLE_GRANTED"] {
            assert!(actions.contains(&expected), "{expected} in {actions:?}");
        }
        assert_eq!(events["auditEvents"]["nodes"][0]["clientAddress"], "127.0.0.1");
        let everything = serde_json::to_string(&events).unwrap();
        assert!(!everything.contains(PASSWORD) && !everything.contains("wrong password"), "no secrets in the log");

        let filtered =
            app.data_as(&admin, "{ auditEvents(filter: { action: LOGIN_FAILED }) { totalCount } }", json!({})).await;
        assert_eq!(filtered["auditEvents"]["totalCount"], 1);
    })
    .await;
}

#[tokio::test]
async fn users_are_visible_to_themselves_and_staff_only() {
    each_backend(|app| async move {
        let admin = admin_session(&app).await["accessToken"].as_str().unwrap().to_owned();
        let ana = verified_user(&app, "ana@example.org", "APPLICANT").await;
        let ben = verified_user(&app, "ben@example.org", "APPLICANT").await;
        let ana_id = ana["user"]["id"].clone();
        let query = "query($id: ID!) { node(id: $id) { ... on User { email } } }";
        let as_ana = app.data_as(ana["accessToken"].as_str().unwrap(), query, json!({ "id": ana_id })).await;
        assert_eq!(as_ana["node"], json!({ "email": "ana@example.org" }));
        let as_ben = app.data_as(ben["accessToken"].as_str().unwrap(), query, json!({ "id": ana_id })).await;
        assert_eq!(as_ben["node"], Value::Null, "another applicant sees nothing");
        assert_eq!(app.data(query, json!({ "id": ana_id })).await["node"], Value::Null);
        assert_eq!(app.data_as(&admin, query, json!({ "id": ana_id })).await["node"]["email"], "ana@example.org");
    })
    .await;
}

fn base64_url(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
}
