//! The size limit of a response (`IMPACT_MAX_RESPONSE_BYTES`), measured on the JSON the client would
//! receive: HTTP serialises through [`Capped`] and stops at the limit; a subscription's delivery is measured
//! with [`too_large`]. The response is built before it is measured: the document's complexity limit (every
//! list counted, `document`) is what bounds how large a result can grow in memory.

use async_graphql::{PathSegment, ServerError, Value};
use std::io::Write;

/// A writer that refuses to take more than `max` bytes in total (serde_json then stops serialising).
pub struct Capped<W> {
    inner: W,
    written: usize,
    max: usize,
}

impl<W: Write> Capped<W> {
    pub fn new(inner: W, max: usize) -> Self {
        Self { inner, written: 0, max }
    }

    pub fn into_inner(self) -> W {
        self.inner
    }
}

impl<W: Write> Write for Capped<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.written = self.written.saturating_add(buf.len());
        if self.written > self.max {
            return Err(std::io::Error::other("the response passed its size limit"));
        }
        self.inner.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The error of a response whose `data` is larger than `max` bytes of JSON, with the path of the top-level
/// field at which it passed the limit; none when it fits.
pub fn too_large(data: &Value, max: usize) -> Option<ServerError> {
    let mut measure = Capped::new(std::io::sink(), max);
    let Value::Object(fields) = data else {
        return serde_json::to_writer(&mut measure, data).is_err().then(|| error(max, None));
    };
    for (key, value) in fields {
        // The key, its quotes, the colon and a comma.
        let framing = measure.write_all(key.as_bytes()).and_then(|()| measure.write_all(b"\"\":,"));
        if framing.is_err() || serde_json::to_writer(&mut measure, value).is_err() {
            return Some(error(max, Some(key.to_string())));
        }
    }
    None
}

/// The one error a response passing the limit answers.
pub fn error(max: usize, field: Option<String>) -> ServerError {
    let mut error = ServerError::new(
        format!("the response is larger than {max} bytes; ask for smaller pages or fewer fields"),
        None,
    );
    // The path of the top-level field where it happened: execution had begun.
    if let Some(field) = field {
        error.path = vec![PathSegment::Field(field)];
    }
    error
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_field_that_passes_the_limit() {
        let data = Value::from_json(serde_json::json!({ "small": "x", "large": "y".repeat(100) })).unwrap();
        assert!(too_large(&data, 200).is_none());
        let error = too_large(&data, 50).expect("too large");
        assert_eq!(error.path, vec![PathSegment::Field("large".to_owned())]);
        let mut capped = Capped::new(Vec::new(), 10);
        assert!(serde_json::to_writer(&mut capped, &data).is_err());
        let mut capped = Capped::new(Vec::new(), 1_000);
        serde_json::to_writer(&mut capped, &data).unwrap();
        assert_eq!(capped.into_inner().len(), serde_json::to_string(&data).unwrap().len());
    }
}
