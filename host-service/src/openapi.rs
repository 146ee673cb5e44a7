//! The widget API's OpenAPI 3 document and its readable page.
//!
//! The document is generated from the code: each `/api/v1` handler carries a `#[utoipa::path]`
//! annotation, the wire types derive their schemas (civic-wire's `openapi` feature), and
//! [`crate::api_v1`] registers routes and documentation in the same call, so neither can exist
//! without the other. `/api/openapi.json` serves it; `/api` renders it as a page for people,
//! with no script (our pages send a strict CSP).

use std::sync::LazyLock;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::html;
use serde_json::Value;
use utoipa::OpenApi;

use crate::AppState;
use crate::pages::{PageLang, layout, page};

/// The document's fixed parts; paths and schemas come from the handlers registered in
/// [`crate::api_v1`].
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Civic Widget API",
        version = "1",
        description = "The public API of the Civic Widget (`/api/v1`): what the embedded widget \
            calls, and what any client may call.\n\n\
            * JSON everywhere; every error has one shape: `{\"error\": {\"code\", \"message\", \"fields\"?}}`.\n\
            * Public reads carry a strong `ETag` and `Cache-Control`; send `If-None-Match` to get `304`.\n\
            * A reporter's name and contacts are accepted on creation and never returned by any endpoint.\n\
            * Back-office systems may use the Open311 GeoReport v2 API instead: `/open311/discovery.xml`.",
        license(name = "MIT OR Apache-2.0")
    ),
    tags(
        (name = "sites", description = "A site's widget configuration"),
        (name = "problems", description = "Reports of problems"),
    )
)]
struct ApiDoc;

/// The document's fixed parts, before the routes add their paths.
pub fn base() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

static DOCUMENT_JSON: LazyLock<String> = LazyLock::new(|| {
    crate::api_v1()
        .into_openapi()
        .to_pretty_json()
        .expect("the OpenAPI document serializes")
});

/// The generated document as JSON, as served at `/api/openapi.json`.
pub fn document_json() -> &'static str {
    &DOCUMENT_JSON
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/openapi.json",
            get(openapi_json).layer(axum::middleware::from_fn(crate::http::public_cache)),
        )
        .route("/api", get(api_page))
}

async fn openapi_json() -> Response {
    let mut response = document_json().to_owned().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// The readable API page: every operation of the document with its parameters and answers.
async fn api_page(lang: PageLang) -> Response {
    let doc: Value = serde_json::from_str(document_json()).unwrap_or(Value::Null);
    let empty = serde_json::Map::new();
    let paths = doc["paths"].as_object().unwrap_or(&empty);
    let title = lang.t("API Civic Widget", "Civic Widget API");
    let content = html! {
        h1 { (title) }
        p { (lang.t(
            "Публичный API виджета: JSON, версия в пути (/api/v1). Машиночитаемое описание (OpenAPI 3):",
            "The widget's public API: JSON, versioned in the path (/api/v1). Machine-readable description (OpenAPI 3):",
        )) " " a href="/api/openapi.json" { "/api/openapi.json" } }
        @if let Some(text) = doc["info"]["description"].as_str() {
            @for line in text.lines().filter(|l| !l.trim().is_empty()) {
                p { (line.trim_start_matches("* ")) }
            }
        }
        @for (path, item) in paths {
            @for method in ["get", "put", "post", "delete", "patch"] {
                @if let Some(op) = item.get(method) {
                    section.operation {
                        h2 { code { (method.to_uppercase()) " " (path) } }
                        @if let Some(summary) = op["summary"].as_str() { p { strong { (summary) } } }
                        @if let Some(description) = op["description"].as_str() { p { (description) } }
                        @if let Some(params) = op["parameters"].as_array() {
                            h3 { (lang.t("Параметры", "Parameters")) }
                            ul {
                                @for p in params {
                                    li {
                                        code { (p["name"].as_str().unwrap_or("")) }
                                        " (" (p["in"].as_str().unwrap_or("")) ")"
                                        @if p["required"].as_bool() == Some(true) { " *" }
                                        @if let Some(d) = p["description"].as_str() { " — " (d) }
                                    }
                                }
                            }
                        }
                        @if let Some(body) = op["requestBody"]["content"].as_object() {
                            h3 { (lang.t("Тело запроса", "Request body")) }
                            ul {
                                @for (mime, content) in body {
                                    li { code { (mime) } " " (schema_name(&content["schema"])) }
                                }
                            }
                        }
                        @if let Some(responses) = op["responses"].as_object() {
                            h3 { (lang.t("Ответы", "Responses")) }
                            ul {
                                @for (status, response) in responses {
                                    li {
                                        code { (status) } " "
                                        (response["description"].as_str().unwrap_or(""))
                                        @if let Some(content) = response["content"].as_object() {
                                            @for (mime, c) in content {
                                                " — " code { (mime) } " " (schema_name(&c["schema"]))
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 { "Open311 GeoReport v2" }
        p { (lang.t(
            "Для CRM и систем документооборота: стандарт Open311 GeoReport v2 (XML и JSON). Описание точек входа:",
            "For CRMs and back-office systems: the Open311 GeoReport v2 standard (XML and JSON). Endpoint discovery:",
        )) " " a href="/open311/discovery.xml" { "/open311/discovery.xml" } ", "
            a href="/open311/discovery.json" { "/open311/discovery.json" } }
        ul {
            @for (route, what_ru, what_en) in crate::open311::ROUTES_FOR_PEOPLE {
                li { code { (route) } " — " (lang.t(what_ru, what_en)) }
            }
        }
    };
    page(StatusCode::OK, layout(lang, title, html! {}, content))
}

/// The name of a referenced schema (`#/components/schemas/SiteConfig` → `SiteConfig`).
fn schema_name(schema: &Value) -> String {
    schema["$ref"]
        .as_str()
        .and_then(|r| r.rsplit('/').next())
        .map(str::to_owned)
        .or_else(|| schema["type"].as_str().map(str::to_owned))
        .unwrap_or_default()
}
