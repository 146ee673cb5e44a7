//! The reporter's tracking page, `GET /t/{code}`: what happened to their report, in words.
//!
//! Reached by the unguessable code only. It shows what the reporter wrote and the public
//! answers — never the reporter's name or contacts, and never internal notes.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use civic_wire::Status;
use maud::html;
use rusqlite::{OptionalExtension, params};

use crate::AppState;
use crate::api::ApiError;
use crate::i18n::Msg;
use crate::pages::{PageLang, format_time, iso_time, language_switch, layout, message_page, page};
use crate::secrets::is_tracking_code;

pub fn router() -> Router<AppState> {
    Router::new().route("/t/{code}", get(tracking_page))
}

/// The public view of a problem: deliberately without any reporter field.
struct PublicProblem {
    id: i64,
    site_name: String,
    category: String,
    status: Status,
    description: String,
    address: Option<String>,
    created_at: i64,
    /// Anonymous and not yet confirmed by e-mail.
    awaiting_confirmation: bool,
    answers: Vec<(i64, String)>,
}

#[tracing::instrument(skip_all, fields(problem.id))]
async fn tracking_page(
    State(state): State<AppState>,
    Path(code): Path<String>,
    lang: PageLang,
) -> Response {
    let not_found = || {
        message_page(
            lang,
            StatusCode::NOT_FOUND,
            lang.m(Msg::ReportNotFound),
            lang.m(Msg::ReportNotFoundText),
            Some(("/", lang.m(Msg::Home))),
        )
    };
    let code = code.trim().to_ascii_uppercase();
    if !is_tracking_code(&code) {
        return not_found();
    }
    let en = lang.en();
    let found = state
        .db
        .read(move |conn| {
            let row = conn
                .query_row(
                    "SELECT p.id, s.name, CASE WHEN ?2 THEN c.name_en ELSE c.name_ru END, p.status,
                            p.description, p.address, p.created_at, p.awaiting_confirmation
                     FROM problems p JOIN sites s ON s.id = p.site_id JOIN categories c ON c.id = p.category_id
                     WHERE p.tracking_code = ?1",
                    params![code, en],
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
                            answers: Vec::new(),
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
        p { (language_switch(lang)) }
    };
    page(StatusCode::OK, layout(lang, &title, html! {}, content))
}
