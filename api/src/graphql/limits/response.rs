//! The size of a response as it is built: each resolved field adds its key and, for scalars, its value (an
//! object's size is the sum of its fields, counted as they resolve). Past the limit, the request answers
//! one error and no further field is resolved, so an unexpectedly large result is not built in memory.

use async_graphql::{PathSegment, ServerError, ServerResult, Value};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Punctuation and quotes around a key and its value in JSON, roughly.
const FIELD_OVERHEAD: usize = 4;

pub struct ResponseBudget {
    max_bytes: usize,
    used: AtomicUsize,
    exceeded: AtomicBool,
    /// The top-level field under which the limit was passed.
    at: Mutex<Option<String>>,
}

impl ResponseBudget {
    pub fn new(max_bytes: usize) -> Self {
        Self { max_bytes, used: AtomicUsize::new(0), exceeded: AtomicBool::new(false), at: Mutex::new(None) }
    }

    /// Starts measuring a new response.
    pub fn restart(&self) {
        self.used.store(0, Ordering::Relaxed);
        self.exceeded.store(false, Ordering::Relaxed);
        if let Ok(mut at) = self.at.lock() {
            *at = None;
        }
    }

    pub fn refuse_if_exceeded(&self) -> ServerResult<()> {
        if self.exceeded.load(Ordering::Relaxed) { Err(self.error()) } else { Ok(()) }
    }

    /// Adds a resolved field: its key, and its value unless it is an object whose fields count themselves.
    pub fn add(
        &self,
        key: usize,
        composite: bool,
        value: Option<&Value>,
        root: impl FnOnce() -> String,
    ) -> ServerResult<()> {
        let size = key + FIELD_OVERHEAD + if composite { 0 } else { value.map_or(4, scalar_size) };
        let used = self.used.fetch_add(size, Ordering::Relaxed).saturating_add(size);
        if used > self.max_bytes
            && !self.exceeded.swap(true, Ordering::Relaxed)
            && let Ok(mut at) = self.at.lock()
        {
            *at = Some(root());
        }
        self.refuse_if_exceeded()
    }

    /// The one error the request answers when its response passed the limit.
    pub fn exceeded(&self) -> Option<ServerError> {
        self.exceeded.load(Ordering::Relaxed).then(|| {
            let mut error = self.error();
            // The path of the top-level field where it happened: execution had begun.
            if let Some(first) = self.at.lock().ok().and_then(|at| at.clone()) {
                error.path = vec![PathSegment::Field(first)];
            }
            error
        })
    }

    fn error(&self) -> ServerError {
        ServerError::new(
            format!("the response is larger than {} bytes; ask for smaller pages or fewer fields", self.max_bytes),
            None,
        )
    }
}

/// The JSON size of a value, roughly.
fn scalar_size(value: &Value) -> usize {
    match value {
        Value::Null => 4,
        Value::Number(_) => 8,
        Value::Boolean(_) => 5,
        Value::String(text) => text.len() + 2,
        Value::Enum(name) => name.len() + 2,
        Value::Binary(bytes) => bytes.len() * 4 / 3 + 2,
        Value::List(items) => items.iter().map(|item| scalar_size(item) + 1).sum::<usize>() + 2,
        Value::Object(fields) => fields.iter().map(|(key, item)| key.len() + 4 + scalar_size(item)).sum::<usize>() + 2,
    }
}
