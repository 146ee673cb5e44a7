//! "This affects me too" from a visitor who is not signed in (issue 4): the vote counts once per
//! confirmed e-mail address. `POST …/problems/{id}/support` with `{"email": …}` queues a
//! message with a link ([`request`]); `GET /support/{token}` shows the problem and a button
//! (opening the link, as mail scanners do, counts nothing), `POST /support/{token}` counts the
//! vote through the same [`crate::map::support`] as a signed-in resident's, keyed by the
//! address's SHA-256 ([`crate::map::VoterKey::email`]): the address itself is kept only in the
//! outbox until the message is sent and pruned.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use civic_wire::Lang;
use maud::html;
use rusqlite::{Connection, OptionalExtension, params};

use crate::AppState;
use crate::db::{DbError, now};
use crate::i18n::Msg;
use crate::mail;
use crate::map::{SupportOutcome, VoterKey};
use crate::pages::{PageLang, layout, message_page, page};
use crate::secrets;

/// How long a link works.
pub const VALID_DAYS: i64 = 7;
/// The same address asking again about the same problem within this time gets no second
/// message (the first is on its way); an address whose vote counts gets none at all.
pub const RESEND_AFTER_SECS: i64 = 600;

pub fn router() -> Router<AppState> {
    Router::new().route("/support/{token}", get(show).post(confirm))
}

/// What [`request`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requested {
    /// No such public problem on the site.
    NotFound,
    /// The link is on its way (`mailed`: queued now; wake the outbox after the commit). The
    /// problem's support count now.
    Sent { support_count: u64, mailed: bool },
}

/// Queues the confirmation of `email`'s support of problem `problem_id` of site `site_id`, in
/// the caller's transaction. The address was checked by the caller.
pub fn request(
    conn: &Connection,
    base: &str,
    site_id: i64,
    problem_id: i64,
    email: &str,
    lang: Lang,
) -> rusqlite::Result<Requested> {
    let found: Option<(i64, String, i64)> = conn
        .query_row(
            &format!(
                "SELECT p.support_count, s.name, p.category_id FROM problems p JOIN sites s ON s.id = p.site_id
                 WHERE p.id = ?1 AND p.site_id = ?2 AND {}",
                crate::map::index::PUBLIC_SQL
            ),
            params![problem_id, site_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((count, site_name, category_id)) = found else {
        return Ok(Requested::NotFound);
    };
    let support_count = count.max(0) as u64;
    let voter = VoterKey::email(email);
    let at = now();
    // No message when one went to this address lately, or its vote is counted already: the
    // answer is the same either way, so it tells the asker nothing about the address.
    let quiet: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM support_confirmations
                        WHERE problem_id = ?1 AND voter_key = ?2 AND created_at > ?3)
             OR EXISTS (SELECT 1 FROM supports WHERE problem_id = ?1 AND voter_key = ?2)",
        params![problem_id, voter.as_str(), at - RESEND_AFTER_SECS],
        |r| r.get(0),
    )?;
    if quiet {
        return Ok(Requested::Sent {
            support_count,
            mailed: false,
        });
    }
    let token = secrets::token();
    conn.execute(
        "INSERT INTO support_confirmations (token_hash, problem_id, voter_key, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            secrets::token_hash(&token),
            problem_id,
            voter.as_str(),
            at,
            at + VALID_DAYS * 86_400
        ],
    )?;
    let category = crate::problems::category_name(conn, category_id, lang.code())?;
    let about = mail::About {
        lang,
        site_name: &site_name,
        problem_id,
        category: &category,
    };
    let link = format!("{base}/support/{token}");
    mail::enqueue(
        conn,
        &mail::confirm_support(&about, email.trim(), &link, VALID_DAYS),
    )?;
    Ok(Requested::Sent {
        support_count,
        mailed: true,
    })
}

/// Where a link stands.
enum Found {
    Invalid,
    Waiting { id: i64, count: i64 },
    Counted { id: i64, count: i64 },
}

fn look_up(conn: &Connection, token: &str) -> rusqlite::Result<(Found, Option<String>)> {
    let row = conn
        .query_row(
            "SELECT c.problem_id, c.expires_at, c.confirmed_at, p.support_count, c.voter_key
             FROM support_confirmations c JOIN problems p ON p.id = c.problem_id
             WHERE c.token_hash = ?1",
            [secrets::token_hash(token)],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, String>(4)?,
                ))
            },
        )
        .optional()?;
    Ok(match row {
        None => (Found::Invalid, None),
        Some((id, _, Some(_), count, _)) => (Found::Counted { id, count }, None),
        Some((_, expires_at, None, _, _)) if expires_at <= now() => (Found::Invalid, None),
        Some((id, _, None, count, voter)) => (Found::Waiting { id, count }, Some(voter)),
    })
}

fn answer(lang: PageLang, token: &str, found: Result<Found, DbError>) -> Response {
    let (title, body, status) = match found {
        Ok(Found::Invalid) => {
            return message_page(
                lang,
                StatusCode::NOT_FOUND,
                lang.m(Msg::ConfirmLinkInvalid),
                lang.m(Msg::ConfirmLinkInvalidText),
                Some(("/", lang.m(Msg::Home))),
            );
        }
        Ok(Found::Waiting { id, count }) => {
            let action = lang.href(&format!("/support/{token}"));
            (
                lang.m(Msg::SupportConfirmTitle),
                html! {
                    p { (lang.tn(Msg::SupportConfirmText, id)) }
                    p.support-count { (lang.tn(Msg::SupportersNow, count)) }
                    form method="post" action=(action) {
                        button type="submit" { (lang.m(Msg::SupportConfirmButton)) }
                    }
                },
                StatusCode::OK,
            )
        }
        Ok(Found::Counted { id, count }) => (
            lang.m(Msg::SupportCountedTitle),
            html! {
                p role="status" { (lang.tn(Msg::SupportCountedText, id)) }
                p.support-count { (lang.tn(Msg::SupportersNow, count)) }
                p { a href=(lang.href(&format!("/problems/{id}"))) { (lang.m(Msg::ProblemCard)) } }
            },
            StatusCode::OK,
        ),
        Err(e) => {
            tracing::error!(error = %e, "support confirmation failed");
            return message_page(
                lang,
                StatusCode::INTERNAL_SERVER_ERROR,
                lang.m(Msg::Error),
                lang.m(Msg::TrackingFailed),
                None,
            );
        }
    };
    page(
        status,
        layout(lang, title, html! {}, html! { h1 { (title) } (body) }),
    )
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
        .read(move |conn| {
            look_up(conn, &lookup)
                .map(|(f, _)| f)
                .map_err(DbError::from)
        })
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
    let found = state
        .db
        .write(move |conn| {
            let (found, voter) = look_up(conn, &lookup)?;
            let (Found::Waiting { id, .. }, Some(voter)) = (&found, voter) else {
                return Ok::<_, DbError>(found);
            };
            let id = *id;
            conn.execute(
                "UPDATE support_confirmations SET confirmed_at = ?2 WHERE token_hash = ?1",
                params![secrets::token_hash(&lookup), now()],
            )?;
            // The problem may have left the public map since the link was sent.
            let counted = crate::map::support(conn, id, &VoterKey::from_stored(voter))?;
            let count = match counted {
                Some(SupportOutcome::Counted(n) | SupportOutcome::AlreadyCounted(n)) => n as i64,
                None => return Ok(Found::Invalid),
            };
            Ok(Found::Counted { id, count })
        })
        .await;
    if let Ok(Found::Counted { id, .. }) = &found {
        tracing::Span::current().record("problem.id", id);
        tracing::info!("support confirmed by e-mail");
    }
    answer(lang, &token, found)
}
