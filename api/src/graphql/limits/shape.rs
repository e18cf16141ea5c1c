//! The schema as the document limits read it: for each object and interface, the type of each field, whether
//! it is a list and whether it is a page (takes `first`/`last`). Derived once at start-up from the types'
//! registry, which is then dropped: async-graphql keeps its own registry private, and a second full one
//! (every description, argument and enum value) would cost the server about 1 MB for nothing (BENCHMARKS.md).

use async_graphql::parser::types::OperationType;
use async_graphql::registry::{MetaType, MetaTypeName, Registry};
use std::collections::HashMap;

/// The object and interface types of the schema, by name, and its root types.
#[derive(Debug, Default)]
pub struct SchemaShape {
    query: String,
    mutation: Option<String>,
    subscription: Option<String>,
    types: HashMap<String, TypeShape>,
}

/// The fields of one object or interface type.
#[derive(Debug, Default)]
pub struct TypeShape {
    fields: HashMap<String, FieldShape>,
}

/// One field: its named type (without list or non-null wrappers) and how it counts.
#[derive(Debug)]
pub struct FieldShape {
    pub ty: String,
    pub list: bool,
    /// A page of a connection: counted by its `first`/`last`.
    pub paged: bool,
}

impl SchemaShape {
    /// The shape of the types reachable from the registry's roots (the registry is dropped).
    pub fn of(mut registry: Registry) -> Self {
        // Merged roots leave their intermediate objects behind (2.6 MB of them): only what the roots reach.
        registry.remove_unused_types();
        let types = registry
            .types
            .iter()
            .filter_map(|(name, ty)| match ty {
                MetaType::Object { fields, .. } | MetaType::Interface { fields, .. } => {
                    let fields = fields
                        .iter()
                        .map(|(name, field)| {
                            let shape = FieldShape {
                                ty: MetaTypeName::concrete_typename(&field.ty).to_owned(),
                                list: MetaTypeName::create(&field.ty).is_list(),
                                paged: field.args.contains_key("first") || field.args.contains_key("last"),
                            };
                            (name.clone(), shape)
                        })
                        .collect();
                    Some((name.clone(), TypeShape { fields }))
                }
                _ => None,
            })
            .collect();
        Self {
            query: registry.query_type,
            mutation: registry.mutation_type,
            subscription: registry.subscription_type,
            types,
        }
    }

    /// The root type of an operation.
    pub fn root(&self, operation: OperationType) -> Option<&TypeShape> {
        let name = match operation {
            OperationType::Query => Some(&self.query),
            OperationType::Mutation => self.mutation.as_ref(),
            OperationType::Subscription => self.subscription.as_ref(),
        };
        name.and_then(|name| self.get(name))
    }

    /// An object or interface type by name (none for other types, unknown names and introspection types).
    pub fn get(&self, name: &str) -> Option<&TypeShape> {
        self.types.get(name)
    }
}

impl TypeShape {
    pub fn field(&self, name: &str) -> Option<&FieldShape> {
        self.fields.get(name)
    }

    /// A connection type (it has `pageInfo`): its lists (`nodes`, `edges`) are the page its field counted.
    pub fn is_connection(&self) -> bool {
        self.fields.contains_key("pageInfo")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::{Object, SimpleObject};

    #[derive(SimpleObject)]
    struct Item {
        name: String,
    }

    #[derive(SimpleObject)]
    struct PageInfo {
        has_next_page: bool,
    }

    #[derive(SimpleObject)]
    struct ItemConnection {
        nodes: Vec<Item>,
        page_info: PageInfo,
    }

    struct Query;

    #[Object]
    impl Query {
        async fn items(&self, first: Option<i32>) -> ItemConnection {
            let _ = first;
            ItemConnection { nodes: Vec::new(), page_info: PageInfo { has_next_page: false } }
        }
        async fn tags(&self) -> Vec<String> {
            Vec::new()
        }
        async fn item(&self) -> Option<Item> {
            None
        }
    }

    #[test]
    fn fields_keep_their_named_type_and_how_they_count() {
        let mut registry = Registry { query_type: "Query".into(), ..Registry::default() };
        <Query as async_graphql::OutputType>::create_type_info(&mut registry);
        let shape = SchemaShape::of(registry);
        let query = shape.root(OperationType::Query).expect("the query root");
        assert!(shape.root(OperationType::Mutation).is_none());

        let items = query.field("items").expect("items");
        assert_eq!((items.ty.as_str(), items.list, items.paged), ("ItemConnection", false, true));
        let tags = query.field("tags").expect("tags");
        assert_eq!((tags.ty.as_str(), tags.list, tags.paged), ("String", true, false));
        let item = query.field("item").expect("item");
        assert_eq!((item.ty.as_str(), item.list), ("Item", false));

        let connection = shape.get("ItemConnection").expect("the connection type");
        assert!(connection.is_connection());
        assert!(!shape.get("Item").expect("Item").is_connection());
        assert!(shape.get("String").is_none(), "scalars have no fields to measure");
    }
}
