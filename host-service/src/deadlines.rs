//! Deadlines after publication: the overdue list the cabinet shows, and the reminders an agency
//! gets by e-mail a day before a problem's deadline and once it has passed.
//!
//! Both read the partial index `problems_due` (open problems with a deadline, by deadline), so
//! they cost what is due, not what the city has. Reminders are queued by [`remind`], which
//! [`spawn_reminders`] runs every minute (and tests call with the time they choose); each
//! reminder is stamped on the problem in the same transaction, so it is queued once.

use std::time::Duration;

use civic_wire::{Lang, Status};
use rusqlite::{Connection, params};

use crate::AppState;
use crate::db::{DbError, now};
use crate::mail;

/// How long before the deadline the first reminder goes.
pub const REMIND_BEFORE_SECS: i64 = 24 * 3600;
/// How long after the deadline the "overdue" reminder may still go.
pub const REMIND_AFTER_WITHIN_SECS: i64 = 7 * 24 * 3600;
/// Rows per page of the overdue list.
pub const PAGE_SIZE: i64 = 50;
/// Reminders queued per round at most (the next round takes the rest).
const REMIND_BATCH: i64 = 200;

/// One row of the overdue list.
pub struct OverdueRow {
    pub id: i64,
    pub due_at: i64,
    pub site: String,
    pub category: String,
    pub agency: Option<String>,
    pub status: Status,
    pub description: String,
}

/// Where the overdue list starts: after the row with this deadline and id (keyset).
pub type OverdueCursor = Option<(i64, i64)>;

/// One page of the municipality's open problems past their deadline at `at`, the most overdue
/// first; `agency` limits it to one agency's. Returns the rows and whether more follow.
pub fn overdue_page(
    conn: &Connection,
    municipality_id: i64,
    agency: Option<i64>,
    at: i64,
    cursor: OverdueCursor,
    lang: Lang,
) -> rusqlite::Result<(Vec<OverdueRow>, bool)> {
    let name = match lang {
        Lang::Ru => "c.name_ru",
        Lang::En => "c.name_en",
    };
    let (from_due, from_id) = cursor.unwrap_or((i64::MIN, i64::MIN));
    let mut rows = conn
        .prepare_cached(&format!(
            "SELECT p.id, p.due_at, s.name, {name}, a.name, p.status, p.description
             FROM problems p INDEXED BY problems_due
             JOIN sites s ON s.id = p.site_id JOIN categories c ON c.id = p.category_id
             LEFT JOIN agencies a ON a.id = p.agency_id
             WHERE p.due_at IS NOT NULL AND p.status IN ('published', 'in_progress')
               AND p.due_at < ?1 AND s.municipality_id = ?2 AND (?3 IS NULL OR p.agency_id = ?3)
               AND (p.due_at, p.id) > (?4, ?5)
             ORDER BY p.due_at, p.id LIMIT ?6"
        ))?
        .query_map(
            params![
                at,
                municipality_id,
                agency,
                from_due,
                from_id,
                PAGE_SIZE + 1
            ],
            |r| {
                Ok(OverdueRow {
                    id: r.get(0)?,
                    due_at: r.get(1)?,
                    site: r.get(2)?,
                    category: r.get(3)?,
                    agency: r.get(4)?,
                    status: Status::parse(&r.get::<_, String>(5)?).unwrap_or(Status::Published),
                    description: r.get(6)?,
                })
            },
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let more = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    Ok((rows, more))
}

/// How many of the municipality's open problems are past their deadline at `at`.
pub fn overdue_count(
    conn: &Connection,
    municipality_id: i64,
    agency: Option<i64>,
    at: i64,
) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "SELECT count(*) FROM problems p INDEXED BY problems_due JOIN sites s ON s.id = p.site_id
         WHERE p.due_at IS NOT NULL AND p.status IN ('published', 'in_progress')
           AND p.due_at < ?1 AND s.municipality_id = ?2 AND (?3 IS NULL OR p.agency_id = ?3)",
    )?
    .query_row(params![at, municipality_id, agency], |r| r.get(0))
}

/// A reminder due: to whom, about what.
struct Due {
    id: i64,
    due_at: i64,
    agency: String,
    to: String,
    site: String,
    lang: String,
    name_ru: String,
    name_en: String,
    by_email: bool,
}

/// Queues, as of `at`, the reminders that are due: "due tomorrow" for open problems whose
/// deadline is within [`REMIND_BEFORE_SECS`], "overdue" for those past it, each once, to the
/// problem's agency when it has an address. `base` is the public URL (for the cabinet link).
/// Returns how many were queued.
pub fn remind(conn: &Connection, base: &str, at: i64) -> rusqlite::Result<usize> {
    let mut queued = 0;
    for overdue in [false, true] {
        let (window, stamp) = if overdue {
            // Only deadlines passed within the last week: a reminder is news, and problems
            // long overdue before reminders existed are on the overdue list already.
            (
                "p.due_at < ?1 AND p.due_at >= ?1 - ?4 AND p.reminded_after_at IS NULL",
                "reminded_after_at",
            )
        } else {
            (
                // (?4, bound for the other window, named so the parameter count agrees.)
                "p.due_at >= ?1 AND p.due_at < ?1 + ?2 AND p.reminded_before_at IS NULL AND ?4 > 0",
                "reminded_before_at",
            )
        };
        let due = conn
            .prepare_cached(&format!(
                "SELECT p.id, p.due_at, a.name, a.email, s.name, s.default_lang, c.name_ru, c.name_en,
                        a.delivery = 'email'
                 FROM problems p INDEXED BY problems_due
                 JOIN agencies a ON a.id = p.agency_id JOIN sites s ON s.id = p.site_id
                 JOIN categories c ON c.id = p.category_id
                 WHERE p.due_at IS NOT NULL AND p.status IN ('published', 'in_progress')
                   AND {window} AND a.email IS NOT NULL
                 ORDER BY p.due_at, p.id LIMIT ?3"
            ))?
            .query_map(params![at, REMIND_BEFORE_SECS, REMIND_BATCH, REMIND_AFTER_WITHIN_SECS], |r| {
                Ok(Due {
                    id: r.get(0)?,
                    due_at: r.get(1)?,
                    agency: r.get(2)?,
                    to: r.get(3)?,
                    site: r.get(4)?,
                    lang: r.get(5)?,
                    name_ru: r.get(6)?,
                    name_en: r.get(7)?,
                    by_email: r.get(8)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for d in due {
            let lang = Lang::from_tag(&d.lang).unwrap_or_default();
            let category = match lang {
                Lang::Ru => &d.name_ru,
                Lang::En => &d.name_en,
            };
            let about = mail::About {
                lang,
                site_name: &d.site,
                problem_id: d.id,
                category,
            };
            let reminder = mail::Reminder {
                agency: &d.agency,
                due: crate::i18n::date_time(lang, d.due_at),
                overdue,
                // An agency that works by e-mail answers the appeal; it may have no cabinet.
                link: &match d.by_email {
                    true => format!("{base}/problems/{}", d.id),
                    false => format!("{base}/cabinet/problems/{}", d.id),
                },
                by_email: d.by_email,
            };
            mail::enqueue(conn, &mail::deadline_reminder(&about, &d.to, &reminder))?;
            conn.execute(
                &format!("UPDATE problems SET {stamp} = ?2 WHERE id = ?1"),
                params![d.id, at],
            )?;
            queued += 1;
        }
    }
    Ok(queued)
}

/// Runs [`remind`] every `every` until the task is aborted (by `serve` when it stops).
pub fn spawn_reminders(state: AppState, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let base = state.config.public_base();
            let queued = state
                .db
                .write(move |conn| remind(conn, &base, now()).map_err(DbError::from))
                .await;
            match queued {
                Ok(0) => {}
                Ok(n) => {
                    tracing::info!(reminders = n, "deadline reminders queued");
                    state.outbox.wake();
                }
                Err(e) => tracing::error!(error = %e, "deadline reminders failed"),
            }
            tokio::time::sleep(every).await;
        }
    })
}
