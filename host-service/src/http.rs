//! Cross-cutting HTTP layers: tracing, compression, security headers, limits (body size,
//! time, concurrency), panic catching, and the JSON shape of every `/api` error — including the
//! ones produced by layers and the router rather than by our handlers.

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::error_handling::HandleErrorLayer;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnFailure, DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::AppState;
use crate::api::{self, ApiError};

/// CSP of the cabinet, tracking and policy pages: nothing but our own files, no framing.
pub const STRICT_CSP: &str =
    "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// CSP of the demo page, which embeds the widget: its wasm needs `'wasm-unsafe-eval'`, and the
/// map tiles come from a tile server.
pub const DEMO_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; img-src 'self' data: https:; \
     frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// Marks a response as the demo page so [`security_headers`] gives it [`DEMO_CSP`].
#[derive(Clone, Copy, Debug)]
pub struct DemoPage;

pub fn with_layers(routes: Router<AppState>, state: AppState) -> Router {
    let limits = state.config.limits.clone();
    // Later `.layer` calls wrap the earlier ones: read from the bottom up for the request's path.
    routes
        .fallback(fallback)
        .layer(middleware::from_fn_with_state(state.clone(), crate::sites::cors))
        .layer(DefaultBodyLimit::max(limits.body_max_bytes))
        .layer(
            ServiceBuilder::new()
                .layer(HandleErrorLayer::new(|_: tower::BoxError| async {
                    // Only load shedding fails here: the server is at its concurrency limit.
                    StatusCode::SERVICE_UNAVAILABLE
                }))
                .load_shed()
                .layer(tower::limit::GlobalConcurrencyLimitLayer::new(limits.max_concurrent_requests)),
        )
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, limits.request_timeout))
        .layer(CatchPanicLayer::custom(|_panic: Box<dyn std::any::Any + Send>| {
            // The panic message may hold request data; it is not logged nor returned.
            tracing::error!("a request handler panicked");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }))
        .layer(middleware::from_fn(api_error_shape))
        .layer(middleware::from_fn(security_headers))
        .layer(CompressionLayer::new())
        // The widget's files come precompressed (assets.rs): their coding is chosen here, out
        // of the compression layer's sight.
        .layer(middleware::from_fn(crate::assets::precompressed))
        // Outside the limits and the panic catcher, so their 408/413/503/500 are counted too.
        .layer(middleware::from_fn_with_state(state.clone(), crate::metrics::track))
        .layer(
            TraceLayer::new_for_http()
                // Method and route template only: the raw URI may carry a tracking code or a
                // query with personal data, and headers carry cookies.
                .make_span_with(|req: &Request<Body>| {
                    let route = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned());
                    tracing::info_span!("http", method = %req.method(), route = route.as_deref().unwrap_or("-"))
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO))
                .on_failure(DefaultOnFailure::new().level(Level::WARN)),
        )
        .with_state(state)
}

/// Unknown paths: a JSON 404 under `/api`, else an embedded file, else a 404 page.
async fn fallback(req: Request) -> Response {
    let path = req.uri().path();
    if path == "/api" || path.starts_with("/api/") {
        return ApiError::NotFound.into_response();
    }
    crate::assets::serve_embedded(&req).unwrap_or_else(|| crate::pages::not_found_page(&req))
}

/// `nosniff` and `Referrer-Policy` everywhere; a CSP on every HTML page.
async fn security_headers(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let is_demo = response.extensions().get::<DemoPage>().is_some();
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        let csp = if is_demo { DEMO_CSP } else { STRICT_CSP };
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(csp),
        );
    }
    response
}

/// Gives `/api` errors that did not come from our handlers (the router's 405, the timeout's
/// 408, a body limit's 413, load shedding's 503, a caught panic's 500) the API's JSON shape.
async fn api_error_shape(req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let response = next.run(req).await;
    if !is_api {
        return response;
    }
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (code, message) = match status {
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "this method is not allowed here"),
        StatusCode::REQUEST_TIMEOUT => ("timeout", "the request took too long"),
        StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "the request body is too large"),
        StatusCode::SERVICE_UNAVAILABLE => ("overloaded", "the service is busy, try again shortly"),
        StatusCode::NOT_FOUND => ("not_found", "no such API route"),
        s if s.is_server_error() => ("internal", "internal error"),
        _ => ("bad_request", "the request was refused"),
    };
    let mut shaped = api::error_response(status, code, message.to_owned(), Vec::new());
    // Keep headers like `Allow` (405) that tell the client what to do instead.
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(v) = response.headers().get(&name) {
            shaped.headers_mut().insert(name, v.clone());
        }
    }
    shaped
}

/// How long a client may reuse a public read without asking again (the loader keeps a first
/// screen in `localStorage` as long: `widget/loader/widget.js`).
pub const PUBLIC_MAX_AGE_SECS: u32 = 60;

/// The largest body [`public_cache`] buffers to hash; public reads are paginated well below it.
const CACHE_BODY_MAX_BYTES: usize = 8 * 1024 * 1024;

/// Conditional GET for public reads (site configuration, Open311, the OpenAPI document): a
/// strong `ETag` from a SHA-256 of the body, `Cache-Control: public`, and `304 Not Modified`
/// when `If-None-Match` names the current `ETag`.
///
/// The body is hashed as the handler produced it, before compression: `CompressionLayer` wraps
/// this layer and adds `Vary: Accept-Encoding`, so a cache keeps encodings apart.
pub async fn public_cache(req: Request, next: Next) -> Response {
    let cacheable_method = matches!(
        *req.method(),
        axum::http::Method::GET | axum::http::Method::HEAD
    );
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).cloned();
    let response = next.run(req).await;
    if !cacheable_method || response.status() != StatusCode::OK {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, CACHE_BODY_MAX_BYTES).await else {
        tracing::error!("a public response was too large to hash for its ETag");
        return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
    };
    use sha2::Digest;
    let digest = sha2::Sha256::digest(&bytes);
    // 128 bits of the hash are plenty to tell versions of one resource apart.
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    let etag = format!("\"{hex}\"");
    let matches = if_none_match
        .as_ref()
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| names_etag(v, &etag));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        parts.headers.insert(header::ETAG, value);
    }
    parts.headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_str(&format!("public, max-age={PUBLIC_MAX_AGE_SECS}"))
            .unwrap_or(HeaderValue::from_static("public")),
    );
    if matches {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Whether the request's `If-None-Match` names `etag` or is `*` (RFC 9110 13.1.2: the weak
/// comparison, so a `W/` prefix does not matter); then a GET or HEAD gets a 304.
pub fn if_none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| names_etag(v, etag))
}

/// Whether one `If-None-Match` field value (a list of entity tags, or `*`) names `etag`.
fn names_etag(field: &str, etag: &str) -> bool {
    let etag = etag.trim_start_matches("W/");
    field
        .split(',')
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == "*" || t == etag)
}

/// How long the cabinet's session lives; re-login after a working day.
pub const SESSION_TTL: Duration = Duration::from_secs(12 * 3600);
