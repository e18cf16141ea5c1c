//! Relay pagination edges on a real list (Austria's 35 NUTS 3 regions, ordered by code).

use crate::helpers::{TestApp, each_backend};
use serde_json::{Value, json};

const PAGE: &str = r#"query($first: Int, $after: String, $last: Int, $before: String) {
  nutsRegions(country: "AT", level: 3, first: $first, after: $after, last: $last, before: $before) {
    totalCount
    edges { cursor node { code } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"#;

async fn page(app: &TestApp, args: Value) -> Value {
    app.data(PAGE, args).await["nutsRegions"].clone()
}

fn codes(page: &Value) -> Vec<String> {
    page["edges"].as_array().unwrap().iter().map(|e| e["node"]["code"].as_str().unwrap().to_owned()).collect()
}

/// The expected order, from the data file the migration loads.
fn austrian_level3() -> Vec<String> {
    let mut codes: Vec<String> = include_str!("../../migration/data/nuts2024.csv")
        .lines()
        .filter_map(|line| {
            let mut fields = line.split(',');
            let (code, level, country) = (fields.next()?, fields.next()?, fields.next()?);
            (country == "AT" && level == "3" && !code.ends_with('Z')).then(|| code.to_owned())
        })
        .collect();
    codes.sort();
    codes
}

#[tokio::test]
async fn forward_pages_follow_each_other_without_gaps() {
    each_backend(|app| async move {
        let all = austrian_level3();
        let first = page(&app, json!({ "first": 10 })).await;
        assert_eq!(first["totalCount"], all.len());
        assert_eq!(codes(&first), all[..10]);
        assert_eq!(first["pageInfo"]["hasNextPage"], true);
        assert_eq!(first["pageInfo"]["hasPreviousPage"], false);
        assert_eq!(first["pageInfo"]["endCursor"], first["edges"][9]["cursor"]);

        let mut seen = codes(&first);
        let mut after = first["pageInfo"]["endCursor"].clone();
        loop {
            let next = page(&app, json!({ "first": 10, "after": after })).await;
            assert_eq!(next["pageInfo"]["hasPreviousPage"], true);
            seen.extend(codes(&next));
            if next["pageInfo"]["hasNextPage"] == false {
                break;
            }
            after = next["pageInfo"]["endCursor"].clone();
        }
        assert_eq!(seen, all);
    })
    .await;
}

#[tokio::test]
async fn backward_pages_with_last_and_before() {
    each_backend(|app| async move {
        let all = austrian_level3();
        let tail = page(&app, json!({ "last": 5 })).await;
        assert_eq!(codes(&tail), all[all.len() - 5..]);
        assert_eq!(tail["pageInfo"]["hasPreviousPage"], true);
        assert_eq!(tail["pageInfo"]["hasNextPage"], false);

        let second = page(
            &app,
            json!({ "first": 10, "after": page(&app, json!({ "first": 10 })).await["pageInfo"]["endCursor"] }),
        )
        .await;
        let before_second = page(&app, json!({ "last": 4, "before": second["pageInfo"]["startCursor"] })).await;
        assert_eq!(codes(&before_second), all[6..10]);
        assert_eq!(before_second["pageInfo"]["hasNextPage"], true);
        assert_eq!(before_second["pageInfo"]["hasPreviousPage"], true);

        let head = page(&app, json!({ "last": 10, "before": second["pageInfo"]["startCursor"] })).await;
        assert_eq!(codes(&head), all[..10]);
        assert_eq!(head["pageInfo"]["hasPreviousPage"], false);
    })
    .await;
}

#[tokio::test]
async fn empty_pages_and_the_default_size() {
    each_backend(|app| async move {
        let zero = page(&app, json!({ "first": 0 })).await;
        assert_eq!(codes(&zero), Vec::<String>::new());
        assert_eq!(zero["pageInfo"]["startCursor"], Value::Null);

        let none = app
            .data(r#"{ nutsRegions(search: "no such region anywhere") { totalCount nodes { code } pageInfo { hasNextPage hasPreviousPage } } }"#, json!({}))
            .await;
        assert_eq!(none["nutsRegions"], json!({ "totalCount": 0, "nodes": [], "pageInfo": { "hasNextPage": false, "hasPreviousPage": false } }));

        let default = page(&app, json!({})).await;
        assert_eq!(codes(&default).len(), 20);

        let end = austrian_level3().len();
        let past_the_end = page(&app, json!({ "first": 100 })).await;
        assert_eq!(codes(&past_the_end).len(), end);
        assert_eq!(past_the_end["pageInfo"]["hasNextPage"], false);
    })
    .await;
}

#[tokio::test]
async fn page_size_above_the_maximum_and_bad_arguments_are_errors() {
    each_backend(|app| async move {
        for args in [
            json!({ "first": 101 }),
            json!({ "last": 101 }),
            json!({ "first": -1 }),
            json!({ "first": 5, "last": 5 }),
            json!({ "after": "not-a-cursor" }),
        ] {
            let body = app.graphql(PAGE, args.clone()).await;
            assert_eq!(crate::helpers::first_error_code(&body), "BAD_USER_INPUT", "{args}");
            assert_eq!(body["data"]["nutsRegions"], Value::Null, "{args}");
        }
    })
    .await;
}
