//! Files embedded in the binary at compile time (see `build.rs`): the widget bundle from `dist/`
//! and the demo city page from `examples/demo-city/`, plus the cabinet's stylesheet.
//!
//! The widget's files are fetched cross-origin by city pages (wasm streaming compilation needs
//! CORS), so they carry `Access-Control-Allow-Origin: *` and `Cross-Origin-Resource-Policy:
//! cross-origin`; they are public and never carry credentials.

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;
use crate::http::DemoPage;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// The stylesheet of our own pages (cabinet, tracking, policy).
pub const SITE_CSS: &str = include_str!("../assets/civic.css");
pub const SITE_CSS_PATH: &str = "/assets/civic.css";

pub fn router() -> Router<AppState> {
    Router::new().route(SITE_CSS_PATH, get(site_css)).route(
        "/",
        get(|req: Request| async move {
            demo_file("index.html", &req).unwrap_or_else(|| crate::pages::not_found_page(&req))
        }),
    )
}

async fn site_css() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            ),
        ],
        SITE_CSS,
    )
        .into_response()
}

/// The MIME type by extension; unknown types are served as bytes (and `nosniff` keeps them so).
pub fn mime_for(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "html" | "htm" => "text/html; charset=utf-8",
        "json" | "map" => "application/json",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

fn find(files: &'static [(&'static str, &'static [u8])], path: &str) -> Option<&'static [u8]> {
    files
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, bytes)| *bytes)
}

/// Serves `dist/<path>` at `/<path>`, else `examples/demo-city/<path>`; `None` if neither has it.
pub fn serve_embedded(req: &Request) -> Option<Response> {
    if !matches!(
        *req.method(),
        axum::http::Method::GET | axum::http::Method::HEAD
    ) {
        return None;
    }
    let path = req.uri().path().trim_start_matches('/');
    if path.is_empty() || path.split('/').any(|seg| seg.is_empty() || seg == "..") {
        return None;
    }
    if let Some(bytes) = find(embedded::DIST, path) {
        let cache = if path.starts_with("widget/") {
            // Content-hashed names: a new build is a new URL, so cache forever.
            "public, max-age=31536000, immutable"
        } else {
            // The stable loader (`widget.js`): short, so a release reaches city pages quickly.
            "public, max-age=300"
        };
        let response = (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, mime_for(path)),
                (header::CACHE_CONTROL, cache),
                (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
                (
                    header::HeaderName::from_static("cross-origin-resource-policy"),
                    "cross-origin",
                ),
            ],
            bytes,
        )
            .into_response();
        return Some(response);
    }
    demo_file(path, req)
}

fn demo_file(path: &str, _req: &Request) -> Option<Response> {
    let bytes = find(embedded::DEMO_CITY, path)?;
    let mut response = (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, mime_for(path)),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        bytes,
    )
        .into_response();
    response.extensions_mut().insert(DemoPage);
    Some(response)
}

/// Paths of the embedded widget files, for the start-up log and tests.
pub fn widget_files() -> impl Iterator<Item = &'static str> {
    embedded::DIST.iter().map(|(p, _)| *p)
}
