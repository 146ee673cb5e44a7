//! The e-mail channel in (issue 9): an agency's reply to an appeal (appeals.rs) becomes the
//! public answer on the problem.
//!
//! A message arrives as raw bytes — from `host-service mail-in` (a Postfix or Exim pipe
//! transport feeds it one message on standard input). It is parsed with `mail-parser`
//! (MIME, any transfer encoding, `windows-1251`, `koi8-r` and the rest), then:
//!
//! 1. an automatic message (an auto-reply, a delivery report) is recorded as such, never an
//!    answer;
//! 2. the reply token in a recipient address, `reply+<token>@…`, names the appeal; the sender
//!    must be the agency's address, the problem must still be the agency's, and a reply's
//!    `In-Reply-To`/`References` (when present) must name the appeal's `Message-ID`;
//! 3. the reply's own words (quotes and signature stripped, HTML turned into text: text.rs)
//!    become the agency's public answer, published at once or held for a moderator (the site's
//!    `email_answers`); a keyword line («Статус: решено») changes the status; attached images
//!    become photos of the answer (re-encoded like residents' photos); the reporter is mailed.
//!
//! Anything that fails a check goes to the quarantine (the cabinet's «Почта»), with its reason
//! and the raw message, instead of being lost or published. A message delivered twice (same
//! `Message-ID`, or the same bytes when it has none) is taken once.

pub mod imap;
pub mod text;

use civic_wire::Status;
use mail_parser::{HeaderValue, Message, MessageParser, MimeHeaders};
use rusqlite::{Connection, OptionalExtension, params};

use crate::appeals;
use crate::db::DbError;
use crate::secrets;
use text::KeywordStatus;

/// The largest message taken; a larger one is refused (the sending server bounces it).
pub const MESSAGE_MAX_BYTES: usize = 25 << 20;
/// At most this many images of one reply become photos.
pub const PHOTOS_PER_REPLY: usize = 5;
/// The longest answer kept (as the cabinet's answers).
pub const TEXT_MAX_CHARS: usize = 4000;

/// What became of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Published as the agency's answer.
    Answered,
    /// Waiting for a moderator (the site's `email_answers` is `moderate`).
    Awaiting,
    /// Kept for a person to look at; see [`Reason`].
    Quarantined,
    /// An auto-reply or a delivery report: recorded, not an answer.
    Automatic,
    /// The same message (by `Message-ID`) was taken before.
    Duplicate,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Answered => "answered",
            State::Awaiting => "awaiting",
            State::Quarantined => "quarantined",
            State::Automatic => "automatic",
            State::Duplicate => "duplicate",
        }
    }
}

/// Why a message was quarantined, or what kind of automatic message it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Not a readable e-mail message.
    Unreadable,
    /// No reply address of ours among the recipients.
    NoToken,
    /// A reply address of ours that no appeal has.
    UnknownToken,
    /// The problem was routed to another agency since.
    RoutedElsewhere,
    /// Not from the agency's address.
    Stranger,
    /// `In-Reply-To`/`References` name another message than the appeal.
    ThreadMismatch,
    /// Nothing of the sender's own: no words, no status, no photo.
    Empty,
    /// «Статус: отказано» without a word of explanation.
    RefusalWithoutReason,
    AutoReply,
    Bounce,
}

impl Reason {
    pub const ALL: [Reason; 10] = [
        Reason::Unreadable,
        Reason::NoToken,
        Reason::UnknownToken,
        Reason::RoutedElsewhere,
        Reason::Stranger,
        Reason::ThreadMismatch,
        Reason::Empty,
        Reason::RefusalWithoutReason,
        Reason::AutoReply,
        Reason::Bounce,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Unreadable => "unreadable",
            Reason::NoToken => "no_token",
            Reason::UnknownToken => "unknown_token",
            Reason::RoutedElsewhere => "routed_elsewhere",
            Reason::Stranger => "stranger",
            Reason::ThreadMismatch => "thread_mismatch",
            Reason::Empty => "empty",
            Reason::RefusalWithoutReason => "refusal_without_reason",
            Reason::AutoReply => "auto_reply",
            Reason::Bounce => "bounce",
        }
    }

    pub fn parse(s: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// What became of a message, as `mail-in` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// The `inbound_mail` row (none for a duplicate).
    pub id: Option<i64>,
    pub state: State,
    pub reason: Option<Reason>,
    pub problem_id: Option<i64>,
}

/// A message read, before any decision: everything the checks and the answer need.
#[derive(Debug, Default)]
pub struct Parsed {
    pub message_id: Option<String>,
    /// The sender's address, lower-cased.
    pub from: Option<String>,
    pub subject: Option<String>,
    /// Reply tokens found among the recipients.
    pub tokens: Vec<String>,
    /// `In-Reply-To` and `References`, with angle brackets.
    pub references: Vec<String>,
    pub automatic: Option<Reason>,
    /// The reply's own words, the keyword line removed.
    pub text: String,
    pub status: Option<KeywordStatus>,
    /// Attached images, as sent (at most [`PHOTOS_PER_REPLY`], each within the photo limits).
    pub images: Vec<Vec<u8>>,
}

/// Reads a raw message; `None` when it is not one. `envelope_to` is the recipient the mail
/// server delivered it for (Postfix's `${recipient}`), when known.
pub fn parse(raw: &[u8], envelope_to: Option<&str>) -> Option<Parsed> {
    let message = MessageParser::default().parse(raw)?;
    // A parser is lenient: bytes with no header at all are not a message.
    if message.from().is_none() && message.message_id().is_none() && message.to().is_none() {
        return None;
    }
    let mut recipients: Vec<String> = [message.to(), message.cc()]
        .into_iter()
        .flatten()
        .flat_map(|a| a.iter())
        .filter_map(|a| a.address())
        .map(str::to_owned)
        .collect();
    for name in ["Delivered-To", "X-Original-To", "Envelope-To"] {
        for value in message.header_values(name) {
            if let Some(v) = value.as_text() {
                recipients.push(v.trim().to_owned());
            }
        }
    }
    recipients.extend(envelope_to.map(str::to_owned));
    let mut tokens: Vec<String> = recipients
        .iter()
        .filter_map(|r| appeals::token_of(r))
        .collect();
    tokens.sort();
    tokens.dedup();
    let mut references = ids(message.in_reply_to());
    references.extend(ids(message.references()));
    let (status, text) = text::status_keyword(&own_words(&message));
    let images = message
        .attachments()
        .filter(|p| {
            p.content_type()
                .is_some_and(|c| c.ctype().eq_ignore_ascii_case("image"))
                && p.contents().len() <= civic_photo::MAX_BYTES
        })
        .take(PHOTOS_PER_REPLY)
        .map(|p| p.contents().to_vec())
        .collect();
    Some(Parsed {
        message_id: message.message_id().map(|id| format!("<{id}>")),
        from: message
            .from()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .map(|a| a.trim().to_ascii_lowercase()),
        subject: message.subject().map(str::to_owned),
        tokens,
        references,
        automatic: automatic(&message),
        text: text.chars().take(TEXT_MAX_CHARS).collect(),
        status,
        images,
    })
}

/// The message ids of an `In-Reply-To` or `References` header, with angle brackets.
fn ids(value: &HeaderValue) -> Vec<String> {
    match value {
        HeaderValue::Text(id) => vec![format!("<{id}>")],
        HeaderValue::TextList(list) => list.iter().map(|id| format!("<{id}>")).collect(),
        _ => Vec::new(),
    }
}

/// The reply's own words: from its plain-text part, else from its HTML.
fn own_words(message: &Message) -> String {
    let part = message.text_part(0).filter(|p| !p.is_text_html());
    let plain = part.and_then(|p| p.text_contents()).map(|text| {
        let flowed = part
            .and_then(|p| p.content_type())
            .and_then(|c| c.attribute("format"))
            .is_some_and(|f| f.eq_ignore_ascii_case("flowed"));
        let delsp = part
            .and_then(|p| p.content_type())
            .and_then(|c| c.attribute("delsp"))
            .is_some_and(|d| d.eq_ignore_ascii_case("yes"));
        if flowed {
            unflow(text, delsp)
        } else {
            text.to_owned()
        }
    });
    match plain {
        Some(plain) => text::reply_text(&plain),
        None => message
            .body_html(0)
            .map(|html| text::reply_text(&text::html_to_text(&html)))
            .unwrap_or_default(),
    }
}

/// Undoes `format=flowed` (RFC 3676), as Thunderbird and others send: a line ending in a space
/// continues on the next line of the same quote depth; a space-stuffed line loses its first
/// space. With `DelSp=yes` the trailing space itself is dropped too.
fn unflow(text: &str, delsp: bool) -> String {
    let mut out = String::with_capacity(text.len());
    // The quote depth of the paragraph being joined, when the previous line was soft.
    let mut open: Option<usize> = None;
    for raw in text.lines() {
        let depth = raw.bytes().take_while(|&b| b == b'>').count();
        let body = &raw[depth..];
        let body = body.strip_prefix(' ').unwrap_or(body);
        let soft = body.ends_with(' ') && body != "-- ";
        match open {
            Some(d) if d == depth => {}
            Some(_) => {
                out.push('\n');
                out.push_str(&">".repeat(depth));
                if depth > 0 {
                    out.push(' ');
                }
            }
            None => {
                out.push_str(&">".repeat(depth));
                if depth > 0 {
                    out.push(' ');
                }
            }
        }
        let body = if soft && delsp {
            &body[..body.len() - 1]
        } else {
            body
        };
        out.push_str(body);
        if soft {
            open = Some(depth);
        } else {
            out.push('\n');
            open = None;
        }
    }
    out
}

/// Whether the message was written by a machine: a delivery report (a bounce) or an
/// auto-reply (RFC 3834 `Auto-Submitted`, the headers Exchange and others add, a subject
/// such clients use).
fn automatic(message: &Message) -> Option<Reason> {
    let header = |name: &str| {
        message
            .header_raw(name)
            .map(|v| v.trim().to_ascii_lowercase())
    };
    let from = message
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap_or("")
        .to_ascii_lowercase();
    let report = message.content_type().is_some_and(|c| {
        c.ctype().eq_ignore_ascii_case("multipart")
            && c.subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
    });
    let daemon = from.starts_with("mailer-daemon@") || from.starts_with("postmaster@");
    let null_sender = message
        .return_address()
        .is_some_and(|r| r.trim().is_empty())
        || header("Return-Path").is_some_and(|r| r == "<>");
    if report || daemon || (null_sender && from.is_empty()) {
        return Some(Reason::Bounce);
    }
    let auto_submitted = header("Auto-Submitted").is_some_and(|v| !v.starts_with("no"));
    let auto_headers = ["X-Autoreply", "X-Autorespond", "X-Auto-Reply"]
        .iter()
        .any(|h| header(h).is_some());
    let precedence = header("Precedence")
        .is_some_and(|p| matches!(p.as_str(), "bulk" | "junk" | "list" | "auto_reply"));
    let subject = message.subject().unwrap_or("").to_lowercase();
    let auto_subject = [
        "автоматический ответ",
        "автоответ",
        "automatic reply",
        "auto-reply",
        "autoreply",
        "out of office",
        "auto:",
    ]
    .iter()
    .any(|s| subject.starts_with(s));
    (auto_submitted || auto_headers || precedence || auto_subject || null_sender)
        .then_some(Reason::AutoReply)
}

/// The images of a reply, decoded and re-encoded like residents' photos (outside any
/// transaction: this is the slow part). An unreadable image is left out.
pub fn process_images(images: &[Vec<u8>]) -> Vec<civic_photo::Processed> {
    images
        .iter()
        .filter_map(|bytes| match civic_photo::process(bytes) {
            Ok(p) => Some(p),
            Err(e) => {
                tracing::warn!(error = %e, "an image of an e-mailed answer was not taken");
                None
            }
        })
        .collect()
}

/// The appeal a reply token names.
struct Appeal {
    id: i64,
    problem_id: i64,
    agency_id: i64,
    message_id: String,
    /// The agency's address now, lower-cased.
    agency_email: Option<String>,
    /// The problem's agency now.
    current_agency: Option<i64>,
    municipality_id: i64,
    moderate: bool,
}

fn find_appeal(conn: &Connection, token: &str) -> rusqlite::Result<Option<Appeal>> {
    conn.query_row(
        "SELECT ap.id, ap.problem_id, ap.agency_id, ap.message_id, lower(a.email), p.agency_id,
                s.municipality_id, s.email_answers = 'moderate'
         FROM appeals ap JOIN agencies a ON a.id = ap.agency_id
         JOIN problems p ON p.id = ap.problem_id JOIN sites s ON s.id = p.site_id
         WHERE ap.token_hash = ?1",
        [secrets::token_hash(token)],
        |r| {
            Ok(Appeal {
                id: r.get(0)?,
                problem_id: r.get(1)?,
                agency_id: r.get(2)?,
                message_id: r.get(3)?,
                agency_email: r.get(4)?,
                current_agency: r.get(5)?,
                municipality_id: r.get(6)?,
                moderate: r.get(7)?,
            })
        },
    )
    .optional()
}

/// The municipality of the agency writing from `from`, when exactly one has that address.
fn sender_municipality(conn: &Connection, from: Option<&str>) -> rusqlite::Result<Option<i64>> {
    let Some(from) = from else { return Ok(None) };
    let found: Vec<i64> = conn
        .prepare_cached(
            "SELECT DISTINCT municipality_id FROM agencies WHERE lower(email) = ?1 LIMIT 2",
        )?
        .query_map([from], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(match found.as_slice() {
        [one] => Some(*one),
        _ => None,
    })
}

/// Decides what `raw` (read as `parsed`; `None`: unreadable) is and stores it, in the caller's
/// write transaction. `photos` are its images, processed. Returns whether mail was queued
/// (wake the outbox after the commit) with the outcome.
pub fn receive(
    conn: &Connection,
    base: &str,
    raw: &[u8],
    parsed: Option<&Parsed>,
    photos: &[civic_photo::Processed],
    at: i64,
) -> rusqlite::Result<(Outcome, bool)> {
    // The message's identity: its Message-ID, or, without one (or unreadable), a digest of its
    // bytes, so a message piped or fetched again is taken once either way.
    let key = parsed
        .and_then(|p| p.message_id.clone())
        .unwrap_or_else(|| digest_id(raw));
    let seen: Option<(Option<String>, Option<i64>)> = conn
        .query_row(
            "SELECT reason, problem_id FROM inbound_mail WHERE message_id = ?1",
            [&key],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((reason, problem_id)) = seen {
        let reason = reason.as_deref().and_then(Reason::parse);
        return Ok((outcome(None, State::Duplicate, reason, problem_id), false));
    }
    let Some(p) = parsed else {
        let id = record(
            conn,
            &key,
            &Parsed::default(),
            Row::quarantine(Reason::Unreadable, None, None),
            raw,
            at,
        )?;
        return Ok((
            outcome(Some(id), State::Quarantined, Some(Reason::Unreadable), None),
            false,
        ));
    };
    // The appeal named by the first token that is ours.
    let mut appeal = None;
    for token in &p.tokens {
        if let Some(a) = find_appeal(conn, token)? {
            appeal = Some(a);
            break;
        }
    }
    let problem_id = appeal.as_ref().map(|a| a.problem_id);
    let municipality = match &appeal {
        Some(a) => Some(a.municipality_id),
        None => sender_municipality(conn, p.from.as_deref())?,
    };
    if let Some(kind) = p.automatic {
        let row = Row {
            state: State::Automatic,
            reason: Some(kind),
            appeal_id: appeal.as_ref().map(|a| a.id),
            problem_id,
            municipality,
            keep_raw: false,
        };
        let id = record(conn, &key, p, row, raw, at)?;
        return Ok((
            outcome(Some(id), State::Automatic, Some(kind), problem_id),
            false,
        ));
    }
    let reason = match &appeal {
        None if p.tokens.is_empty() => Some(Reason::NoToken),
        None => Some(Reason::UnknownToken),
        Some(a) if a.current_agency != Some(a.agency_id) => Some(Reason::RoutedElsewhere),
        Some(a) if a.agency_email.is_none() || a.agency_email != p.from => Some(Reason::Stranger),
        Some(a) if !p.references.is_empty() && !p.references.contains(&a.message_id) => {
            Some(Reason::ThreadMismatch)
        }
        Some(_) if p.text.is_empty() && p.status.is_none() && photos.is_empty() => {
            Some(Reason::Empty)
        }
        Some(_) if p.status == Some(KeywordStatus::Refused) && p.text.is_empty() => {
            Some(Reason::RefusalWithoutReason)
        }
        Some(_) => None,
    };
    let appeal = match (reason, appeal) {
        (None, Some(appeal)) => appeal,
        (reason, appeal) => {
            let reason = reason.unwrap_or(Reason::NoToken);
            let row = Row {
                appeal_id: appeal.as_ref().map(|a| a.id),
                ..Row::quarantine(reason, problem_id, municipality)
            };
            let id = record(conn, &key, p, row, raw, at)?;
            tracing::info!(
                inbound.id = id,
                reason = reason.as_str(),
                "e-mail quarantined"
            );
            return Ok((
                outcome(Some(id), State::Quarantined, Some(reason), problem_id),
                false,
            ));
        }
    };
    let problem_id = appeal.problem_id;
    let state = if appeal.moderate {
        State::Awaiting
    } else {
        State::Answered
    };
    let row = Row {
        state,
        reason: None,
        appeal_id: Some(appeal.id),
        problem_id: Some(problem_id),
        municipality,
        keep_raw: appeal.moderate,
    };
    let id = record(conn, &key, p, row, raw, at)?;
    if appeal.moderate {
        return Ok((
            outcome(Some(id), State::Awaiting, None, Some(problem_id)),
            false,
        ));
    }
    let mailed = publish(
        conn, base, id, problem_id, &p.text, p.status, photos, None, at,
    )?;
    Ok((
        outcome(Some(id), State::Answered, None, Some(problem_id)),
        mailed,
    ))
}

fn outcome(
    id: Option<i64>,
    state: State,
    reason: Option<Reason>,
    problem_id: Option<i64>,
) -> Outcome {
    Outcome {
        id,
        state,
        reason,
        problem_id,
    }
}

/// How a message is recorded.
struct Row {
    state: State,
    reason: Option<Reason>,
    appeal_id: Option<i64>,
    problem_id: Option<i64>,
    municipality: Option<i64>,
    /// Keep the raw message: a person still has to decide.
    keep_raw: bool,
}

impl Row {
    fn quarantine(reason: Reason, problem_id: Option<i64>, municipality: Option<i64>) -> Row {
        Row {
            state: State::Quarantined,
            reason: Some(reason),
            appeal_id: None,
            problem_id,
            municipality,
            keep_raw: true,
        }
    }
}

/// The identity of a message that has no `Message-ID`: a digest of its bytes, in the shape of
/// one (`.invalid` is a domain that is nobody's).
fn digest_id(raw: &[u8]) -> String {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(raw);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("<sha256-{hex}@no-message-id.invalid>")
}

fn record(
    conn: &Connection,
    key: &str,
    p: &Parsed,
    row: Row,
    raw: &[u8],
    at: i64,
) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO inbound_mail (received_at, message_id, from_addr, subject, appeal_id, problem_id,
                                   municipality_id, state, reason, text, status, raw)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            at,
            key,
            p.from,
            p.subject.as_deref().map(|s| s.chars().take(500).collect::<String>()),
            row.appeal_id,
            row.problem_id,
            row.municipality,
            row.state.as_str(),
            row.reason.map(Reason::as_str),
            p.text,
            p.status.map(|s| status_of(s).as_str()),
            row.keep_raw.then_some(raw),
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// The problem status a keyword asks for.
pub fn status_of(k: KeywordStatus) -> Status {
    match k {
        KeywordStatus::InProgress => Status::InProgress,
        KeywordStatus::Resolved => Status::Resolved,
        KeywordStatus::Refused => Status::Refused,
    }
}

/// The keyword a stored status (`inbound_mail.status`, written from [`status_of`]) came from.
pub fn keyword_of(stored: &str) -> Option<KeywordStatus> {
    [
        KeywordStatus::InProgress,
        KeywordStatus::Resolved,
        KeywordStatus::Refused,
    ]
    .into_iter()
    .find(|k| status_of(*k).as_str() == stored)
}

/// Publishes an e-mailed answer on problem `problem_id`: its photos, the event with the public
/// answer (and the status the keyword asked for), the reporter's e-mail; marks the message
/// answered and drops its raw bytes. `official` is the moderator who released it (`None`:
/// published on arrival). Returns whether mail was queued.
#[allow(clippy::too_many_arguments)]
pub fn publish(
    conn: &Connection,
    base: &str,
    inbound_id: i64,
    problem_id: i64,
    text: &str,
    status: Option<KeywordStatus>,
    photos: &[civic_photo::Processed],
    official: Option<i64>,
    at: i64,
) -> rusqlite::Result<bool> {
    for photo in photos {
        conn.execute(
            "INSERT INTO photos (problem_id, display, width, height, thumb, thumb_width, thumb_height, created_at, inbound_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                problem_id,
                photo.display,
                photo.width,
                photo.height,
                photo.thumb,
                photo.thumb_width,
                photo.thumb_height,
                at,
                inbound_id
            ],
        )?;
    }
    let from: String = conn.query_row(
        "SELECT status FROM problems WHERE id = ?1",
        [problem_id],
        |r| r.get(0),
    )?;
    let from_status = Status::parse(&from).unwrap_or(Status::Published);
    // A closed or merged problem keeps its status; the answer is still published.
    let to = match status.map(status_of) {
        Some(s) if !matches!(from_status, Status::Closed | Status::Duplicate) => s,
        _ => from_status,
    };
    let mut mailed = false;
    if to != from_status {
        mailed |= crate::problems::set_status(conn, base, problem_id, to, at)?;
    }
    let answer = (!text.is_empty()).then_some(text);
    conn.execute(
        "INSERT INTO problem_events (problem_id, at, official_id, from_status, to_status, public_answer, inbound_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![problem_id, at, official, from, to.as_str(), answer, inbound_id],
    )?;
    conn.execute(
        "UPDATE inbound_mail SET state = 'answered', raw = NULL, handled_at = ?2, handled_by = ?3,
                                 problem_id = ?4
         WHERE id = ?1",
        params![inbound_id, at, official, problem_id],
    )?;
    if to != from_status || answer.is_some() {
        mailed |= crate::problems::queue_reporter_mail(conn, base, problem_id, to, answer)?;
    }
    Ok(mailed)
}

/// Takes one raw message, as `host-service mail-in` does: parses it and processes its images
/// outside the database, then decides and stores it in one write transaction.
pub async fn deliver(
    state: &crate::AppState,
    raw: Vec<u8>,
    envelope_to: Option<String>,
) -> Result<Outcome, DbError> {
    let base = state.config.public_base();
    let (raw, parsed, photos) = tokio::task::spawn_blocking(move || {
        let parsed = parse(&raw, envelope_to.as_deref());
        let photos = parsed
            .as_ref()
            .map(|p| process_images(&p.images))
            .unwrap_or_default();
        (raw, parsed, photos)
    })
    .await
    .map_err(|e| DbError::Join(e.to_string()))?;
    let (outcome, mailed) = state
        .db
        .write(move |conn| {
            let at = crate::db::now();
            receive(conn, &base, &raw, parsed.as_ref(), &photos, at).map_err(DbError::from)
        })
        .await?;
    if mailed {
        state.outbox.wake();
    }
    tracing::info!(
        state = outcome.state.as_str(),
        reason = outcome.reason.map(Reason::as_str),
        problem.id = outcome.problem_id,
        "e-mail received"
    );
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flowed_text_is_joined_per_quote_depth() {
        let flowed = "Проверили: фонарь исправен, \r\nкабель заменён.\r\n\r\n> Обращение \r\n> № 12\r\n From here\r\n";
        assert_eq!(
            unflow(flowed, false),
            "Проверили: фонарь исправен, кабель заменён.\n\n> Обращение № 12\nFrom here\n"
        );
        assert_eq!(unflow("one \r\ntwo\r\n", true), "onetwo\n");
        // The signature separator is not a soft break.
        assert_eq!(unflow("-- \r\nИван\r\n", false), "-- \nИван\n");
    }
}
