//! `/cabinet/overdue`: the open problems past their deadline, the most overdue first, paged by
//! keyset (`from=DUE:ID`). An agency official sees only their agency's.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;
use serde::Deserialize;

use super::{CabinetError, CabinetFailure, InLang, Session, excerpt, header_bar};
use crate::AppState;
use crate::db::now;
use crate::deadlines::{overdue_count, overdue_page};
use crate::i18n::{self, Msg};
use crate::pages::{PageLang, format_time, iso_time, layout, page};

#[derive(Deserialize, Default)]
pub(super) struct OverdueQuery {
    /// `DUE:ID` of the last row of the previous page.
    from: Option<String>,
}

pub(super) async fn overdue(
    State(state): State<AppState>,
    lang: PageLang,
    session: Session,
    Query(q): Query<OverdueQuery>,
) -> Result<Response, CabinetFailure> {
    let cursor = q.from.as_deref().and_then(|f| {
        let (due, id) = f.split_once(':')?;
        Some((due.parse().ok()?, id.parse().ok()?))
    });
    let (municipality_id, agency) = (session.municipality_id, session.agency_scope());
    let at = now();
    let ((rows, more), total) = state
        .db
        .read(move |conn| {
            Ok::<_, CabinetError>((
                overdue_page(conn, municipality_id, agency, at, cursor, lang.lang)?,
                overdue_count(conn, municipality_id, agency, at)?,
            ))
        })
        .await
        .in_lang(lang)?;
    let days_late = |due: i64| (at - due) / 86_400;
    let next = rows
        .last()
        .filter(|_| more)
        .map(|r| lang.href(&format!("/cabinet/overdue?from={}:{}", r.due_at, r.id)));
    let title = lang.m(Msg::OverdueTitle);
    let content = html! {
        p { a href=(lang.href("/cabinet")) { "← " (lang.m(Msg::BackToTheList)) } }
        h1 { (title) }
        p id="overdue-count" { (i18n::reports_count(lang.lang, total.unsigned_abs())) }
        @if rows.is_empty() {
            p.notice id="no-overdue" { (lang.m(Msg::NothingOverdue)) }
        } @else {
            table.problems.overdue-list {
                caption.muted { (lang.m(Msg::MostOverdueFirst)) }
                thead { tr {
                    th scope="col" { (lang.m(Msg::NumberSign)) }
                    th scope="col" { (lang.m(Msg::DueBy)) }
                    th scope="col" { (lang.m(Msg::Agency)) }
                    th scope="col" { (lang.m(Msg::Category)) }
                    th scope="col" { (lang.m(Msg::Status)) }
                    th scope="col" { (lang.m(Msg::Description)) }
                } }
                tbody {
                    @for row in &rows {
                        tr data-problem-id=(row.id) {
                            td.problem-number { a href=(lang.href(&format!("/cabinet/problems/{}", row.id))) { (row.id) } }
                            td {
                                time datetime=(iso_time(row.due_at)) { (format_time(row.due_at, lang)) }
                                " " strong.overdue { (lang.tn(Msg::DaysLate, days_late(row.due_at))) }
                            }
                            td { (row.agency.as_deref().unwrap_or(lang.m(Msg::NotRouted))) }
                            td { (row.category) }
                            td { span.status data-status=(row.status.as_str()) { (row.status.label(lang.lang)) } }
                            td.problem-excerpt { (row.site) ": " (excerpt(&row.description, 120)) }
                        }
                    }
                }
            }
        }
        nav.pager aria-label=(lang.m(Msg::Pages)) {
            @if cursor.is_some() { a href=(lang.href("/cabinet/overdue")) { (lang.m(Msg::FromTheStart)) } }
            @if let Some(href) = &next { a rel="next" href=(href) { (lang.m(Msg::Further)) } }
        }
    };
    Ok(page(
        StatusCode::OK,
        layout(lang, title, header_bar(lang, &session), content),
    ))
}
