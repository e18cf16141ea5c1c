//! What a GraphQL document may cost, measured before async-graphql validates it: validation walks every
//! fragment spread again (a document of fragments that each spread the previous one twice costs 2^n), so
//! the work is bounded here first, in passes that are linear in the size of the text.
//!
//! - the text: its size, its tokens and its bracket nesting, before it is parsed;
//! - the parsed document: selections and aliases once fragments are expanded (each fragment is measured
//!   once and remembered), fragment cycles, unknown and repeated directives, and the complexity, in which
//!   every list counts: a page by its `first`/`last` (or the default page size), `nodes(ids:)` by its IDs,
//!   any other list by [`UNPAGED_LIST_WEIGHT`] items; introspection lists count once (they read the schema);
//! - the input values: no text longer than the limit or holding control characters, no list longer than
//!   the limit, whether written in the document or sent as variables.

use super::shape::{FieldShape, SchemaShape, TypeShape};
use crate::config::{Limits, MAX_QUERY_NESTING, UNPAGED_LIST_WEIGHT};
use async_graphql::parser::types::{Directive, ExecutableDocument, Field, Selection, SelectionSet};
use async_graphql::{Name, Positioned, Variables};
use async_graphql_value::{ConstValue, Value};
use std::collections::{HashMap, HashSet};

/// The directives a document may use: the executable ones of this schema (the others, such as
/// `@deprecated`, belong to the schema's own definition).
const EXECUTABLE_DIRECTIVES: [&str; 2] = ["skip", "include"];

/// The limits of [`Limits`] that bound a document.
#[derive(Debug, Clone)]
pub struct DocumentLimits {
    pub max_bytes: usize,
    pub max_tokens: usize,
    pub max_selections: usize,
    pub max_aliases: usize,
    pub max_directives: usize,
    pub max_complexity: usize,
    pub max_text_length: usize,
    pub max_list_input: usize,
    pub default_page_size: usize,
}

impl DocumentLimits {
    pub fn from_config(limits: &Limits) -> Self {
        Self {
            max_bytes: limits.max_query_bytes,
            max_tokens: limits.max_query_tokens,
            max_selections: limits.max_query_fields,
            max_aliases: limits.max_aliases,
            max_directives: limits.max_directives,
            max_complexity: limits.max_query_complexity,
            max_text_length: limits.max_text_length,
            max_list_input: limits.max_list_input,
            default_page_size: limits.default_page_size(),
        }
    }
}

/// The size, tokens and nesting of a document's text, counted without parsing it. Stops at the first limit.
pub fn check_text(query: &str, limits: &DocumentLimits) -> Result<(), String> {
    if query.len() > limits.max_bytes {
        return Err(format!("the document has {} bytes; at most {} are accepted", query.len(), limits.max_bytes));
    }
    let bytes = query.as_bytes();
    let (mut tokens, mut nesting, mut i) = (0usize, 0usize, 0usize);
    while i < bytes.len() {
        let byte = bytes[i];
        match byte {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => {
                i += 1;
                continue;
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
                continue;
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += if bytes[i..].starts_with(b"\\\"\"\"") { 4 } else { 1 };
                }
                i += 3;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'.' if bytes[i..].starts_with(b"...") => i += 3,
            b'{' | b'[' | b'(' => {
                nesting += 1;
                if nesting > MAX_QUERY_NESTING {
                    return Err(format!("the document nests brackets deeper than {MAX_QUERY_NESTING} levels"));
                }
                i += 1;
            }
            b'}' | b']' | b')' => {
                nesting = nesting.saturating_sub(1);
                i += 1;
            }
            b if b.is_ascii_alphanumeric() || b == b'_' || b == b'-' => {
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'_' | b'-' | b'+' | b'.'))
                {
                    i += 1;
                }
            }
            _ => i += 1,
        }
        tokens += 1;
        if tokens > limits.max_tokens {
            return Err(format!("the document has more than {} tokens", limits.max_tokens));
        }
    }
    Ok(())
}

/// The structure, cost and input values of a parsed document; an error says which limit it passes.
pub fn check_document(
    document: &ExecutableDocument,
    variables: &Variables,
    schema: &SchemaShape,
    limits: &DocumentLimits,
) -> Result<(), String> {
    for (name, value) in variables.iter() {
        check_input(value, &format!("variable `${name}`"), limits)?;
    }
    let mut defaults = HashMap::new();
    for (_, operation) in document.operations.iter() {
        for definition in &operation.node.variable_definitions {
            check_directives(&definition.node.directives, limits)?;
            if let Some(default) = &definition.node.default_value {
                defaults.insert(definition.node.name.node.as_str(), &default.node);
            }
        }
    }
    let mut walker = Walker {
        document,
        schema,
        variables,
        defaults,
        limits,
        fragments: HashMap::new(),
        visiting: HashSet::new(),
        total: Cost::default(),
    };
    let mut complexity = 0usize;
    for (_, operation) in document.operations.iter() {
        check_directives(&operation.node.directives, limits)?;
        let root = schema.root(operation.node.ty);
        let cost = walker.selection_set(&operation.node.selection_set.node, root)?;
        walker.count(cost)?;
        complexity = complexity.max(cost.complexity);
    }
    // Fragments that no operation spreads are still validated: they count too.
    let unused: Vec<&str> =
        document.fragments.keys().map(Name::as_str).filter(|name| !walker.fragments.contains_key(name)).collect();
    for name in unused {
        let cost = walker.fragment(name)?;
        walker.count(cost)?;
    }
    if complexity > limits.max_complexity {
        return Err(format!(
            "the query is too complex: {complexity} where at most {} is accepted (each field counts 1; a list \
             counts its selection once per item: `first`/`last`, or {} for a list without paging); ask for \
             smaller pages or fewer nested lists",
            limits.max_complexity, UNPAGED_LIST_WEIGHT
        ));
    }
    Ok(())
}

/// What a selection set costs once its fragments are expanded.
#[derive(Debug, Clone, Copy, Default)]
struct Cost {
    selections: usize,
    aliases: usize,
    complexity: usize,
}

impl Cost {
    fn plus(self, other: Cost) -> Cost {
        Cost {
            selections: self.selections.saturating_add(other.selections),
            aliases: self.aliases.saturating_add(other.aliases),
            complexity: self.complexity.saturating_add(other.complexity),
        }
    }
}

struct Walker<'a> {
    document: &'a ExecutableDocument,
    schema: &'a SchemaShape,
    variables: &'a Variables,
    defaults: HashMap<&'a str, &'a ConstValue>,
    limits: &'a DocumentLimits,
    /// The cost of each fragment already measured.
    fragments: HashMap<&'a str, Cost>,
    /// The fragments being measured (a spread of one of them is a cycle).
    visiting: HashSet<&'a str>,
    /// Selections and aliases of the whole document so far.
    total: Cost,
}

impl<'a> Walker<'a> {
    fn count(&mut self, cost: Cost) -> Result<(), String> {
        self.total = self.total.plus(cost);
        self.check(self.total)
    }

    /// Refuses as soon as one measure passes its limit (a single selection set may already).
    fn check(&self, cost: Cost) -> Result<(), String> {
        if cost.selections > self.limits.max_selections {
            return Err(format!(
                "the document selects more than {} fields once its fragments are expanded",
                self.limits.max_selections
            ));
        }
        if cost.aliases > self.limits.max_aliases {
            return Err(format!("the document uses more than {} aliases", self.limits.max_aliases));
        }
        Ok(())
    }

    fn selection_set(&mut self, set: &'a SelectionSet, parent: Option<&'a TypeShape>) -> Result<Cost, String> {
        let mut cost = Cost::default();
        for selection in &set.items {
            check_directives(selection.node.directives(), self.limits)?;
            let item = match &selection.node {
                Selection::Field(field) => self.field(&field.node, parent)?,
                Selection::FragmentSpread(spread) => {
                    Cost { selections: 1, ..Cost::default() }.plus(self.fragment(&spread.node.fragment_name.node)?)
                }
                Selection::InlineFragment(inline) => {
                    let ty = match &inline.node.type_condition {
                        Some(condition) => self.schema.get(condition.node.on.node.as_str()),
                        None => parent,
                    };
                    Cost { selections: 1, ..Cost::default() }
                        .plus(self.selection_set(&inline.node.selection_set.node, ty)?)
                }
            };
            cost = cost.plus(item);
            self.check(cost)?;
        }
        Ok(cost)
    }

    fn fragment(&mut self, name: &'a str) -> Result<Cost, String> {
        if let Some(cost) = self.fragments.get(name) {
            return Ok(*cost);
        }
        let Some(fragment) = self.document.fragments.get(name) else {
            // An unknown fragment: validation reports it.
            return Ok(Cost::default());
        };
        if !self.visiting.insert(name) {
            return Err(format!("the fragment `{name}` spreads itself"));
        }
        check_directives(&fragment.node.directives, self.limits)?;
        let ty = self.schema.get(fragment.node.type_condition.node.on.node.as_str());
        let cost = self.selection_set(&fragment.node.selection_set.node, ty)?;
        self.visiting.remove(name);
        self.fragments.insert(name, cost);
        Ok(cost)
    }

    fn field(&mut self, field: &'a Field, parent: Option<&'a TypeShape>) -> Result<Cost, String> {
        for (name, value) in &field.arguments {
            check_literal(&value.node, &format!("argument `{}`", name.node), self.limits)?;
        }
        let meta = parent.and_then(|parent| parent.field(&field.name.node));
        let ty = meta.and_then(|meta| self.schema.get(&meta.ty));
        let children = self.selection_set(&field.selection_set.node, ty)?;
        let items = self.list_items(field, parent, meta);
        Ok(Cost {
            selections: 1usize.saturating_add(children.selections),
            aliases: usize::from(field.alias.is_some()).saturating_add(children.aliases),
            complexity: 1usize.saturating_add(items.saturating_mul(children.complexity)),
        })
    }

    /// How many items a field's selection counts for in the complexity (1 for a field that is no list).
    /// Fields the shape does not know (introspection's `__schema` and `__type`, which read the schema, and
    /// unknown fields, which validation refuses) count once.
    fn list_items(&self, field: &Field, parent: Option<&TypeShape>, meta: Option<&FieldShape>) -> usize {
        let Some(meta) = meta else { return 1 };
        // A page of a connection: its `nodes` and `edges` are counted by the page size here.
        if meta.paged {
            return ["first", "last"]
                .iter()
                .filter_map(|name| field.get_argument(name))
                .filter_map(|value| self.resolve(&value.node))
                .filter_map(|value| match value {
                    ConstValue::Number(number) => number.as_u64(),
                    _ => None,
                })
                .map(|n| usize::try_from(n).unwrap_or(usize::MAX))
                .max()
                .unwrap_or(self.limits.default_page_size);
        }
        if !meta.list || parent.is_some_and(TypeShape::is_connection) {
            return 1;
        }
        if let Some(ids) = field.get_argument("ids")
            && let Some(ConstValue::List(ids)) = self.resolve(&ids.node)
        {
            return ids.len().max(1);
        }
        UNPAGED_LIST_WEIGHT
    }

    /// A literal argument, or the value of the variable it names (sent, or its default).
    fn resolve(&self, value: &Value) -> Option<ConstValue> {
        match value {
            Value::Variable(name) => {
                self.variables.get(name).or_else(|| self.defaults.get(name.as_str()).copied()).cloned()
            }
            other => other.clone().into_const(),
        }
    }
}

/// Directives: only executable ones this schema knows, none twice on one element, and not too many.
fn check_directives(directives: &[Positioned<Directive>], limits: &DocumentLimits) -> Result<(), String> {
    if directives.len() > limits.max_directives {
        return Err(format!("an element carries more than {} directives", limits.max_directives));
    }
    let mut seen = HashSet::new();
    for directive in directives {
        let name = directive.node.name.node.as_str();
        if !EXECUTABLE_DIRECTIVES.contains(&name) {
            return Err(format!("unknown directive `@{}`", truncate(name, 40)));
        }
        if !seen.insert(name) {
            return Err(format!("the directive `@{name}` is repeated on one element"));
        }
    }
    Ok(())
}

fn check_literal(value: &Value, what: &str, limits: &DocumentLimits) -> Result<(), String> {
    match value {
        Value::String(text) => check_text_value(text, what, limits),
        Value::List(items) => {
            check_list(items.len(), what, limits)?;
            items.iter().try_for_each(|item| check_literal(item, what, limits))
        }
        Value::Object(fields) => fields.values().try_for_each(|item| check_literal(item, what, limits)),
        _ => Ok(()),
    }
}

fn check_input(value: &ConstValue, what: &str, limits: &DocumentLimits) -> Result<(), String> {
    match value {
        ConstValue::String(text) => check_text_value(text, what, limits),
        ConstValue::List(items) => {
            check_list(items.len(), what, limits)?;
            items.iter().try_for_each(|item| check_input(item, what, limits))
        }
        ConstValue::Object(fields) => fields.values().try_for_each(|item| check_input(item, what, limits)),
        _ => Ok(()),
    }
}

fn check_list(len: usize, what: &str, limits: &DocumentLimits) -> Result<(), String> {
    if len > limits.max_list_input {
        return Err(format!("a list in {what} has {len} items; at most {} are accepted", limits.max_list_input));
    }
    Ok(())
}

/// No text over the limit, and no control characters other than tab and line breaks (PostgreSQL refuses
/// NUL; the others only hide things).
fn check_text_value(text: &str, what: &str, limits: &DocumentLimits) -> Result<(), String> {
    if text.len() > limits.max_text_length && text.chars().count() > limits.max_text_length {
        return Err(format!("a text in {what} is longer than {} characters", limits.max_text_length));
    }
    if text.chars().any(is_forbidden_control) {
        return Err(format!("a text in {what} holds a control character (such as NUL)"));
    }
    Ok(())
}

/// Control characters no input text may hold: C0 and C1 controls and DEL, except tab, line feed and carriage return.
pub fn is_forbidden_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// At most `max` characters of `text`, with `…` when cut.
pub fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> DocumentLimits {
        DocumentLimits::from_config(&Limits::default())
    }

    fn bomb(levels: usize) -> String {
        let mut query = String::from("query { ...F0 }\nfragment F0 on Query { __typename }\n");
        for level in 1..=levels {
            let previous = level - 1;
            query.push_str(&format!("fragment F{level} on Query {{ ...F{previous} ...F{previous} }}\n"));
        }
        query.replace("query { ...F0 }", &format!("query {{ ...F{levels} }}"))
    }

    #[test]
    fn tokens_and_nesting_are_counted_without_parsing() {
        let limits = DocumentLimits { max_tokens: 10, ..limits() };
        assert!(check_text("{ a b c }", &limits).is_ok());
        assert!(check_text("# a b c d e f g h i j k l\n{ a }", &limits).is_ok());
        assert!(check_text(r#"{ a(x: "b c d e f g h i j k") }"#, &limits).is_ok());
        assert!(check_text("{ a b c d e f g h i j k }", &limits).unwrap_err().contains("tokens"));
        let deep = format!("{}{}", "{a".repeat(70), "}".repeat(70));
        assert!(check_text(&deep, &self::limits()).unwrap_err().contains("nests"));
    }

    #[test]
    fn fragment_bombs_are_measured_in_linear_time() {
        let schema = SchemaShape::default();
        let document = async_graphql::parser::parse_query(bomb(40)).unwrap();
        let error = check_document(&document, &Variables::default(), &schema, &limits()).unwrap_err();
        assert!(error.contains("more than 2000 fields"), "{error}");
        let cycle =
            async_graphql::parser::parse_query("{ ...A } fragment A on Q { ...B } fragment B on Q { ...A }").unwrap();
        let error = check_document(&cycle, &Variables::default(), &schema, &limits()).unwrap_err();
        assert!(error.contains("spreads itself"), "{error}");
    }

    #[test]
    fn directives_must_be_known_and_single() {
        let schema = SchemaShape::default();
        let check = |query: &str| {
            check_document(
                &async_graphql::parser::parse_query(query).unwrap(),
                &Variables::default(),
                &schema,
                &limits(),
            )
        };
        assert!(check("{ __typename @include(if: true) @skip(if: false) }").is_ok());
        assert!(check("{ __typename @aa }").unwrap_err().contains("unknown directive"));
        assert!(check("{ __typename @skip(if: false) @skip(if: false) }").unwrap_err().contains("repeated"));
    }

    #[test]
    fn texts_are_bounded_and_free_of_control_characters() {
        let limits = DocumentLimits { max_text_length: 5, ..limits() };
        assert!(check_text_value("héllo", "x", &limits).is_ok());
        assert!(
            check_text_value("line\nbreak", "x", &DocumentLimits { max_text_length: 50, ..limits.clone() }).is_ok()
        );
        assert!(check_text_value("héllo!", "x", &limits).is_err());
        assert!(check_text_value("a\0b", "x", &limits).is_err());
        assert_eq!(truncate("abcdef", 3), "abc…");
        assert_eq!(truncate("abc", 3), "abc");
    }
}
