//! Comments on strategies over HTTP (issue 10): an assigned expert and staff comment (on an objective or the whole
//! strategy), the editors reply and are mailed, threads are resolved and reopened; who may take part and who sees
//! nothing; bodies are checked; comments stay readable after an amendment with their version; an author's erasure
//! clears their words; assigned experts read their region's strategy; the page costs the same statements at any
//! size.

use crate::experts::{expert, expert_call, profile};
use crate::helpers::*;
use crate::strategies::{CREATE, Pilot, pilot};
use serde_json::{Value, json};

const ADD: &str = "mutation($i: AddStrategyCommentInput!) { addStrategyComment(input: $i) { comment { ...C } userErrors { field code message } } } fragment C on StrategyComment { id body version objectiveId objective { title } author { displayName role } writtenByMe resolved resolvedBy }";
const REPLY: &str = "mutation($i: ReplyToStrategyCommentInput!) { replyToStrategyComment(input: $i) { comment { id body threadId author { displayName role } } userErrors { field code } } }";
const RESOLVE: &str = "mutation($i: StrategyCommentThreadInput!) { resolveStrategyComment(input: $i) { comment { id resolved resolvedAt resolvedBy } userErrors { field code } } }";
const REOPEN: &str = "mutation($i: StrategyCommentThreadInput!) { reopenStrategyComment(input: $i) { comment { id resolved reopenedAt reopenedBy } userErrors { field code } } }";
const COMMENTS: &str = "query($id: ID!, $all: Boolean) { strategy(id: $id) { status version comments(includeResolved: $all) { totalCount nodes { id body version objectiveId author { displayName role } writtenByMe resolved resolvedBy replies { body author { displayName role } } } } } }";
const ASSIGN: &str =
    "mutation($i: AssignExpertInput!) { assignExpert(input: $i) { assignment { id } userErrors { field code } } }";
const ACCEPT: &str = "mutation($i: AcceptAssignmentInput!) { acceptAssignment(input: $i) { assignment { status } userErrors { field code } } }";
const DECLINE: &str = "mutation($i: AssignmentNoteInput!) { declineAssignment(input: $i) { assignment { status } userErrors { field code } } }";
const EDITOR: &str = "ana.novak@example.org";
const EXPERT: &str = "eva.kranjc@example.org";

/// A pilot region (AT–SI) with a draft strategy with one objective, and experts: Eva assigned (accepted),
/// Otto proposed only, Ida declined, Uwe approved but not assigned.
struct Scene {
    pilot: Pilot,
    region: Value,
    strategy: Value,
    objective: Value,
    eva: String,
    otto: String,
    ida: String,
    uwe: String,
    /// An applicant of another region's partnership.
    other: String,
}

async fn scene(app: &TestApp) -> Scene {
    let pilot = pilot(app).await;
    let region = pilot.region(app, "Karawanken", &pilot.programmes[0]).await;
    let created = app.data_as(&pilot.editor, CREATE, json!({ "r": region })).await;
    let strategy = created["createStrategy"]["strategy"]["id"].clone();
    let added = pilot
        .edit(
            app,
            "addStrategyObjective",
            json!({ "strategyId": strategy, "title": "Mobility", "description": "Buses" }),
        )
        .await;
    let objective = added["objectives"][0]["id"].clone();
    let call = expert_call(app, &pilot.staff).await;
    let mut tokens = Vec::new();
    for (email, answer) in [
        (EXPERT, Some(true)),
        ("otto@example.org", None),
        ("ida@example.org", Some(false)),
        ("uwe@example.org", Some(false)),
    ] {
        let session = expert(
            app,
            &pilot.staff,
            Some(&call),
            email,
            profile(&[("sl", "NATIVE"), ("de", "C1")], &["PO4_SOCIAL"], 10),
        )
        .await;
        let who = token(&session);
        if email != "uwe@example.org" {
            let input =
                json!({ "regionId": region, "expertId": session["user"]["id"], "role": "EXPERT", "plannedDays": 2 });
            let assigned = app.data_as(&pilot.staff, ASSIGN, json!({ "i": input })).await;
            assert_eq!(assigned["assignExpert"]["userErrors"], json!([]), "{email}");
            let id = assigned["assignExpert"]["assignment"]["id"].clone();
            match answer {
                Some(true) => {
                    let done =
                        app.data_as(&who, ACCEPT, json!({ "i": { "id": id, "noConflictOfInterest": true } })).await;
                    assert_eq!(done["acceptAssignment"]["assignment"]["status"], "ACCEPTED");
                }
                Some(false) => {
                    let done = app.data_as(&who, DECLINE, json!({ "i": { "id": id } })).await;
                    assert_eq!(done["declineAssignment"]["assignment"]["status"], "DECLINED");
                }
                None => {}
            }
        }
        tokens.push(who);
    }
    let other = token(&verified_user(app, "other@example.org", "APPLICANT").await);
    let [eva, otto, ida, uwe]: [String; 4] = tokens.try_into().unwrap();
    Scene { pilot, region, strategy, objective, eva, otto, ida, uwe, other }
}

async fn add(app: &TestApp, who: &str, input: Value) -> Value {
    app.data_as(who, ADD, json!({ "i": input })).await["addStrategyComment"].clone()
}

async fn run(app: &TestApp, who: &str, query: &str, field: &str, comment: &Value) -> Value {
    app.data_as(who, query, json!({ "i": { "commentId": comment } })).await[field].clone()
}

fn threads(data: &Value) -> &Vec<Value> {
    data["strategy"]["comments"]["nodes"].as_array().unwrap()
}

#[tokio::test]
async fn an_assigned_expert_comments_the_editor_replies_and_the_expert_resolves() {
    each_backend(|app| async move {
        let s = scene(&app).await;
        let editor = &s.pilot.editor;

        let added = add(&app, &s.eva, json!({ "strategyId": s.strategy, "objectiveId": s.objective, "body": "  Please add a baseline.\nAnd a date.  " })).await;
        assert_eq!(added["userErrors"], json!([]));
        let comment = &added["comment"];
        assert_eq!(comment["body"], "Please add a baseline.\nAnd a date.");
        assert_eq!(comment["version"], 1);
        assert_eq!(comment["objectiveId"], s.objective);
        assert_eq!(comment["objective"], json!({ "title": "Mobility" }));
        assert_eq!(comment["author"], json!({ "displayName": "Eva Kranjc", "role": "EXPERT" }));
        assert_eq!(comment["writtenByMe"], true);
        let thread = comment["id"].clone();
        // The editors are mailed, the expert's words quoted.
        // User text (names, the region, the objective) comes quoted on lines of its own, never in the sentence.
        wait_for_mail(&app, EDITOR, "Someone (expert) commented on version 1 of the strategy of this region").await;
        wait_for_mail(&app, EDITOR, "> Eva Kranjc").await;
        wait_for_mail(&app, EDITOR, "> Karawanken").await;
        wait_for_mail(&app, EDITOR, "> Mobility").await;
        wait_for_mail(&app, EDITOR, "> Please add a baseline.").await;
        wait_for_mail(&app, EDITOR, "> And a date.").await;

        // The editor sees it (by name and role, not by account) and replies; editors do not open threads.
        let seen = app.data_as(editor, COMMENTS, json!({ "id": s.strategy })).await;
        assert_eq!(threads(&seen).len(), 1);
        assert_eq!(threads(&seen)[0]["author"], json!({ "displayName": "Eva Kranjc", "role": "EXPERT" }));
        assert_eq!(threads(&seen)[0]["writtenByMe"], false);
        let opened = app.graphql_as(editor, ADD, json!({ "i": { "strategyId": s.strategy, "body": "A question" } })).await;
        assert_eq!(first_error_code(&opened), "FORBIDDEN");
        let blank = app.data_as(editor, REPLY, json!({ "i": { "commentId": thread, "body": " " } })).await;
        assert_eq!(blank["replyToStrategyComment"]["userErrors"], json!([{ "field": ["input", "body"], "code": "REQUIRED" }]));
        let replied = app.data_as(editor, REPLY, json!({ "i": { "commentId": thread, "body": "Done: baseline 0 buses." } })).await;
        let reply = &replied["replyToStrategyComment"];
        assert_eq!(reply["userErrors"], json!([]));
        assert_eq!(reply["comment"]["threadId"], thread);
        assert_eq!(reply["comment"]["author"], json!({ "displayName": "Ana Novak", "role": "EDITOR" }));
        wait_for_mail(&app, EXPERT, "Someone (editor) replied to a comment on the strategy of this region").await;
        wait_for_mail(&app, EXPERT, "> Ana Novak").await;
        wait_for_mail(&app, EXPERT, "> Done: baseline 0 buses.").await;
        // Replies are one level deep.
        let deeper = app.data_as(&s.eva, REPLY, json!({ "i": { "commentId": reply["comment"]["id"], "body": "Thanks" } })).await;
        assert_eq!(deeper["replyToStrategyComment"]["userErrors"], json!([{ "field": ["input", "commentId"], "code": "INVALID" }]));

        // Staff comment on the whole strategy; the editors are mailed again.
        let staff_comment = add(&app, &s.pilot.staff, json!({ "strategyId": s.strategy, "body": "Fine for review." })).await;
        assert_eq!(staff_comment["comment"]["author"]["role"], "STAFF");
        assert_eq!(staff_comment["comment"]["objectiveId"], Value::Null);
        wait_for_mail(&app, EDITOR, "Someone (programme staff) commented on version 1").await;

        // The expert resolves the thread: who and when are recorded; open threads are listed by default.
        let resolved = run(&app, &s.eva, RESOLVE, "resolveStrategyComment", &thread).await;
        assert_eq!(resolved["userErrors"], json!([]));
        assert_eq!(resolved["comment"]["resolved"], true);
        assert_eq!(resolved["comment"]["resolvedBy"], "Eva Kranjc");
        assert!(resolved["comment"]["resolvedAt"].is_string());
        let again = run(&app, editor, RESOLVE, "resolveStrategyComment", &thread).await;
        assert_eq!(again["userErrors"], json!([{ "field": ["input", "commentId"], "code": "INVALID_STATE" }]));
        let closed = app.data_as(&s.eva, REPLY, json!({ "i": { "commentId": thread, "body": "More" } })).await;
        assert_eq!(closed["replyToStrategyComment"]["userErrors"], json!([{ "field": ["input", "commentId"], "code": "INVALID_STATE" }]));
        let open = app.data_as(editor, COMMENTS, json!({ "id": s.strategy })).await;
        assert_eq!(threads(&open).iter().map(|t| t["body"].clone()).collect::<Vec<_>>(), [json!("Fine for review.")]);
        let all = app.data_as(editor, COMMENTS, json!({ "id": s.strategy, "all": true })).await;
        assert_eq!(all["strategy"]["comments"]["totalCount"], 2);
        assert_eq!(threads(&all)[0]["resolvedBy"], "Eva Kranjc");
        assert_eq!(threads(&all)[0]["replies"], json!([{ "body": "Done: baseline 0 buses.", "author": { "displayName": "Ana Novak", "role": "EDITOR" } }]));

        // The editor reopens it; only a thread is resolved or reopened.
        let reopened = run(&app, editor, REOPEN, "reopenStrategyComment", &thread).await;
        assert_eq!(reopened["comment"]["resolved"], false);
        assert_eq!(reopened["comment"]["reopenedBy"], "Ana Novak");
        let twice = run(&app, editor, REOPEN, "reopenStrategyComment", &thread).await;
        assert_eq!(twice["userErrors"], json!([{ "field": ["input", "commentId"], "code": "INVALID_STATE" }]));
        let of_reply = run(&app, &s.pilot.staff, RESOLVE, "resolveStrategyComment", &reply["comment"]["id"]).await;
        assert_eq!(of_reply["userErrors"], json!([{ "field": ["input", "commentId"], "code": "INVALID" }]));

        // A comment is a node for those who read it.
        let node = "query($id: ID!) { node(id: $id) { ... on StrategyComment { body replies { body } } } }";
        let as_editor = app.data_as(editor, node, json!({ "id": thread })).await;
        assert_eq!(as_editor["node"]["replies"], json!([{ "body": "Done: baseline 0 buses." }]));
        assert_eq!(app.data_as(&s.other, node, json!({ "id": thread })).await["node"], Value::Null);
        assert_eq!(app.data_as(&s.otto, node, json!({ "id": thread })).await["node"], Value::Null);
        assert_eq!(app.data(node, json!({ "id": thread })).await["node"], Value::Null);

        // Each change is a domain event for the strategy's parties, without the words.
        let events: Vec<(String, String, Value)> = domain_events(&app)
            .await
            .into_iter()
            .filter(|e| e.0.starts_with("strategy_comment."))
            .map(|e| (e.0, e.1, e.3))
            .collect();
        let types: Vec<&str> = events.iter().map(|e| e.0.as_str()).collect();
        assert_eq!(types, ["strategy_comment.added", "strategy_comment.replied", "strategy_comment.added", "strategy_comment.resolved", "strategy_comment.reopened"]);
        assert_eq!(events[0].1, thread.as_str().unwrap());
        assert_eq!(events[0].2["authorRole"], "EXPERT");
        assert_eq!(events[0].2["objectiveId"], s.objective);
        assert_eq!(events[1].2["threadId"], key_of(thread.as_str().unwrap()));
        assert!(!events.iter().any(|e| e.2.to_string().contains("baseline")), "no text in events");
        let db = db(&app).await;
        let parties = count(&db, "SELECT COUNT(*) AS n FROM domain_event WHERE event_type LIKE 'strategy_comment.%' AND visibility = 'PARTIES'").await;
        assert_eq!(parties, 5);
        db.close().await.ok();
    })
    .await;
}

#[tokio::test]
async fn only_staff_assigned_experts_and_the_partners_take_part() {
    each_backend(|app| async move {
        let s = scene(&app).await;
        let thread = add(&app, &s.eva, json!({ "strategyId": s.strategy, "body": "A remark" })).await["comment"]["id"].clone();

        // Assigned experts read the strategy of their region, at any status; others with no accepted assignment
        // do not see it at all.
        let read = "query($id: ID!) { strategy(id: $id) { status } strategies(first: 10) { nodes { id } } }";
        let eva = app.data_as(&s.eva, read, json!({ "id": s.strategy })).await;
        assert_eq!(eva["strategy"], json!({ "status": "DRAFT" }));
        assert_eq!(eva["strategies"]["nodes"], json!([{ "id": s.strategy }]));
        for (who, name) in [(&s.otto, "proposed"), (&s.ida, "declined"), (&s.uwe, "unassigned"), (&s.other, "other applicant")] {
            let data = app.data_as(who, read, json!({ "id": s.strategy })).await;
            assert_eq!(data["strategy"], Value::Null, "{name}");
            assert_eq!(data["strategies"]["nodes"], json!([]), "{name}");
            let refused = add(&app, who, json!({ "strategyId": s.strategy, "body": "Me too" })).await;
            assert_eq!(refused["userErrors"], json!([{ "field": ["input", "strategyId"], "code": "NOT_FOUND", "message": "there is no such strategy" }]), "{name}");
            for (query, field) in [(RESOLVE, "resolveStrategyComment"), (REOPEN, "reopenStrategyComment")] {
                let refused = run(&app, who, query, field, &thread).await;
                assert_eq!(refused["userErrors"], json!([{ "field": ["input", "commentId"], "code": "NOT_FOUND" }]), "{name} {field}");
            }
            let refused = app.data_as(who, REPLY, json!({ "i": { "commentId": thread, "body": "Me too" } })).await;
            assert_eq!(refused["replyToStrategyComment"]["userErrors"], json!([{ "field": ["input", "commentId"], "code": "NOT_FOUND" }]), "{name}");
        }
        let anonymous = app.graphql(ADD, json!({ "i": { "strategyId": s.strategy, "body": "Hello" } })).await;
        assert_eq!(first_error_code(&anonymous), "UNAUTHENTICATED");
        let anonymous = app.graphql(RESOLVE, json!({ "i": { "commentId": thread } })).await;
        assert_eq!(first_error_code(&anonymous), "UNAUTHENTICATED");

        // The expert still reads the strategy once it is submitted; staff ending the assignment ends that too.
        s.pilot.edit(&app, "submitStrategyForReview", json!({ "id": s.strategy })).await;
        let in_review = app.data_as(&s.eva, COMMENTS, json!({ "id": s.strategy })).await;
        assert_eq!(in_review["strategy"]["status"], "IN_REVIEW");
        assert_eq!(threads(&in_review).len(), 1);
        let assignments = app.data_as(&s.pilot.staff, "query($r: ID!) { node(id: $r) { ... on CrossBorderRegion { experts { displayName } } } }", json!({ "r": s.region })).await;
        assert_eq!(assignments["node"]["experts"], json!([{ "displayName": "Eva Kranjc" }]));
        let mine = app.data_as(&s.eva, "{ me { assignments { id status } } }", json!({})).await;
        let accepted = mine["me"]["assignments"].as_array().unwrap().iter().find(|a| a["status"] == "ACCEPTED").unwrap()["id"].clone();
        let ended = app.data_as(&s.pilot.staff, "mutation($i: AssignmentNoteInput!) { endAssignment(input: $i) { userErrors { code } } }", json!({ "i": { "id": accepted } })).await;
        assert_eq!(ended["endAssignment"]["userErrors"], json!([]));
        assert_eq!(app.data_as(&s.eva, COMMENTS, json!({ "id": s.strategy })).await["strategy"], Value::Null);
        let refused = add(&app, &s.eva, json!({ "strategyId": s.strategy, "body": "One more" })).await;
        assert_eq!(refused["userErrors"][0]["code"], "NOT_FOUND");
    })
    .await;
}

#[tokio::test]
async fn a_comment_on_another_strategys_objective_or_with_a_bad_body_is_refused() {
    each_backend(|app| async move {
        let s = scene(&app).await;
        let elsewhere = s.pilot.strategy(&app, "Elsewhere", &s.pilot.programmes[0]).await;
        let foreign =
            s.pilot.edit(&app, "addStrategyObjective", json!({ "strategyId": elsewhere, "title": "Other" })).await;
        let foreign = foreign["objectives"][0]["id"].clone();

        let refused =
            add(&app, &s.pilot.staff, json!({ "strategyId": s.strategy, "objectiveId": foreign, "body": "Here?" }))
                .await;
        assert_eq!(refused["userErrors"][0]["field"], json!(["input", "objectiveId"]));
        assert_eq!(refused["userErrors"][0]["code"], "NOT_FOUND");
        let unknown = add(
            &app,
            &s.eva,
            json!({ "strategyId": s.strategy, "objectiveId": "00000000-0000-4000-8000-000000000000", "body": "Here?" }),
        )
        .await;
        assert_eq!(unknown["userErrors"][0]["code"], "NOT_FOUND");
        let malformed = app
            .graphql_as(
                &s.eva,
                ADD,
                json!({ "i": { "strategyId": s.strategy, "objectiveId": "nope", "body": "Here?" } }),
            )
            .await;
        assert_eq!(first_error_code(&malformed), "BAD_USER_INPUT");

        for (body, code) in [("", "REQUIRED"), (" \n\t ", "REQUIRED"), (&"x".repeat(4001) as &str, "INVALID")] {
            let refused = add(&app, &s.eva, json!({ "strategyId": s.strategy, "body": body })).await;
            assert_eq!(
                refused["userErrors"],
                json!([{ "field": ["input", "body"], "code": code, "message": refused["userErrors"][0]["message"] }]),
                "{body:?}"
            );
        }
        // Control characters are refused for the whole request, before any resolver runs (issue 12).
        for body in ["a NUL \0 inside", "a bell \u{7}"] {
            let refused = app.graphql_as(&s.eva, ADD, json!({ "i": { "strategyId": s.strategy, "body": body } })).await;
            assert_eq!(first_error_code(&refused), "BAD_USER_INPUT", "{body:?}: {refused}");
        }
        let longest = add(&app, &s.eva, json!({ "strategyId": s.strategy, "body": "é".repeat(4000) })).await;
        assert_eq!(longest["userErrors"], json!([]));
        let db = db(&app).await;
        assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM strategy_comment").await, 1, "nothing refused was written");
        db.close().await.ok();
    })
    .await;
}

/// Completes (`objective` too), submits, adopts and publishes the strategy.
async fn publish(app: &TestApp, pilot: &Pilot, id: &Value, objective: &Value) {
    pilot.edit(app, "addStrategyTarget", json!({ "strategyId": id, "objectiveId": objective, "indicator": "Bus lines", "baseline": "0", "targetValue": "2", "unit": "lines", "targetDate": "2029-12-31" })).await;
    pilot
        .edit(app, "addStrategyAction", json!({ "strategyId": id, "objectiveId": objective, "title": "A bus line" }))
        .await;
    pilot.complete(app, id).await;
    pilot.edit(app, "submitStrategyForReview", json!({ "id": id })).await;
    for (mutation, input_type) in [("adoptStrategy", "StrategyMoveInput"), ("publishStrategy", "PublishStrategyInput")]
    {
        let query = format!("mutation($i: {input_type}!) {{ {mutation}(input: $i) {{ userErrors {{ code }} }} }}");
        let done = app.data_as(&pilot.staff, &query, json!({ "i": { "id": id } })).await;
        assert_eq!(done[mutation]["userErrors"], json!([]), "{mutation}");
    }
}

#[tokio::test]
async fn comments_stay_readable_after_an_amendment_with_their_version() {
    each_backend(|app| async move {
        let s = scene(&app).await;
        let first = add(&app, &s.eva, json!({ "strategyId": s.strategy, "objectiveId": s.objective, "body": "On version 1" })).await;
        assert_eq!(first["userErrors"], json!([]));
        publish(&app, &s.pilot, &s.strategy, &s.objective).await;

        // The public reads the published strategy but not its comments, and may not comment.
        let public = app.data(COMMENTS, json!({ "id": s.strategy })).await;
        assert_eq!(public["strategy"]["status"], "PUBLISHED");
        assert_eq!(public["strategy"]["comments"], Value::Null);
        let other = app.data_as(&s.other, COMMENTS, json!({ "id": s.strategy })).await;
        assert_eq!(other["strategy"]["comments"], Value::Null);
        let refused = app.graphql_as(&s.other, ADD, json!({ "i": { "strategyId": s.strategy, "body": "Nice" } })).await;
        assert_eq!(first_error_code(&refused), "FORBIDDEN");

        s.pilot.edit(&app, "amendStrategy", json!({ "id": s.strategy })).await;
        let second = add(&app, &s.pilot.staff, json!({ "strategyId": s.strategy, "body": "On version 2" })).await;
        assert_eq!(second["comment"]["version"], 2);
        // An objective of version 1 is not one of the current version (the amendment copied it under a new id).
        let stale = add(&app, &s.eva, json!({ "strategyId": s.strategy, "objectiveId": s.objective, "body": "Old objective" })).await;
        assert_eq!(stale["userErrors"][0]["field"], json!(["input", "objectiveId"]));

        let now = app.data_as(&s.pilot.editor, COMMENTS, json!({ "id": s.strategy })).await;
        assert_eq!(now["strategy"]["version"], 2);
        let seen: Vec<(Value, Value, Value)> =
            threads(&now).iter().map(|t| (t["body"].clone(), t["version"].clone(), t["objectiveId"].clone())).collect();
        assert_eq!(seen, [(json!("On version 1"), json!(1), s.objective.clone()), (json!("On version 2"), json!(2), Value::Null)]);
        // Read as version 1, the strategy shows the comments written up to it.
        let versions = "query($id: ID!) { strategy(id: $id) { versions { version comments { nodes { body objective { title } } } } } }";
        let versions = app.data_as(&s.eva, versions, json!({ "id": s.strategy })).await;
        assert_eq!(versions["strategy"]["versions"][0]["comments"]["nodes"], json!([{ "body": "On version 1", "objective": { "title": "Mobility" } }]));
        assert_eq!(versions["strategy"]["versions"][1]["comments"]["nodes"].as_array().unwrap().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn an_authors_erasure_clears_their_words_and_keeps_the_thread() {
    each_backend(|app| async move {
        let s = scene(&app).await;
        let thread =
            add(&app, &s.eva, json!({ "strategyId": s.strategy, "body": "Eva's remark" })).await["comment"]["id"]
                .clone();
        let reply =
            app.data_as(&s.pilot.editor, REPLY, json!({ "i": { "commentId": thread, "body": "Ana's answer" } })).await;
        assert_eq!(reply["replyToStrategyComment"]["userErrors"], json!([]));
        let resolved = run(&app, &s.eva, RESOLVE, "resolveStrategyComment", &thread).await;
        assert_eq!(resolved["comment"]["resolvedBy"], "Eva Kranjc");

        let export = app.data_as(&s.eva, "{ exportMyData }", json!({})).await["exportMyData"].clone();
        assert_eq!(export["strategyComments"][0]["body"], "Eva's remark");
        assert_eq!(export["strategyComments"][0]["role"], "EXPERT");

        let erased = app
            .data_as(
                &s.eva,
                "mutation($p: String!) { eraseMyAccount(input: { password: $p }) { erased userErrors { code } } }",
                json!({ "p": PASSWORD }),
            )
            .await;
        assert_eq!(erased["eraseMyAccount"]["userErrors"], json!([]));

        let seen = app.data_as(&s.pilot.editor, COMMENTS, json!({ "id": s.strategy, "all": true })).await;
        let kept = &threads(&seen)[0];
        assert_eq!(kept["body"], Value::Null);
        assert_eq!(kept["author"], json!({ "displayName": null, "role": "EXPERT" }));
        assert_eq!(kept["resolvedBy"], Value::Null);
        assert_eq!(
            kept["replies"],
            json!([{ "body": "Ana's answer", "author": { "displayName": "Ana Novak", "role": "EDITOR" } }])
        );
        let db = db(&app).await;
        for sql in [
            "SELECT COUNT(*) AS n FROM strategy_comment WHERE body LIKE '%Eva%'",
            "SELECT COUNT(*) AS n FROM strategy_comment WHERE resolved_by IS NOT NULL",
            "SELECT COUNT(*) AS n FROM strategy_comment WHERE created_by IS NULL AND erased_at IS NULL",
        ] {
            assert_eq!(count(&db, sql).await, 0, "{sql}");
        }
        assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM strategy_comment WHERE erased_at IS NOT NULL").await, 1);
        db.close().await.ok();
    })
    .await;
}

#[tokio::test]
async fn a_page_of_comments_with_replies_costs_the_same_statements_at_any_size() {
    each_backend(|app| async move {
        let s = scene(&app).await;
        for n in 0..8 {
            let author = if n % 2 == 0 { &s.eva } else { &s.pilot.staff };
            let thread = add(&app, author, json!({ "strategyId": s.strategy, "objectiveId": s.objective, "body": format!("Remark {n}") })).await["comment"]["id"].clone();
            for who in [&s.pilot.editor, &s.eva] {
                let done = app.data_as(who, REPLY, json!({ "i": { "commentId": thread, "body": "Answer" } })).await;
                assert_eq!(done["replyToStrategyComment"]["userErrors"], json!([]));
            }
        }
        let query = |first: usize| {
            format!("{{ strategy(id: {strategy}) {{ comments(first: {first}) {{ nodes {{ body author {{ displayName role }} objective {{ title }} resolvedBy replies {{ body author {{ displayName role }} }} }} }} }} }}", strategy = s.strategy)
        };
        let staff = principal(vec![api::auth::Role::Staff]);
        let (small, small_statements) = statements_as(&app.database_url, Some(staff.clone()), &query(2)).await;
        let (large, large_statements) = statements_as(&app.database_url, Some(staff), &query(8)).await;
        assert_eq!(small["strategy"]["comments"]["nodes"].as_array().unwrap().len(), 2);
        let large_nodes = large["strategy"]["comments"]["nodes"].as_array().unwrap();
        assert_eq!(large_nodes.len(), 8);
        assert_eq!(large_nodes[7]["replies"][1]["author"], json!({ "displayName": "Eva Kranjc", "role": "EXPERT" }));
        assert_eq!(small_statements.len(), large_statements.len(), "{large_statements:#?}");
        eprintln!("comment page statements: {} for 2 and for 8", large_statements.len());
    })
    .await;
}
