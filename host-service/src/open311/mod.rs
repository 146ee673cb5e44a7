//! Open311 GeoReport v2 (<http://wiki.open311.org/GeoReport_v2>), so that existing back-office
//! systems and Open311 clients can read and file reports without custom work.
//!
//! * `jurisdiction_id` is a site's key; services are the active categories of its municipality
//!   (`service_code` = the category id); service requests are its problems.
//! * Only problems that passed moderation are listed (`published_at` set, status not `new`);
//!   our statuses map to the spec's `open` (published, in progress) and `closed` (resolved,
//!   refused, duplicate, closed), with the detailed status and the latest public answer in
//!   `status_notes`.
//! * Creating a report needs an `api_key` issued for the site (`host-service site api-key`); it
//!   goes through [`crate::problems::create`], the same validation and moderation as the widget's.
//!   `email`, `first_name`, `last_name` and `phone` go to the `reporters` table and appear in no
//!   answer.
//! * Creation is synchronous (`type: realtime`), so the spec's `tokens/{token}` resource is not
//!   served.
//! * Extensions, all optional: `lang=ru|en` (names and `status_notes`; default: the site's
//!   language) and `page`/`page_size` on `GET requests` (default [`PAGE_SIZE_DEFAULT`], at most
//!   [`PAGE_SIZE_MAX`], newest first; a short page is the last one).

pub mod doc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use civic_wire::{Lang, LatLon, NewProblem, ReporterContacts, Status, limits};
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, params_from_iter};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::AppState;
use crate::api::ApiError;
use crate::problems::{self, ReportSource};
use crate::ratelimit::ClientIp;
use crate::sites::{Site, active_categories, find_site};
use doc::{Doc, Failure, Format, Node};

pub const SPECIFICATION_URL: &str = "http://wiki.open311.org/GeoReport_v2";
/// When this implementation of the spec last changed (the discovery document's `changeset`).
const CHANGESET: &str = "2026-11-25T00:00:00Z";
pub const PAGE_SIZE_DEFAULT: i64 = 50;
pub const PAGE_SIZE_MAX: i64 = 200;
/// The spec's own limit: a date range of at most 90 days, the last 90 days by default.
const MAX_RANGE_SECS: i64 = 90 * 24 * 3600;
/// At most this many ids in one `service_request_id` list.
const MAX_IDS: usize = 100;

/// The routes, for the readable API page (`/api`): path, what it is in Russian and English.
pub const ROUTES_FOR_PEOPLE: &[(&str, &str, &str)] = &[
    (
        "GET /open311/discovery.{xml,json}",
        "описание точек входа",
        "service discovery",
    ),
    (
        "GET /open311/v2/services.{xml,json}?jurisdiction_id=",
        "виды обращений (категории)",
        "services (categories)",
    ),
    (
        "GET /open311/v2/services/{service_code}.{xml,json}",
        "описание вида обращения",
        "service definition",
    ),
    (
        "GET /open311/v2/requests.{xml,json}",
        "обращения: service_request_id, service_code, start_date, end_date, status; page, page_size",
        "requests: service_request_id, service_code, start_date, end_date, status; page, page_size",
    ),
    (
        "GET /open311/v2/requests/{service_request_id}.{xml,json}",
        "одно обращение",
        "one request",
    ),
    (
        "POST /open311/v2/requests.{xml,json}",
        "новое обращение (нужен api_key)",
        "file a request (needs an api_key)",
    ),
];

pub fn router() -> Router<AppState> {
    let cached = || axum::middleware::from_fn(crate::http::public_cache);
    Router::new()
        .route("/open311/discovery.xml", get(discovery).layer(cached()))
        .route("/open311/discovery.json", get(discovery).layer(cached()))
        .route("/open311/v2/services.xml", get(services).layer(cached()))
        .route("/open311/v2/services.json", get(services).layer(cached()))
        .route(
            "/open311/v2/services/{file}",
            get(service_definition).layer(cached()),
        )
        .route(
            "/open311/v2/requests.xml",
            get(requests).post(create_request).layer(cached()),
        )
        .route(
            "/open311/v2/requests.json",
            get(requests).post(create_request).layer(cached()),
        )
        .route("/open311/v2/requests/{file}", get(request).layer(cached()))
        .route("/open311/{*rest}", axum::routing::any(not_found))
        .layer(DefaultBodyLimit::max(limits::PROBLEM_BODY_MAX_BYTES))
}

/// The format named by the last segment's extension; XML (the spec's required one) otherwise.
fn format_of(uri: &Uri) -> Format {
    uri.path()
        .rsplit('/')
        .next()
        .and_then(Format::split)
        .map_or(Format::Xml, |(_, f)| f)
}

/// Form or query parameters. The spec's "optional" means an empty value is the same as none,
/// so blank values are dropped here once.
struct Params(Vec<(String, String)>);

impl Params {
    fn parse(raw: &[u8]) -> Params {
        Params(
            url::form_urlencoded::parse(raw)
                .map(|(k, v)| (k.into_owned(), v.trim().to_owned()))
                .filter(|(_, v)| !v.is_empty())
                .collect(),
        )
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a parameter that may repeat and/or be comma-separated.
    fn list(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect()
    }

    fn lang(&self, site: &Site) -> Lang {
        self.get("lang")
            .and_then(Lang::from_tag)
            .unwrap_or(site.default_lang)
    }
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Failure {
        match e {
            ApiError::Validation(fields) => Failure {
                status: StatusCode::BAD_REQUEST,
                descriptions: fields
                    .into_iter()
                    .map(|f| format!("{}: {}", open311_field(&f.field), f.message))
                    .collect(),
            },
            e => {
                tracing::error!(error = %e, "Open311 request failed");
                Failure::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
            }
        }
    }
}

impl From<rusqlite::Error> for Failure {
    fn from(e: rusqlite::Error) -> Failure {
        ApiError::from(e).into()
    }
}

impl From<crate::db::DbError> for Failure {
    fn from(e: crate::db::DbError) -> Failure {
        ApiError::from(e).into()
    }
}

/// Our validation's field names in the spec's words.
fn open311_field(field: &str) -> &str {
    match field {
        "category_id" => "service_code",
        "location" => "lat/long or address_string",
        "address" => "address_string",
        "reporter.email" => "email",
        "reporter.phone" => "phone",
        "reporter.name" => "first_name/last_name",
        other => other,
    }
}

fn respond(result: Result<Doc, Failure>, status: StatusCode, format: Format) -> Response {
    match result {
        Ok(doc) => doc.render(status, format),
        Err(failure) => failure.render(format),
    }
}

/// The jurisdiction named by `jurisdiction_id`: 400 without one (we serve several), 404 if unknown.
async fn jurisdiction(state: &AppState, params: &Params) -> Result<Site, Failure> {
    let key = params
        .get("jurisdiction_id")
        .ok_or_else(|| Failure::bad_request("jurisdiction_id was not provided"))?
        .to_owned();
    state
        .db
        .read(move |conn| find_site(conn, &key).map_err(ApiError::from))
        .await?
        .ok_or_else(|| Failure::not_found("jurisdiction_id was not found"))
}

async fn not_found(uri: Uri) -> Response {
    Failure::not_found("no such Open311 resource").render(format_of(&uri))
}

/// `GET /open311/discovery.{xml,json}`: where the GeoReport v2 endpoint is and what it speaks.
async fn discovery(State(state): State<AppState>, uri: Uri) -> Response {
    let base = state.config.public_base();
    let node = Node::Object(vec![
        ("changeset", Node::text(CHANGESET)),
        ("contact", Node::text(format!("{base}/api"))),
        (
            "key_service",
            Node::text(
                "api_key выдаёт администратор сайта (кабинет или `host-service site api-key`); \
                 an api_key is issued by the site's administrator",
            ),
        ),
        (
            "endpoints",
            Node::List {
                item: "endpoint",
                items: vec![Node::Object(vec![
                    ("specification", Node::text(SPECIFICATION_URL)),
                    ("url", Node::text(format!("{base}/open311/v2"))),
                    ("changeset", Node::text(CHANGESET)),
                    ("type", Node::text("production")),
                    (
                        "formats",
                        Node::List {
                            item: "format",
                            items: vec![Node::text("text/xml"), Node::text("application/json")],
                        },
                    ),
                ])],
            },
        ),
    ]);
    Doc {
        root: "discovery",
        node,
    }
    .render(StatusCode::OK, format_of(&uri))
}

/// `GET services.{xml,json}`: one service per active category of the jurisdiction.
async fn services(State(state): State<AppState>, uri: Uri, RawQuery(query): RawQuery) -> Response {
    let format = format_of(&uri);
    let params = Params::parse(query.unwrap_or_default().as_bytes());
    let result = async {
        let site = jurisdiction(&state, &params).await?;
        let lang = params.lang(&site);
        let categories = state
            .db
            .read(move |conn| {
                active_categories(conn, site.municipality_id, lang).map_err(ApiError::from)
            })
            .await?;
        let items = categories
            .into_iter()
            .map(|c| {
                Node::Object(vec![
                    ("service_code", Node::text(c.id.to_string())),
                    ("service_name", Node::text(c.name)),
                    ("description", Node::opt_text(c.hint)),
                    // No category has extra attributes yet: no service definition call needed.
                    ("metadata", Node::Bool(false)),
                    // A service_request_id is returned at once (no tokens).
                    ("type", Node::text("realtime")),
                    ("keywords", Node::Null),
                    ("group", Node::Null),
                ])
            })
            .collect();
        Ok(Doc {
            root: "services",
            node: Node::List {
                item: "service",
                items,
            },
        })
    }
    .await;
    respond(result, StatusCode::OK, format)
}

/// `GET services/{service_code}.{xml,json}`: the service's extra attributes (none yet).
async fn service_definition(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some((code, format)) = Format::split(&file) else {
        return Failure::not_found("no such Open311 resource").render(Format::Xml);
    };
    let params = Params::parse(query.unwrap_or_default().as_bytes());
    let code = code.to_owned();
    let result = async {
        let site = jurisdiction(&state, &params).await?;
        let category = find_service(&state, &site, &code).await?;
        Ok(Doc {
            root: "service_definition",
            node: Node::Object(vec![
                ("service_code", Node::text(category.to_string())),
                (
                    "attributes",
                    Node::List {
                        item: "attribute",
                        items: Vec::new(),
                    },
                ),
            ]),
        })
    }
    .await;
    respond(result, StatusCode::OK, format)
}

/// The category behind a `service_code` of this jurisdiction, or the spec's 404.
async fn find_service(state: &AppState, site: &Site, code: &str) -> Result<i64, Failure> {
    let unknown = || Failure::not_found(format!("service_code {code:?} was not found"));
    let id: i64 = code.parse().map_err(|_| unknown())?;
    let municipality_id = site.municipality_id;
    let exists = state
        .db
        .read(move |conn| {
            conn.query_row(
                "SELECT 1 FROM categories WHERE id = ?1 AND municipality_id = ?2 AND active = 1",
                (id, municipality_id),
                |_| Ok(()),
            )
            .optional()
            .map_err(ApiError::from)
        })
        .await?
        .is_some();
    if exists { Ok(id) } else { Err(unknown()) }
}

/// Parses the spec's w3 datetime: full RFC 3339 with an offset, or a bare date (midnight UTC).
fn parse_datetime(name: &str, value: &str) -> Result<i64, Failure> {
    if let Ok(t) = OffsetDateTime::parse(value, &Rfc3339) {
        return Ok(t.unix_timestamp());
    }
    let date_format = time::macros::format_description!("[year]-[month]-[day]");
    if let Ok(d) = time::Date::parse(value, &date_format) {
        return Ok(d.midnight().assume_utc().unix_timestamp());
    }
    Err(Failure::bad_request(format!(
        "{name} must be a w3 datetime with an offset, e.g. 2010-01-01T00:00:00Z"
    )))
}

/// The spec's date format: ISO 8601 with an offset (UTC here, written `Z`).
pub fn w3_datetime(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

/// The filters of `GET requests`, checked and turned into SQL.
struct Filter {
    sql: String,
    args: Vec<SqlValue>,
    limit: i64,
    offset: i64,
}

fn parse_filter(params: &Params, site_id: i64, now: i64) -> Result<Filter, Failure> {
    let mut sql = String::new();
    let mut args = vec![SqlValue::Integer(site_id)];
    let placeholders = |n: usize| vec!["?"; n].join(", ");
    let ids = params.list("service_request_id");
    if !ids.is_empty() {
        // The spec: a list of ids overrides every other argument.
        if ids.len() > MAX_IDS {
            return Err(Failure::bad_request(format!(
                "at most {MAX_IDS} service_request_id values at once"
            )));
        }
        sql.push_str(&format!(" AND p.id IN ({})", placeholders(ids.len())));
        // An id that is not a number names no request; -1 matches nothing.
        args.extend(
            ids.iter()
                .map(|i| SqlValue::Integer(i.parse().unwrap_or(-1))),
        );
    } else {
        let codes = params.list("service_code");
        if !codes.is_empty() {
            if codes.len() > MAX_IDS {
                return Err(Failure::bad_request(format!(
                    "at most {MAX_IDS} service_code values at once"
                )));
            }
            sql.push_str(&format!(
                " AND p.category_id IN ({})",
                placeholders(codes.len())
            ));
            args.extend(
                codes
                    .iter()
                    .map(|c| SqlValue::Integer(c.parse().unwrap_or(-1))),
            );
        }
        let mut statuses: Vec<&str> = Vec::new();
        for s in params.list("status") {
            match s.as_str() {
                "open" => statuses.extend(OPEN.iter().map(|s| s.as_str())),
                "closed" => statuses.extend(CLOSED.iter().map(|s| s.as_str())),
                _ => {
                    return Err(Failure::bad_request(
                        "status must be open or closed (comma-separated for both)",
                    ));
                }
            }
        }
        if !statuses.is_empty() {
            sql.push_str(&format!(
                " AND p.status IN ({})",
                placeholders(statuses.len())
            ));
            args.extend(statuses.iter().map(|s| SqlValue::Text((*s).to_owned())));
        }
        let start = params
            .get("start_date")
            .map(|v| parse_datetime("start_date", v))
            .transpose()?;
        let end = params
            .get("end_date")
            .map(|v| parse_datetime("end_date", v))
            .transpose()?;
        let (start, end) = match (start, end) {
            (Some(s), Some(e)) => (s, e),
            (Some(s), None) => (s, s.saturating_add(MAX_RANGE_SECS)),
            (None, Some(e)) => (e.saturating_sub(MAX_RANGE_SECS), e),
            (None, None) => (now - MAX_RANGE_SECS, now),
        };
        if end < start {
            return Err(Failure::bad_request("end_date is before start_date"));
        }
        if end - start > MAX_RANGE_SECS {
            return Err(Failure::bad_request(
                "start_date and end_date may not span more than 90 days",
            ));
        }
        sql.push_str(" AND p.created_at BETWEEN ? AND ?");
        args.push(SqlValue::Integer(start));
        args.push(SqlValue::Integer(end));
    }
    let number = |name: &str, default: i64, max: i64| -> Result<i64, Failure> {
        match params.get(name) {
            None => Ok(default),
            Some(v) => v
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| {
                    Failure::bad_request(format!("{name} must be a whole number from 1 to {max}"))
                }),
        }
    };
    let limit = number("page_size", PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX)?;
    let page = number("page", 1, 100_000)?;
    Ok(Filter {
        sql,
        args,
        limit,
        offset: (page - 1) * limit,
    })
}

const OPEN: [Status; 2] = [Status::Published, Status::InProgress];
const CLOSED: [Status; 4] = [
    Status::Resolved,
    Status::Refused,
    Status::Duplicate,
    Status::Closed,
];

/// One public problem as a `<request>`. Never selects from `reporters`.
fn load_requests(
    conn: &Connection,
    filter: &Filter,
    lang: Lang,
    base: &str,
) -> rusqlite::Result<Vec<Node>> {
    let name = match lang {
        Lang::Ru => "c.name_ru",
        Lang::En => "c.name_en",
    };
    let sql = format!(
        "SELECT p.id, p.status, p.category_id, {name}, p.description, p.address, p.lat, p.lon,
                p.created_at, p.updated_at, p.due_at,
                (SELECT e.public_answer FROM problem_events e
                  WHERE e.problem_id = p.id AND coalesce(e.public_answer, '') != ''
                  ORDER BY e.id DESC LIMIT 1),
                a.name,
                (SELECT min(f.id) FROM photos f WHERE f.problem_id = p.id AND f.hidden_at IS NULL)
         FROM problems p JOIN categories c ON c.id = p.category_id
         LEFT JOIN agencies a ON a.id = p.agency_id
         WHERE p.site_id = ? AND p.status != 'new' AND p.published_at IS NOT NULL{}
         ORDER BY p.created_at DESC, p.id DESC LIMIT {} OFFSET {}",
        filter.sql, filter.limit, filter.offset
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params_from_iter(filter.args.iter()), |r| {
        let status = Status::parse(&r.get::<_, String>(1)?).unwrap_or(Status::Published);
        let answer: Option<String> = r.get(11)?;
        let due_at: Option<i64> = r.get(10)?;
        let label = status.label(lang);
        let status_notes = match answer {
            Some(a) => format!("{label}. {a}"),
            None => label.to_owned(),
        };
        Ok(Node::Object(vec![
            (
                "service_request_id",
                Node::text(r.get::<_, i64>(0)?.to_string()),
            ),
            (
                "status",
                Node::text(if CLOSED.contains(&status) {
                    "closed"
                } else {
                    "open"
                }),
            ),
            ("status_notes", Node::text(status_notes)),
            ("service_name", Node::text(r.get::<_, String>(3)?)),
            ("service_code", Node::text(r.get::<_, i64>(2)?.to_string())),
            ("description", Node::text(r.get::<_, String>(4)?)),
            // The agency the problem is routed to ("may not be returned"): empty when none.
            // service_notice, "may not be returned" too, is not used.
            ("agency_responsible", Node::opt_text(r.get(12)?)),
            ("requested_datetime", Node::text(w3_datetime(r.get(8)?))),
            ("updated_datetime", Node::text(w3_datetime(r.get(9)?))),
            // The deadline: the category's term from the publication.
            (
                "expected_datetime",
                due_at.map_or(Node::Null, |t| Node::text(w3_datetime(t))),
            ),
            ("address", Node::opt_text(r.get(5)?)),
            // The spec lists these without "may not be returned": present, empty when unknown.
            ("address_id", Node::Null),
            ("zipcode", Node::Null),
            ("lat", Node::opt_float(r.get(6)?)),
            ("long", Node::opt_float(r.get(7)?)),
            // The first photo no moderator hid.
            (
                "media_url",
                Node::opt_text(
                    r.get::<_, Option<i64>>(13)?
                        .map(|id| crate::photos::public_url(base, id, "display")),
                ),
            ),
        ]))
    })?;
    rows.collect()
}

fn service_requests(items: Vec<Node>) -> Doc {
    Doc {
        root: "service_requests",
        node: Node::List {
            item: "request",
            items,
        },
    }
}

/// `GET requests.{xml,json}`: public problems with the spec's filters and our pagination.
async fn requests(State(state): State<AppState>, uri: Uri, RawQuery(query): RawQuery) -> Response {
    let format = format_of(&uri);
    let params = Params::parse(query.unwrap_or_default().as_bytes());
    let result = async {
        let site = jurisdiction(&state, &params).await?;
        let lang = params.lang(&site);
        let base = state.config.public_base();
        let filter = parse_filter(&params, site.id, crate::db::now())?;
        let items = state
            .db
            .read(move |conn| load_requests(conn, &filter, lang, &base).map_err(ApiError::from))
            .await?;
        Ok(service_requests(items))
    }
    .await;
    respond(result, StatusCode::OK, format)
}

/// `GET requests/{service_request_id}.{xml,json}`: one public problem, or 404.
async fn request(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some((id, format)) = Format::split(&file) else {
        return Failure::not_found("no such Open311 resource").render(Format::Xml);
    };
    let params = Params::parse(query.unwrap_or_default().as_bytes());
    let id = id.to_owned();
    let result = async {
        let site = jurisdiction(&state, &params).await?;
        let lang = params.lang(&site);
        let base = state.config.public_base();
        let unknown = || Failure::not_found(format!("service_request_id {id:?} was not found"));
        let id: i64 = id.parse().map_err(|_| unknown())?;
        let filter = Filter {
            sql: " AND p.id = ?".into(),
            args: vec![SqlValue::Integer(site.id), SqlValue::Integer(id)],
            limit: 1,
            offset: 0,
        };
        let items = state
            .db
            .read(move |conn| load_requests(conn, &filter, lang, &base).map_err(ApiError::from))
            .await?;
        if items.is_empty() {
            return Err(unknown());
        }
        Ok(service_requests(items))
    }
    .await;
    respond(result, StatusCode::OK, format)
}

/// The API client owning `api_key` for this site: 403 for a missing, unknown, revoked key or a
/// key of another site (the spec's code for every `api_key` problem).
async fn api_client(state: &AppState, site: &Site, params: &Params) -> Result<i64, Failure> {
    let Some(key) = params.get("api_key") else {
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            "api_key was not provided",
        ));
    };
    let hash = crate::secrets::token_hash(key);
    let site_id = site.id;
    let client = state
        .db
        .read(move |conn| {
            conn.query_row(
                "SELECT id FROM api_clients WHERE key_hash = ?1 AND site_id = ?2 AND revoked_at IS NULL",
                (hash, site_id),
                |r| r.get::<_, i64>(0),
            )
            .optional()
            .map_err(ApiError::from)
        })
        .await?;
    client.ok_or_else(|| Failure::new(StatusCode::FORBIDDEN, "invalid api_key"))
}

fn parse_coordinate(params: &Params, name: &str) -> Result<Option<f64>, Failure> {
    params
        .get(name)
        .map(|v| {
            v.parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .ok_or_else(|| Failure::bad_request(format!("{name} is not a number")))
        })
        .transpose()
}

/// `POST requests.{xml,json}`: files a report for moderation, as the widget does.
async fn create_request(
    State(state): State<AppState>,
    ClientIp(client_ip): ClientIp,
    uri: Uri,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let format = format_of(&uri);
    // The spec sends everything form-encoded in the body; some clients put `api_key` and
    // `jurisdiction_id` in the query string, so those count too (the body wins).
    let mut params = Params::parse(&body);
    params
        .0
        .extend(Params::parse(query.unwrap_or_default().as_bytes()).0);
    // Seconds to put in `Retry-After` when a rate limit refused the report (0: none did).
    let retry_after = std::sync::atomic::AtomicU64::new(0);
    let limited = |r: crate::ratelimit::RateLimited| {
        retry_after.store(r.retry_after_secs, std::sync::atomic::Ordering::Relaxed);
        rate_limited(r)
    };
    let result = async {
        state.limits.check_ip(client_ip).map_err(limited)?;
        let site = jurisdiction(&state, &params).await?;
        state.limits.check_site(&site.key).map_err(limited)?;
        let client = api_client(&state, &site, &params).await?;
        let code = params
            .get("service_code")
            .ok_or_else(|| Failure::bad_request("service_code was not provided"))?;
        let category_id = find_service(&state, &site, code).await?;
        let location = match (parse_coordinate(&params, "lat")?, parse_coordinate(&params, "long")?) {
            (Some(lat), Some(lon)) => Some(LatLon { lat, lon }),
            (None, None) => None,
            _ => return Err(Failure::bad_request("lat and long must be sent together")),
        };
        let name = [params.get("first_name"), params.get("last_name")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let lang = params.lang(&site);
        let report = NewProblem {
            category_id,
            description: params.get("description").unwrap_or_default().to_owned(),
            location,
            // `address_id` refers to a city's address registry we do not have; only
            // `address_string` or `lat`/`long` locate a report here.
            address: params.get("address_string").map(str::to_owned),
            reporter: ReporterContacts {
                name: Some(name).filter(|n| !n.is_empty()),
                email: params.get("email").map(str::to_owned),
                phone: params.get("phone").map(str::to_owned),
                // Open311 has no such consent; the agency does not get the contacts.
                share_with_agency: false,
            },
            // The spec has no consent field. The API client collected the report and answers
            // for the resident's consent (152-FZ) under its agreement with the municipality;
            // holding the site's key is that attestation. The receipt time is recorded.
            consent: true,
            lang,
            website: None,
        };
        let source = ReportSource {
            origin: None,
            api_client_id: Some(client),
            resident_id: None,
            district: Default::default(),
        };
        let created = problems::create(&state, &site, report, source).await?;
        tracing::info!(site.key = %site.key, problem.id = created.id, api_client.id = client, "Open311 request created");
        let notice = match lang {
            Lang::Ru => "Сообщение принято и будет опубликовано после проверки модератором.",
            Lang::En => "The report was received and will be published after moderation.",
        };
        // `account_id` "may not be returned": we have no accounts for API clients' residents.
        Ok(service_requests(vec![Node::Object(vec![
            ("service_request_id", Node::text(created.id.to_string())),
            ("service_notice", Node::text(notice)),
        ])]))
    }
    .await;
    let mut response = respond(result, StatusCode::CREATED, format);
    let secs = retry_after.into_inner();
    if secs > 0 {
        response.headers_mut().insert(
            axum::http::header::RETRY_AFTER,
            axum::http::HeaderValue::from(secs),
        );
    }
    response
}

/// A refused report in the spec's error format (429 and `Retry-After`).
fn rate_limited(r: crate::ratelimit::RateLimited) -> Failure {
    Failure::new(
        StatusCode::TOO_MANY_REQUESTS,
        format!(
            "too many requests; try again in {} seconds",
            r.retry_after_secs
        ),
    )
}
