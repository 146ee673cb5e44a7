//! The e-mailed confirmation of an anonymous report: `GET /confirm/{token}` shows the report's
//! number and a button, `POST /confirm/{token}` confirms it.
//!
//! Opening the link changes nothing: mail scanners and link previews fetch links on their own,
//! and must not confirm a report nobody meant to send. The button's `POST` does: the report
//! leaves `awaiting_confirmation` and goes to the moderators, or is published at once where the
//! site does without them. Confirming twice is harmless and shows the same answer.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use maud::html;
use rusqlite::{OptionalExtension, params};

use crate::AppState;
use crate::db::{DbError, now};
use crate::i18n::Msg;
use crate::pages::{PageLang, layout, message_page, page};
use crate::secrets;

pub fn router() -> Router<AppState> {
    Router::new().route("/confirm/{token}", get(show).post(confirm))
}

/// Where a confirmation stands.
enum Found {
    /// No such link, or it expired before it was used.
    Invalid,
    Waiting {
        id: i64,
    },
    Confirmed {
        id: i64,
        code: String,
        published: bool,
    },
}

fn look_up(conn: &rusqlite::Connection, token: &str) -> rusqlite::Result<Found> {
    let row = conn
        .query_row(
            "SELECT c.problem_id, c.expires_at, c.confirmed_at, p.tracking_code, p.published_at
             FROM email_confirmations c JOIN problems p ON p.id = c.problem_id
             WHERE c.token_hash = ?1",
            [secrets::token_hash(token)],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<i64>>(4)?,
                ))
            },
        )
        .optional()?;
    Ok(match row {
        None => Found::Invalid,
        Some((id, _, Some(_), code, published_at)) => Found::Confirmed {
            id,
            code,
            published: published_at.is_some(),
        },
        Some((_, expires_at, None, _, _)) if expires_at <= now() => Found::Invalid,
        Some((id, _, None, _, _)) => Found::Waiting { id },
    })
}

fn answer(lang: PageLang, token: &str, found: Result<Found, DbError>) -> Response {
    match found {
        Ok(Found::Invalid) => message_page(
            lang,
            StatusCode::NOT_FOUND,
            lang.m(Msg::ConfirmLinkInvalid),
            lang.m(Msg::ConfirmLinkInvalidText),
            Some(("/", lang.m(Msg::Home))),
        ),
        Ok(Found::Waiting { id }) => {
            let title = lang.m(Msg::ConfirmTitle);
            let action = lang.href(&format!("/confirm/{token}"));
            page(
                StatusCode::OK,
                layout(
                    lang,
                    title,
                    html! {},
                    html! {
                        h1 { (title) }
                        p { (lang.tn(Msg::ConfirmText, id)) }
                        form method="post" action=(action) {
                            button type="submit" { (lang.m(Msg::ConfirmButton)) }
                        }
                    },
                ),
            )
        }
        Ok(Found::Confirmed {
            id,
            code,
            published,
        }) => {
            let title = lang.m(Msg::ConfirmedTitle);
            let text = if published {
                Msg::ConfirmedPublished
            } else {
                Msg::ConfirmedModeration
            };
            page(
                StatusCode::OK,
                layout(
                    lang,
                    title,
                    html! {},
                    html! {
                        h1 { (title) }
                        p role="status" { (lang.tn(text, id)) }
                        p { a href=(lang.href(&format!("/t/{code}"))) { (lang.m(Msg::FollowReport)) } }
                    },
                ),
            )
        }
        Err(e) => {
            tracing::error!(error = %e, "confirmation failed");
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

async fn show(
    State(state): State<AppState>,
    lang: PageLang,
    Path(token): Path<String>,
) -> Response {
    if !secrets::is_token(&token) {
        return answer(lang, &token, Ok(Found::Invalid));
    }
    let lookup = token.clone();
    let found = state
        .db
        .read(move |conn| look_up(conn, &lookup).map_err(DbError::from))
        .await;
    answer(lang, &token, found)
}

#[tracing::instrument(skip_all, fields(problem.id))]
async fn confirm(
    State(state): State<AppState>,
    lang: PageLang,
    Path(token): Path<String>,
) -> Response {
    if !secrets::is_token(&token) {
        return answer(lang, &token, Ok(Found::Invalid));
    }
    let lookup = token.clone();
    let base = state.config.public_base();
    let found = state
        .db
        .write(move |conn| {
            let Found::Waiting { id } = look_up(conn, &lookup)? else {
                return Ok::<_, DbError>((look_up(conn, &lookup)?, false));
            };
            let at = now();
            conn.execute(
                "UPDATE email_confirmations SET confirmed_at = ?2 WHERE token_hash = ?1",
                params![secrets::token_hash(&lookup), at],
            )?;
            conn.execute(
                "UPDATE problems SET awaiting_confirmation = 0, updated_at = ?2 WHERE id = ?1",
                params![id, at],
            )?;
            let premoderation: bool = conn.query_row(
                "SELECT s.premoderation FROM problems p JOIN sites s ON s.id = p.site_id WHERE p.id = ?1",
                [id],
                |r| r.get(0),
            )?;
            let mailed = !premoderation && crate::problems::publish_unmoderated(conn, &base, id, at)?;
            Ok((look_up(conn, &lookup)?, mailed))
        })
        .await
        .map(|(found, mailed)| {
            if mailed {
                state.outbox.wake();
            }
            found
        });
    if let Ok(Found::Confirmed { id, published, .. }) = &found {
        tracing::Span::current().record("problem.id", id);
        tracing::info!(published, "report confirmed by e-mail");
    }
    answer(lang, &token, found)
}
