//! Files embedded in the binary at compile time (see `build.rs`): the widget bundle from `dist/`
//! and the demo city page from `examples/demo-city/`, plus the cabinet's stylesheet.
//!
//! The widget's files are fetched cross-origin by city pages (wasm streaming compilation needs
//! CORS), so they carry `Access-Control-Allow-Origin: *` and `Cross-Origin-Resource-Policy:
//! cross-origin`; they are public and never carry credentials.
//!
//! They are served precompressed: `cargo xtask dist` puts a Brotli (`.br`) and a gzip (`.gz`)
//! copy beside each file, and a request gets the variant its `Accept-Encoding` prefers (Brotli,
//! then gzip, then none, on equal weights) with `Content-Encoding`, `Vary: Accept-Encoding`, its
//! own length and its own strong `ETag` (RFC 9110 8.8.3.3: codings are representations of their
//! own, so each has its own entity tag); `If-None-Match` gets a 304. The copies have no URL of
//! their own.

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;
use crate::http::DemoPage;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// A file of `dist/` (`build.rs` writes the table): its bytes as they are and, where `dist/`
/// has them, as its Brotli and gzip copies.
struct DistFile {
    path: &'static str,
    identity: Variant,
    br: Option<Variant>,
    gzip: Option<Variant>,
}

/// One content coding of a file: the bytes sent and their strong entity tag (quoted).
struct Variant {
    bytes: &'static [u8],
    etag: &'static str,
}

impl DistFile {
    fn variant(&self, coding: Coding) -> &Variant {
        let copy = match coding {
            Coding::Brotli => self.br.as_ref(),
            Coding::Gzip => self.gzip.as_ref(),
            Coding::Identity => None,
        };
        copy.unwrap_or(&self.identity)
    }

    fn offers(&self, coding: Coding) -> bool {
        match coding {
            Coding::Brotli => self.br.is_some(),
            Coding::Gzip => self.gzip.is_some(),
            Coding::Identity => true,
        }
    }
}

/// The content codings the widget's files come in, in the order we prefer them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coding {
    Brotli,
    Gzip,
    Identity,
}

impl Coding {
    const PREFERRED: [Coding; 3] = [Coding::Brotli, Coding::Gzip, Coding::Identity];

    /// The `Content-Encoding` value; `None` for identity, which is never sent there.
    fn content_encoding(self) -> Option<&'static str> {
        match self {
            Coding::Brotli => Some("br"),
            Coding::Gzip => Some("gzip"),
            Coding::Identity => None,
        }
    }

    fn named(token: &str) -> Option<Coding> {
        // RFC 9110 8.4.1.3: `x-gzip` is `gzip`.
        [
            ("br", Coding::Brotli),
            ("gzip", Coding::Gzip),
            ("x-gzip", Coding::Gzip),
            ("identity", Coding::Identity),
        ]
        .into_iter()
        .find(|(name, _)| token.eq_ignore_ascii_case(name))
        .map(|(_, coding)| coding)
    }
}

/// The coding to send, of those `offered`, by the request's `Accept-Encoding` (RFC 9110
/// 12.5.3): the highest weight wins and our order ([`Coding::PREFERRED`]) breaks ties; `q=0`
/// refuses a coding, `*` weighs every coding the field does not name; identity is acceptable
/// unless refused (by itself or by `*`), below any coding the client named. No field means no
/// preference, and we send identity; so we do when nothing offered is acceptable (RFC 9110
/// prefers that to a 406).
pub fn negotiate(headers: &HeaderMap, offered: impl Fn(Coding) -> bool) -> Coding {
    if headers.get(header::ACCEPT_ENCODING).is_none() {
        return Coding::Identity;
    }
    // Weights in thousandths.
    let mut named: Vec<(Coding, u16)> = Vec::new();
    let mut wildcard: Option<u16> = None;
    for element in headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
    {
        let mut parts = element.split(';');
        let token = parts.next().unwrap_or_default().trim();
        let mut weight = Some(1000);
        for param in parts {
            if let Some((name, value)) = param.split_once('=')
                && name.trim().eq_ignore_ascii_case("q")
            {
                weight = qvalue(value.trim());
            }
        }
        // An element with a malformed weight is ignored, as an unknown coding is.
        let Some(weight) = weight else { continue };
        if token == "*" {
            wildcard = Some(wildcard.map_or(weight, |w| w.max(weight)));
        } else if let Some(coding) = Coding::named(token) {
            match named.iter_mut().find(|(c, _)| *c == coding) {
                Some((_, w)) => *w = (*w).max(weight),
                None => named.push((coding, weight)),
            }
        }
    }
    // (weight, rank by our order) of each acceptable coding; `None` for a refused one.
    let score = |coding: Coding| -> Option<(u16, usize)> {
        let weight = match (named.iter().find(|(c, _)| *c == coding), wildcard) {
            (Some((_, w)), _) => *w,
            (None, Some(w)) => w,
            // Unnamed identity: acceptable, below everything named (an unnamed coding is not).
            (None, None) if coding == Coding::Identity => return Some((0, 0)),
            (None, None) => return None,
        };
        let rank = Coding::PREFERRED.len() - Coding::PREFERRED.iter().position(|c| *c == coding)?;
        (weight > 0).then_some((weight, rank))
    };
    Coding::PREFERRED
        .into_iter()
        .filter(|c| offered(*c))
        .filter_map(|c| score(c).map(|s| (s, c)))
        .max_by_key(|(s, _)| *s)
        .map_or(Coding::Identity, |(_, c)| c)
}

/// A weight (`0`, `0.5`, `1.000`, …) in thousandths; `None` if it is not one.
fn qvalue(text: &str) -> Option<u16> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = fraction
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(3)
        .fold(0u16, |n, digit| n * 10 + u16::from(digit - b'0'));
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// The middleware just outside the global `CompressionLayer` (`http.rs`): for a request of an
/// embedded `dist/` file, chooses the coding here (kept in the request's extensions for
/// [`serve_embedded`]) and hides `Accept-Encoding` from that layer. The layer leaves a response
/// that has a `Content-Encoding` alone, but it would still gzip an identity one, which was
/// chosen on purpose, and answer 406 over our Brotli when a client accepts nothing it can make
/// itself (say `br, *;q=0`).
pub async fn precompressed(mut req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD)
        && let Some(file) = dist_file(req.uri().path())
    {
        let coding = negotiate(req.headers(), |c| file.offers(c));
        req.extensions_mut().insert(coding);
        req.headers_mut().remove(header::ACCEPT_ENCODING);
    }
    next.run(req).await
}

/// The stylesheet of our own pages (cabinet, tracking, policy).
pub const SITE_CSS: &str = include_str!("../assets/civic.css");
pub const SITE_CSS_PATH: &str = "/assets/civic.css";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(SITE_CSS_PATH, get(site_css))
        .route(
            WIDGET_CSS_PATH,
            get(widget_css).layer(axum::middleware::from_fn(crate::http::public_cache)),
        )
        .route(
            "/",
            get(|req: Request| async move {
                demo_file("index.html", &req).unwrap_or_else(|| crate::pages::not_found_page(&req))
            }),
        )
}

/// The widget's stylesheet (the bundles carry none; a basic widget's first screen brings its
/// own): `?mode=basic` (the default) or `map`, `&accent=` the widget's `data-accent`.
pub const WIDGET_CSS_PATH: &str = "/widget/style.css";

#[derive(serde::Deserialize)]
struct WidgetCssQuery {
    mode: Option<String>,
    accent: Option<String>,
}

/// [`widget::style::sheet`] for the loader, which adopts it into the widget's shadow root:
/// fetched cross-origin like the bundle, public, with an `ETag` ([`crate::http::public_cache`]).
/// An accent we cannot read is ignored, as in the first screen; an unknown mode is a 422 that
/// names the field, as any invalid field of the API.
async fn widget_css(
    axum::extract::Query(q): axum::extract::Query<WidgetCssQuery>,
) -> Result<Response, crate::api::ApiError> {
    let map = match q.mode.as_deref().unwrap_or("basic") {
        "basic" => false,
        "map" => true,
        _ => {
            return Err(crate::api::ApiError::Validation(vec![
                civic_wire::FieldError {
                    field: "mode".into(),
                    code: civic_wire::FieldErrorCode::Invalid,
                    message: "mode is basic or map".into(),
                },
            ]));
        }
    };
    let css = widget::style::sheet(map, q.accent.as_deref().unwrap_or_default());
    let mut response = (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/css; charset=utf-8"),
        )],
        css,
    )
        .into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert(
        header::HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("cross-origin"),
    );
    Ok(response)
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

/// The `dist/` file at a request's path (`/widget.js` is `dist/widget.js`); the compressed
/// copies are not files here.
fn dist_file(path: &str) -> Option<&'static DistFile> {
    let path = path.strip_prefix('/')?;
    embedded::DIST.iter().find(|f| f.path == path)
}

/// Serves `dist/<path>` at `/<path>`, else `examples/demo-city/<path>`; `None` if neither has it.
pub fn serve_embedded(req: &Request) -> Option<Response> {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return None;
    }
    let path = req.uri().path().trim_start_matches('/');
    if path.is_empty() || path.split('/').any(|seg| seg.is_empty() || seg == "..") {
        return None;
    }
    if let Some(file) = dist_file(req.uri().path()) {
        let coding = req
            .extensions()
            .get::<Coding>()
            .copied()
            .unwrap_or_else(|| negotiate(req.headers(), |c| file.offers(c)));
        return Some(dist_response(req, file, coding));
    }
    demo_file(path, req)
}

/// A `dist/` file in `coding`: 200 with the variant's bytes (none for HEAD), or 304 when
/// `If-None-Match` names the variant's entity tag.
fn dist_response(req: &Request, file: &DistFile, coding: Coding) -> Response {
    let variant = file.variant(coding);
    let cache = if file.path.starts_with("widget/") {
        // Content-hashed names: a new build is a new URL, so cache forever.
        "public, max-age=31536000, immutable"
    } else {
        // The stable loader (`widget.js`): short, so a release reaches city pages quickly; its
        // ETag lets a browser revalidate it for a 304 without the body.
        "public, max-age=300"
    };
    let mut headers = HeaderMap::new();
    for (name, value) in [
        (header::CACHE_CONTROL, cache),
        (header::ETAG, variant.etag),
        (header::VARY, "accept-encoding"),
        (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        (
            header::HeaderName::from_static("cross-origin-resource-policy"),
            "cross-origin",
        ),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if crate::http::if_none_match(req.headers(), variant.etag) {
        // RFC 9110 15.4.5: what the 200 would have said of caching, no representation fields.
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(mime_for(file.path)),
    );
    if let Some(encoding) = coding.content_encoding() {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    headers.insert(
        header::CONTENT_LENGTH,
        HeaderValue::from(variant.bytes.len()),
    );
    let body = if req.method() == Method::HEAD {
        Body::empty()
    } else {
        Body::from(variant.bytes)
    };
    (StatusCode::OK, headers, body).into_response()
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

/// The loader (`dist/widget.js`) as text, for the per-site loaders (`sites::site_loader`).
pub fn loader_js() -> &'static str {
    dist_file("/widget.js")
        .and_then(|f| std::str::from_utf8(f.identity.bytes).ok())
        .unwrap_or_default()
}

/// Paths of the embedded widget files (not of their compressed copies), for the start-up log
/// and tests.
pub fn widget_files() -> impl Iterator<Item = &'static str> {
    embedded::DIST.iter().map(|f| f.path)
}
