//! GraphiQL for browsers, development only, with its scripts and styles served from the binary
//! (`/graphiql/assets/{file}`; versions and licences in `api/assets/graphiql/README.md`), so it works offline.

use crate::app::AppState;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

/// The embedded files: name, media type, bytes. Versioned names, so browsers may cache them for good.
const ASSETS: [(&str, &str, &[u8]); 4] = [
    (
        "react-18.3.1.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/react-18.3.1.production.min.js"),
    ),
    (
        "react-dom-18.3.1.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/react-dom-18.3.1.production.min.js"),
    ),
    (
        "graphiql-3.8.3.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/graphiql-3.8.3.min.js"),
    ),
    (
        "graphiql-3.8.3.min.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/graphiql/graphiql-3.8.3.min.css"),
    ),
];

/// The page: React, ReactDOM and GraphiQL from this server, talking to `/graphql` on this server's origin.
pub fn page() -> Html<&'static str> {
    Html(PAGE)
}

const PAGE: &str = r#"<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="robots" content="noindex">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>IMPACT API · GraphiQL</title>
    <style>
      body { height: 100%; margin: 0; width: 100%; overflow: hidden; }
      #graphiql { height: 100vh; }
    </style>
    <link rel="stylesheet" href="/graphiql/assets/graphiql-3.8.3.min.css">
    <script src="/graphiql/assets/react-18.3.1.production.min.js"></script>
    <script src="/graphiql/assets/react-dom-18.3.1.production.min.js"></script>
    <script src="/graphiql/assets/graphiql-3.8.3.min.js"></script>
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
    <script>
      const fetcher = GraphiQL.createFetcher({ url: new URL("/graphql", window.location.origin).toString() });
      ReactDOM.createRoot(document.getElementById("graphiql")).render(
        React.createElement(GraphiQL, { fetcher, defaultEditorToolsVisibility: true })
      );
    </script>
  </body>
</html>
"#;

/// `GET /graphiql/assets/{file}`: an embedded file in development; 404 in production or for another name.
pub async fn asset(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    if state.services.config.is_production() {
        return StatusCode::NOT_FOUND.into_response();
    }
    match ASSETS.iter().find(|(name, _, _)| *name == file) {
        Some((_, media_type, bytes)) => (
            [(header::CONTENT_TYPE, *media_type), (header::CACHE_CONTROL, "public, max-age=31536000, immutable")],
            *bytes,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::{ASSETS, PAGE};

    #[test]
    fn the_page_names_every_embedded_asset_and_nothing_remote() {
        for (name, _, bytes) in ASSETS {
            assert!(PAGE.contains(&format!("\"/graphiql/assets/{name}\"")), "{name} is not on the page");
            assert!(bytes.len() > 1000, "{name} is empty");
        }
        assert!(!PAGE.contains("//unpkg") && !PAGE.contains("cdn"), "the page loads from a CDN");
    }
}
