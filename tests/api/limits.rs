//! Query depth and complexity limits, and what production mode hides.

use crate::helpers::{each_backend, each_backend_with};
use serde_json::json;

const DEEP: &str = "{ nutsRegions(first: 1) { edges { node { parent { parent { code } } } } } }";

#[tokio::test]
async fn too_deep_queries_are_refused() {
    each_backend_with(
        |config| config.limits.max_query_depth = 4,
        |app| async move {
            let body = app.graphql(DEEP, json!({})).await;
            assert!(body.get("data").is_none(), "{body}");
            assert_eq!(crate::helpers::first_error_code(&body), "BAD_USER_INPUT");
            assert!(body["errors"][0]["message"].as_str().unwrap().contains("nested too deep"), "{body}");
            // Within the limit, the same shape runs.
            app.data("{ nutsRegions(first: 1) { nodes { code } } }", json!({})).await;
        },
    )
    .await;
}

#[tokio::test]
async fn too_complex_queries_are_refused_and_page_size_counts() {
    each_backend_with(
        |config| config.limits.max_query_complexity = 150,
        |app| async move {
            let big = app.graphql("{ nutsRegions(first: 100) { nodes { code name level } } }", json!({})).await;
            assert!(big.get("data").is_none(), "{big}");
            assert!(big["errors"][0]["message"].as_str().unwrap().contains("too complex"), "{big}");
            app.data("{ nutsRegions(first: 10) { nodes { code name level } } }", json!({})).await;
        },
    )
    .await;
}

#[tokio::test]
async fn api_info_publishes_the_limits() {
    each_backend_with(
        |config| config.limits.max_query_depth = 9,
        |app| async move {
            let data = app
                .data("{ apiInfo { environment limits { maxQueryDepth defaultPageSize maxPageSize } } }", json!({}))
                .await;
            assert_eq!(
                data["apiInfo"],
                json!({ "environment": "development", "limits": { "maxQueryDepth": 9, "defaultPageSize": 20, "maxPageSize": 100 } })
            );
        },
    )
    .await;
}

#[tokio::test]
async fn production_hides_introspection_and_suggestions() {
    let introspection = "{ __schema { queryType { name } } }";
    each_backend(|app| async move {
        let data = app.data(introspection, json!({})).await;
        assert_eq!(data["__schema"]["queryType"]["name"], "Query");
    })
    .await;
    each_backend_with(crate::helpers::production, |app| async move {
        // async-graphql answers disabled introspection with null rather than an error: nothing leaks.
        let body = app.graphql(introspection, json!({})).await;
        assert_eq!(body["data"]["__schema"], serde_json::Value::Null, "{body}");
        let body = app.graphql(r#"{ __type(name: "Country") { fields { name } } }"#, json!({})).await;
        assert_eq!(body["data"]["__type"], serde_json::Value::Null, "{body}");
        let typo = app.graphql("{ countrie { code } }", json!({})).await;
        let message = typo["errors"][0]["message"].as_str().unwrap();
        assert!(!message.contains("Did you mean"), "suggestions leak the schema: {message}");
        let data = app.data("{ apiInfo { environment } }", json!({})).await;
        assert_eq!(data["apiInfo"]["environment"], "production");
    })
    .await;
}

/// A document of fragments that each spread the previous one twice: 2^levels selections once expanded.
fn fragment_bomb(levels: usize) -> String {
    let mut query = format!("query Bomb {{ ...F{levels} }}\nfragment F0 on Query {{ __typename }}\n");
    for level in 1..=levels {
        query.push_str(&format!("fragment F{level} on Query {{ ...F{p} ...F{p} }}\n", p = level - 1));
    }
    query
}

#[tokio::test]
async fn fragment_bombs_are_refused_before_validation() {
    each_backend(|app| async move {
        let body = app.graphql(&fragment_bomb(28), json!({})).await;
        assert!(body.get("data").is_none(), "{body}");
        assert_eq!(crate::helpers::first_error_code(&body), "BAD_USER_INPUT");
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("fields once its fragments are expanded"), "{message}");
        // A cycle of spreads is refused the same way, before anything walks it.
        let body =
            app.graphql("{ ...A } fragment A on Query { ...B ...B } fragment B on Query { ...A }", json!({})).await;
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("spreads itself"), "{body}");
        // A few levels are a normal document.
        let data = app.data(&fragment_bomb(3), json!({})).await;
        assert_eq!(data["__typename"], "Query");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_answers_while_hostile_documents_arrive() {
    each_backend(|app| async move {
        let bomb = fragment_bomb(30);
        let hostile: Vec<_> = (0..4)
            .map(|_| {
                let (client, url, bomb) = (app.client.clone(), app.url("/graphql"), bomb.clone());
                tokio::spawn(async move { client.post(url).json(&json!({ "query": bomb })).send().await })
            })
            .collect();
        let health =
            tokio::time::timeout(std::time::Duration::from_secs(5), app.client.get(app.url("/healthz")).send())
                .await
                .expect("/healthz answers while hostile documents are being handled")
                .expect("request sent");
        assert_eq!(health.status(), 200);
        for request in hostile {
            let response = tokio::time::timeout(std::time::Duration::from_secs(5), request)
                .await
                .expect("a hostile document is answered at once")
                .unwrap()
                .unwrap();
            assert_eq!(response.status(), 200);
        }
    })
    .await;
}

#[tokio::test]
async fn documents_are_bounded_in_size_tokens_and_nesting() {
    each_backend_with(
        |config| {
            config.limits.max_query_bytes = 2000;
            config.limits.max_query_tokens = 50;
        },
        |app| async move {
            let big = format!("{{ __typename }} # {}", "x".repeat(2000));
            let body = app.graphql(&big, json!({})).await;
            assert!(body["errors"][0]["message"].as_str().unwrap().contains("at most 2000 are accepted"), "{body}");
            let many = format!("{{ {} }}", "__typename ".repeat(60));
            let body = app.graphql(&many, json!({})).await;
            assert!(body["errors"][0]["message"].as_str().unwrap().contains("more than 50 tokens"), "{body}");
        },
    )
    .await;
    each_backend(|app| async move {
        let deep = format!("{}{}", "{ a ".repeat(100), "}".repeat(100));
        let body = app.graphql(&deep, json!({})).await;
        assert_eq!(crate::helpers::first_error_code(&body), "BAD_USER_INPUT");
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("nests brackets"), "{body}");
    })
    .await;
}

#[tokio::test]
async fn unpaged_lists_count_in_the_complexity() {
    each_backend(|app| async move {
        // Each unpaged list counts 10 items: 20 regions × 10 partnerships × 10 partnerships × ... is refused.
        let nested = "{ crossBorderRegions(first: 20) { nodes { partnerships { region { partnerships { region { partnerships { region { partnerships { name } } } } } } } } } }";
        let body = app.graphql(nested, json!({})).await;
        assert!(body.get("data").is_none(), "{body}");
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("too complex"), "{body}");
        // One level of an unpaged list in a page is ordinary.
        app.data("{ crossBorderRegions(first: 20) { nodes { partnerships { name } } } }", json!({})).await;
    })
    .await;
}

#[tokio::test]
async fn responses_are_capped() {
    each_backend_with(
        |config| config.limits.max_response_bytes = 2000,
        |app| async move {
            let body = app.graphql("{ countries { code name officialLanguages } }", json!({})).await;
            assert_eq!(body["data"], serde_json::Value::Null, "{body}");
            assert_eq!(body["errors"].as_array().unwrap().len(), 1, "{body}");
            assert!(body["errors"][0]["message"].as_str().unwrap().contains("larger than 2000 bytes"), "{body}");
            app.data("{ country(code: \"AT\") { code name } }", json!({})).await;
        },
    )
    .await;
}

#[tokio::test]
async fn aliases_and_directives_cannot_be_overloaded() {
    let aliases =
        |n: usize| format!("{{ {} }}", (0..n).map(|i| format!("a{i}: __typename")).collect::<Vec<_>>().join(" "));
    each_backend(|app| async move {
        app.data(&aliases(30), json!({})).await;
        let body = app.graphql(&aliases(101), json!({})).await;
        assert!(body.get("data").is_none(), "{body}");
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("more than 30 aliases"), "{body}");
        let unknown = "{ __typename @aa @ab @ac @ad @ae @af @ag @ah @ai @aj }";
        let body = app.graphql(unknown, json!({})).await;
        assert!(body.get("data").is_none(), "{body}");
        let body = app.graphql("{ __typename @aa }", json!({})).await;
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("unknown directive `@aa`"), "{body}");
        let body = app.graphql("{ __typename @skip(if: false) @skip(if: false) }", json!({})).await;
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("repeated"), "{body}");
        let data = app.data("{ __typename @include(if: true) }", json!({})).await;
        assert_eq!(data["__typename"], "Query");
    })
    .await;
    each_backend_with(
        |config| config.limits.max_aliases = 3,
        |app| async move {
            let body = app.graphql(&aliases(4), json!({})).await;
            assert!(body["errors"][0]["message"].as_str().unwrap().contains("more than 3 aliases"), "{body}");
        },
    )
    .await;
}

#[tokio::test]
async fn a_request_checks_only_a_few_passwords_whatever_its_aliases() {
    each_backend(|app| async move {
        crate::helpers::verified_user(&app, "ana.novak@example.org", "APPLICANT").await;
        let logins = (0..6)
            .map(|i| format!("l{i}: login(input: {{ email: \"ana.novak@example.org\", password: \"guess number {i}\" }}) {{ userErrors {{ code }} }}"))
            .collect::<Vec<_>>()
            .join(" ");
        let body = app.graphql(&format!("mutation {{ {logins} }}"), json!({})).await;
        // The first two are checked (and fail); the third is refused without a check, and the refusal of a
        // non-null payload ends the operation.
        let refused = body["errors"].as_array().expect("errors for the refused ones");
        assert!(!refused.is_empty(), "{body}");
        for error in refused {
            assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{body}");
            assert!(error["message"].as_str().unwrap().contains("at most 2 passwords"), "{body}");
        }
        let db = crate::helpers::db(&app).await;
        let checked = crate::helpers::count(&db, "SELECT COUNT(*) AS n FROM login_failure WHERE throttle_key LIKE 'account:%'").await;
        assert_eq!(checked, 2, "only two passwords were checked");
        let secrets = (0..4)
            .map(|i| format!("s{i}: issueServiceToken(input: {{ clientId: \"x\", clientSecret: \"secret {i}\" }}) {{ userErrors {{ code }} }}"))
            .collect::<Vec<_>>()
            .join(" ");
        let body = app.graphql(&format!("mutation {{ {secrets} }}"), json!({})).await;
        let refused = body["errors"].as_array().expect("the third secret is refused");
        assert!(refused[0]["message"].as_str().unwrap().contains("at most 2 passwords"), "{body}");
        // One per request is ordinary.
        let one = app.graphql("mutation { issueServiceToken(input: { clientId: \"x\", clientSecret: \"y\" }) { userErrors { code } } }", json!({})).await;
        assert!(one.get("errors").is_none(), "{one}");
    })
    .await;
}

#[tokio::test]
async fn every_password_check_is_throttled_not_only_login() {
    each_backend_with(
        |config| {
            config.auth.login_max_failures = 2;
            config.auth.login_slowdown_ms = 0;
        },
        |app| async move {
            let session = crate::helpers::verified_user(&app, "ana.novak@example.org", "APPLICANT").await;
            let token = crate::helpers::token(&session);
            let change = "mutation($c: String!) { changePassword(input: { currentPassword: $c, newPassword: \"another long passphrase\" }) { userErrors { field code } } }";
            for guess in ["guess number one", "guess number two"] {
                let data = app.data_as(&token, change, json!({ "c": guess })).await;
                assert_eq!(data["changePassword"]["userErrors"][0]["code"], "INVALID_CREDENTIALS", "{data}");
            }
            // The account is locked for every password check now: changing, erasing, signing in.
            let body = app.graphql_as(&token, change, json!({ "c": crate::helpers::PASSWORD })).await;
            assert_eq!(crate::helpers::first_error_code(&body), "RATE_LIMITED", "{body}");
            let erase = "mutation($p: String!) { eraseMyAccount(input: { password: $p }) { erased userErrors { code } } }";
            let body = app.graphql_as(&token, erase, json!({ "p": crate::helpers::PASSWORD })).await;
            assert_eq!(crate::helpers::first_error_code(&body), "RATE_LIMITED", "{body}");
            let body =
                app.graphql(crate::helpers::LOGIN, json!({ "e": "ana.novak@example.org", "p": crate::helpers::PASSWORD })).await;
            assert_eq!(crate::helpers::first_error_code(&body), "RATE_LIMITED", "{body}");

            let issue = "mutation($s: String!) { issueServiceToken(input: { clientId: \"sync-bot\", clientSecret: $s }) { userErrors { code } } }";
            for secret in ["one", "two"] {
                let data = app.data(issue, json!({ "s": secret })).await;
                assert_eq!(data["issueServiceToken"]["userErrors"][0]["code"], "INVALID_CREDENTIALS", "{data}");
            }
            let body = app.graphql(issue, json!({ "s": "three" })).await;
            assert_eq!(crate::helpers::first_error_code(&body), "RATE_LIMITED", "{body}");
        },
    )
    .await;
}
