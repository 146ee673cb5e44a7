//! Creating problems: the widget's `POST /api/v1/sites/{key}/problems`, and [`create`], the one
//! path every report takes into the database (the widget's and Open311's alike).
//!
//! The problem row and the reporter's contacts are written in one transaction but to separate
//! tables; the answer (`201`) is sent only after that transaction committed.

use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use civic_wire::{FieldError, FieldErrorCode, NewProblem, ProblemCreated, Status, limits};
use rusqlite::{OptionalExtension, params};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use crate::AppState;
use crate::api::{ApiError, ApiJson};
use crate::db::now;
use crate::ratelimit::ClientIp;
use crate::secrets;
use crate::sites::{Site, find_site, normalize_origin};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(
        routes!(create_problem).layer(DefaultBodyLimit::max(limits::PROBLEM_BODY_MAX_BYTES)),
    )
}

/// Where a report came from, recorded with it.
#[derive(Debug, Clone, Default)]
pub struct ReportSource {
    /// The `Origin` of the page that embedded the widget, when the browser sent one.
    pub origin: Option<String>,
    /// The Open311 API client that filed it.
    pub api_client_id: Option<i64>,
    /// The resident signed in through the site's SSO (`Authorization: Bearer`), if any.
    pub resident_id: Option<i64>,
}

/// A stored report: its public number and the reporter's tracking code.
#[derive(Debug, Clone)]
pub struct CreatedProblem {
    pub id: i64,
    pub tracking_code: String,
}
/// A report that passed every check, with its text trimmed and empty contacts dropped.
struct CleanReport {
    category_id: i64,
    description: String,
    address: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
    lang: &'static str,
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
}

fn non_empty(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Files a report. Contacts in `reporter` are stored apart from the problem and never returned.
///
/// The report waits for moderation (`status: new`); it becomes public once an official publishes
/// it. Origins not registered for the site are refused (`403`) when the browser sends `Origin`.
#[utoipa::path(
    post,
    path = "/api/v1/sites/{key}/problems",
    tag = "problems",
    params(("key" = String, Path, description = "The site's public key (`data-site`)")),
    request_body(content = NewProblem, content_type = "application/json"),
    responses(
        (status = 201, description = "Stored (committed) and waiting for moderation", body = ProblemCreated),
        (status = 400, description = "Not JSON, or not `Content-Type: application/json`", body = civic_wire::ApiError),
        (status = 401, description = "An `Authorization: Bearer` widget session was sent but is unknown, expired or of another site", body = civic_wire::ApiError),
        (status = 403, description = "This origin may not use the site's widget", body = civic_wire::ApiError),
        (status = 404, description = "No site with this key", body = civic_wire::ApiError),
        (status = 413, description = "The body is larger than 64 KiB", body = civic_wire::ApiError),
        (status = 422, description = "Invalid fields, each named in `error.fields`", body = civic_wire::ApiError),
        (status = 429, description = "Too many reports from this address or for this site; `Retry-After` says when to retry", body = civic_wire::ApiError),
    )
)]
#[tracing::instrument(skip_all, fields(site.key = %key, problem.id))]
async fn create_problem(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Path(key): Path<String>,
    headers: HeaderMap,
    ApiJson(report): ApiJson<NewProblem>,
) -> Result<(StatusCode, axum::Json<ProblemCreated>), ApiError> {
    // Counted before anything else, the honeypot included: a bot learns nothing from which of
    // its reports were dropped, and cannot use them to probe the limit.
    state.limits.check_ip(client)?;
    let base = state.config.public_base();
    if report
        .website
        .as_deref()
        .is_some_and(|w| !w.trim().is_empty())
    {
        // A bot filled the hidden field. Answer as if it worked so it learns nothing; store nothing.
        tracing::info!("honeypot report dropped");
        let code = secrets::tracking_code();
        let fake_id =
            1000 + (u16::from_le_bytes([code.as_bytes()[0], code.as_bytes()[1]]) as i64 % 9000);
        return Ok((
            StatusCode::CREATED,
            axum::Json(ProblemCreated {
                id: fake_id,
                tracking_url: format!("{base}/t/{code}"),
                tracking_code: code,
                status: Status::New,
            }),
        ));
    }
    let origin = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .and_then(normalize_origin);

    let lookup_key = key.clone();
    let site = state
        .db
        .read(move |conn| find_site(conn, &lookup_key).map_err(ApiError::from))
        .await?
        .ok_or(ApiError::UnknownSite)?;
    state.limits.check_site(&site.key)?;
    let resident = crate::sso::bearer_resident(&state, &headers, site.id).await?;
    let source = ReportSource {
        origin,
        api_client_id: None,
        resident_id: resident.map(|r| r.id),
    };
    let CreatedProblem {
        id,
        tracking_code: code,
    } = create(&state, &site, report, source).await?;
    tracing::Span::current().record("problem.id", id);
    tracing::info!("problem created");
    Ok((
        StatusCode::CREATED,
        axum::Json(ProblemCreated {
            id,
            tracking_url: format!("{base}/t/{code}"),
            tracking_code: code,
            status: Status::New,
        }),
    ))
}

/// Validates a report (the shared [`civic_wire::validate_new_problem`] plus what only the host
/// knows: the site's bounds and categories) and stores it with status `new`, the reporter's
/// contacts in `reporters` only. Returns after the transaction committed.
pub async fn create(
    state: &AppState,
    site: &Site,
    report: NewProblem,
    source: ReportSource,
) -> Result<CreatedProblem, ApiError> {
    let mut errors = civic_wire::validate_new_problem(&report);
    if let Some(location) = report.location {
        let location_already_wrong = errors.iter().any(|e| e.field == "location");
        if !location_already_wrong && !site.bounds.contains(location) {
            errors.push(FieldError {
                field: "location".into(),
                code: FieldErrorCode::OutsideBounds,
                message: "the place is outside this municipality".into(),
            });
        }
    }

    let clean = CleanReport {
        category_id: report.category_id,
        description: report.description.trim().to_owned(),
        address: non_empty(report.address.as_deref()),
        lat: report.location.map(|l| l.lat),
        lon: report.location.map(|l| l.lon),
        lang: report.lang.code(),
        name: non_empty(report.reporter.name.as_deref()),
        email: non_empty(report.reporter.email.as_deref()),
        phone: non_empty(report.reporter.phone.as_deref()),
    };
    let site_id = site.id;
    let municipality_id = site.municipality_id;
    let source_label = if source.api_client_id.is_some() {
        "open311"
    } else {
        "widget"
    };
    // The category is checked inside the write so a category switched off a moment ago cannot
    // slip in; the other field errors are reported together with it.
    let created = state
        .db
        .write(move |conn| {
            let category_ok = conn
                .query_row(
                    "SELECT 1 FROM categories WHERE id = ?1 AND municipality_id = ?2 AND active = 1",
                    params![clean.category_id, municipality_id],
                    |_| Ok(()),
                )
                .optional()?
                .is_some();
            if !category_ok {
                errors.push(FieldError {
                    field: "category_id".into(),
                    code: FieldErrorCode::UnknownCategory,
                    message: "no such category on this site".into(),
                });
            }
            if !errors.is_empty() {
                return Err(ApiError::Validation(errors));
            }
            let at = now();
            let code = secrets::tracking_code();
            conn.execute(
                "INSERT INTO problems (site_id, category_id, status, description, address, lat, lon,
                                       tracking_code, lang, origin, api_client_id, created_at, updated_at,
                                       resident_id)
                 VALUES (?1, ?2, 'new', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12)",
                params![
                    site_id,
                    clean.category_id,
                    clean.description,
                    clean.address,
                    clean.lat,
                    clean.lon,
                    code,
                    clean.lang,
                    source.origin,
                    source.api_client_id,
                    at,
                    source.resident_id
                ],
            )?;
            let id = conn.last_insert_rowid();
            conn.execute(
                "INSERT INTO reporters (problem_id, name, email, phone, consent_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, clean.name, clean.email, clean.phone, at],
            )?;
            conn.execute(
                "INSERT INTO problem_events (problem_id, at, official_id, from_status, to_status)
                 VALUES (?1, ?2, NULL, NULL, 'new')",
                params![id, at],
            )?;
            Ok(CreatedProblem {
                id,
                tracking_code: code,
            })
        })
        .await?;
    state.metrics.record_submission(&site.key, source_label);
    Ok(created)
}
