//! Puts the fields of a response in the order of the selection, as the GraphQL spec asks ("the serialized map
//! of results should preserve this order"). async-graphql 7 resolves sibling fields concurrently and collects
//! them as they complete, so a field that waits on the database can land after one requested later.
//!
//! The walk follows the document (fragments and inline fragments flattened, aliases as response keys, fields
//! of one key merged) and gives up, leaving the order as it is, beyond a fixed budget of visited selections:
//! reordering must never cost more than the request it serves.

use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Name, Value};
use std::collections::HashMap;
use std::rc::Rc;

/// Selections visited at most; a document that needs more keeps the resolver's order.
const BUDGET: usize = 20_000;

/// Reorders `data`, the result of the operation `operation_name` of `document` (the request's, parsed once).
pub fn order_by_selection(data: &mut Value, document: &ExecutableDocument, operation_name: Option<&str>) {
    let operation = match (&document.operations, operation_name) {
        (DocumentOperations::Single(operation), _) => &operation.node,
        (DocumentOperations::Multiple(operations), Some(name)) => match operations.get(name) {
            Some(operation) => &operation.node,
            None => return,
        },
        // Without a name, a document of exactly one (named) operation runs that one.
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => match operations.values().next() {
            Some(operation) => &operation.node,
            None => return,
        },
        (DocumentOperations::Multiple(_), None) => return,
    };
    let mut walk = Walk { document, budget: BUDGET, known: HashMap::new() };
    walk.reorder(data, &[&operation.selection_set.node]);
}

/// The response keys of an object in order, each with the selection sets below it.
type Keys<'a> = Vec<(Name, Vec<&'a SelectionSet>)>;

/// One reordering: the document, the selections it may still visit, and the keys of the selection sets met so
/// far (the items of a list share theirs: collected once, not once per item).
struct Walk<'a> {
    document: &'a ExecutableDocument,
    budget: usize,
    /// By the addresses of the selection sets.
    known: HashMap<Vec<*const SelectionSet>, Rc<Keys<'a>>>,
}

impl<'a> Walk<'a> {
    /// Reorders `value` (an object or a list of them) by the selection sets that produced it; false when the
    /// budget ran out.
    fn reorder(&mut self, value: &mut Value, sets: &[&'a SelectionSet]) -> bool {
        match value {
            Value::List(items) => items.iter_mut().all(|item| self.reorder(item, sets)),
            Value::Object(map) => {
                let Some(keys) = self.keys(sets) else { return false };
                // Most objects arrive in order already: then only their fields are walked.
                if map.len() == keys.len() && map.keys().zip(keys.iter()).all(|(key, (expected, _))| key == expected) {
                    return map.values_mut().zip(keys.iter()).all(|(field, (_, below))| self.below(field, below));
                }
                let mut unordered = std::mem::take(map);
                for (key, below) in keys.iter() {
                    if let Some(mut field) = unordered.shift_remove(key) {
                        if !self.below(&mut field, below) {
                            map.insert(key.clone(), field);
                            map.extend(unordered);
                            return false;
                        }
                        map.insert(key.clone(), field);
                    }
                }
                map.extend(unordered);
                true
            }
            _ => true,
        }
    }

    /// Reorders the value of a field by the selection sets below it (none for a leaf).
    fn below(&mut self, field: &mut Value, below: &[&'a SelectionSet]) -> bool {
        below.iter().all(|s| s.items.is_empty()) || self.reorder(field, below)
    }

    /// The keys of `sets`, collected once per walk; `None` when the budget ran out.
    fn keys(&mut self, sets: &[&'a SelectionSet]) -> Option<Rc<Keys<'a>>> {
        let addresses: Vec<*const SelectionSet> = sets.iter().map(|s| *s as *const _).collect();
        if let Some(keys) = self.known.get(&addresses) {
            return Some(keys.clone());
        }
        let mut keys = Vec::new();
        for set in sets {
            if !collect(set, self.document, &mut keys, &mut self.budget) {
                return None;
            }
        }
        let keys = Rc::new(keys);
        self.known.insert(addresses, keys.clone());
        Some(keys)
    }
}

/// Appends the response keys of `set` in order (with the selection sets below each), flattening fragments.
fn collect<'a>(
    set: &'a SelectionSet,
    document: &'a ExecutableDocument,
    keys: &mut Vec<(Name, Vec<&'a SelectionSet>)>,
    budget: &mut usize,
) -> bool {
    for item in &set.items {
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        let flattened = match &item.node {
            Selection::Field(field) => {
                let key = field.node.response_key().node.clone();
                let below = &field.node.selection_set.node;
                match keys.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, sets)) => sets.push(below),
                    None => keys.push((key, vec![below])),
                }
                continue;
            }
            Selection::FragmentSpread(spread) => match document.fragments.get(&spread.node.fragment_name.node) {
                Some(fragment) => &fragment.node.selection_set.node,
                None => continue,
            },
            Selection::InlineFragment(fragment) => &fragment.node.selection_set.node,
        };
        if !collect(flattened, document, keys, budget) {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::order_by_selection;
    use async_graphql::indexmap::IndexMap;
    use async_graphql::{Name, Value};

    fn object(fields: Vec<(&str, Value)>) -> Value {
        Value::Object(fields.into_iter().map(|(k, v)| (Name::new(k), v)).collect::<IndexMap<_, _>>())
    }

    fn keys(value: &Value) -> Vec<String> {
        match value {
            Value::Object(map) => map.keys().map(|k| k.to_string()).collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn follows_the_selection_through_aliases_fragments_and_lists() {
        let query = "query Q { b: countries { ...F } a: apiInfo { version } } fragment F on Country { name ... on Country { code } }";
        let country = |code: &str, name: &str| object(vec![("code", Value::from(code)), ("name", Value::from(name))]);
        let mut data = object(vec![
            ("a", object(vec![("version", Value::from("1"))])),
            ("b", Value::List(vec![country("AT", "Austria"), country("SI", "Slovenia")])),
        ]);
        let document = async_graphql::parser::parse_query(query).unwrap();
        order_by_selection(&mut data, &document, None);
        assert_eq!(keys(&data), ["b", "a"]);
        let Value::Object(root) = &data else { panic!("an object") };
        let Value::List(countries) = &root["b"] else { panic!("a list") };
        assert!(countries.iter().all(|c| keys(c) == ["name", "code"]));
    }

    #[test]
    fn leaves_an_unknown_operation_alone() {
        let document = async_graphql::parser::parse_query("query A { a } query B { z a }").unwrap();
        let mut data = object(vec![("a", Value::from(2)), ("z", Value::from(1))]);
        order_by_selection(&mut data, &document, None);
        assert_eq!(keys(&data), ["a", "z"]);
        order_by_selection(&mut data, &document, Some("B"));
        assert_eq!(keys(&data), ["z", "a"]);
    }
}
