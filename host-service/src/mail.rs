//! E-mail: the transactional outbox and the worker that sends it over SMTP (lettre).
//!
//! Whatever causes a message (a report waiting for its e-mail to be confirmed, a status change)
//! calls [`enqueue`] inside its own write transaction, so the message exists exactly when what
//! it tells about does, and then [`Outbox::wake`]s the worker. The worker ([`spawn_worker`])
//! sends due rows one by one, marks each sent, and on failure schedules a retry with
//! exponential backoff; a permanent refusal (no such mailbox) or retries past
//! [`MailConfig::give_up_after`] mark the row failed. An SMTP outage therefore delays mail but
//! never loses it and never blocks a request. Each message carries a `Message-ID` derived from
//! its row, so in the rare case of a resend (the process stopped between the server's `250`
//! and our `UPDATE`) receivers can tell it is the same message.

use std::time::Duration;

use civic_wire::{Lang, Status};
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, Message, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use rusqlite::{Connection, params};
use tokio::sync::Notify;
use url::Url;

use crate::AppState;
use crate::db::{DbError, now};

/// Where and how mail is sent; part of [`crate::Config`].
#[derive(Clone)]
pub struct MailConfig {
    /// `smtp://[user:password@]host[:port]` (plain, for a relay on the same machine or
    /// network), `smtp://…?tls=required` (STARTTLS) or `smtps://…` (TLS). `None`: messages are
    /// kept in the outbox until a server is configured. Holds a secret.
    pub smtp_url: Option<Url>,
    /// The `From:` of every message, e.g. `Civic Widget <noreply@city.example>`.
    pub from: String,
    /// Replies to appeals go to `reply+<token>@` this domain (appeals.rs).
    pub reply_domain: String,
    /// The first retry waits this long; each further one twice as long, up to `retry_max`.
    pub retry_min: Duration,
    pub retry_max: Duration,
    /// A message still unsent this long after it was queued is given up.
    pub give_up_after: Duration,
    /// One SMTP conversation may take this long.
    pub send_timeout: Duration,
    /// Sent and failed rows (they hold addresses: personal data) are deleted after this.
    pub retention: Duration,
}

impl MailConfig {
    pub fn new(public_url: &Url) -> MailConfig {
        let host = public_url.host_str().unwrap_or("localhost");
        MailConfig {
            smtp_url: None,
            from: format!("Civic Widget <noreply@{host}>"),
            reply_domain: host.to_owned(),
            retry_min: Duration::from_secs(15),
            retry_max: Duration::from_secs(3600),
            give_up_after: Duration::from_secs(3 * 24 * 3600),
            send_timeout: Duration::from_secs(30),
            retention: Duration::from_secs(30 * 24 * 3600),
        }
    }

    /// The delay before attempt number `attempts + 1`, after `attempts` failures.
    pub fn backoff(&self, attempts: u32) -> Duration {
        let factor = 1u32
            .checked_shl(attempts.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.retry_min
            .checked_mul(factor)
            .unwrap_or(self.retry_max)
            .min(self.retry_max)
    }
}

impl std::fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let smtp = self.smtp_url.as_ref().map(|u| {
            let mut u = u.clone();
            if u.password().is_some() {
                let _ = u.set_password(Some("REDACTED"));
            }
            u.to_string()
        });
        f.debug_struct("MailConfig")
            .field("smtp_url", &smtp)
            .field("from", &self.from)
            .field("retry_min", &self.retry_min)
            .field("retry_max", &self.retry_max)
            .field("give_up_after", &self.give_up_after)
            .finish()
    }
}

/// The worker's doorbell, shared through [`AppState`].
#[derive(Debug, Default)]
pub struct Outbox {
    bell: Notify,
}

impl Outbox {
    /// Tells the worker that a message was queued (call after the transaction committed).
    pub fn wake(&self) {
        self.bell.notify_one();
    }
}

/// A message to queue. `to` is checked when it is sent: an address the SMTP library cannot
/// parse fails that one message, never the transaction that queued it.
#[derive(Debug, Clone)]
pub struct Mail {
    /// What it is about, for the logs and metrics: `confirm_report`, `status_changed`, …
    pub kind: &'static str,
    pub problem_id: Option<i64>,
    pub to: String,
    pub subject: String,
    pub body: String,
    /// An appeal's extras (appeals.rs); `None` for the plain notices.
    pub rich: Option<Rich>,
}

impl Mail {
    /// A plain-text notice about a problem (every template but the appeal).
    fn notice(
        kind: &'static str,
        problem_id: Option<i64>,
        to: &str,
        subject: String,
        body: String,
    ) -> Mail {
        Mail {
            kind,
            problem_id,
            to: to.to_owned(),
            subject,
            body,
            rich: None,
        }
    }
}

/// What a formal appeal has beyond a plain-text notice.
#[derive(Debug, Clone, Default)]
pub struct Rich {
    /// The HTML alternative of `body`.
    pub html: Option<String>,
    /// Where replies go: `reply+<token>@<domain>`.
    pub reply_to: Option<String>,
    /// The `Message-ID`, chosen when queued so that replies can be matched to it.
    pub message_id: Option<String>,
    /// Attach this problem's reporter photos (those not hidden when the message is sent).
    pub attach_photos_of: Option<i64>,
}

/// Queues `mail` in the caller's transaction; it is sent once that transaction commits.
pub fn enqueue(conn: &Connection, mail: &Mail) -> rusqlite::Result<i64> {
    let at = now();
    let rich = mail.rich.clone().unwrap_or_default();
    conn.execute(
        "INSERT INTO outbox (kind, problem_id, to_addr, subject, body, created_at, next_attempt_at,
                             html, reply_to, message_id, attach_photos_of)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?8, ?9, ?10)",
        params![
            mail.kind,
            mail.problem_id,
            mail.to,
            mail.subject,
            mail.body,
            at,
            rich.html,
            rich.reply_to,
            rich.message_id,
            rich.attach_photos_of,
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// The outbox at a glance, for `/metrics` and the tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxStats {
    /// Messages waiting to be sent (including those waiting for a retry).
    pub queued: i64,
    /// Age in seconds of the oldest waiting message (0 when none waits).
    pub oldest_age_seconds: i64,
    pub sent: i64,
    pub failed: i64,
}

pub fn stats(conn: &Connection) -> rusqlite::Result<OutboxStats> {
    let at = now();
    conn.query_row(
        "SELECT (SELECT count(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL),
                (SELECT coalesce(?1 - min(created_at), 0) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL),
                (SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL),
                (SELECT count(*) FROM outbox WHERE failed_at IS NOT NULL)",
        [at],
        |r| {
            Ok(OutboxStats {
                queued: r.get(0)?,
                oldest_age_seconds: r.get(1)?,
                sent: r.get(2)?,
                failed: r.get(3)?,
            })
        },
    )
}

/// Messages handed to the SMTP server per round; the next round follows at once.
const BATCH: i64 = 20;

struct Queued {
    id: i64,
    to: String,
    subject: String,
    body: String,
    created_at: i64,
    attempts: u32,
    rich: Rich,
    /// The photos to attach, read with the row: (photo id, JPEG bytes).
    photos: Vec<(i64, Vec<u8>)>,
}

/// At most this many photos go with one message (a reporter attaches at most 3).
const ATTACH_MAX: i64 = 3;

/// What happened to one message.
enum Outcome {
    Sent,
    Retry(String),
    GiveUp(String),
}

/// Starts the worker when an SMTP server is configured (`None` otherwise: mail waits).
pub fn spawn_worker(state: AppState) -> anyhow::Result<Option<tokio::task::JoinHandle<()>>> {
    let Some(url) = state.config.mail.smtp_url.clone() else {
        tracing::warn!("no SMTP server configured (--smtp-url): e-mail stays in the outbox");
        return Ok(None);
    };
    let from: Mailbox = state
        .config
        .mail
        .from
        .parse()
        .map_err(|e| anyhow::anyhow!("--mail-from {:?}: {e}", state.config.mail.from))?;
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.as_str())
        .map_err(|e| anyhow::anyhow!("--smtp-url: {e}"))?
        .timeout(Some(state.config.mail.send_timeout))
        .build();
    Ok(Some(tokio::spawn(async move {
        loop {
            let more = match deliver_due(&state, &transport, &from).await {
                Ok(more) => more,
                Err(e) => {
                    tracing::error!(error = %e, "mail worker could not read the outbox");
                    false
                }
            };
            if more {
                continue;
            }
            // Woken by a new message, or after a while for the retries that fall due.
            let nap = state.config.mail.retry_min.min(Duration::from_secs(5));
            tokio::select! {
                _ = state.outbox.bell.notified() => {}
                _ = tokio::time::sleep(nap) => {}
            }
        }
    })))
}

/// Sends the messages that are due now; `Ok(true)` when a full batch went and more may wait.
pub async fn deliver_due<T>(
    state: &AppState,
    transport: &T,
    from: &Mailbox,
) -> Result<bool, DbError>
where
    T: AsyncTransport + Sync,
    T::Error: std::fmt::Display + SmtpErrorKind,
{
    let due = state
        .db
        .read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT id, to_addr, subject, body, created_at, attempts,
                        html, reply_to, message_id, attach_photos_of FROM outbox
                 WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?1
                 ORDER BY next_attempt_at, id LIMIT ?2",
            )?;
            let mut rows = stmt
                .query_map(params![now(), BATCH], |r| {
                    Ok(Queued {
                        id: r.get(0)?,
                        to: r.get(1)?,
                        subject: r.get(2)?,
                        body: r.get(3)?,
                        created_at: r.get(4)?,
                        attempts: r.get(5)?,
                        rich: Rich {
                            html: r.get(6)?,
                            reply_to: r.get(7)?,
                            message_id: r.get(8)?,
                            attach_photos_of: r.get(9)?,
                        },
                        photos: Vec::new(),
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            for row in &mut rows {
                if let Some(problem_id) = row.rich.attach_photos_of {
                    row.photos = conn
                        .prepare_cached(
                            "SELECT id, display FROM photos
                             WHERE problem_id = ?1 AND hidden_at IS NULL AND inbound_id IS NULL
                             ORDER BY id LIMIT ?2",
                        )?
                        .query_map(params![problem_id, ATTACH_MAX], |r| {
                            Ok((r.get(0)?, r.get(1)?))
                        })?
                        .collect::<rusqlite::Result<_>>()?;
                }
            }
            Ok::<_, DbError>(rows)
        })
        .await?;
    let full = due.len() as i64 == BATCH;
    let config = &state.config.mail;
    let host = state
        .config
        .public_url
        .host_str()
        .unwrap_or("localhost")
        .to_owned();
    for mail in due {
        let outcome = send_one(transport, from, (&host, &config.reply_domain), &mail).await;
        let id = mail.id;
        let at = now();
        let attempts = mail.attempts + 1;
        let give_up_at = mail.created_at + config.give_up_after.as_secs() as i64;
        let retry_at = at + config.backoff(attempts).as_secs().max(1) as i64;
        match &outcome {
            Outcome::Sent => tracing::info!(outbox.id = id, "mail sent"),
            Outcome::Retry(e) if retry_at <= give_up_at => {
                tracing::warn!(outbox.id = id, attempts, error = %e, "mail not sent; will retry")
            }
            Outcome::Retry(e) | Outcome::GiveUp(e) => {
                tracing::error!(outbox.id = id, attempts, error = %e, "mail given up")
            }
        }
        state
            .db
            .write(move |conn| {
                match outcome {
                    Outcome::Sent => conn.execute(
                        "UPDATE outbox SET sent_at = ?2, attempts = ?3, last_error = NULL WHERE id = ?1",
                        params![id, at, attempts],
                    )?,
                    Outcome::Retry(e) if retry_at <= give_up_at => conn.execute(
                        "UPDATE outbox SET attempts = ?2, next_attempt_at = ?3, last_error = ?4 WHERE id = ?1",
                        params![id, attempts, retry_at, e],
                    )?,
                    Outcome::Retry(e) | Outcome::GiveUp(e) => conn.execute(
                        "UPDATE outbox SET attempts = ?2, failed_at = ?3, last_error = ?4 WHERE id = ?1",
                        params![id, attempts, at, e],
                    )?,
                };
                Ok::<_, DbError>(())
            })
            .await?;
    }
    prune(state).await?;
    Ok(full)
}

/// Deletes sent and failed messages older than the retention period.
async fn prune(state: &AppState) -> Result<(), DbError> {
    let before = now() - state.config.mail.retention.as_secs() as i64;
    state
        .db
        .write(move |conn| {
            conn.execute(
                "DELETE FROM outbox WHERE (sent_at IS NOT NULL OR failed_at IS NOT NULL) AND created_at < ?1",
                [before],
            )?;
            Ok::<_, DbError>(())
        })
        .await
}

/// Tells a permanent SMTP refusal (5xx: retrying cannot help) from a passing trouble.
pub trait SmtpErrorKind {
    fn is_permanent(&self) -> bool;
}

impl SmtpErrorKind for lettre::transport::smtp::Error {
    fn is_permanent(&self) -> bool {
        lettre::transport::smtp::Error::is_permanent(self)
    }
}

async fn send_one<T>(
    transport: &T,
    from: &Mailbox,
    (host, reply_domain): (&str, &str),
    mail: &Queued,
) -> Outcome
where
    T: AsyncTransport + Sync,
    T::Error: std::fmt::Display + SmtpErrorKind,
{
    let to: Mailbox = match mail.to.parse() {
        Ok(to) => to,
        Err(e) => return Outcome::GiveUp(format!("bad address: {e}")),
    };
    let mut builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.as_str())
        .message_id(Some(mail.rich.message_id.clone().unwrap_or_else(|| {
            format!("<civic-{}-{}@{host}>", mail.id, mail.created_at)
        })));
    if let Some(reply_to) = &mail.rich.reply_to {
        // A bare local part (an appeal's `reply+<token>`) is at the configured reply domain.
        let reply_to = match reply_to.contains('@') {
            true => reply_to.clone(),
            false => format!("{reply_to}@{reply_domain}"),
        };
        match reply_to.parse::<Mailbox>() {
            Ok(r) => builder = builder.reply_to(r),
            Err(e) => return Outcome::GiveUp(format!("bad reply address: {e}")),
        }
    }
    let message = match (&mail.rich.html, mail.photos.is_empty()) {
        (None, true) => builder
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone()),
        (html, _) => {
            let text = SinglePart::plain(mail.body.clone());
            let mut body = match html {
                Some(html) => MultiPart::mixed().multipart(
                    MultiPart::alternative()
                        .singlepart(text)
                        .singlepart(SinglePart::html(html.clone())),
                ),
                None => MultiPart::mixed().singlepart(text),
            };
            for (n, (photo_id, bytes)) in mail.photos.iter().enumerate() {
                body = body.singlepart(
                    Attachment::new(format!("photo-{}-{photo_id}.jpg", n + 1)).body(
                        bytes.clone(),
                        ContentType::parse("image/jpeg").expect("a valid MIME type"),
                    ),
                );
            }
            builder.multipart(body)
        }
    };
    let message = match message {
        Ok(m) => m,
        Err(e) => return Outcome::GiveUp(format!("cannot build the message: {e}")),
    };
    match transport.send(message).await {
        Ok(_) => Outcome::Sent,
        Err(e) if e.is_permanent() => Outcome::GiveUp(e.to_string()),
        Err(e) => Outcome::Retry(e.to_string()),
    }
}

/// Everything a template needs about a problem.
pub struct About<'a> {
    pub lang: Lang,
    pub site_name: &'a str,
    pub problem_id: i64,
    pub category: &'a str,
}

/// The message that asks an anonymous reporter to confirm their report.
pub fn confirm_report(about: &About, to: &str, link: &str, valid_days: i64) -> Mail {
    let About {
        site_name: site,
        problem_id: id,
        category,
        ..
    } = about;
    let (subject, body) = match about.lang {
        Lang::Ru => (
            format!("Подтвердите сообщение о проблеме № {id}"),
            format!(
                "Здравствуйте!\n\n\
                 На сайте «{site}» с этим адресом электронной почты отправлено сообщение \
                 о проблеме № {id} («{category}»).\n\n\
                 Чтобы его приняли в работу, подтвердите его по ссылке:\n{link}\n\n\
                 Ссылка действует {valid_days} дн. Если вы ничего не отправляли, удалите это \
                 письмо: без подтверждения сообщение не публикуется и не рассматривается.\n\n\
                 — {site}\n"
            ),
        ),
        Lang::En => (
            format!("Please confirm your report No. {id}"),
            format!(
                "Hello,\n\n\
                 A report of a problem, No. {id} ({category}), was sent from the site \
                 \"{site}\" with this e-mail address.\n\n\
                 To have it taken up, please confirm it here:\n{link}\n\n\
                 The link is valid for {valid_days} days. If you did not send anything, delete \
                 this message: an unconfirmed report is neither published nor considered.\n\n\
                 — {site}\n"
            ),
        ),
    };
    Mail::notice("confirm_report", Some(about.problem_id), to, subject, body)
}

/// The message that asks a visitor who is not signed in to confirm their support of a problem.
pub fn confirm_support(about: &About, to: &str, link: &str, valid_days: i64) -> Mail {
    let About {
        site_name: site,
        problem_id: id,
        category,
        ..
    } = about;
    let (subject, body) = match about.lang {
        Lang::Ru => (
            format!("Подтвердите поддержку проблемы № {id}"),
            format!(
                "Здравствуйте!\n\n\
                 На сайте «{site}» с этим адресом отметили, что проблема № {id} («{category}») \
                 касается и вас.\n\n\
                 Чтобы ваш голос учли, подтвердите его по ссылке:\n{link}\n\n\
                 Ссылка действует {valid_days} дн. Голос с одного адреса учитывается один раз. \
                 Если вы ничего не отмечали, удалите это письмо.\n\n\
                 — {site}\n"
            ),
        ),
        Lang::En => (
            format!("Please confirm your support of problem No. {id}"),
            format!(
                "Hello,\n\n\
                 On the site \"{site}\" this address said that problem No. {id} ({category}) \
                 affects it too.\n\n\
                 To have your vote counted, please confirm it here:\n{link}\n\n\
                 The link is valid for {valid_days} days. One address counts once. If you did \
                 not ask for this, delete this message.\n\n\
                 — {site}\n"
            ),
        ),
    };
    Mail::notice("confirm_support", Some(about.problem_id), to, subject, body)
}

/// The message that tells a reporter their problem's status changed or got an answer.
pub fn status_changed(
    about: &About,
    to: &str,
    status: Status,
    answer: Option<&str>,
    tracking_url: &str,
) -> Mail {
    let About {
        site_name: site,
        problem_id: id,
        category,
        lang,
    } = about;
    let label = status.label(*lang);
    let (subject, intro, answer_head, follow) = match lang {
        Lang::Ru => (
            format!("Проблема № {id}: {label}"),
            format!("Статус вашего сообщения о проблеме № {id} («{category}») — «{label}»."),
            "Ответ:",
            "Ход рассмотрения:",
        ),
        Lang::En => (
            format!("Problem No. {id}: {label}"),
            format!("Your report of problem No. {id} ({category}) is now \"{label}\"."),
            "Answer:",
            "Follow it here:",
        ),
    };
    let answer = answer
        .map(|a| format!("{answer_head}\n{a}\n\n"))
        .unwrap_or_default();
    Mail::notice(
        "status_changed",
        Some(*id),
        to,
        subject,
        format!("{intro}\n\n{answer}{follow} {tracking_url}\n\n— {site}\n"),
    )
}

/// What the agency is told about a problem routed to it.
pub struct Routed<'a> {
    pub agency: &'a str,
    pub description: &'a str,
    pub address: Option<&'a str>,
    /// The deadline, as people read it.
    pub due: Option<String>,
    /// The problem's page in the cabinet.
    pub link: &'a str,
}

/// The message that tells an agency a problem was routed to it. No reporter's contacts: those
/// are read in the cabinet, where every view is audited.
pub fn routed_to_agency(about: &About, to: &str, routed: &Routed) -> Mail {
    let About {
        site_name: site,
        problem_id: id,
        category,
        lang,
    } = about;
    let Routed {
        agency,
        description,
        address,
        due,
        link,
    } = routed;
    let (subject, intro, address_head, due_head, open, contacts) = match lang {
        Lang::Ru => (
            format!("Вам направлено обращение № {id}: {category}"),
            format!("{agency}: вам направлено обращение № {id} («{category}») с сайта «{site}»."),
            "Адрес:",
            "Срок решения:",
            "Открыть в кабинете:",
            "Контакты заявителя — в кабинете; каждый их просмотр фиксируется.",
        ),
        Lang::En => (
            format!("Problem No. {id} routed to you: {category}"),
            format!(
                "{agency}: problem No. {id} ({category}) from the site \"{site}\" is routed to you."
            ),
            "Address:",
            "Deadline:",
            "Open it in the cabinet:",
            "The reporter's contacts are in the cabinet; every view of them is logged.",
        ),
    };
    let mut body = format!("{intro}\n\n{description}\n\n");
    if let Some(address) = address {
        body += &format!("{address_head} {address}\n");
    }
    if let Some(due) = due {
        body += &format!("{due_head} {due}\n");
    }
    body += &format!("\n{open} {link}\n\n{contacts}\n\n— {site}\n");
    Mail::notice("routed_to_agency", Some(*id), to, subject, body)
}

/// A deadline reminder for an agency.
pub struct Reminder<'a> {
    pub agency: &'a str,
    /// The deadline, as people read it.
    pub due: String,
    /// Past the deadline already (else: due within a day).
    pub overdue: bool,
    /// The cabinet page, or for an agency that works by e-mail the public card.
    pub link: &'a str,
    /// The agency works by e-mail: it answers by replying to the appeal.
    pub by_email: bool,
}

/// The reminder an agency gets a day before a problem's deadline, and once it has passed.
pub fn deadline_reminder(about: &About, to: &str, r: &Reminder) -> Mail {
    let About {
        site_name: site,
        problem_id: id,
        category,
        lang,
    } = about;
    let Reminder {
        agency,
        due,
        overdue,
        link,
        by_email,
    } = r;
    let (subject, text, open) = match (lang, overdue) {
        (Lang::Ru, false) => (
            format!("Срок по обращению № {id} истекает {due}"),
            format!("{agency}: срок решения обращения № {id} («{category}») истекает {due}."),
            "Открыть в кабинете:",
        ),
        (Lang::Ru, true) => (
            format!("Обращение № {id} просрочено"),
            format!(
                "{agency}: срок решения обращения № {id} («{category}») истёк {due}. Жителю не дан ответ о решении."
            ),
            "Открыть в кабинете:",
        ),
        (Lang::En, false) => (
            format!("Problem No. {id} is due {due}"),
            format!("{agency}: problem No. {id} ({category}) is due {due}."),
            "Open it in the cabinet:",
        ),
        (Lang::En, true) => (
            format!("Problem No. {id} is overdue"),
            format!(
                "{agency}: problem No. {id} ({category}) was due {due}. The resident has not been told it is solved."
            ),
            "Open it in the cabinet:",
        ),
    };
    let (open, how) = match (by_email, lang) {
        (false, _) => (open, String::new()),
        (true, Lang::Ru) => (
            "Карточка проблемы:",
            format!("Чтобы ответить, ответьте на письмо с обращением № {id}.\n\n"),
        ),
        (true, Lang::En) => (
            "The problem's card:",
            format!("To answer, reply to the letter of appeal No. {id}.\n\n"),
        ),
    };
    Mail::notice(
        if *overdue { "overdue" } else { "due_soon" },
        Some(*id),
        to,
        subject,
        format!("{text}\n\n{how}{open} {link}\n\n— {site}\n"),
    )
}

/// The message that tells an agency the reporter reopened a problem it had resolved.
pub fn reopened(about: &About, to: &str, agency: &str, comment: Option<&str>, link: &str) -> Mail {
    let About {
        site_name: site,
        problem_id: id,
        category,
        lang,
    } = about;
    let (subject, text, said, open) = match lang {
        Lang::Ru => (
            format!("Житель вернул в работу обращение № {id}"),
            format!(
                "{agency}: житель не согласен, что проблема № {id} («{category}») решена, и вернул её в работу."
            ),
            "Его слова:",
            "Открыть в кабинете:",
        ),
        Lang::En => (
            format!("The resident reopened problem No. {id}"),
            format!(
                "{agency}: the resident does not agree that problem No. {id} ({category}) is solved, and reopened it."
            ),
            "Their words:",
            "Open it in the cabinet:",
        ),
    };
    let said = comment
        .map(|c| format!("{said}\n{c}\n\n"))
        .unwrap_or_default();
    Mail::notice(
        "reopened",
        Some(*id),
        to,
        subject,
        format!("{text}\n\n{said}{open} {link}\n\n— {site}\n"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_minimum_up_to_the_maximum() {
        let c = MailConfig::new(&Url::parse("https://city.example").unwrap());
        assert_eq!(c.backoff(1), Duration::from_secs(15));
        assert_eq!(c.backoff(2), Duration::from_secs(30));
        assert_eq!(c.backoff(5), Duration::from_secs(240));
        assert_eq!(c.backoff(9), Duration::from_secs(3600));
        assert_eq!(c.backoff(200), Duration::from_secs(3600));
        assert_eq!(c.from, "Civic Widget <noreply@city.example>");
    }

    #[test]
    fn the_smtp_password_is_not_printed() {
        let mut c = MailConfig::new(&Url::parse("https://city.example").unwrap());
        c.smtp_url = Some(Url::parse("smtp://mailer:hunter2@relay.example:587").unwrap());
        let printed = format!("{c:?}");
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(printed.contains("relay.example"), "{printed}");
    }
}
