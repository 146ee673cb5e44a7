//! `/cabinet/mail`: agencies' e-mailed answers that wait for a person (inbound/): quarantined
//! (not matched to an appeal, not from the agency's address, …) or held for a moderator. A
//! moderator publishes one as the answer on a problem (of their municipality: the number is
//! prefilled when the message named one) or discards it. Every decision is audited. Site
//! admins and moderators only; a message is shown to the municipality its appeal (or, when
//! unmatched, its sender agency) belongs to.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use rusqlite::{OptionalExtension, params};
use serde::Deserialize;

use super::{CabinetError, CabinetFailure, InLang, NoFields, Posted, Session, audit, header_bar};
use crate::AppState;
use crate::db::now;
use crate::i18n::Msg;
use crate::inbound::{self, Reason, text::KeywordStatus};
use crate::pages::{PageLang, format_time, iso_time, layout, page};

/// Messages per page.
const PAGE: i64 = 30;
/// Automatic messages shown (the latest).
const AUTOMATIC_SHOWN: i64 = 20;

/// One message as the page lists it.
struct Item {
    id: i64,
    received_at: i64,
    from: Option<String>,
    subject: Option<String>,
    state: String,
    reason: Option<String>,
    problem_id: Option<i64>,
    text: String,
    status: Option<String>,
}

fn reason_label(reason: Option<&str>) -> Msg {
    match reason.and_then(Reason::parse) {
        None => Msg::MailAwaiting,
        Some(Reason::Unreadable) => Msg::ReasonUnreadable,
        Some(Reason::NoToken) => Msg::ReasonNoToken,
        Some(Reason::UnknownToken) => Msg::ReasonUnknownToken,
        Some(Reason::RoutedElsewhere) => Msg::ReasonRoutedElsewhere,
        Some(Reason::Stranger) => Msg::ReasonStranger,
        Some(Reason::ThreadMismatch) => Msg::ReasonThreadMismatch,
        Some(Reason::Empty) => Msg::ReasonEmpty,
        Some(Reason::RefusalWithoutReason) => Msg::ReasonRefusalWithoutReason,
        Some(Reason::AutoReply) => Msg::ReasonAutoReply,
        Some(Reason::Bounce) => Msg::ReasonBounce,
    }
}

/// Only those who moderate reports decide about mail.
fn may_moderate(session: &Session) -> Result<(), CabinetError> {
    if session.routes() {
        Ok(())
    } else {
        Err(CabinetError::Forbidden)
    }
}

#[derive(Deserialize, Default)]
pub(super) struct MailQuery {
    /// The id of the last message of the previous page.
    from: Option<i64>,
}

fn items(
    conn: &rusqlite::Connection,
    sql: &str,
    args: impl rusqlite::Params,
) -> rusqlite::Result<Vec<Item>> {
    conn.prepare_cached(sql)?
        .query_map(args, |r| {
            Ok(Item {
                id: r.get(0)?,
                received_at: r.get(1)?,
                from: r.get(2)?,
                subject: r.get(3)?,
                state: r.get(4)?,
                reason: r.get(5)?,
                problem_id: r.get(6)?,
                text: r.get(7)?,
                status: r.get(8)?,
            })
        })?
        .collect()
}

const COLUMNS: &str =
    "id, received_at, from_addr, subject, state, reason, problem_id, text, status";

pub(super) async fn mail_page(
    State(state): State<AppState>,
    lang: PageLang,
    session: Session,
    Query(q): Query<MailQuery>,
) -> Result<Response, CabinetFailure> {
    may_moderate(&session).in_lang(lang)?;
    let municipality_id = session.municipality_id;
    let cursor = q.from.unwrap_or(i64::MAX);
    let (mut open, automatic) = state
        .db
        .read(move |conn| {
            let open = items(
                conn,
                &format!(
                    "SELECT {COLUMNS} FROM inbound_mail
                     WHERE municipality_id = ?1 AND state IN ('awaiting', 'quarantined') AND id < ?2
                     ORDER BY id DESC LIMIT ?3"
                ),
                params![municipality_id, cursor, PAGE + 1],
            )?;
            let automatic = items(
                conn,
                &format!(
                    "SELECT {COLUMNS} FROM inbound_mail
                     WHERE municipality_id = ?1 AND state = 'automatic'
                     ORDER BY id DESC LIMIT ?2"
                ),
                params![municipality_id, AUTOMATIC_SHOWN],
            )?;
            Ok::<_, CabinetError>((open, automatic))
        })
        .await
        .in_lang(lang)?;
    let more = open.len() as i64 > PAGE;
    open.truncate(PAGE as usize);
    let next = open
        .last()
        .filter(|_| more)
        .map(|i| lang.href(&format!("/cabinet/mail?from={}", i.id)));
    let title = lang.m(Msg::MailTitle);
    let content = html! {
        p { a href=(lang.href("/cabinet")) { "← " (lang.m(Msg::BackToTheList)) } }
        h1 { (title) }
        p.muted { (lang.m(Msg::MailHint)) }
        @if open.is_empty() {
            p.notice id="no-mail" { (lang.m(Msg::NoMailWaiting)) }
        }
        @for item in &open {
            article.inbound data-inbound=(item.id) data-state=(item.state) aria-labelledby=(format!("mail-{}", item.id)) {
                h2 id=(format!("mail-{}", item.id)) { (item.subject.as_deref().unwrap_or("—")) }
                dl.facts {
                    dt { (lang.m(Msg::MailFrom)) } dd.mail-from { (item.from.as_deref().unwrap_or("—")) }
                    dt { (lang.m(Msg::MailReceived)) } dd { time datetime=(iso_time(item.received_at)) { (format_time(item.received_at, lang)) } }
                    dt { (lang.m(Msg::MailWhy)) } dd.mail-reason data-reason=(item.reason.as_deref().unwrap_or("awaiting")) { (lang.m(reason_label(item.reason.as_deref()))) }
                    @if let Some(p) = item.problem_id {
                        dt { (lang.m(Msg::Number)) } dd { a href=(lang.href(&format!("/cabinet/problems/{p}"))) { (p) } }
                    }
                    @if let Some(s) = item.status.as_deref().and_then(civic_wire::Status::parse) {
                        dt { (lang.m(Msg::AskedStatus)) } dd { span.status data-status=(s.as_str()) { (s.label(lang.lang)) } }
                    }
                }
                h3 { (lang.m(Msg::MailText)) }
                p.mail-text.pre-wrap { (item.text) }
                form.inline method="post" action=(lang.href(&format!("/cabinet/mail/{}/publish", item.id))) {
                    input type="hidden" name="csrf" value=(session.csrf);
                    label for=(format!("problem-{}", item.id)) { (lang.m(Msg::Number)) }
                    " "
                    input id=(format!("problem-{}", item.id)) name="problem" type="number" min="1" required
                        value=[item.problem_id];
                    " "
                    button type="submit" { (lang.m(Msg::PublishAnswer)) }
                }
                " "
                form.inline method="post" action=(lang.href(&format!("/cabinet/mail/{}/discard", item.id))) {
                    input type="hidden" name="csrf" value=(session.csrf);
                    button type="submit" { (lang.m(Msg::Discard)) }
                }
            }
        }
        @if let Some(href) = &next {
            nav.pager aria-label=(lang.m(Msg::Pages)) { a rel="next" href=(href) { (lang.m(Msg::Further)) } }
        }
        @if !automatic.is_empty() {
            h2 { (lang.m(Msg::AutomaticMail)) }
            table.automatic-mail {
                thead { tr {
                    th scope="col" { (lang.m(Msg::MailReceived)) }
                    th scope="col" { (lang.m(Msg::MailFrom)) }
                    th scope="col" { (lang.m(Msg::MailSubject)) }
                    th scope="col" { (lang.m(Msg::MailWhy)) }
                    th scope="col" { (lang.m(Msg::Number)) }
                } }
                tbody {
                    @for item in &automatic {
                        tr data-inbound=(item.id) data-reason=(item.reason.as_deref().unwrap_or("")) {
                            td { time datetime=(iso_time(item.received_at)) { (format_time(item.received_at, lang)) } }
                            td { (item.from.as_deref().unwrap_or("—")) }
                            td { (item.subject.as_deref().unwrap_or("—")) }
                            td { (lang.m(reason_label(item.reason.as_deref()))) }
                            td { @if let Some(p) = item.problem_id { a href=(lang.href(&format!("/cabinet/problems/{p}"))) { (p) } } }
                        }
                    }
                }
            }
        }
    };
    Ok(page(
        StatusCode::OK,
        layout(lang, title, header_bar(lang, &session), content),
    ))
}

#[derive(Deserialize)]
pub(super) struct PublishForm {
    problem: Option<String>,
}

/// Publishes a waiting or quarantined message as the answer on a problem of the municipality.
#[tracing::instrument(skip_all, fields(official.id = session.official_id, inbound.id = id))]
pub(super) async fn publish(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(session, lang, form): Posted<PublishForm>,
) -> Result<Response, CabinetFailure> {
    may_moderate(&session).in_lang(lang)?;
    let problem_id = form
        .problem
        .as_deref()
        .and_then(|p| p.trim().parse::<i64>().ok())
        .ok_or_else(|| CabinetError::BadInput(lang.m(Msg::MailNeedsProblem).into()))
        .in_lang(lang)?;
    let (municipality_id, official_id) = (session.municipality_id, session.official_id);
    let found = state
        .db
        .read(move |conn| {
            Ok::<_, CabinetError>(
                conn.query_row(
                    "SELECT raw, text, status FROM inbound_mail
                     WHERE id = ?1 AND municipality_id = ?2 AND state IN ('awaiting', 'quarantined')",
                    params![id, municipality_id],
                    |r| {
                        Ok((
                            r.get::<_, Option<Vec<u8>>>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, Option<String>>(2)?,
                        ))
                    },
                )
                .optional()?,
            )
        })
        .await
        .in_lang(lang)?;
    let Some((raw, text, status)) = found else {
        return Err(CabinetError::BadInput(lang.m(Msg::MailGone).into())).in_lang(lang);
    };
    let status = status.as_deref().and_then(inbound::keyword_of);
    if status == Some(KeywordStatus::Refused) && text.is_empty() {
        return Err(CabinetError::BadInput(
            lang.m(Msg::RefusalNeedsAnswer).into(),
        ))
        .in_lang(lang);
    }
    // The answer's photos are taken from the message itself, outside the transaction.
    let photos = tokio::task::spawn_blocking(move || {
        raw.as_deref()
            .and_then(|raw| inbound::parse(raw, None))
            .map(|p| inbound::process_images(&p.images))
            .unwrap_or_default()
    })
    .await
    .map_err(|e| CabinetError::Db(crate::db::DbError::Join(e.to_string())))
    .in_lang(lang)?;
    let base = state.config.public_base();
    let mailed = state
        .db
        .write(move |conn| {
            let public: bool = conn
                .query_row(
                    "SELECT p.published_at IS NOT NULL FROM problems p JOIN sites s ON s.id = p.site_id
                     WHERE p.id = ?1 AND s.municipality_id = ?2 AND p.awaiting_confirmation = 0",
                    params![problem_id, municipality_id],
                    |r| r.get(0),
                )
                .optional()?
                .unwrap_or(false);
            if !public {
                return Err(CabinetError::BadInput(lang.m(Msg::MailNeedsProblem).into()));
            }
            // Still waiting (not handled by someone else in the meantime)?
            let waiting: bool = conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM inbound_mail WHERE id = ?1 AND state IN ('awaiting', 'quarantined'))",
                [id],
                |r| r.get(0),
            )?;
            if !waiting {
                return Err(CabinetError::BadInput(lang.m(Msg::MailGone).into()));
            }
            let mailed = inbound::publish(
                conn,
                &base,
                id,
                problem_id,
                &text,
                status,
                &photos,
                Some(official_id),
                now(),
            )?;
            audit(
                conn,
                Some(official_id),
                "mail_published",
                Some(problem_id),
                Some(&format!("inbound {id}")),
            )?;
            Ok(mailed)
        })
        .await
        .in_lang(lang)?;
    if mailed {
        state.outbox.wake();
    }
    Ok(Redirect::to(&lang.href("/cabinet/mail")).into_response())
}

/// Discards a waiting or quarantined message: it is kept as a record, without its raw bytes.
#[tracing::instrument(skip_all, fields(official.id = session.official_id, inbound.id = id))]
pub(super) async fn discard(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted(session, lang, _): Posted<NoFields>,
) -> Result<Response, CabinetFailure> {
    may_moderate(&session).in_lang(lang)?;
    let (municipality_id, official_id) = (session.municipality_id, session.official_id);
    state
        .db
        .write(move |conn| {
            let n = conn.execute(
                "UPDATE inbound_mail SET state = 'discarded', raw = NULL, handled_at = ?3, handled_by = ?4
                 WHERE id = ?1 AND municipality_id = ?2 AND state IN ('awaiting', 'quarantined')",
                params![id, municipality_id, now(), official_id],
            )?;
            if n == 0 {
                return Err(CabinetError::NotFound);
            }
            audit(conn, Some(official_id), "mail_discarded", None, Some(&format!("inbound {id}")))?;
            Ok(())
        })
        .await
        .in_lang(lang)?;
    Ok(Redirect::to(&lang.href("/cabinet/mail")).into_response())
}
