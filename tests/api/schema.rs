//! `schema.graphql` is exactly what `impact export-schema` prints.

#[test]
fn committed_schema_matches_the_code() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql")).unwrap_or_default();
    let current = api::graphql::sdl();
    assert!(
        committed == current,
        "schema.graphql is out of date; regenerate it with `cargo run -- export-schema > schema.graphql` and commit it"
    );
}
