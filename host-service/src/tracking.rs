//! The reporter's tracking page, `GET /t/{code}`: what happened to their report, in words; and
//! citizen control, `POST /t/{code}/verdict`: once the problem is resolved, the reporter
//! confirms it (closed) or reopens it (in progress again) within the site's term, and rates
//! the solution 1–5.
//!
//! Reached by the unguessable code only. It shows what the reporter wrote and the public
//! answers — never the reporter's name or contacts, and never internal notes.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use civic_wire::Status;
use maud::html;
use rusqlite::{OptionalExtension, params};

use crate::AppState;
use crate::api::ApiError;
use crate::db::DbError;
use crate::i18n::Msg;
use crate::pages::{PageLang, format_time, iso_time, language_switch, layout, message_page, page};
use crate::secrets::is_tracking_code;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/problems/{id}", get(public_page))
        .route("/t/{code}", get(tracking_page))
        .route("/t/{code}/verdict", axum::routing::post(verdict))
        .route("/stats/{site}", get(crate::cabinet::stats::public_stats))
}

/// The public view of a problem: deliberately without any reporter field.
struct PublicProblem {
    id: i64,
    site_name: String,
    /// The site's key, for the link to its public statistics.
    site_key: String,
    category: String,
    status: Status,
    description: String,
    address: Option<String>,
    created_at: i64,
    /// Anonymous and not yet confirmed by e-mail.
    awaiting_confirmation: bool,
    /// Resolved, within the site's control term, and not judged since: the reporter may
    /// confirm or reopen it.
    control_open: bool,
    answers: Vec<(i64, String)>,
    /// Merged into this (published) problem.
    duplicate_of: Option<i64>,
}

/// How a problem's page is reached.
enum Lookup {
    /// By its reporter, with the tracking code: also before publication, with citizen control.
    Code(String),
    /// By anyone, by number (the link in an agency's appeal): published problems only.
    Public(i64),
}

/// `GET /problems/{id}`: a published problem's public card, as the map's card shows it.
#[tracing::instrument(skip_all, fields(problem.id))]
async fn public_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    lang: PageLang,
) -> Response {
    let id = id.parse::<i64>().unwrap_or(0);
    problem_page(state, Lookup::Public(id), lang, false).await
}

#[tracing::instrument(skip_all, fields(problem.id))]
async fn tracking_page(
    State(state): State<AppState>,
    Path(code): Path<String>,
    lang: PageLang,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Response {
    let thanked = query.is_some_and(|q| q.split('&').any(|p| p == "thanks=1"));
    let code = code.trim().to_ascii_uppercase();
    problem_page(state, Lookup::Code(code), lang, thanked).await
}

async fn problem_page(state: AppState, lookup: Lookup, lang: PageLang, thanked: bool) -> Response {
    let not_found = || {
        message_page(
            lang,
            StatusCode::NOT_FOUND,
            lang.m(Msg::ReportNotFound),
            lang.m(Msg::ReportNotFoundText),
            Some(("/", lang.m(Msg::Home))),
        )
    };
    let (filter, key, action): (&str, rusqlite::types::Value, _) = match lookup {
        Lookup::Code(code) if is_tracking_code(&code) => (
            "p.tracking_code = ?1",
            code.clone().into(),
            Some(lang.href(&format!("/t/{code}/verdict"))),
        ),
        Lookup::Public(id) if id > 0 => (
            "p.id = ?1 AND p.published_at IS NOT NULL AND p.status <> 'new' AND p.awaiting_confirmation = 0",
            id.into(),
            None,
        ),
        _ => return not_found(),
    };
    let en = lang.en();
    let found = state
        .db
        .read(move |conn| {
            let row = conn
                .query_row(
                    &format!("SELECT p.id, s.name, CASE WHEN ?2 THEN c.name_en ELSE c.name_ru END, p.status,
                            p.description, p.address, p.created_at, p.awaiting_confirmation,
                            p.status = 'resolved' AND p.resolved_at IS NOT NULL
                              AND ?3 - p.resolved_at <= s.control_days * 86400
                              AND NOT EXISTS (SELECT 1 FROM verdicts v WHERE v.problem_id = p.id AND v.at >= p.resolved_at),
                            p.duplicate_of, s.key
                     FROM problems p JOIN sites s ON s.id = p.site_id JOIN categories c ON c.id = p.category_id
                     WHERE {filter}"),
                    params![key, en, crate::db::now()],
                    |r| {
                        Ok(PublicProblem {
                            id: r.get(0)?,
                            site_name: r.get(1)?,
                            category: r.get(2)?,
                            status: Status::parse(&r.get::<_, String>(3)?).unwrap_or(Status::New),
                            description: r.get(4)?,
                            address: r.get(5)?,
                            created_at: r.get(6)?,
                            awaiting_confirmation: r.get(7)?,
                            control_open: r.get(8)?,
                            answers: Vec::new(),
                            duplicate_of: r.get(9)?,
                            site_key: r.get(10)?,
                        })
                    },
                )
                .optional()?;
            let Some(mut problem) = row else { return Ok::<_, ApiError>(None) };
            let mut stmt = conn.prepare_cached(
                "SELECT at, public_answer FROM problem_events
                 WHERE problem_id = ?1 AND public_answer IS NOT NULL AND public_answer <> '' ORDER BY id",
            )?;
            problem.answers = stmt.query_map([problem.id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
            Ok(Some(problem))
        })
        .await;
    let problem = match found {
        Ok(Some(p)) => p,
        Ok(None) => return not_found(),
        Err(e) => {
            tracing::error!(error = %e, "tracking page failed");
            return message_page(
                lang,
                StatusCode::INTERNAL_SERVER_ERROR,
                lang.m(Msg::Error),
                lang.m(Msg::TrackingFailed),
                None,
            );
        }
    };
    tracing::Span::current().record("problem.id", problem.id);
    let title = lang.tn(Msg::ReportNo, problem.id);
    let content = html! {
        h1 { (title) }
        @if thanked {
            p.notice role="status" { (lang.m(Msg::VerdictThanks)) }
        }
        @if problem.awaiting_confirmation {
            p.notice role="status" { (lang.m(Msg::AwaitingConfirmation)) }
        }
        dl.facts {
            dt { (lang.m(Msg::Number)) } dd.problem-number { (problem.id) }
            dt { (lang.m(Msg::Site)) } dd { (problem.site_name) }
            dt { (lang.m(Msg::Category)) } dd.problem-category { (problem.category) }
            dt { (lang.m(Msg::Date)) } dd { time datetime=(iso_time(problem.created_at)) { (format_time(problem.created_at, lang)) } }
            dt { (lang.m(Msg::Status)) } dd { span.status data-status=(problem.status.as_str()) { (problem.status.label(lang.lang)) } }
            dt { (lang.m(Msg::Description)) } dd.problem-description { (problem.description) }
            @if let Some(address) = &problem.address {
                dt { (lang.m(Msg::Address)) } dd.problem-address { (address) }
            }
            @if let Some(root) = problem.duplicate_of {
                dt { (lang.m(Msg::MergedIntoLabel)) }
                dd.duplicate-of {
                    a href=(lang.href(&format!("/problems/{root}"))) { (lang.tn(Msg::MergedInto, root)) }
                }
            }
        }
        h2 { (lang.m(Msg::Answers)) }
        @if problem.answers.is_empty() {
            p.muted { (lang.m(Msg::NoAnswersYet)) }
        } @else {
            ol.events.public-answers {
                @for (at, answer) in &problem.answers {
                    li.public-answer {
                        time datetime=(iso_time(*at)) { (format_time(*at, lang)) }
                        p.answer { (answer) }
                    }
                }
            }
        }
        @if let Some(action) = action.as_deref().filter(|_| problem.control_open) {
            section.control aria-labelledby="control-title" {
                h2 id="control-title" { (lang.m(Msg::ControlTitle)) }
                p { (lang.m(Msg::ControlText)) }
                form method="post" action=(action) {
                    fieldset {
                        legend { (lang.m(Msg::RateSolution)) }
                        @for n in 1..=5 {
                            label.check { input type="radio" name="rating" value=(n) required[n == 1]; " " (n) }
                        }
                    }
                    label for="comment" { (lang.m(Msg::ReopenWhy)) }
                    textarea id="comment" name="comment" maxlength="2000" {}
                    div {
                        button type="submit" name="verdict" value="confirmed" { (lang.m(Msg::ConfirmSolved)) }
                        " "
                        button type="submit" name="verdict" value="reopened" { (lang.m(Msg::Reopen)) }
                    }
                }
            }
        }
        p { a href=(lang.href(&format!("/stats/{}", problem.site_key))) { (lang.m(Msg::PublicStatsLink)) } }
        p { (language_switch(lang)) }
    };
    page(StatusCode::OK, layout(lang, &title, html! {}, content))
}

#[derive(serde::Deserialize, Default)]
struct VerdictForm {
    verdict: Option<String>,
    rating: Option<String>,
    comment: Option<String>,
}

/// The reporter's verdict on a resolved problem: `confirmed` closes it, `reopened` puts it back
/// in progress (and tells its agency). Once per resolution, within the site's term.
#[tracing::instrument(skip_all, fields(problem.id))]
async fn verdict(
    State(state): State<AppState>,
    Path(code): Path<String>,
    lang: PageLang,
    headers: axum::http::HeaderMap,
    form: Result<axum::Form<VerdictForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let code = code.trim().to_ascii_uppercase();
    let refused = |text: Msg| {
        message_page(
            lang,
            StatusCode::UNPROCESSABLE_ENTITY,
            lang.m(Msg::NotSaved),
            lang.m(text),
            Some((&format!("/t/{code}"), lang.m(Msg::FollowReport))),
        )
    };
    // A form from another site is refused: the code in the address is the only key here.
    let cross_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        == Some("cross-site")
        || headers
            .get(axum::http::header::ORIGIN)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|o| o != state.config.public_origin());
    if cross_site || !is_tracking_code(&code) {
        return refused(Msg::ControlClosed);
    }
    let form = form.map(|axum::Form(f)| f).unwrap_or_default();
    let confirmed = match form.verdict.as_deref() {
        Some("confirmed") => true,
        Some("reopened") => false,
        _ => return refused(Msg::ControlChoose),
    };
    let rating = form
        .rating
        .as_deref()
        .and_then(|r| r.trim().parse::<i64>().ok())
        .filter(|r| (1..=5).contains(r));
    if confirmed && rating.is_none() {
        return refused(Msg::ControlRate);
    }
    let comment = form
        .comment
        .map(|c| c.trim().chars().take(2000).collect::<String>())
        .filter(|c| !c.is_empty());
    let base = state.config.public_base();
    let lookup = code.clone();
    let done = state
        .db
        .write(move |conn| {
            let row = conn
                .query_row(
                    "SELECT p.id, p.agency_id, s.default_lang FROM problems p JOIN sites s ON s.id = p.site_id
                     WHERE p.tracking_code = ?1 AND p.status = 'resolved' AND p.resolved_at IS NOT NULL
                       AND ?2 - p.resolved_at <= s.control_days * 86400
                       AND NOT EXISTS (SELECT 1 FROM verdicts v WHERE v.problem_id = p.id AND v.at >= p.resolved_at)",
                    params![lookup, crate::db::now()],
                    |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Option<i64>>(1)?, r.get::<_, String>(2)?)),
                )
                .optional()?;
            let Some((id, agency, site_lang)) = row else { return Ok(None) };
            // The note is for the officials: in the site's language.
            let site_lang = civic_wire::Lang::from_tag(&site_lang).unwrap_or_default();
            let at = crate::db::now();
            conn.execute(
                "INSERT INTO verdicts (problem_id, agency_id, verdict, rating, at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, agency, if confirmed { "confirmed" } else { "reopened" }, rating, at],
            )?;
            let rated = rating.map(|r| crate::i18n::tn(site_lang, Msg::NoteRating, r)).unwrap_or_default();
            let (to, note) = if confirmed {
                (Status::Closed, crate::i18n::t(site_lang, Msg::NoteConfirmed).to_owned() + &rated)
            } else {
                (
                    Status::InProgress,
                    format!(
                        "{}{rated}: {}",
                        crate::i18n::t(site_lang, Msg::NoteReopened),
                        comment.as_deref().unwrap_or("—")
                    ),
                )
            };
            crate::problems::set_status(conn, &base, id, to, at)?;
            conn.execute(
                "INSERT INTO problem_events (problem_id, at, official_id, from_status, to_status, internal_note)
                 VALUES (?1, ?2, NULL, 'resolved', ?3, ?4)",
                params![id, at, to.as_str(), note],
            )?;
            let mailed = !confirmed && crate::agencies::tell_reopened(conn, &base, id, comment.as_deref())?;
            Ok::<_, DbError>(Some((id, mailed)))
        })
        .await;
    match done {
        Ok(Some((id, mailed))) => {
            tracing::Span::current().record("problem.id", id);
            tracing::info!(confirmed, "citizen control verdict");
            if mailed {
                state.outbox.wake();
            }
            axum::response::Redirect::to(&lang.href(&format!("/t/{code}?thanks=1"))).into_response()
        }
        Ok(None) => refused(Msg::ControlClosed),
        Err(e) => {
            tracing::error!(error = %e, "verdict not saved");
            message_page(
                lang,
                StatusCode::INTERNAL_SERVER_ERROR,
                lang.m(Msg::Error),
                lang.m(Msg::TrackingFailed),
                None,
            )
        }
    }
}
