//! The depth limit in development: like async-graphql's own (`limit_depth`, used in production), except that a
//! document selecting nothing but introspection (`__schema`, `__type`, `__typename`) may go deeper, so
//! GraphiQL's docs, codegen and other tools can run the standard introspection query (about 13 levels deep).
//! Introspection reads only the schema, never the database; the complexity limit still applies.

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextValidation};
use async_graphql::parser::types::{ExecutableDocument, Selection};
use async_graphql::{ServerError, ServerResult, ValidationResult, Variables};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The extension factory: the deepest selection allowed outside introspection.
pub struct DepthLimit {
    pub max_depth: usize,
}

impl ExtensionFactory for DepthLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(DepthLimitExtension { max_depth: self.max_depth, introspection_only: AtomicBool::new(false) })
    }
}

/// One request's state: whether its document is introspection only.
struct DepthLimitExtension {
    max_depth: usize,
    introspection_only: AtomicBool,
}

#[async_trait::async_trait]
impl Extension for DepthLimitExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        self.introspection_only.store(is_introspection_only(&document), Ordering::Release);
        Ok(document)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        if result.depth > self.max_depth && !self.introspection_only.load(Ordering::Acquire) {
            // The same words as async-graphql's own limit.
            return Err(vec![ServerError::new("Query is nested too deep.", None)]);
        }
        Ok(result)
    }
}

/// Whether every operation selects only introspection fields at its root (no fragment spreads there: a
/// fragment could hide other fields).
fn is_introspection_only(document: &ExecutableDocument) -> bool {
    document.operations.iter().all(|(_, operation)| {
        operation.node.selection_set.node.items.iter().all(|selection| match &selection.node {
            Selection::Field(field) => {
                matches!(field.node.name.node.as_str(), "__schema" | "__type" | "__typename")
            }
            Selection::FragmentSpread(_) | Selection::InlineFragment(_) => false,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::is_introspection_only;

    fn only(query: &str) -> bool {
        is_introspection_only(&async_graphql::parser::parse_query(query).unwrap())
    }

    #[test]
    fn only_documents_of_introspection_fields_are_introspection() {
        assert!(only("query IntrospectionQuery { __schema { types { ...T } } } fragment T on __Type { name }"));
        assert!(only(r#"{ __type(name: "Call") { name } __typename }"#));
        assert!(!only("{ __schema { queryType { name } } apiInfo { version } }"));
        assert!(!only("{ ...F } fragment F on QueryRoot { apiInfo { version } }"));
        assert!(!only("query A { __schema { description } } query B { apiInfo { version } }"));
    }
}
