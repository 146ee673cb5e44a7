//! Creating problems: the widget's `POST /api/v1/sites/{key}/problems`, and [`create`], the one
//! path every report takes into the database (the widget's and Open311's alike).
//!
//! The problem row and the reporter's contacts are written in one transaction but to separate
//! tables; the answer (`201`) is sent only after that transaction committed.

use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use civic_wire::{
    AnonymousReports, FieldError, FieldErrorCode, Lang, NewProblem, ProblemCreated, Status, limits,
};
use rusqlite::{Connection, OptionalExtension, params};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use crate::AppState;
use crate::api::{ApiError, ApiJson};
use crate::db::now;
use crate::mail;
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
    /// The district of the report's place, when the caller read it together with the site.
    pub district: DistrictLookup,
}

/// Whether the district of a report's place was already read (in the widget's one read per
/// report, with the site) or is for [`create`] to look up.
#[derive(Debug, Clone, Copy, Default)]
pub enum DistrictLookup {
    #[default]
    Unread,
    Read(Option<i64>),
}

/// A stored report: its public number, the reporter's tracking code, and where it stands.
#[derive(Debug, Clone)]
pub struct CreatedProblem {
    pub id: i64,
    pub tracking_code: String,
    /// `new` (waiting for a moderator or a confirmation) or `published`.
    pub status: Status,
    /// A confirmation link went to the reporter's e-mail.
    pub confirmation_sent: bool,
}

/// How long an e-mailed confirmation link works.
pub const CONFIRMATION_VALID_DAYS: i64 = 7;
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
    share_with_agency: bool,
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
        (status = 201, description = "Stored (committed): waiting for moderation, or for the e-mailed confirmation (`confirmation_sent`), or published at once on a site without pre-moderation", body = ProblemCreated),
        (status = 400, description = "Not JSON, or not `Content-Type: application/json`", body = civic_wire::ApiError),
        (status = 401, description = "An `Authorization: Bearer` widget session was sent but is unknown, expired or of another site (`unauthenticated`), or none was sent and the site takes reports from signed-in residents only (`sign_in_required`)", body = civic_wire::ApiError),
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
                confirmation_sent: false,
            }),
        ));
    }
    let origin = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .and_then(normalize_origin);

    // One read per report: the site, and the district of the place given (if it lies in the
    // site's area; `create` checks the rest).
    let lookup_key = key.clone();
    let place = report.location;
    let (site, district) = state
        .db
        .read(move |conn| {
            let Some(site) = find_site(conn, &lookup_key)? else {
                return Ok(None);
            };
            let district = match place {
                Some(p) if site.bounds.contains(p) => DistrictLookup::Read(
                    crate::districts::district_of(conn, site.municipality_id, p.lat, p.lon)?,
                ),
                _ => DistrictLookup::Unread,
            };
            Ok::<_, ApiError>(Some((site, district)))
        })
        .await?
        .ok_or(ApiError::UnknownSite)?;
    state.limits.check_site(&site.key)?;
    let resident = crate::sso::bearer_resident(&state, &headers, site.id).await?;
    let source = ReportSource {
        origin,
        api_client_id: None,
        resident_id: resident.map(|r| r.id),
        district,
    };
    let CreatedProblem {
        id,
        tracking_code: code,
        status,
        confirmation_sent,
    } = create(&state, &site, report, source).await?;
    tracing::Span::current().record("problem.id", id);
    tracing::info!(
        status = status.as_str(),
        confirmation_sent,
        "problem created"
    );
    Ok((
        StatusCode::CREATED,
        axum::Json(ProblemCreated {
            id,
            tracking_url: format!("{base}/t/{code}"),
            tracking_code: code,
            status,
            confirmation_sent,
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
    let anonymous = source.resident_id.is_none() && source.api_client_id.is_none();
    if anonymous && site.anonymous == AnonymousReports::Off {
        return Err(ApiError::SignInRequired);
    }
    let needs_confirmation = anonymous && site.anonymous == AnonymousReports::ConfirmEmail;
    let mut errors = civic_wire::validate_new_problem(&report);
    if needs_confirmation && non_empty(report.reporter.email.as_deref()).is_none() {
        errors.push(FieldError {
            field: "reporter.email".into(),
            code: FieldErrorCode::Required,
            message: "an e-mail is needed to confirm a report from a visitor who is not signed in"
                .into(),
        });
    }
    // Published at once only where the site does without moderators, and never before the
    // reporter confirmed.
    let publish_now = !site.premoderation && !needs_confirmation;
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
        share_with_agency: report.reporter.share_with_agency,
    };
    let site_id = site.id;
    let site_name = site.name.clone();
    let municipality_id = site.municipality_id;
    let base = state.config.public_base();
    let source_label = if source.api_client_id.is_some() {
        "open311"
    } else {
        "widget"
    };
    // The district is found on a reader (parsing boundaries is no work for the writer); the
    // INSERT keeps it only if it still exists.
    let district = match (clean.lat, clean.lon, source.district) {
        (_, _, DistrictLookup::Read(district)) => district,
        (Some(lat), Some(lon), DistrictLookup::Unread) if errors.is_empty() => {
            state
                .db
                .read(move |conn| {
                    crate::districts::district_of(conn, municipality_id, lat, lon)
                        .map_err(ApiError::from)
                })
                .await?
        }
        _ => None,
    };
    // The category is checked inside the write so a category switched off a moment ago cannot
    // slip in; the other field errors are reported together with it.
    let created = state
        .db
        .write(move |conn| {
            // Cached statements: the writer is the one thread every report passes through, so
            // it parses none of its SQL again (BENCHMARKS.md: the report's path).
            let category_ok = conn
                .prepare_cached(
                    "SELECT 1 FROM categories WHERE id = ?1 AND municipality_id = ?2 AND active = 1",
                )?
                .query_row(params![clean.category_id, municipality_id], |_| Ok(()))
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
            conn.prepare_cached(
                "INSERT INTO problems (site_id, category_id, status, description, address, lat, lon,
                                       tracking_code, lang, origin, api_client_id, created_at, updated_at,
                                       resident_id, awaiting_confirmation, district_id)
                 VALUES (?1, ?2, 'new', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12, ?13,
                         (SELECT id FROM districts WHERE id = ?14))",
            )?
            .execute(
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
                    source.resident_id,
                    needs_confirmation,
                    district
                ],
            )?;
            let id = conn.last_insert_rowid();
            conn.prepare_cached(
                "INSERT INTO reporters (problem_id, name, email, phone, consent_at, share_with_agency)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![id, clean.name, clean.email, clean.phone, at, clean.share_with_agency])?;
            conn.prepare_cached(
                "INSERT INTO problem_events (problem_id, at, official_id, from_status, to_status)
                 VALUES (?1, ?2, NULL, NULL, 'new')",
            )?
            .execute(params![id, at])?;
            let mut status = Status::New;
            let mut mailed = false;
            if publish_now {
                mailed = publish_unmoderated(conn, &base, id, at)?;
                status = Status::Published;
            }
            if needs_confirmation {
                let token = secrets::token();
                conn.execute(
                    "INSERT INTO email_confirmations (token_hash, problem_id, created_at, expires_at)
                     VALUES (?1, ?2, ?3, ?4)",
                    params![secrets::token_hash(&token), id, at, at + CONFIRMATION_VALID_DAYS * 86400],
                )?;
                let category = category_name(conn, clean.category_id, clean.lang)?;
                let about = mail::About {
                    lang: Lang::from_tag(clean.lang).unwrap_or_default(),
                    site_name: &site_name,
                    problem_id: id,
                    category: &category,
                };
                let to = clean.email.as_deref().unwrap_or_default();
                let link = format!("{base}/confirm/{token}");
                mail::enqueue(conn, &mail::confirm_report(&about, to, &link, CONFIRMATION_VALID_DAYS))?;
                mailed = true;
            }
            Ok((
                CreatedProblem {
                    id,
                    tracking_code: code,
                    status,
                    confirmation_sent: needs_confirmation,
                },
                mailed,
            ))
        })
        .await?;
    let (created, mailed) = created;
    if mailed {
        state.outbox.wake();
    }
    state.metrics.record_submission(&site.key, source_label);
    Ok(created)
}

/// A category's name in `lang` (`ru` or `en`), for messages about a problem.
pub fn category_name(conn: &Connection, category_id: i64, lang: &str) -> rusqlite::Result<String> {
    conn.query_row(
        "SELECT CASE WHEN ?2 = 'en' THEN name_en ELSE name_ru END FROM categories WHERE id = ?1",
        params![category_id, lang],
        |r| r.get(0),
    )
}

/// Moves a problem to `status` at `at`: the one UPDATE every status change goes through (the
/// cabinet, a confirmed report on a site without moderation). Publication stamps
/// `published_at` and starts the category's term (`due_at`, in calendar or the site's working
/// days: workdays.rs), once: a later change keeps both;
/// the first publication also routes the problem to its agency (`base` is the public URL, for
/// the agency's link). The public map's index follows in the same transaction. The caller
/// records the event. Returns whether an e-mail was queued (then wake the outbox after commit).
pub fn set_status(
    conn: &Connection,
    base: &str,
    id: i64,
    status: Status,
    at: i64,
) -> rusqlite::Result<bool> {
    let first_publication = status == Status::Published
        && conn.query_row(
            "SELECT published_at IS NULL FROM problems WHERE id = ?1",
            [id],
            |r| r.get::<_, bool>(0),
        )?;
    // The term starts at publication, once: in calendar or the site's working days.
    let due = match status {
        Status::Published => Some(crate::workdays::due_at(conn, id, at)?),
        _ => None,
    };
    conn.execute(
        "UPDATE problems SET status = ?1, updated_at = ?2,
                published_at = CASE WHEN ?1 = 'published' THEN coalesce(published_at, ?2) ELSE published_at END,
                due_at = coalesce(due_at, ?4),
                -- Citizen control counts its days from the last 'resolved'.
                resolved_at = CASE WHEN ?1 = 'resolved' THEN ?2 ELSE resolved_at END
         WHERE id = ?3",
        params![status.as_str(), at, id, due],
    )?;
    crate::map::index::sync(conn, id)?;
    if first_publication {
        return crate::agencies::route_on_publication(conn, base, id);
    }
    Ok(false)
}

/// Publishes a report on a site without pre-moderation: the status change and its event.
/// Returns whether an e-mail was queued (to the agency it was routed to).
pub fn publish_unmoderated(
    conn: &Connection,
    base: &str,
    id: i64,
    at: i64,
) -> rusqlite::Result<bool> {
    let mailed = set_status(conn, base, id, Status::Published, at)?;
    conn.execute(
        "INSERT INTO problem_events (problem_id, at, official_id, from_status, to_status)
         VALUES (?1, ?2, NULL, 'new', 'published')",
        params![id, at],
    )?;
    Ok(mailed)
}

/// Queues the e-mail that tells a problem's reporter about a status change or a public answer,
/// when the reporter left an address (in the form, or through their site's sign-in) — and the
/// reporters of the reports merged into it (`duplicate_of`), who follow it.
pub fn queue_reporter_mail(
    conn: &Connection,
    base: &str,
    id: i64,
    status: Status,
    answer: Option<&str>,
) -> rusqlite::Result<bool> {
    let mut mailed = queue_mail_to_reporter_of(conn, base, id, id, status, answer)?;
    let followers: Vec<i64> = conn
        .prepare_cached("SELECT id FROM problems WHERE duplicate_of = ?1 ORDER BY id")?
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for follower in followers {
        mailed |= queue_mail_to_reporter_of(conn, base, follower, id, status, answer)?;
    }
    Ok(mailed)
}

/// The reporter of problem `reporter_of` is told about problem `about` (the same, or the one
/// their report was merged into); the link is their own tracking page.
fn queue_mail_to_reporter_of(
    conn: &Connection,
    base: &str,
    reporter_of: i64,
    about: i64,
    status: Status,
    answer: Option<&str>,
) -> rusqlite::Result<bool> {
    let found = conn
        .query_row(
            "SELECT coalesce(rp.email, rs.email), p.lang, s.name, p.category_id, p.tracking_code
             FROM problems p JOIN sites s ON s.id = p.site_id
             LEFT JOIN reporters rp ON rp.problem_id = p.id
             LEFT JOIN residents rs ON rs.id = p.resident_id
             WHERE p.id = ?1",
            [reporter_of],
            |r| {
                Ok((
                    r.get::<_, Option<String>>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, String>(4)?,
                ))
            },
        )
        .optional()?;
    let Some((Some(to), lang, site_name, category_id, code)) = found else {
        return Ok(false);
    };
    let to = to.trim();
    if to.is_empty() {
        return Ok(false);
    }
    let category = category_name(conn, category_id, &lang)?;
    let about = mail::About {
        lang: Lang::from_tag(&lang).unwrap_or_default(),
        site_name: &site_name,
        problem_id: about,
        category: &category,
    };
    let tracking = format!("{base}/t/{code}");
    mail::enqueue(
        conn,
        &mail::status_changed(&about, to, status, answer, &tracking),
    )?;
    Ok(true)
}

/// Why a merge was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MergeRefused {
    /// No such published problem of the municipality, or the problem itself.
    NoTarget,
}

/// Merges problem `id` into problem `into` (of municipality `municipality_id`), as a moderator
/// marks it a duplicate: `id` points at the problem its chain ends in; its supporters become
/// that problem's (each person once), and so does its reporter (a report is a vote: "this
/// affects me too"); reports merged into `id` before follow. From then on the reporters of
/// merged reports hear of every change of the problem they follow ([`queue_reporter_mail`]).
/// Returns the problem merged into. The caller sets the status.
pub fn merge(
    conn: &Connection,
    municipality_id: i64,
    id: i64,
    into: i64,
    at: i64,
) -> rusqlite::Result<Result<i64, MergeRefused>> {
    // The end of the chain: a duplicate's own target.
    let mut root = into;
    for _ in 0..16 {
        let next: Option<Option<i64>> = conn
            .query_row(
                "SELECT p.duplicate_of FROM problems p JOIN sites s ON s.id = p.site_id
                 WHERE p.id = ?1 AND s.municipality_id = ?2 AND p.published_at IS NOT NULL
                   AND p.awaiting_confirmation = 0",
                params![root, municipality_id],
                |r| r.get(0),
            )
            .optional()?;
        match next {
            None => return Ok(Err(MergeRefused::NoTarget)),
            Some(Some(next)) => root = next,
            Some(None) => break,
        }
    }
    if root == id {
        return Ok(Err(MergeRefused::NoTarget));
    }
    conn.execute(
        "UPDATE problems SET duplicate_of = ?2 WHERE id = ?1 OR duplicate_of = ?1",
        params![id, root],
    )?;
    let mut added = conn.execute(
        "INSERT INTO supports (problem_id, voter_key, created_at)
         SELECT ?2, voter_key, created_at FROM supports WHERE problem_id = ?1
         ON CONFLICT (problem_id, voter_key) DO NOTHING",
        params![id, root],
    )?;
    added += conn.execute(
        "INSERT INTO supports (problem_id, voter_key, created_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (problem_id, voter_key) DO NOTHING",
        params![root, format!("report:{id}"), at],
    )?;
    conn.execute(
        "UPDATE problems SET support_count = support_count + ?2 WHERE id = ?1",
        params![root, added as i64],
    )?;
    Ok(Ok(root))
}
