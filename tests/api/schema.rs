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

/// Every element of the schema a frontend developer reads in GraphiQL or codegen output is described: types,
/// fields, arguments, enum values and input fields. Lists every undescribed one at once.
#[test]
fn every_schema_element_is_described() {
    use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
    let document = async_graphql::parser::parse_schema(api::graphql::sdl()).expect("the SDL parses");
    let mut missing = Vec::new();
    let blank = |d: &Option<async_graphql::Positioned<String>>| d.as_ref().is_none_or(|d| d.node.trim().is_empty());
    for definition in &document.definitions {
        let TypeSystemDefinition::Type(definition) = definition else { continue };
        let definition = &definition.node;
        let name = definition.name.node.as_str();
        if blank(&definition.description) {
            missing.push(name.to_owned());
        }
        match &definition.kind {
            TypeKind::Object(object) => {
                for field in &object.fields {
                    let field = &field.node;
                    if blank(&field.description) {
                        missing.push(format!("{name}.{}", field.name.node));
                    }
                    for argument in &field.arguments {
                        if blank(&argument.node.description) {
                            missing.push(format!("{name}.{}({})", field.name.node, argument.node.name.node));
                        }
                    }
                }
            }
            TypeKind::Interface(interface) => {
                for field in &interface.fields {
                    if blank(&field.node.description) {
                        missing.push(format!("{name}.{}", field.node.name.node));
                    }
                }
            }
            TypeKind::Enum(enumeration) => {
                for value in &enumeration.values {
                    if blank(&value.node.description) {
                        missing.push(format!("{name}.{}", value.node.value.node));
                    }
                }
            }
            TypeKind::InputObject(input) => {
                for field in &input.fields {
                    if blank(&field.node.description) {
                        missing.push(format!("{name}.{}", field.node.name.node));
                    }
                }
            }
            TypeKind::Scalar | TypeKind::Union(_) => {}
        }
    }
    assert!(missing.is_empty(), "{} schema elements have no description:\n{}", missing.len(), missing.join("\n"));
}
